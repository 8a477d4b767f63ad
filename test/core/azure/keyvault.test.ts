import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {LabCredential} from '../../helpers/lab-credential.js';
import {createKeyVaultClients, KeyVaultError, listSecretNames, listVaults, type KeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {DEMO_VAULT_NAME, DEMO_VAULT_SUBSCRIPTION} from '../../../source/lab/keyvault/index.js';
import {PROD} from '../../lab/arm/lab-clients.js';
import {startLabWithKeyVault, type LabWithKeyVault} from '../../lab/keyvault/lab-keyvault.js';

async function problemOf(promise: Promise<unknown>): Promise<KeyVaultError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(KeyVaultError);
	return error as KeyVaultError;
}

describe('Key Vault listing against the lab', () => {
	let env: LabWithKeyVault;
	let clients: KeyVaultClients;
	let demoVaultUrl: string;
	beforeAll(async () => {
		env = await startLabWithKeyVault();
		clients = createKeyVaultClients({cloud: env.cloud, credential: env.credential});
		demoVaultUrl = env.keyVault.vaultUrl(DEMO_VAULT_NAME);
	});
	afterAll(async () => {
		clients.close();
		await env.close();
	});

	test('listVaults lists the demo vault with its vaultUri as ARM lists it, no port (arm-keyvault over the lab ARM)', async () => {
		const vaults = await listVaults({cloud: env.cloud, credential: env.credential}, DEMO_VAULT_SUBSCRIPTION);
		expect(vaults).toEqual([{name: DEMO_VAULT_NAME, vaultUrl: `https://${DEMO_VAULT_NAME}.vault.localhost`, resourceGroup: 'rg-security', location: 'westeurope', subscriptionId: DEMO_VAULT_SUBSCRIPTION}]);
		expect(await clients.listVaults(PROD)).toEqual([]);
	});

	test('listSecretNames lists names (no values) with the real SecretClient, challenge flow included', async () => {
		const before = env.keyVault.requests.length;
		const secrets = await listSecretNames(env.cloud, env.credential, `${demoVaultUrl}/`);
		expect(secrets.map(secret => secret.name)).toEqual(['db-01-key', 'dev-01-password', 'web-01-key']);
		expect(secrets.find(secret => secret.name === 'web-01-key')).toMatchObject({enabled: true, contentType: 'application/x-openssh-private-key'});
		expect(JSON.stringify(secrets)).not.toContain('PRIVATE KEY');
		expect(env.keyVault.requests.slice(before).map(request => [request.authorized, request.status])).toEqual([
			[false, 401],
			[true, 200],
		]);
		// The challenge names the lab cloud's Key Vault audience, and the SDK's check that the vault is under it stays on.
		expect(env.scopes).toContain('https://vault.localhost/.default');
	});

	test("the SDK's challenge check stays on for the lab, as for any cloud: a challenge naming another domain is refused", async () => {
		const fresh = createKeyVaultClients({cloud: env.cloud, credential: env.credential});
		const before = env.keyVault.requests.length;
		env.keyVault.config.resource = 'https://vault.azure.net';
		try {
			await expect(fresh.listSecretNames(demoVaultUrl)).rejects.toThrow(/challenge resource|does not match/i);
			// Refused after the challenge: no token was sent to a vault the challenge does not cover.
			expect(env.keyVault.requests.slice(before).map(request => request.authorized)).toEqual([false]);
		} finally {
			env.keyVault.config.resource = 'https://vault.localhost';
		}
	});

	test('every page is followed', async () => {
		env.keyVault.config.pageSize = 1;
		try {
			expect((await clients.listSecretNames(demoVaultUrl)).map(secret => secret.name)).toEqual(['db-01-key', 'dev-01-password', 'web-01-key']);
		} finally {
			env.keyVault.config.pageSize = 25;
		}
	});

	test('an RBAC 403 names the Key Vault Secrets User role and the refused action', async () => {
		const lift = env.keyVault.forbid({vault: DEMO_VAULT_NAME, operation: 'list'});
		try {
			const {problem} = await problemOf(clients.listSecretNames(demoVaultUrl));
			expect(problem).toMatchObject({kind: 'forbidden', status: 403, role: 'Key Vault Secrets User', action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'});
			expect(problem.message).toBe(
				`You need the Key Vault Secrets User role on key vault '${DEMO_VAULT_NAME}' to list its secrets: Azure refused 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'. Ask an owner of the vault to assign it (or type the secret name by hand).`,
			);
		} finally {
			lift();
		}
	});

	test('an access-policy 403 names the List secret permission', async () => {
		env.keyVault.addVault({name: 'kv-legacy', subscriptionId: DEMO_VAULT_SUBSCRIPTION, resourceGroup: 'rg-old', permissionModel: 'access-policy', secrets: {x: 'y'}});
		const lift = env.keyVault.forbid({vault: 'kv-legacy'});
		try {
			const {problem} = await problemOf(clients.listSecretNames(env.keyVault.vaultUrl('kv-legacy')));
			expect(problem).toMatchObject({kind: 'forbidden', status: 403, code: 'AccessDenied'});
			expect(problem.message).toMatch(/^Key vault 'kv-legacy' uses access policies, and yours lacks the List secret permission\./);
		} finally {
			lift();
			env.keyVault.vaults.delete('kv-legacy');
		}
	});

	test('a missing Reader role on the subscription says so for the vault list', async () => {
		const lift = env.arm.faults.deny({type: 'Microsoft.KeyVault/vaults', scope: `/subscriptions/${DEMO_VAULT_SUBSCRIPTION}`});
		try {
			const {problem} = await problemOf(clients.listVaults(DEMO_VAULT_SUBSCRIPTION));
			expect(problem).toMatchObject({kind: 'forbidden', status: 403, role: 'Reader', action: 'Microsoft.KeyVault/vaults/read'});
			expect(problem.message).toMatch(/^You need the Reader role on subscription .* to list its key vaults/);
		} finally {
			lift();
		}
	});

	test('a token the vault refuses is a sign-in problem, not a permission one', async () => {
		// A credential that hands out ARM tokens whatever Key Vault asks for.
		const wrong = new LabCredential(() => env.arm.issueToken());
		const {problem} = await problemOf(listSecretNames(env.cloud, wrong, demoVaultUrl));
		expect(problem.kind).toBe('unauthenticated');
	});

});
