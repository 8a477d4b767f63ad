import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {fetchAzureInventory, type InventoryResult} from '../../../source/core/inventory/azure-source.js';
import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import {INVENTORY_GRAPH_QUERY} from '../../../source/core/inventory/resource-graph.js';
import {parseTopology} from '../../../source/lab/topology/index.js';
import {startLabWithClients, type LabWithClients} from '../../lab/arm/lab-clients.js';

/**
 * Issue 14 (was issue 10): a Bastion in the VNet of a VM's secondary NIC does not serve it — Bastion connects to a
 * VM by its primary NIC, as the portal does — but is kept as the secondary NIC's Bastion with that NIC's address,
 * for an IP-based connection (found by Resource Graph, by ARM listing and by the local source alike); and the Resource Graph query brings back only the peerings of
 * each VNet, not all of its properties (subnets, address space, …).
 */

const SUB = '5a1f0c2e-0d4b-4a8e-9c5f-2b2d3e4f5a6b';
const rg = (type: string, name: string) => `/subscriptions/${SUB}/resourceGroups/rg-multi/providers/${type}/${name}`;
const vnet = (name: string, prefix: string) => ({
	id: rg('Microsoft.Network/virtualNetworks', name),
	name,
	type: 'Microsoft.Network/virtualNetworks',
	location: 'eastus',
	properties: {addressSpace: {addressPrefixes: [`${prefix}.0.0/16`]}, subnets: [{name: 'default', id: `${rg('Microsoft.Network/virtualNetworks', name)}/subnets/default`, properties: {addressPrefix: `${prefix}.1.0/24`}}]},
});
const nic = (name: string, vnetName: string, ip: string) => ({
	id: rg('Microsoft.Network/networkInterfaces', name),
	name,
	type: 'Microsoft.Network/networkInterfaces',
	location: 'eastus',
	properties: {ipConfigurations: [{name: 'ipconfig1', properties: {privateIPAddress: ip, primary: true, subnet: {id: `${rg('Microsoft.Network/virtualNetworks', vnetName)}/subnets/default`}}}]},
});

/** app-multi: primary NIC in vnet-front (no Bastion), secondary NIC in vnet-mgmt, where bas-mgmt sits. */
const TOPOLOGY = {
	tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
	subscriptions: [{subscriptionId: SUB, displayName: 'Multi NIC', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47'}],
	resources: [
		vnet('vnet-front', '10.50'),
		vnet('vnet-mgmt', '10.60'),
		nic('app-multi-front', 'vnet-front', '10.50.1.4'),
		nic('app-multi-mgmt', 'vnet-mgmt', '10.60.1.4'),
		{
			id: rg('Microsoft.Compute/virtualMachines', 'app-multi'),
			name: 'app-multi',
			type: 'Microsoft.Compute/virtualMachines',
			location: 'eastus',
			properties: {
				hardwareProfile: {vmSize: 'Standard_B2s'},
				storageProfile: {osDisk: {osType: 'Linux'}},
				networkProfile: {
					networkInterfaces: [
						{id: rg('Microsoft.Network/networkInterfaces', 'app-multi-front'), properties: {primary: true}},
						{id: rg('Microsoft.Network/networkInterfaces', 'app-multi-mgmt'), properties: {primary: false}},
					],
				},
				instanceView: {statuses: [{code: 'ProvisioningState/succeeded'}, {code: 'PowerState/running'}]},
			},
		},
		{
			id: rg('Microsoft.Network/bastionHosts', 'bas-mgmt'),
			name: 'bas-mgmt',
			type: 'Microsoft.Network/bastionHosts',
			location: 'eastus',
			sku: {name: 'Standard'},
			properties: {
				enableTunneling: true,
				dnsName: 'bst-mgmt.bastion.localhost',
				ipConfigurations: [{properties: {subnet: {id: `${rg('Microsoft.Network/virtualNetworks', 'vnet-mgmt')}/subnets/AzureBastionSubnet`}}}],
			},
		},
	],
};

let env: LabWithClients;
beforeAll(async () => {
	env = await startLabWithClients({topology: parseTopology(TOPOLOGY, 'multi-nic')});
});
afterAll(async () => {
	await env.close();
});

function appMulti(result: InventoryResult) {
	if (!result.ok) throw new Error(result.error.message);
	return result.inventory.vms.find(vm => vm.name === 'app-multi')!;
}

describe('a Bastion in the VNet of a secondary NIC', () => {
	test.each(['resource-graph', 'arm'] as const)('%s: app-multi is not served by bas-mgmt, which is offered for its secondary address', async method => {
		const vm = appMulti(await fetchAzureInventory({clients: env.clients, method}));
		expect(vm.privateIp).toBe('10.50.1.4');
		expect(vm.vnetId).toBe(rg('Microsoft.Network/virtualNetworks', 'vnet-front'));
		expect(vm.bastion).toBeUndefined();
		expect(vm.secondaryNicBastion).toMatchObject({bastion: {name: 'bas-mgmt', via: 'same-vnet', dnsName: 'bst-mgmt.bastion.localhost'}, privateIp: '10.60.1.4'});
	});

	test('the local source (the demo’s) agrees', () => {
		const vm = buildLocalInventory(parseTopology(TOPOLOGY, 'multi-nic')).vms.find(candidate => candidate.name === 'app-multi')!;
		expect(vm.bastion).toBeUndefined();
		expect(vm.secondaryNicBastion?.bastion.name).toBe('bas-mgmt');
	});
});

describe('the Resource Graph query', () => {
	test('brings back only virtualNetworkPeerings of each VNet, and everything else whole', async () => {
		const page = await env.clients.resourceGraph().resources({query: INVENTORY_GRAPH_QUERY, subscriptions: [SUB], options: {resultFormat: 'objectArray'}});
		const rows = page.data as Array<{type: string; name: string; properties: Record<string, unknown>}>;
		const vnets = rows.filter(row => row.type === 'microsoft.network/virtualnetworks');
		expect(vnets).toHaveLength(2);
		for (const row of vnets) expect(Object.keys(row.properties)).toEqual(['virtualNetworkPeerings']);
		const nicRow = rows.find(row => row.name === 'app-multi-front')!;
		expect(nicRow.properties).toHaveProperty('ipConfigurations');
		const bastion = rows.find(row => row.name === 'bas-mgmt')!;
		expect(bastion.properties).toMatchObject({enableTunneling: true, dnsName: 'bst-mgmt.bastion.localhost'});
	});

	test('the lab parses the projection and refuses what it does not understand', async () => {
		const bad = env.clients.resourceGraph().resources({query: "Resources | project id, properties = iff(type, properties)", subscriptions: [SUB]});
		await expect(bad).rejects.toMatchObject({statusCode: 400});
		const renamed = await env.clients.resourceGraph().resources({
			query: "Resources | where type =~ 'microsoft.network/networkinterfaces' | project id, ip = properties.ipConfigurations, kind = pack('name', name)",
			subscriptions: [SUB],
		});
		expect((renamed.data as Array<Record<string, unknown>>)[0]).toEqual({id: expect.any(String), ip: expect.any(Array), kind: {name: expect.stringMatching(/^app-multi-/)}});
	});
});
