import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {createArmClients} from '../../../source/core/azure/clients.js';
import type {CloudSettings} from '../../../source/core/azure/cloud.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {createAzureCredential, signInChain} from '../../../source/core/azure/credentials.js';
import {describeAzureError} from '../../../source/core/azure/errors.js';
import {createKeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {fetchAzureInventory} from '../../../source/core/inventory/azure-source.js';
import type {LabArm} from '../../../source/lab/arm/index.js';
import {DEMO_FABRIKAM_VAULT_NAME, DEMO_VAULT_NAME, type LabKeyVault} from '../../../source/lab/keyvault/index.js';
import {readFakeAzLog} from '../../helpers/fake-az.js';
import {startLabSignedInWithAz, type LabSignedInWithAz} from '../../helpers/lab-signed-in-az.js';
import {LAB_PASSWORD} from '../../helpers/lab-credentials.js';
import {CONTOSO_TENANT, FABRIKAM_TENANT} from '../../lab/arm/lab-clients.js';

/**
 * The sign-in chain (@azure/identity credentials) in a world of two tenants: every credential may ask for any tenant
 * the user can reach (`additionallyAllowedTenants: ['*']`), so the inventory lists both tenants and Key Vault's
 * challenge for another tenant is followed; `--tenant` narrows the sign-in to that tenant, and a request for
 * another tenant gets a sentence instead. The Azure CLI is the stand-in `az` (test/fixtures/az), signed in to the
 * lab's Entra with a refresh token, as `az login` leaves it.
 */

let arm: LabArm;
let keyVault: LabKeyVault;
let cloud: CloudSettings;
let scratch: string;
let log: string;

let lab: LabSignedInWithAz;

beforeAll(async () => {
	lab = await startLabSignedInWithAz('vmux-chain-tenants-');
	({arm, keyVault, scratch, log} = lab);
	cloud = labCloud(arm.url, arm.ca);
}, 30_000);
afterAll(() => lab?.close());

describe('the sign-in chain across tenants', () => {
	test('through the Azure CLI, the inventory lists both tenants’ VMs: az is asked for each tenant’s token', async () => {
		const clients = createArmClients({cloud, credential: createAzureCredential({cloud})});
		try {
			const result = await fetchAzureInventory({clients});
			if (!result.ok) throw new Error(result.error.message);
			expect(result.problems).toEqual([]);
			expect(result.inventory.vms.map(vm => vm.name)).toEqual(expect.arrayContaining(['web-01', 'app-01', 'ops-01']));
			const tenantsAsked = readFakeAzLog(log)
				.filter(run => run.command === 'account get-access-token')
				.map(run => run.tenant);
			expect(tenantsAsked).toEqual(expect.arrayContaining([CONTOSO_TENANT, FABRIKAM_TENANT]));
		} finally {
			clients.close();
		}
	}, 60_000);

	test('through the Azure CLI, a secret is read in each tenant’s vault', async () => {
		const vaults = createKeyVaultClients({cloud, credential: createAzureCredential({cloud})});
		try {
			expect(await vaults.getSecret(keyVault.vaultUrl(DEMO_VAULT_NAME), 'dev-01-password')).toBe(LAB_PASSWORD);
			expect(await vaults.getSecret(keyVault.vaultUrl(DEMO_FABRIKAM_VAULT_NAME), 'ops-01-password')).toBe(LAB_PASSWORD);
		} finally {
			vaults.close();
		}
	}, 60_000);

	test('--tenant narrows the sign-in: that tenant only, and another tenant’s vault gets a sentence naming --tenant', async () => {
		const credential = createAzureCredential({cloud, tenantId: CONTOSO_TENANT});
		const vaults = createKeyVaultClients({cloud, credential});
		try {
			expect(await vaults.getSecret(keyVault.vaultUrl(DEMO_VAULT_NAME), 'dev-01-password')).toBe(LAB_PASSWORD);
			const error = await vaults.getSecret(keyVault.vaultUrl(DEMO_FABRIKAM_VAULT_NAME), 'ops-01-password').then(
				() => undefined,
				(caught: unknown) => caught as Error,
			);
			expect(error?.message).toBe(
				`vmux is signed in to one tenant only (--tenant, or tenantId in the cloud setting), and reading secret 'ops-01-password' from key vault 'kv-fabrikam-demo' needs a token for tenant ${FABRIKAM_TENANT}. Start vmux without --tenant to reach every tenant you belong to, or with --tenant ${FABRIKAM_TENANT}.`,
			);
		} finally {
			vaults.close();
		}
		// The chain's error, whatever the caller was doing, says the same.
		const refused = await credential.getToken('https://management.azure.com/.default', {tenantId: FABRIKAM_TENANT}).catch((caught: unknown) => caught);
		expect(describeAzureError(refused)).toMatchObject({kind: 'sign-in', code: 'TenantNotAllowed'});
	}, 60_000);

	test('a service principal (environment) and workload identity may ask any tenant, unless --tenant narrows them', async () => {
		const saved = {...process.env};
		Object.assign(process.env, {AZURE_TENANT_ID: CONTOSO_TENANT, AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555', AZURE_CLIENT_SECRET: 'not-a-real-secret'});
		const tokenFile = join(scratch, 'federated-token');
		writeFileSync(tokenFile, 'eyJ.not.used');
		process.env.AZURE_FEDERATED_TOKEN_FILE = tokenFile;
		try {
			const attempt = async (tenantId: string | undefined, name: 'EnvironmentCredential' | 'WorkloadIdentityCredential') => {
				// Nothing listens at this authority: past the tenant check, the credential fails at once on the network.
				const entry = signInChain({cloud: {...cloud, authorityHost: 'https://127.0.0.1:9'}, ...(tenantId ? {tenantId} : {})}).find(candidate => candidate.name === name)!;
				const error = await entry.credential.getToken('https://management.azure.com/.default', {tenantId: FABRIKAM_TENANT}).then(
					() => undefined,
					(caught: unknown) => caught as Error,
				);
				return String(error?.message);
			};
			for (const name of ['EnvironmentCredential', 'WorkloadIdentityCredential'] as const) {
				// Allowed: it goes on to find the tenant's authority (msal's endpoint discovery), which nothing answers.
				const allowed = await attempt(undefined, name);
				expect(allowed, name).not.toMatch(/not configured to acquire tokens for tenant/);
				expect(allowed, name).toMatch(/endpoints_resolution_error/);
				expect(await attempt(CONTOSO_TENANT, name), name).toMatch(new RegExp(`not configured to acquire tokens for tenant ${FABRIKAM_TENANT}`));
			}
		} finally {
			process.env = saved;
		}
		// Each allowed attempt waits for msal's retries against the closed authority (about 5 s).
	}, 60_000);
});
