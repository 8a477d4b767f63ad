import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {createKeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import {DEMO_FABRIKAM_VAULT_NAME, DEMO_VAULT_NAME} from '../../../source/lab/keyvault/index.js';
import {LAB_PASSWORD} from '../../helpers/lab-credentials.js';
import {rawRequest} from '../arm/helpers.js';
import {CONTOSO_TENANT, FABRIKAM_TENANT} from '../arm/lab-clients.js';
import {startLabWithKeyVault, type LabWithKeyVault} from './lab-keyvault.js';

/**
 * Key Vault in a world of two tenants (contracts §5): a vault's 401 challenge names the vault's own tenant, and a
 * token of another tenant is refused with Key Vault's 401 — so a credential that does not follow the challenge's
 * tenant cannot read a vault in another tenant of the same user.
 */

let env: LabWithKeyVault;
beforeAll(async () => {
	env = await startLabWithKeyVault();
});
afterAll(async () => {
	await env.close();
});

const host = (vault: string) => `${vault}.vault.localhost`;
const raw = (vault: string, path: string, headers: Record<string, string> = {}) => rawRequest(`${env.arm.url}${path}`, {ca: env.arm.ca, host: host(vault), headers});
const vaultToken = (tenantId?: string) => env.arm.tokens.issueForScopes('https://vault.localhost/.default', undefined, tenantId).token;

describe('lab Key Vault with two tenants', () => {
	test('each vault’s challenge names its own tenant', async () => {
		const contoso = await raw(DEMO_VAULT_NAME, '/secrets?api-version=7.4');
		expect(contoso.status).toBe(401);
		expect(contoso.headers['www-authenticate']).toBe(`Bearer authorization="https://login.microsoftonline.com/${CONTOSO_TENANT}", resource="https://vault.localhost"`);
		const fabrikam = await raw(DEMO_FABRIKAM_VAULT_NAME, '/secrets?api-version=7.4');
		expect(fabrikam.status).toBe(401);
		expect(fabrikam.headers['www-authenticate']).toBe(`Bearer authorization="https://login.microsoftonline.com/${FABRIKAM_TENANT}", resource="https://vault.localhost"`);
	});

	test('a token of another tenant is refused with Key Vault’s 401 (AKV10032) and the challenge again', async () => {
		const refused = await raw(DEMO_FABRIKAM_VAULT_NAME, '/secrets/ops-01-password?api-version=7.4', {authorization: `Bearer ${vaultToken()}`});
		expect(refused.status).toBe(401);
		expect(refused.json).toEqual({
			error: {
				code: 'Unauthorized',
				message: `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${FABRIKAM_TENANT}/, found https://sts.windows.net/${CONTOSO_TENANT}/.`,
			},
		});
		expect(refused.headers['www-authenticate']).toContain(`login.microsoftonline.com/${FABRIKAM_TENANT}"`);
		const back = await raw(DEMO_VAULT_NAME, '/secrets/dev-01-password?api-version=7.4', {authorization: `Bearer ${vaultToken(FABRIKAM_TENANT)}`});
		expect(back.status).toBe(401);
		expect((back.json as {error: {message: string}}).error.message).toMatch(/^AKV10032: Invalid issuer/);
		const ok = await raw(DEMO_FABRIKAM_VAULT_NAME, '/secrets/ops-01-password?api-version=7.4', {authorization: `Bearer ${vaultToken(FABRIKAM_TENANT)}`});
		expect(ok.status).toBe(200);
		expect((ok.json as {value: string}).value).toBe(LAB_PASSWORD);
	});

	test('the Key Vault SDK follows each challenge’s tenant: vmux reads a secret in each tenant’s vault', async () => {
		const clients = createKeyVaultClients({cloud: env.cloud, credential: env.credential});
		try {
			const before = env.tenants.length;
			expect(await clients.getSecret(env.keyVault.vaultUrl(DEMO_VAULT_NAME), 'dev-01-password')).toBe(LAB_PASSWORD);
			expect(await clients.getSecret(env.keyVault.vaultUrl(DEMO_FABRIKAM_VAULT_NAME), 'ops-01-password')).toBe(LAB_PASSWORD);
			expect(env.tenants.slice(before)).toEqual([CONTOSO_TENANT, FABRIKAM_TENANT]);
		} finally {
			clients.close();
		}
	});

	test('a credential that ignores the challenge’s tenant fails on the other tenant’s vault, with a sentence', async () => {
		// Always the home tenant's token, as DeviceCodeCredential({tenantId: 'organizations'}) without additionallyAllowedTenants behaves at best.
		const homeOnly = new LabCredential(scopes => env.arm.tokens.issueForScopes(scopes));
		const clients = createKeyVaultClients({cloud: env.cloud, credential: homeOnly});
		try {
			expect(await clients.getSecret(env.keyVault.vaultUrl(DEMO_VAULT_NAME), 'dev-01-password')).toBe(LAB_PASSWORD);
			const error = await clients.getSecret(env.keyVault.vaultUrl(DEMO_FABRIKAM_VAULT_NAME), 'ops-01-password').then(
				() => undefined,
				(caught: unknown) => caught as Error & {problem?: {kind: string}},
			);
			expect(error?.problem?.kind).toBe('unauthenticated');
			expect(error?.message).toContain('AKV10032');
			expect(error?.message).not.toMatch(/^\s+at /m);
		} finally {
			clients.close();
		}
	});
});
