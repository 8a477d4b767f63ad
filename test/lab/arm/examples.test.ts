import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {fetchAzureInventory, type InventoryMethod} from '../../../source/core/inventory/azure-source.js';
import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import type {Inventory, VmRecord} from '../../../source/core/inventory/model.js';
import {NO_BASTION_FLAGS} from '../../../source/core/inventory/model.js';
import {exampleBody, examplesTopology, SUB} from '../../fixtures/topology/examples-topology.js';
import {rawRequest} from './helpers.js';
import {collect, startLabWithClients, type LabWithClients} from './lab-clients.js';

/**
 * Microsoft's published REST examples, served by the lab exactly as published, read by the real SDKs, and turned
 * into an inventory by both Azure paths and the local source.
 */

let env: LabWithClients;
beforeAll(async () => {
	env = await startLabWithClients({topology: examplesTopology(), pageSize: 2, graphPageSize: 5});
});
afterAll(async () => {
	await env.close();
});

/** A GET with a token of `tenantId` (default: the home tenant, the first example subscription's). */
async function get(path: string, apiVersion: string, tenantId?: string): Promise<unknown> {
	const response = await rawRequest(`${env.lab.url}${path}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`, {
		ca: env.lab.ca,
		headers: {authorization: `Bearer ${env.lab.issueToken(undefined, tenantId).token}`},
	});
	expect(response.status).toBe(200);
	return response.json;
}

async function getAllPages(path: string, apiVersion: string, tenantId?: string): Promise<unknown[]> {
	const items: unknown[] = [];
	let next: string | undefined = `${path}?api-version=${apiVersion}`;
	while (next) {
		const page = (await get(next.replace(env.lab.url, '').replace(/\?api-version=[^&]*&?/, '?').replace(/\?$/, ''), apiVersion, tenantId)) as {value: unknown[]; nextLink?: string};
		items.push(...page.value);
		next = page.nextLink;
	}
	return items;
}

describe('the lab serves the examples unedited', () => {
	test('Bastion hosts by subscription, page after page, equal the published list (plus the glue host)', async () => {
		const served = await getAllPages(`/subscriptions/${SUB}/providers/Microsoft.Network/bastionHosts`, '2026-01-01');
		const published = exampleBody('bastion/BastionHostListBySubscription.json').value!;
		expect(served.slice(0, published.length)).toEqual(published);
	});

	test('single Bastion GETs, names ending in a quote included, equal the published bodies', async () => {
		expect(await get(`/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/bastionHosts/bastionhosttenant'`, '2026-01-01')).toEqual(
			exampleBody('bastion/BastionHostGet.json'),
		);
		expect(await get(`/subscriptions/${SUB}/resourceGroups/rg2/providers/Microsoft.Network/bastionHosts/bastionhostdeveloper'`, '2026-01-01')).toEqual(
			exampleBody('bastion/BastionHostDeveloperGet.json'),
		);
	});

	test('NICs and public IPs of rg1, a VNet, and a peering list equal the published bodies', async () => {
		expect(await getAllPages(`/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces`, '2026-01-01')).toEqual(
			exampleBody('network/NetworkInterfaceList.json').value,
		);
		expect(await getAllPages(`/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/publicIPAddresses`, '2026-01-01')).toEqual(
			exampleBody('network/PublicIpAddressList.json').value,
		);
		expect(await get(`/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/test-vnet`, '2026-01-01')).toEqual(
			exampleBody('network/VirtualNetworkGet.json'),
		);
		expect(await getAllPages(`/subscriptions/${SUB}/resourceGroups/peerTest/providers/Microsoft.Network/virtualNetworks/vnet1/virtualNetworkPeerings`, '2026-01-01')).toEqual(
			exampleBody('network/VirtualNetworkPeeringList.json').value,
		);
	});

	test('the VM example comes back as published, its instance view only when asked for', async () => {
		const vmPath = '/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVM';
		expect(await get(vmPath, '2026-04-01')).toEqual(exampleBody('compute/VirtualMachine_Get_WithFlexProfile.json'));
		expect(await get(`${vmPath}/instanceView`, '2026-04-01')).toEqual(exampleBody('compute/VirtualMachine_Get_InstanceView.json'));
		const expanded = (await get(`${vmPath}?$expand=instanceView`, '2026-04-01')) as {properties: {instanceView: unknown}};
		expect(expanded.properties.instanceView).toEqual(exampleBody('compute/VirtualMachine_Get_InstanceView.json'));
	});

	test('the subscriptions example is listed unedited, each subscription with a token of its own tenant', async () => {
		// The example's two subscriptions are in two tenants; ARM lists a token's own tenant's only.
		const served: unknown[] = [];
		for (const tenant of env.lab.topology.tenants) served.push(...(await getAllPages('/subscriptions', '2022-12-01', tenant.tenantId)));
		const published = exampleBody('subscriptions/GetSubscriptions.json').value as Array<{subscriptionId: string}>;
		const ids = new Set(published.map(sub => sub.subscriptionId));
		expect(served.filter(sub => ids.has((sub as {subscriptionId: string}).subscriptionId))).toEqual(published);
	});

	test('through the SDK: the Developer host’s virtualNetwork, the flags the examples leave out', async () => {
		const network = await env.clients.network(SUB);
		const bastions = await collect(network.bastionHosts.list());
		const developer = bastions.find(b => b.name === 'bastionhostdeveloper')!;
		expect(developer.sku?.name).toBe('Developer');
		expect(developer.virtualNetwork?.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg2/providers/Microsoft.Network/virtualNetworks/vnet2`);
		expect(developer.ipConfigurations).toEqual([]);
		// bastionhosttenant omits enableFileCopy; the SDK model reads it as false.
		expect(bastions.find(b => b.name === 'bastionhosttenant')!.enableFileCopy).toBe(false);
		const peerings = await collect(network.virtualNetworkPeerings.list('peerTest', 'vnet1'));
		expect(peerings.map(p => [p.id?.split('/').at(-1), p.name, p.peeringState])).toEqual([
			['peer', 'peer', 'Initiated'],
			['peer2', 'peer', 'Initiated'],
		]);
	});
});

describe('inventory from the examples', () => {
	const byName = (inventory: Inventory) => new Map(inventory.vms.map(vm => [vm.name, vm]));

	function checkExamples(vms: Map<string, VmRecord>): void {
		// Multiple NICs: the one flagged primary wins, even when listed second.
		const vm1 = vms.get('vm1')!;
		expect(vm1.privateIp).toBe('172.20.2.4');
		expect(vm1.vnetId).toBe(`/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/rg1-vnet`);
		// Several IP configurations: the primary one, not the prefix configuration.
		expect(vms.get('vm2')!.vnetId).toMatch(/rg1-vnet2$/);
		expect(vms.get('vm2')!.privateIp).toBe('172.20.2.4');
		// Missing enable* flags read as false.
		const std = vms.get('vm-std')!.bastion!;
		expect(std).toMatchObject({name: 'bastionhosttenant', sku: 'Standard', via: 'same-vnet', resourceGroup: 'rg1', subscriptionId: SUB});
		expect(std.flags).toEqual(NO_BASTION_FLAGS);
		// The Developer host serves its `virtualNetwork`.
		const dev = vms.get('vm-dev')!.bastion!;
		expect(dev).toMatchObject({name: 'bastionhostdeveloper', sku: 'Developer', via: 'same-vnet', dnsName: 'omnibrain.uswest.bastionglobal.azure.com'});
		expect(dev.flags).toEqual(NO_BASTION_FLAGS);
		// Peerings that are not Connected do not carry Bastion service, even to a Standard host with tunneling.
		expect(vms.get('vm-peer')!.vnetId).toMatch(/peerTest\/providers\/Microsoft.Network\/virtualNetworks\/vnet1$/);
		expect(vms.get('vm-peer')!.bastion).toBeUndefined();
		// The VM example: power state from the instance view example, no NIC in the examples for it.
		expect(vms.get('myVM')).toMatchObject({powerState: 'running', size: 'Standard_D4as_v5', osType: 'Linux', location: 'westus', tags: {department: 'engineering', project: 'alpha'}});
		expect(vms.get('myVM')!.privateIp).toBeUndefined();
	}

	test('local source', () => {
		checkExamples(byName(buildLocalInventory(examplesTopology())));
	});

	test.each<InventoryMethod>(['resource-graph', 'arm'])('Azure source via %s', async method => {
		const result = await fetchAzureInventory({clients: env.clients, method});
		if (!result.ok) throw new Error(result.error.message);
		expect(result.problems).toEqual([]);
		checkExamples(byName(result.inventory));
	});
});
