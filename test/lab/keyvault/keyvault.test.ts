import {readFileSync} from 'node:fs';
import {Agent} from 'node:https';
import {SecretClient} from '@azure/keyvault-secrets';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {DEMO_VAULT_NAME, DEMO_VAULT_SUBSCRIPTION} from '../../../source/lab/keyvault/index.js';
import {readLabUserKey} from '../../helpers/lab-credentials.js';
import {rawRequest} from '../arm/helpers.js';
import {startLabWithKeyVault, type LabWithKeyVault} from './lab-keyvault.js';

const EXAMPLES = '/work/shared/azure-examples';
const example = (path: string) => JSON.parse(readFileSync(`${EXAMPLES}/${path}`, 'utf8')) as {responses: Record<string, {body: Record<string, unknown>}>};

describe('lab Key Vault', () => {
	let env: LabWithKeyVault;
	let vaultUrl: string;
	const host = `${DEMO_VAULT_NAME}.vault.localhost`;
	beforeAll(async () => {
		env = await startLabWithKeyVault();
		vaultUrl = env.keyVault.vaultUrl(DEMO_VAULT_NAME);
	});
	afterAll(async () => {
		await env.close();
	});
	const raw = (path: string, headers: Record<string, string> = {}) => rawRequest(`${env.arm.url}${path}`, {ca: env.arm.ca, host, headers});
	const vaultToken = () => env.arm.tokens.issueForScopes('https://vault.localhost/.default').token;

	test('an unauthenticated request gets the 401 challenge the SDK reads (contract §5)', async () => {
		const res = await raw('/secrets?api-version=7.4');
		expect(res.status).toBe(401);
		expect(res.headers['www-authenticate']).toBe(`Bearer authorization="https://login.microsoftonline.com/${env.arm.tokens.tenantId}", resource="https://vault.localhost"`);
		expect(res.json).toMatchObject({error: {code: 'Unauthorized'}});
	});

	test('an ARM token is refused: Key Vault takes only its own audience', async () => {
		const res = await raw('/secrets?api-version=7.4', {authorization: `Bearer ${env.arm.issueToken().token}`});
		expect(res.status).toBe(401);
		expect((res.json as {error: {message: string}}).error.message).toMatch(/AKV10022: Invalid audience/);
	});

	test('the list has the shape of the GetSecrets example: ids, attributes, no values', async () => {
		const res = await raw('/secrets?api-version=7.4', {authorization: `Bearer ${vaultToken()}`});
		expect(res.status).toBe(200);
		const body = res.json as {value: Array<Record<string, unknown>>; nextLink: unknown};
		const sample = example('keyvault-data/GetSecrets-example.json').responses['200']!.body as {value: Array<Record<string, unknown>>};
		for (const item of body.value) {
			expect(Object.keys(item).sort()).toEqual(expect.arrayContaining(Object.keys(sample.value[0]!).filter(key => key !== 'contentType').sort()));
			expect(item).not.toHaveProperty('value');
			expect(Object.keys(item.attributes as object)).toEqual(expect.arrayContaining(Object.keys(sample.value[0]!.attributes as object)));
		}
		expect(body.value.map(item => item.id)).toEqual(['db-01-key', 'dev-01-password', 'web-01-key'].map(name => `https://${host}:${env.arm.server.port}/secrets/${name}`));
		expect(body.nextLink).toBeNull();
	});

	test('paging follows nextLink with $skiptoken', async () => {
		const first = await raw('/secrets?api-version=7.4&maxresults=2', {authorization: `Bearer ${vaultToken()}`});
		const page = first.json as {value: Array<{id: string}>; nextLink: string};
		expect(page.value).toHaveLength(2);
		const next = new URL(page.nextLink);
		expect(next.hostname).toBe(host);
		const second = await raw(`${next.pathname}${next.search}`, {authorization: `Bearer ${vaultToken()}`});
		expect((second.json as {value: Array<{id: string}>; nextLink: unknown}).value.map(item => item.id.split('/').at(-1))).toEqual(['web-01-key']);
	});

	test('get returns the value, the GetSecret example’s fields, and 404 SecretNotFound for a missing name', async () => {
		const res = await raw('/secrets/web-01-key?api-version=7.4', {authorization: `Bearer ${vaultToken()}`});
		const sample = example('keyvault-data/GetSecret-example.json').responses['200']!.body;
		expect(Object.keys(res.json as object)).toEqual(expect.arrayContaining(Object.keys(sample).filter(key => key !== 'contentType')));
		expect((res.json as {value: string}).value).toBe(readLabUserKey('demo_ed25519').toString('utf8'));
		const missing = await raw('/secrets/nope?api-version=7.4', {authorization: `Bearer ${vaultToken()}`});
		expect(missing.status).toBe(404);
		expect(missing.json).toMatchObject({error: {code: 'SecretNotFound'}});
	});

	test('the forbid fault answers 403 with innererror, in the RBAC or access-policy wording', async () => {
		const lift = env.keyVault.forbid({operation: 'list'});
		try {
			const rbac = await raw('/secrets?api-version=7.4', {authorization: `Bearer ${vaultToken()}`});
			expect(rbac.status).toBe(403);
			expect(rbac.json).toMatchObject({error: {code: 'Forbidden', innererror: {code: 'ForbiddenByRbac'}}});
			expect((rbac.json as {error: {message: string}}).error.message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'");
			env.keyVault.addVault({name: 'kv-legacy', subscriptionId: DEMO_VAULT_SUBSCRIPTION, resourceGroup: 'rg-old', permissionModel: 'access-policy', secrets: {a: 'b'}});
			const policy = await rawRequest(`${env.arm.url}/secrets?api-version=7.4`, {ca: env.arm.ca, host: 'kv-legacy.vault.localhost', headers: {authorization: `Bearer ${vaultToken()}`}});
			expect(policy.json).toMatchObject({error: {code: 'Forbidden', innererror: {code: 'AccessDenied'}}});
			expect((policy.json as {error: {message: string}}).error.message).toMatch(/does not have secrets list permission on key vault 'kv-legacy;location=westeurope'/);
			// Get is still allowed: the rule named only list.
			expect((await raw('/secrets/db-01-key?api-version=7.4', {authorization: `Bearer ${vaultToken()}`})).status).toBe(200);
		} finally {
			lift();
			env.keyVault.vaults.delete('kv-legacy');
		}
	});

	test('the vault list is served beside ARM, shaped like the listVaultBySubscription example', async () => {
		const res = await rawRequest(`${env.arm.url}/subscriptions/${DEMO_VAULT_SUBSCRIPTION}/providers/Microsoft.KeyVault/vaults?api-version=2026-02-01`, {
			ca: env.arm.ca,
			headers: {authorization: `Bearer ${env.arm.issueToken().token}`},
		});
		expect(res.status).toBe(200);
		const sample = example('keyvault-mgmt/listVaultBySubscription.json').responses['200']!.body as {value: Array<Record<string, unknown>>};
		const vault = (res.json as {value: Array<Record<string, unknown>>}).value[0]!;
		expect(Object.keys(vault)).toEqual(expect.arrayContaining(Object.keys(sample.value[0]!).filter(key => key !== 'systemData')));
		expect(vault).toMatchObject({name: DEMO_VAULT_NAME, type: 'Microsoft.KeyVault/vaults', properties: {vaultUri: `https://${DEMO_VAULT_NAME}.vault.localhost/`}});
		// ARM's own routes are untouched.
		const subs = await rawRequest(`${env.arm.url}/subscriptions?api-version=2022-12-01`, {ca: env.arm.ca, headers: {authorization: `Bearer ${env.arm.issueToken().token}`}});
		expect(subs.status).toBe(200);
	});

	test('the real SecretClient lists the demo vault through the challenge flow', async () => {
		const client = new SecretClient(vaultUrl, env.credential, {
			disableChallengeResourceVerification: true,
			agent: new Agent({ca: env.arm.ca, lookup: (_host, options, callback) => (options.all ? callback(null, [{address: '127.0.0.1', family: 4}]) : (callback as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4))}),
		});
		const before = env.keyVault.requests.length;
		const names: string[] = [];
		for await (const properties of client.listPropertiesOfSecrets()) names.push(properties.name);
		expect(names.sort()).toEqual(['db-01-key', 'dev-01-password', 'web-01-key']);
		const seen = env.keyVault.requests.slice(before);
		expect(seen[0]).toMatchObject({authorized: false, status: 401});
		expect(seen[1]).toMatchObject({authorized: true, status: 200});
		expect(env.scopes).toContain('https://vault.localhost/.default');
		const secret = await client.getSecret('dev-01-password');
		expect(secret.value).toBe('Demo-Passw0rd!');
	});
});
