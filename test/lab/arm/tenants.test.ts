import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {mountLabKeyVault, type LabKeyVault} from '../../../source/lab/keyvault/index.js';
import {TEST_LAB_CREDENTIALS} from '../../helpers/lab-credentials.js';
import {rawRequest} from './helpers.js';
import {CONTOSO_TENANT, DEV, FABRIKAM, FABRIKAM_TENANT, PROD} from './lab-clients.js';

/**
 * The lab's ARM in a world of two tenants (contracts §1, §3): a token is for one tenant (`tid`), ARM lists the
 * tenants the user belongs to and the subscriptions of the token's tenant only, and refuses a token of another
 * tenant than the subscription's with Azure's 401 (InvalidAuthenticationTokenTenant and its challenge).
 */

let arm: LabArm;
let keyVault: LabKeyVault;
beforeAll(async () => {
	arm = await startLabArm();
	keyVault = mountLabKeyVault(arm.server, {tokens: arm.tokens, armFaults: arm.faults, credentials: TEST_LAB_CREDENTIALS, tenantOf: id => arm.topology.tenantOf(id)});
});
afterAll(async () => {
	keyVault.close();
	await arm.close();
});

const get = (path: string, token: string) => rawRequest(`${arm.url}${path}`, {ca: arm.ca, headers: {authorization: `Bearer ${token}`}});
const post = (path: string, token: string, body: unknown) =>
	rawRequest(`${arm.url}${path}`, {method: 'POST', ca: arm.ca, headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'}, body: JSON.stringify(body)});
const contoso = () => arm.issueToken().token;
const fabrikam = () => arm.issueToken(undefined, FABRIKAM_TENANT).token;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {tid: string; iss: string};

describe('lab ARM with two tenants', () => {
	test('the demo world has two tenants, and a token names its tenant in tid and iss', () => {
		expect(arm.topology.tenants.map(tenant => [tenant.tenantId, tenant.displayName])).toEqual([
			[CONTOSO_TENANT, 'Contoso'],
			[FABRIKAM_TENANT, 'Fabrikam'],
		]);
		expect(arm.topology.tenantOf(FABRIKAM)).toBe(FABRIKAM_TENANT);
		expect(arm.tokens.tenants).toEqual([CONTOSO_TENANT, FABRIKAM_TENANT]);
		expect(claimsOf(contoso())).toMatchObject({tid: CONTOSO_TENANT, iss: `https://sts.windows.net/${CONTOSO_TENANT}/`});
		expect(claimsOf(fabrikam())).toMatchObject({tid: FABRIKAM_TENANT, iss: `https://sts.windows.net/${FABRIKAM_TENANT}/`});
	});

	test('GET /tenants lists every tenant the user belongs to, with any of their tokens', async () => {
		for (const token of [contoso(), fabrikam()]) {
			const res = await get('/tenants?api-version=2022-12-01', token);
			expect(res.status).toBe(200);
			const body = res.json as {value: Array<Record<string, unknown>>};
			expect(body.value).toEqual([
				expect.objectContaining({id: `/tenants/${CONTOSO_TENANT}`, tenantId: CONTOSO_TENANT, displayName: 'Contoso', defaultDomain: 'contoso.com', tenantCategory: 'Home'}),
				expect.objectContaining({id: `/tenants/${FABRIKAM_TENANT}`, tenantId: FABRIKAM_TENANT, displayName: 'Fabrikam', defaultDomain: 'fabrikam.com', tenantCategory: 'Home'}),
			]);
		}
	});

	test('GET /subscriptions lists the token tenant’s subscriptions only, each with its tenantId', async () => {
		const home = await get('/subscriptions?api-version=2022-12-01', contoso());
		expect((home.json as {value: Array<{subscriptionId: string; tenantId: string}>}).value.map(sub => [sub.subscriptionId, sub.tenantId])).toEqual([
			[DEV, CONTOSO_TENANT],
			[PROD, CONTOSO_TENANT],
		]);
		const guest = await get('/subscriptions?api-version=2022-12-01', fabrikam());
		expect((guest.json as {value: Array<{subscriptionId: string; displayName: string; tenantId: string}>}).value).toEqual([
			expect.objectContaining({subscriptionId: FABRIKAM, displayName: 'Fabrikam Ops', tenantId: FABRIKAM_TENANT}),
		]);
	});

	test('a token of another tenant than the subscription’s gets 401 InvalidAuthenticationTokenTenant naming the right one', async () => {
		const res = await get(`/subscriptions/${FABRIKAM}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`, contoso());
		expect(res.status).toBe(401);
		expect(res.headers['www-authenticate']).toBe(
			`Bearer authorization_uri="https://login.windows.net/${FABRIKAM_TENANT}", error="invalid_token", error_description="The access token is from the wrong issuer."`,
		);
		const error = (res.json as {error: {code: string; message: string}}).error;
		expect(error.code).toBe('InvalidAuthenticationTokenTenant');
		expect(error.message).toMatch(
			new RegExp(
				`^The access token is from the wrong issuer 'https://sts\\.windows\\.net/${CONTOSO_TENANT}/'\\. It must match the tenant 'https://sts\\.windows\\.net/${FABRIKAM_TENANT}/' associated with this subscription\\. Please use the authority \\(URL\\) 'https://login\\.windows\\.net/${FABRIKAM_TENANT}' to get the token\\.`,
			),
		);
		// The other way round too, on a single resource.
		const back = await get(`/subscriptions/${DEV}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01?api-version=2024-07-01`, fabrikam());
		expect(back.status).toBe(401);
		expect((back.json as {error: {code: string}}).error.code).toBe('InvalidAuthenticationTokenTenant');
		expect(back.headers['www-authenticate']).toContain(`authorization_uri="https://login.windows.net/${CONTOSO_TENANT}"`);
		// The right tenant's token is served.
		const ok = await get(`/subscriptions/${FABRIKAM}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`, fabrikam());
		expect(ok.status).toBe(200);
		expect((ok.json as {value: Array<{name: string}>}).value.map(vm => vm.name)).toEqual(['ops-01']);
	});

	test('Resource Graph answers for the token’s tenant only, and each row names its own tenant', async () => {
		const query = {query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name, tenantId", subscriptions: [DEV, PROD, FABRIKAM]};
		const home = await post('/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01', contoso(), query);
		const homeRows = (home.json as {data: Array<{name: string; tenantId: string}>}).data;
		expect(homeRows.map(row => row.name)).not.toContain('ops-01');
		expect(new Set(homeRows.map(row => row.tenantId))).toEqual(new Set([CONTOSO_TENANT]));
		const guest = await post('/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01', fabrikam(), query);
		expect((guest.json as {data: Array<{name: string; tenantId: string}>}).data).toEqual([expect.objectContaining({name: 'ops-01', tenantId: FABRIKAM_TENANT})]);
	});

	test('the vault list follows the same rule, and names each vault’s tenant', async () => {
		const refused = await get(`/subscriptions/${FABRIKAM}/providers/Microsoft.KeyVault/vaults?api-version=2023-07-01`, contoso());
		expect(refused.status).toBe(401);
		expect((refused.json as {error: {code: string}}).error.code).toBe('InvalidAuthenticationTokenTenant');
		const listed = await get(`/subscriptions/${FABRIKAM}/providers/Microsoft.KeyVault/vaults?api-version=2023-07-01`, fabrikam());
		expect(listed.status).toBe(200);
		expect((listed.json as {value: Array<{name: string; properties: {tenantId: string}}>}).value).toEqual([
			expect.objectContaining({name: 'kv-fabrikam-demo', properties: expect.objectContaining({tenantId: FABRIKAM_TENANT})}),
		]);
		const home = await get(`/subscriptions/${DEV}/providers/Microsoft.KeyVault/vaults?api-version=2023-07-01`, contoso());
		expect((home.json as {value: Array<{name: string; properties: {tenantId: string}}>}).value).toEqual([
			expect.objectContaining({name: 'kv-contoso-demo', properties: expect.objectContaining({tenantId: CONTOSO_TENANT})}),
		]);
	});
});
