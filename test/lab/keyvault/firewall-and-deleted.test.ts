import {readFileSync} from 'node:fs';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {createKeyVaultClients, KeyVaultError, type KeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {DEMO_VAULT_NAME} from '../../../source/lab/keyvault/index.js';
import {rawRequest} from '../arm/helpers.js';
import {startLabWithKeyVault, type LabWithKeyVault} from './lab-keyvault.js';

/**
 * Issue 10, Key Vault: a firewalled vault's 403 ForbiddenByFirewall is about the vault's network rules (not a
 * role), and a soft-deleted secret's 404 says it can be recovered. The lab models both; vmux's sentences follow.
 */

const deletedExample = JSON.parse(readFileSync(new URL('../../fixtures/keyvault/GetDeletedSecret-example.json', import.meta.url), 'utf8')) as {
	responses: {200: {body: Record<string, unknown>}};
};

let env: LabWithKeyVault;
let clients: KeyVaultClients;
let vaultUrl: string;
const host = `${DEMO_VAULT_NAME}.vault.localhost`;
beforeAll(async () => {
	env = await startLabWithKeyVault();
	clients = createKeyVaultClients({cloud: env.cloud, credential: env.credential});
	vaultUrl = env.keyVault.vaultUrl(DEMO_VAULT_NAME);
});
afterAll(async () => {
	clients.close();
	await env.close();
});
afterEach(() => env.keyVault.clearFaults());

const raw = (path: string) =>
	rawRequest(`${env.arm.url}${path}`, {ca: env.arm.ca, host, headers: {authorization: `Bearer ${env.arm.tokens.issueForScopes('https://vault.localhost/.default').token}`}});

async function problemOf(promise: Promise<unknown>) {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(KeyVaultError);
	return (error as KeyVaultError).problem;
}

describe('lab Key Vault: firewall and soft-deleted secrets', () => {
	test('a firewalled vault answers 403 ForbiddenByFirewall naming the client address, after authentication', async () => {
		env.keyVault.firewall({vault: DEMO_VAULT_NAME});
		const unauthenticated = await rawRequest(`${env.arm.url}/secrets?api-version=7.4`, {ca: env.arm.ca, host});
		expect(unauthenticated.status).toBe(401);
		const res = await raw('/secrets/web-01-key?api-version=7.4');
		expect(res.status).toBe(403);
		const error = (res.json as {error: {code: string; message: string; innererror: {code: string}}}).error;
		expect(error.code).toBe('Forbidden');
		expect(error.innererror).toEqual({code: 'ForbiddenByFirewall'});
		expect(error.message).toMatch(/^Client address is not authorized and caller is not a trusted service\.\r\nClient address: 127\.0\.0\.1\r\nCaller: appid=/);
	});

	test('a soft-deleted secret: GET is 404 SecretNotFound, GET /deletedsecrets has the GetDeletedSecret example’s shape', async () => {
		env.keyVault.addVault({name: 'kv-deleted', subscriptionId: 'sub', resourceGroup: 'rg', secrets: {gone: 'value'}});
		expect(env.keyVault.deleteSecret('kv-deleted', 'gone')).toBe(true);
		const deletedHost = 'kv-deleted.vault.localhost';
		const token = env.arm.tokens.issueForScopes('https://vault.localhost/.default').token;
		const get = (path: string) => rawRequest(`${env.arm.url}${path}`, {ca: env.arm.ca, host: deletedHost, headers: {authorization: `Bearer ${token}`}});
		const secret = await get('/secrets/gone?api-version=7.4');
		expect(secret.status).toBe(404);
		expect((secret.json as {error: {code: string; message: string}}).error).toMatchObject({code: 'SecretNotFound', message: expect.stringContaining('If you recently deleted this secret you may be able to recover it')});
		const deleted = await get('/deletedsecrets/gone?api-version=7.4');
		expect(deleted.status).toBe(200);
		const body = deleted.json as Record<string, unknown>;
		expect(Object.keys(body).sort()).toEqual(Object.keys(deletedExample.responses[200].body).sort());
		expect(body.recoveryId).toMatch(/^https:\/\/kv-deleted\.vault\.localhost:\d+\/deletedsecrets\/gone$/);
		expect(body.scheduledPurgeDate).toBeGreaterThan(body.deletedDate as number);
		expect((await get('/deletedsecrets/never?api-version=7.4')).status).toBe(404);
		env.keyVault.vaults.delete('kv-deleted');
	});
});

describe('vmux’s sentences for them', () => {
	test('firewall: names the vault’s network rules, the address and the fix — not the Secrets User role', async () => {
		env.keyVault.firewall({vault: DEMO_VAULT_NAME});
		const problem = await problemOf(clients.getSecret(vaultUrl, 'web-01-key'));
		expect(problem).toMatchObject({kind: 'forbidden', status: 403, code: 'ForbiddenByFirewall'});
		expect(problem.role).toBeUndefined();
		expect(problem.message).toBe(
			`Key vault '${DEMO_VAULT_NAME}' refused the request from address 127.0.0.1: its firewall (network rules) does not allow that address, so this is not about your role. Ask an owner of the vault to allow it (az keyvault network-rule add --name ${DEMO_VAULT_NAME} --ip-address 127.0.0.1, or the vault's Networking page in the portal), or connect from a network the vault allows.`,
		);
		const listing = await problemOf(clients.listSecretNames(vaultUrl));
		expect(listing.code).toBe('ForbiddenByFirewall');
		expect(listing.message).not.toMatch(/Secrets User/);
	});

	test('a soft-deleted secret says it can be recovered, with the command and the purge date', async () => {
		env.keyVault.addVault({name: 'kv-deleted', subscriptionId: 'sub', resourceGroup: 'rg', secrets: {'old-key': 'value'}});
		env.keyVault.deleteSecret('kv-deleted', 'old-key');
		const purge = new Date(env.keyVault.vaults.get('kv-deleted')!.deleted.get('old-key')!.scheduledPurgeDate * 1000).toISOString().slice(0, 10);
		const problem = await problemOf(clients.getSecret(env.keyVault.vaultUrl('kv-deleted'), 'old-key'));
		expect(problem).toMatchObject({kind: 'not-found', status: 404, code: 'SecretNotFound'});
		expect(problem.message).toBe(
			`The secret 'old-key' in key vault 'kv-deleted' was deleted and can be recovered until ${purge}: az keyvault secret recover --vault-name kv-deleted --name old-key (an owner of the vault, or someone with the Key Vault Secrets Officer role, can run it), then connect again.`,
		);
		env.keyVault.vaults.delete('kv-deleted');
	});

	test('when the deleted secret cannot be looked at, the not-found sentence still names the recovery command', async () => {
		env.keyVault.addVault({name: 'kv-deleted', subscriptionId: 'sub', resourceGroup: 'rg', secrets: {'old-key': 'value'}});
		env.keyVault.deleteSecret('kv-deleted', 'old-key');
		env.keyVault.forbid({vault: 'kv-deleted', operation: 'get-deleted'});
		const problem = await problemOf(clients.getSecret(env.keyVault.vaultUrl('kv-deleted'), 'old-key'));
		expect(problem.message).toBe(
			"Key vault 'kv-deleted' has no secret named 'old-key'. Check the name, or pick it from the list. If it was deleted recently, it can be recovered: az keyvault secret recover --vault-name kv-deleted --name old-key.",
		);
		env.keyVault.vaults.delete('kv-deleted');
	});
});
