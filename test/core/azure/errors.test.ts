import {AggregateAuthenticationError, CredentialUnavailableError} from '@azure/identity';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {createArmClients} from '../../../source/core/azure/clients.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import {describeAzureError, describeDeviceCodeFailure, describeScope} from '../../../source/core/azure/errors.js';
import {startLabHttpsServer} from '../../../source/lab/https-server.js';
import {collect, DEV, FABRIKAM, FABRIKAM_TENANT, PROD, startLabWithClients, type LabWithClients} from '../../lab/arm/lab-clients.js';

/** Errors as the real SDKs throw them against the lab, turned into sentences. */

let env: LabWithClients;
beforeAll(async () => {
	env = await startLabWithClients({maxThrottleRetries: 0});
});
afterAll(async () => {
	await env.close();
});
afterEach(() => env.lab.faults.clear());

const names = new Map([
	[DEV, 'Contoso Dev'],
	[PROD, 'Contoso Prod'],
]);

async function caught(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('expected the call to fail');
}

describe('describeAzureError', () => {
	test('a token of another tenant than the subscription’s names that tenant and the fix', async () => {
		// Always the home tenant's token, as a credential that does not follow the subscription's tenant sends.
		const homeOnly = createArmClients({cloud: env.cloud, credential: new LabCredential(scopes => env.lab.tokens.issueForScopes(scopes))});
		try {
			const problem = describeAzureError(await caught((await homeOnly.compute(FABRIKAM)).virtualMachines.get('rg-ops', 'ops-01')), {doing: 'reading ops-01'});
			expect(problem).toMatchObject({kind: 'unauthenticated', status: 401, code: 'InvalidAuthenticationTokenTenant'});
			expect(problem.message).toBe(
				`This subscription belongs to another Microsoft Entra tenant (${FABRIKAM_TENANT}) than the token vmux got while reading ops-01. Sign in to that tenant (az login --tenant ${FABRIKAM_TENANT}), and start vmux without --tenant so it reaches every tenant you belong to.`,
			);
		} finally {
			homeOnly.close();
		}
	});

	test('403 names the role, the resource and the scope, with the portal’s prerequisites', async () => {
		env.lab.faults.deny({type: 'Microsoft.Network/bastionHosts', scope: `/subscriptions/${DEV}/resourceGroups/rg-network`});
		const problem = describeAzureError(await caught((await env.clients.network(DEV)).bastionHosts.get('rg-network', 'bas-std')), {subscriptionNames: names});
		expect(problem).toMatchObject({
			kind: 'forbidden',
			status: 403,
			code: 'AuthorizationFailed',
			role: 'Reader',
			action: 'Microsoft.Network/bastionHosts/read',
			scope: `/subscriptions/${DEV}/resourceGroups/rg-network/providers/Microsoft.Network/bastionHosts/bas-std`,
		});
		expect(problem.message).toBe(
			"You need the Reader role on the Bastion host (bastionHosts 'bas-std' in resource group 'rg-network', subscription 'Contoso Dev'): Azure refused 'Microsoft.Network/bastionHosts/read'. Ask an owner of that scope to assign it. To connect, Azure needs Reader on the VM, on its NIC, on the Bastion, and on the VM's virtual network when the Bastion is in a peered network.",
		);
	});

	test('403 on the VM, the NIC and the VNet name each', async () => {
		const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
			['Microsoft.Compute/virtualMachines', async () => (await env.clients.compute(DEV)).virtualMachines.get('rg-web', 'web-01'), /Reader role on the virtual machine \(virtualMachines 'web-01'/],
			['Microsoft.Network/networkInterfaces', async () => (await env.clients.network(DEV)).networkInterfaces.get('rg-web', 'web-01-nic'), /Reader role on the VM's network interface \(NIC\)/],
			['Microsoft.Network/virtualNetworks', async () => (await env.clients.network(DEV)).virtualNetworks.get('rg-data', 'vnet-dev-data'), /Reader role on the VM's virtual network \(needed when the Bastion sits in a peered network\)/],
		];
		for (const [type, call, pattern] of cases) {
			env.lab.faults.clear();
			env.lab.faults.deny({type, scope: `/subscriptions/${DEV}`});
			expect(describeAzureError(await caught(call()), {subscriptionNames: names}).message).toMatch(pattern);
		}
	});

	test('401: sign in again', async () => {
		const clients = createArmClients({cloud: env.cloud, credential: new LabCredential({token: 'not-a-lab-token', expiresOnTimestamp: Date.now() + 60_000})});
		const problem = describeAzureError(await caught(collect(clients.subscriptions().subscriptions.list())));
		clients.close();
		expect(problem).toMatchObject({kind: 'unauthenticated', status: 401, code: 'InvalidAuthenticationToken'});
		expect(problem.message).toMatch(/^Azure did not accept the sign-in \(401 InvalidAuthenticationToken: The access token is invalid\)\. Run `az login` again/);
		const expired = createArmClients({cloud: env.cloud, credential: new LabCredential(env.lab.tokens.issue({lifetimeSeconds: 1, now: Date.now() - 60_000}))});
		expect(describeAzureError(await caught(collect(expired.subscriptions().subscriptions.list()))).message).toBe(
			'Your Azure sign-in has expired. Run `az login` again, or sign in with a device code.',
		);
		expired.close();
	});

	test('429 after the retries: says to wait, with the service’s Retry-After', async () => {
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 30, pathPrefix: '/providers/Microsoft.ResourceGraph'});
		const problem = describeAzureError(await caught(env.clients.resourceGraph().resources({query: 'Resources | project id'})), {doing: 'querying Azure Resource Graph'});
		expect(problem).toMatchObject({kind: 'throttled', status: 429, code: 'RateLimiting', retryAfterMs: 30_000});
		expect(problem.message).toBe('Azure is throttling requests while querying Azure Resource Graph (429 RateLimiting) and vmux has stopped retrying. Try again in 30 s.');
	});

	test('Resource Graph errors show the reason from their details', async () => {
		const problem = describeAzureError(await caught(env.clients.resourceGraph().resources({query: 'Resources | summarize count()'})));
		expect(problem.kind).toBe('service');
		expect(problem.message).toMatch(/Azure answered 400 BadRequest: Query is invalid/);
	});

	test('an unreachable endpoint is a network problem that keeps the list', async () => {
		const server = await startLabHttpsServer();
		const url = server.url;
		await server.close();
		const {labCloud} = await import('../../../source/lab/cloud.js');
		const clients = createArmClients({cloud: labCloud(url, env.lab.ca), credential: env.credential});
		const problem = describeAzureError(await caught(collect(clients.subscriptions().subscriptions.list())), {endpoint: url});
		clients.close();
		expect(problem).toMatchObject({kind: 'network', code: 'ECONNREFUSED'});
		expect(problem.message).toBe(`${url} could not be reached (ECONNREFUSED). Check the network, VPN or proxy; the list keeps what was last fetched.`);
	});

	test('an untrusted certificate is named as such', async () => {
		const {customCloud} = await import('../../../source/core/azure/cloud.js');
		// The lab endpoint without the lab CA: the system roots do not trust it.
		const cloud = customCloud({armEndpoint: env.lab.url, authorityHost: env.lab.url, keyVaultSuffix: 'vault.localhost', armAudience: 'https://management.azure.com'});
		const clients = createArmClients({cloud, credential: env.credential});
		const problem = describeAzureError(await caught(collect(clients.subscriptions().subscriptions.list())), {endpoint: env.lab.url});
		clients.close();
		expect(problem.kind).toBe('network');
		expect(problem.message).toMatch(/TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
	});

	test('no credential in the chain: offer `az login` or a device code', () => {
		const error = new AggregateAuthenticationError([new CredentialUnavailableError('Azure CLI could not be found.')], 'ChainedTokenCredential authentication failed.');
		expect(describeAzureError(error)).toMatchObject({kind: 'sign-in', message: expect.stringContaining('Run `az login` (with --tenant if needed), or sign in with a device code.')});
	});

	test('scopes read as the portal names them', () => {
		expect(describeScope(`/subscriptions/${DEV}`, names)).toBe("subscription 'Contoso Dev'");
		expect(describeScope(`/subscriptions/${DEV}/resourceGroups/rg-web`, names)).toBe("resource group 'rg-web' in subscription 'Contoso Dev'");
		expect(describeScope('/subscriptions/unknown/resourceGroups/rg')).toBe("resource group 'rg' in subscription 'unknown'");
	});
});

describe('describeDeviceCodeFailure', () => {
	test('says what happened to the code instead of MSAL\'s wrapper', () => {
		expect(describeDeviceCodeFailure(new Error('post_request_failed: authorization_declined'))).toBe('the sign-in was declined in the browser. Press L to try again.');
		expect(describeDeviceCodeFailure(new Error('expired_token: AADSTS70019: Verification code expired.'))).toMatch(/^the code expired/);
		expect(describeDeviceCodeFailure(new Error('bad_verification_code'))).toMatch(/did not recognise the code/);
	});
});
