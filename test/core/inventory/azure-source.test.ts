import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {createArmClients} from '../../../source/core/azure/clients.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import {fetchAzureInventory, listSubscriptions, listVmExtensions, type InventoryMethod, type InventoryProgress, type InventoryResult} from '../../../source/core/inventory/azure-source.js';
import {INVENTORY_GRAPH_QUERY} from '../../../source/core/inventory/resource-graph.js';
import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import type {Inventory} from '../../../source/core/inventory/model.js';
import {startLabHttpsServer} from '../../../source/lab/https-server.js';
import {loadDemoTopology} from '../../../source/lab/topology/index.js';
import {CONTOSO_TENANT, DEV, FABRIKAM, FABRIKAM_TENANT, PROD, startLabWithClients, type LabWithClients} from '../../lab/arm/lab-clients.js';

/** Both Azure paths against the lab's ARM, through the real SDKs. */

let env: LabWithClients;
beforeAll(async () => {
	env = await startLabWithClients();
});
afterAll(async () => {
	await env.close();
});
afterEach(() => {
	env.lab.faults.clear();
	env.lab.config.pageSize = 1000;
	env.lab.config.graphPageSize = 1000;
});

const METHODS: InventoryMethod[] = ['resource-graph', 'arm'];

function inventoryOf(result: InventoryResult): Inventory {
	if (!result.ok) throw new Error(`expected an inventory, got: ${result.error.message}`);
	return result.inventory;
}

/**
 * The parts that do not depend on when or how the inventory was read. ARM lists say which extensions a VM has
 * only when it has some (as the VM's child `resources`); elsewhere the set is unknown, not empty.
 */
function comparable(inventory: Inventory): unknown {
	const vms = inventory.vms.map(vm => (inventory.source === 'azure-arm' && vm.extensions === undefined ? {...vm, extensions: []} : vm));
	return {subscriptions: inventory.subscriptions, vms};
}

const local = buildLocalInventory(loadDemoTopology());

describe('fetchAzureInventory', () => {
	test.each(METHODS)('%s: the same inventory as the topology describes', async method => {
		const result = await fetchAzureInventory({clients: env.clients, method});
		const inventory = inventoryOf(result);
		expect(inventory.source).toBe(method === 'arm' ? 'azure-arm' : 'azure-resource-graph');
		expect(result.problems).toEqual([]);
		expect(comparable(inventory)).toEqual(comparable(local));
	});

	test.each(METHODS)('%s: the same with one item per page', async method => {
		env.lab.config.pageSize = 1;
		env.lab.config.graphPageSize = 1;
		const progress: InventoryProgress[] = [];
		const result = await fetchAzureInventory({clients: env.clients, method, concurrency: 2, onProgress: event => progress.push(event)});
		expect(comparable(inventoryOf(result))).toEqual(comparable(local));
		expect(progress[0]).toEqual({kind: 'subscriptions', count: 3});
		if (method === 'resource-graph') {
			const pages = progress.filter(event => event.kind === 'graph-page');
			expect(pages.length).toBe(env.lab.topology.resources.filter(r => r.type !== 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings').length);
			expect(pages.at(-1)).toMatchObject({kind: 'graph-page', rows: 1});
		} else {
			expect(progress.filter(event => event.kind === 'arm-subscription').map(event => (event as {completed: number}).completed)).toEqual([1, 2, 3]);
		}
	});

	test('Resource Graph is the default, one query with the VM, NIC, IP, VNet, Bastion and extension types', async () => {
		const before = env.lab.requests.length;
		inventoryOf(await fetchAzureInventory({clients: env.clients}));
		const sent = env.lab.requests.slice(before);
		// The tenants, each tenant's subscriptions, then one query per tenant (each with that tenant's token).
		expect(sent.map(request => `${request.method} ${request.path}`)).toEqual([
			'GET /tenants',
			'GET /subscriptions',
			'GET /subscriptions',
			'POST /providers/Microsoft.ResourceGraph/resources',
			'POST /providers/Microsoft.ResourceGraph/resources',
		]);
		expect(sent[3]!.body).toEqual({
			subscriptions: [DEV, PROD],
			query: INVENTORY_GRAPH_QUERY,
			options: {$top: 1000, resultFormat: 'objectArray'},
		});
		expect(sent[4]!.body).toMatchObject({subscriptions: [FABRIKAM], query: INVENTORY_GRAPH_QUERY});
		expect(INVENTORY_GRAPH_QUERY).toBe(
			"Resources | where type in~ ('microsoft.compute/virtualmachines', 'microsoft.compute/virtualmachines/extensions', 'microsoft.network/networkinterfaces', 'microsoft.network/publicipaddresses', 'microsoft.network/virtualnetworks', 'microsoft.network/bastionhosts') | project id, name, type, location, resourceGroup, subscriptionId, tags, sku, properties = iff(type =~ 'microsoft.network/virtualnetworks', pack('virtualNetworkPeerings', properties.virtualNetworkPeerings), properties)",
		);
	});

	test('only the chosen subscriptions; an unknown one is reported, not fatal', async () => {
		const missing = '00000000-0000-4000-8000-000000000000';
		for (const method of METHODS) {
			const result = await fetchAzureInventory({clients: env.clients, method, subscriptionIds: [DEV.toUpperCase(), missing]});
			const inventory = inventoryOf(result);
			expect(inventory.subscriptions).toEqual([{id: DEV, name: 'Contoso Dev', tenantId: CONTOSO_TENANT}]);
			expect(inventory.vms.map(vm => vm.name)).toEqual(['db-01', 'web-01', 'web-02']);
			expect(result.problems).toEqual([expect.objectContaining({kind: 'forbidden', scope: `/subscriptions/${missing}`, message: expect.stringContaining(`Subscription ${missing} is not visible to this account`)})]);
		}
	});

	test('ARM path: without Reader on Bastion hosts the VMs still load, and the problem names role, resource and scope', async () => {
		env.lab.faults.deny({type: 'Microsoft.Network/bastionHosts', scope: `/subscriptions/${DEV}`});
		const result = await fetchAzureInventory({clients: env.clients, method: 'arm'});
		const inventory = inventoryOf(result);
		expect(inventory.vms.find(vm => vm.name === 'web-01')).toMatchObject({privateIp: '10.1.1.4', powerState: 'running'});
		expect(inventory.vms.find(vm => vm.name === 'web-01')!.bastion).toBeUndefined();
		expect(inventory.vms.find(vm => vm.name === 'app-01')!.bastion?.name).toBe('bas-prem');
		expect(result.problems).toHaveLength(1);
		expect(result.problems[0]).toMatchObject({kind: 'forbidden', role: 'Reader', action: 'Microsoft.Network/bastionHosts/read', scope: `/subscriptions/${DEV}`});
		expect(result.problems[0]!.message).toMatch(
			/^You need the Reader role on the Bastion host \(subscription 'Contoso Dev'\): Azure refused 'Microsoft.Network\/bastionHosts\/read'\. .*Reader on the VM, on its NIC, on the Bastion, and on the VM's virtual network when the Bastion is in a peered network\.$/,
		);
	});

	test('ARM path: a subscription without Reader on VMs is reported with ARM’s own scope, the others load', async () => {
		env.lab.faults.deny({type: 'Microsoft.Compute/virtualMachines', scope: `/subscriptions/${PROD}`});
		const result = await fetchAzureInventory({clients: env.clients, method: 'arm'});
		expect(inventoryOf(result).vms.map(vm => vm.name)).toEqual(['db-01', 'ops-01', 'web-01', 'web-02']);
		// Both VM lists (model and statusOnly) are refused; the compute SDK's pager loses ARM's message, which is restored.
		expect(result.problems.map(problem => [problem.action, problem.scope])).toEqual([
			['Microsoft.Compute/virtualMachines/read', `/subscriptions/${PROD}`],
			['Microsoft.Compute/virtualMachines/read', `/subscriptions/${PROD}`],
		]);
		expect(result.problems[0]!.message).toMatch(/^You need the Reader role on the virtual machine \(subscription 'Contoso Prod'\)/);
	});

	test('ARM path: without Reader on the peered VNet, the peered Bastion cannot be found and that is said', async () => {
		env.lab.faults.deny({type: 'Microsoft.Network/virtualNetworks', scope: `/subscriptions/${DEV}`});
		const result = await fetchAzureInventory({clients: env.clients, method: 'arm'});
		const inventory = inventoryOf(result);
		expect(inventory.vms.find(vm => vm.name === 'db-01')!.bastion).toBeUndefined();
		expect(inventory.vms.find(vm => vm.name === 'web-01')!.bastion?.name).toBe('bas-std');
		expect(result.problems[0]!.message).toMatch(/Reader role on the VM's virtual network \(needed when the Bastion sits in a peered network\)/);
	});

	test('Resource Graph leaves out what the caller cannot read, as the service does', async () => {
		env.lab.faults.deny({type: 'Microsoft.Network/bastionHosts', scope: `/subscriptions/${DEV}`});
		const result = await fetchAzureInventory({clients: env.clients, method: 'resource-graph'});
		expect(inventoryOf(result).vms.find(vm => vm.name === 'web-01')!.bastion).toBeUndefined();
		expect(result.problems).toEqual([]);
	});

	test('429: retried honouring Retry-After, with progress', async () => {
		env.lab.faults.throttle({count: 2, retryAfterSeconds: 1, pathPrefix: '/providers/Microsoft.ResourceGraph'});
		const progress: InventoryProgress[] = [];
		const result = await fetchAzureInventory({clients: env.clients, onProgress: event => progress.push(event)});
		expect(comparable(inventoryOf(result))).toEqual(comparable(local));
		expect(progress.filter(event => event.kind === 'throttled')).toEqual([
			{kind: 'throttled', attempt: 1, maxAttempts: 5, retryAfterMs: 1000, url: `${env.lab.url}/providers/Microsoft.ResourceGraph/resources`},
			{kind: 'throttled', attempt: 2, maxAttempts: 5, retryAfterMs: 1000, url: `${env.lab.url}/providers/Microsoft.ResourceGraph/resources`},
		]);
	});

	test('auto: when Resource Graph keeps failing for its own reasons, ARM listing takes over', async () => {
		const clients = createArmClients({cloud: env.cloud, credential: env.credential, maxThrottleRetries: 0});
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 60, pathPrefix: '/providers/Microsoft.ResourceGraph'});
		const progress: InventoryProgress[] = [];
		const result = await fetchAzureInventory({clients, onProgress: event => progress.push(event)});
		clients.close();
		const inventory = inventoryOf(result);
		expect(inventory.source).toBe('azure-arm');
		expect(comparable(inventory)).toEqual(comparable(local));
		expect(progress.find(event => event.kind === 'fallback')).toMatchObject({reason: expect.stringContaining('429 RateLimiting')});
	});

	test('an explicit Resource Graph request does not fall back', async () => {
		const clients = createArmClients({cloud: env.cloud, credential: env.credential, maxThrottleRetries: 0});
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 60, pathPrefix: '/providers/Microsoft.ResourceGraph'});
		const result = await fetchAzureInventory({clients, method: 'resource-graph'});
		clients.close();
		expect(result).toMatchObject({ok: false, error: {kind: 'throttled', retryAfterMs: 60_000}});
	});

	test.each(METHODS)('%s: a network failure is an error, never an empty list', async method => {
		const server = await startLabHttpsServer();
		const url = server.url;
		await server.close();
		const clients = createArmClients({cloud: labCloud(url, env.lab.ca), credential: env.credential});
		const result = await fetchAzureInventory({clients, method});
		clients.close();
		expect(result.ok).toBe(false);
		expect(result).not.toHaveProperty('inventory');
		if (!result.ok) {
			expect(result.error).toMatchObject({kind: 'network', code: 'ECONNREFUSED'});
			expect(result.error.message).toContain('the list keeps what was last fetched');
		}
	});

	test.each(METHODS)('%s: the network failing midway (after subscriptions) is an error too', async method => {
		const own = await startLabWithClients();
		try {
			const result = await fetchAzureInventory({
				clients: own.clients,
				method,
				onProgress: event => {
					// Subscriptions were read; now the endpoint goes away.
					if (event.kind === 'subscriptions') own.lab.server.server.close(), own.lab.server.server.closeAllConnections();
				},
			});
			expect(own.lab.requests.map(request => request.path)).toEqual(['/tenants', '/subscriptions', '/subscriptions']);
			expect(result).toMatchObject({ok: false, error: {kind: 'network'}});
		} finally {
			await own.close();
		}
	});

	test('a token ARM refuses is an error that says to sign in again', async () => {
		const clients = createArmClients({cloud: env.cloud, credential: new LabCredential({token: 'stale', expiresOnTimestamp: Date.now() + 60_000})});
		const result = await fetchAzureInventory({clients});
		clients.close();
		expect(result).toMatchObject({ok: false, error: {kind: 'unauthenticated', status: 401}});
	});

	test('cancelling during a long Retry-After wait ends the refresh at once', async () => {
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 120, pathPrefix: '/providers/Microsoft.ResourceGraph'});
		const controller = new AbortController();
		const result = await fetchAzureInventory({
			clients: env.clients,
			method: 'resource-graph',
			signal: controller.signal,
			onProgress: event => {
				if (event.kind === 'throttled') controller.abort();
			},
		});
		expect(result).toMatchObject({ok: false, error: {kind: 'aborted'}});
	});

	test('an aborted refresh reports cancellation', async () => {
		const controller = new AbortController();
		controller.abort();
		const result = await fetchAzureInventory({clients: env.clients, signal: controller.signal});
		expect(result).toMatchObject({ok: false, error: {kind: 'aborted'}});
	});
});

describe('tenants', () => {
	test('a tenant the sign-in cannot get a token for is a problem naming it; the other tenants load', async () => {
		const refusing = new LabCredential((scopes, {tenantId}) => {
			// As `az account get-access-token --tenant` answers for a tenant that needs its own sign-in.
			if (tenantId === FABRIKAM_TENANT) throw Object.assign(new Error('AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.'), {name: 'AuthenticationError'});
			return env.lab.tokens.issueForScopes(scopes, undefined, tenantId);
		});
		const clients = createArmClients({cloud: env.cloud, credential: refusing});
		try {
			for (const method of METHODS) {
				const result = await fetchAzureInventory({clients, method});
				expect(inventoryOf(result).vms.map(vm => vm.name)).not.toContain('ops-01');
				expect(inventoryOf(result).vms.map(vm => vm.name)).toContain('web-01');
				expect(result.problems).toHaveLength(1);
				expect(result.problems[0]!.message).toMatch(
					new RegExp(`^The subscriptions of tenant Fabrikam \\(${FABRIKAM_TENANT}\\) are not listed: .*AADSTS50076.* To see them, sign in to that tenant too \\(az login --tenant ${FABRIKAM_TENANT}\\)\\.$`),
				);
			}
		} finally {
			clients.close();
		}
	});

	test('narrowed to one tenant (--tenant), only that tenant is listed, with the sign-in’s own tokens', async () => {
		const asked: Array<string | undefined> = [];
		// A credential made for Fabrikam, as AzureCliCredential({tenantId}) is with --tenant.
		const narrowed = new LabCredential((scopes, {tenantId}) => {
			asked.push(tenantId);
			return env.lab.tokens.issueForScopes(scopes, undefined, tenantId ?? FABRIKAM_TENANT);
		});
		const clients = createArmClients({cloud: env.cloud, credential: narrowed, tenantId: FABRIKAM_TENANT});
		try {
			for (const method of METHODS) {
				const before = env.lab.requests.length;
				const result = await fetchAzureInventory({clients, method});
				expect(inventoryOf(result).vms.map(vm => vm.name)).toEqual(['ops-01']);
				expect(inventoryOf(result).subscriptions).toEqual([{id: FABRIKAM, name: 'Fabrikam Ops', tenantId: FABRIKAM_TENANT}]);
				expect(env.lab.requests.slice(before).map(request => request.path)).not.toContain('/tenants');
			}
			expect(new Set(asked)).toEqual(new Set([undefined]));
		} finally {
			clients.close();
		}
	});

	test('each call on a subscription asks for a token of the subscription’s tenant', async () => {
		const asked: Array<{scope: string; tenantId?: string}> = [];
		const recording = new LabCredential((scopes, {tenantId}) => {
			asked.push({scope: scopes[0]!, ...(tenantId ? {tenantId} : {})});
			return env.lab.tokens.issueForScopes(scopes, undefined, tenantId);
		});
		const clients = createArmClients({cloud: env.cloud, credential: recording});
		const later = createArmClients({cloud: env.cloud, credential: recording});
		try {
			inventoryOf(await fetchAzureInventory({clients, method: 'arm'}));
			// Only the tenants list goes with the sign-in's own tenant; every other call names one.
			expect(asked[0]).toEqual({scope: 'https://management.azure.com/.default'});
			expect(asked.slice(1).every(entry => entry.tenantId)).toBe(true);
			expect(new Set(asked.slice(1).map(entry => entry.tenantId))).toEqual(new Set([CONTOSO_TENANT, FABRIKAM_TENANT]));
			expect(clients.tenants.tenantOf(DEV)).toBe(CONTOSO_TENANT);
			expect(clients.tenants.tenantOf(FABRIKAM)).toBe(FABRIKAM_TENANT);
			// Clients told the tenants by an earlier list (the app seeds them from its cache) use them at once (the doctor).
			later.tenants.remember(inventoryOf(await fetchAzureInventory({clients})).subscriptions);
			asked.length = 0;
			expect(await listVmExtensions(later, local.vms.find(vm => vm.name === 'ops-01')!.id)).toEqual([]);
			expect(asked.map(entry => entry.tenantId)).toEqual([FABRIKAM_TENANT]);
		} finally {
			clients.close();
			later.close();
		}
	});
});

describe('helpers', () => {
	test('listSubscriptions', async () => {
		expect(await listSubscriptions(env.clients)).toEqual([
			{id: DEV, name: 'Contoso Dev', state: 'Enabled', tenantId: CONTOSO_TENANT},
			{id: PROD, name: 'Contoso Prod', state: 'Enabled', tenantId: CONTOSO_TENANT},
			{id: FABRIKAM, name: 'Fabrikam Ops', state: 'Enabled', tenantId: FABRIKAM_TENANT},
		]);
	});

	test('listVmExtensions (for the doctor)', async () => {
		const app = local.vms.find(vm => vm.name === 'app-01')!;
		expect(await listVmExtensions(env.clients, app.id)).toEqual(['AADSSHLoginForLinux']);
		expect(await listVmExtensions(env.clients, local.vms.find(vm => vm.name === 'dev-01')!.id)).toEqual([]);
		await expect(listVmExtensions(env.clients, '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/bastionHosts/b')).rejects.toThrow(/is not a virtual machine id/);
	});
});
