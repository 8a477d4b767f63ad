import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {createArmClients} from '../../../source/core/azure/clients.js';
import {armScope, type CloudSettings} from '../../../source/core/azure/cloud.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {createKeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {EntraSignIn} from '../../../source/core/entra/msal-sign-in.js';
import {fetchAzureInventory, listSubscriptions} from '../../../source/core/inventory/azure-source.js';
import {ARM_AUDIENCES, startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {mountLabEntra, type LabEntra} from '../../../source/lab/entra/index.js';
import {DEMO_FABRIKAM_VAULT_NAME, DEMO_VAULT_NAME, mountLabKeyVault, type LabKeyVault} from '../../../source/lab/keyvault/index.js';
import {LAB_PASSWORD, TEST_LAB_CREDENTIALS} from '../../helpers/lab-credentials.js';
import {rawRequest} from '../arm/helpers.js';
import {CONTOSO_TENANT, DEV, FABRIKAM, FABRIKAM_TENANT} from '../arm/lab-clients.js';

/**
 * A device-code sign-in (vmux's own msal-node sign-in) reaches both tenants of its user: the lab's Entra issues a
 * token for the tenant in the authority path (`organizations` is the home tenant), and the one sign-in reads a
 * secret in each tenant's vault and lists the VMs of both tenants (issue 10, "Tenants").
 */

let arm: LabArm;
let entra: LabEntra;
let keyVault: LabKeyVault;
let cloud: CloudSettings;
let signIn: EntraSignIn;

beforeAll(async () => {
	arm = await startLabArm();
	entra = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1});
	keyVault = mountLabKeyVault(arm.server, {tokens: arm.tokens, armFaults: arm.faults, credentials: TEST_LAB_CREDENTIALS, tenantOf: id => arm.topology.tenantOf(id)});
	cloud = labCloud(arm.url, arm.ca);
	signIn = new EntraSignIn({cloud});
	const signedIn = signIn.signInWithDeviceCode(() => {});
	entra.approve((await entra.nextCode()).userCode);
	await signedIn;
}, 30_000);
afterAll(async () => {
	keyVault.close();
	entra.close();
	await arm.close();
});

const tidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {tid: string}).tid;
const form = (fields: Record<string, string>) => ({method: 'POST', ca: arm.ca, headers: {'content-type': 'application/x-www-form-urlencoded'}, body: new URLSearchParams(fields).toString()});

describe('lab Entra: the tenant of a token is the authority’s', () => {
	test('the user is a member of both tenants of the world', () => {
		expect(entra.tenants).toEqual([CONTOSO_TENANT, FABRIKAM_TENANT]);
	});

	test('one sign-in gets tokens for its home tenant and, by refresh token at the other tenant’s authority, for that one', async () => {
		const home = await signIn.getToken(armScope(cloud));
		expect(tidOf(home.token)).toBe(CONTOSO_TENANT);
		const guest = await signIn.getToken(armScope(cloud), {tenantId: FABRIKAM_TENANT});
		expect(tidOf(guest.token)).toBe(FABRIKAM_TENANT);
		expect(arm.tokens.validate(guest.token, {audiences: ARM_AUDIENCES})).toMatchObject({ok: true, claims: {tid: FABRIKAM_TENANT, upn: 'alice@contoso.com'}});
		expect(entra.requests.some(request => request.path === `/${FABRIKAM_TENANT}/oauth2/v2.0/token` && request.grantType === 'refresh_token' && request.status === 200)).toBe(true);
		// MSAL keeps one account (its home tenant) with a profile per tenant; the home token is still the cached one.
		expect(signIn.account?.tenantId).toBe(CONTOSO_TENANT);
		expect((await signIn.getToken(armScope(cloud))).token).toBe(home.token);
	});

	test('a tenant the user is not in is not found, in Entra’s words', async () => {
		const res = await rawRequest(`${arm.url}/11111111-2222-4333-8444-555555555555/oauth2/v2.0/token`, form({grant_type: 'refresh_token', client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', refresh_token: 'x'}));
		expect(res.status).toBe(400);
		expect(res.json).toMatchObject({error: 'invalid_tenant', error_codes: [90002]});
	});
});

describe('after a device-code sign-in', () => {
	test('vmux reads a secret in each tenant’s vault (the SDK follows each vault’s challenge)', async () => {
		const clients = createKeyVaultClients({cloud, credential: signIn.credential});
		try {
			expect(await clients.getSecret(keyVault.vaultUrl(DEMO_VAULT_NAME), 'dev-01-password')).toBe(LAB_PASSWORD);
			expect(await clients.getSecret(keyVault.vaultUrl(DEMO_FABRIKAM_VAULT_NAME), 'ops-01-password')).toBe(LAB_PASSWORD);
		} finally {
			clients.close();
		}
	});

	test('the Key Vault picker lists the vaults of a subscription in the other tenant (ARM with that tenant’s token)', async () => {
		const clients = createArmClients({cloud, credential: signIn.credential});
		const vaults = createKeyVaultClients(clients);
		try {
			// The subscription list says which tenant each subscription is in; the picker lists subscriptions first.
			await listSubscriptions(clients);
			expect((await vaults.listVaults(FABRIKAM)).map(vault => vault.name)).toEqual([DEMO_FABRIKAM_VAULT_NAME]);
			expect((await vaults.listVaults(DEV)).map(vault => vault.name)).toEqual([DEMO_VAULT_NAME]);
		} finally {
			vaults.close();
			clients.close();
		}
	});

	test.each(['resource-graph', 'arm'] as const)('%s: the inventory lists both tenants’ VMs, ops-01 among them', async method => {
		const clients = createArmClients({cloud, credential: signIn.credential});
		try {
			const result = await fetchAzureInventory({clients, method});
			if (!result.ok) throw new Error(result.error.message);
			expect(result.problems).toEqual([]);
			expect(result.inventory.subscriptions.map(sub => sub.name).sort()).toEqual(['Contoso Dev', 'Contoso Prod', 'Fabrikam Ops']);
			const ops = result.inventory.vms.find(vm => vm.name === 'ops-01');
			expect(ops).toMatchObject({subscriptionId: FABRIKAM, subscriptionName: 'Fabrikam Ops', powerState: 'running', bastion: {name: 'bas-fab'}});
			expect(result.inventory.vms.map(vm => vm.name)).toEqual(expect.arrayContaining(['web-01', 'app-01', 'ops-01']));
		} finally {
			clients.close();
		}
	});
});
