import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {readLabWorld} from '../../../source/lab/topology/world.js';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {
	DEMO_TOPOLOGY_PATH,
	labVmAddress,
	labVmAddresses,
	loadDemoTopology,
	loadTopologyFile,
	parseTopology,
	RESOURCE_TYPES,
	TopologyError,
} from '../../../source/lab/topology/index.js';
import {examplesTopology} from '../../fixtures/topology/examples-topology.js';

const SUB = '11111111-1111-4111-8111-111111111111';
const vnetId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet`;

function minimal(resources: unknown[]): unknown {
	return {tenantId: 'tenant', subscriptions: [{subscriptionId: SUB, displayName: 'Sub'}], resources};
}

function topologyError(json: unknown): TopologyError {
	try {
		parseTopology(json, 'test.json');
	} catch (error) {
		if (error instanceof TopologyError) return error;
		throw error;
	}
	throw new Error('expected a TopologyError');
}

describe('demo topology (DESIGN §8)', () => {
	test('ships as a lab asset and loads', () => {
		expect(DEMO_TOPOLOGY_PATH).toMatch(/lab[/\\]assets[/\\]topology[/\\]demo-topology\.json$/);
		const topology = loadDemoTopology();
		expect(topology.subscriptions.map(sub => sub.displayName)).toEqual(['Contoso Dev', 'Contoso Prod', 'Fabrikam Ops']);
		// Fabrikam Ops is in a second tenant, where the demo user is a guest.
		expect(topology.tenants.map(tenant => tenant.displayName)).toEqual(['Contoso', 'Fabrikam']);
		expect(topology.subscriptions.map(sub => topology.tenants.find(tenant => tenant.tenantId === sub.tenantId)?.displayName)).toEqual(['Contoso', 'Contoso', 'Fabrikam']);
		expect(topology.ofType(RESOURCE_TYPES.virtualMachine).map(vm => vm.name).sort()).toEqual(
			['app-01', 'db-01', 'dev-01', 'jump-01', 'legacy-01', 'ops-01', 'web-01', 'web-02'].sort(),
		);
		const bastions = Object.fromEntries(topology.ofType(RESOURCE_TYPES.bastionHost).map(b => [b.name, (b.raw.sku as {name: string}).name]));
		expect(bastions).toEqual({'bas-std': 'Standard', 'bas-prem': 'Premium', 'bas-dev': 'Developer', 'bas-basic': 'Basic', 'bas-fab': 'Standard'});
	});

	test('peerings written as child resources hang off their VNet', () => {
		const topology = loadDemoTopology();
		const data = topology.ofType(RESOURCE_TYPES.virtualNetwork).find(vnet => vnet.name === 'vnet-dev-data')!;
		const peerings = topology.childrenOf(data.id, RESOURCE_TYPES.peering);
		expect(peerings.map(p => (p.raw.properties as {peeringState: string}).peeringState)).toEqual(['Connected']);
		const app = topology.ofType(RESOURCE_TYPES.virtualMachine).find(vm => vm.name === 'app-01')!;
		expect(topology.childrenOf(app.id, RESOURCE_TYPES.extension).map(e => e.name)).toEqual(['AADSSHLoginForLinux']);
	});

	test('maps VM names to the addresses the app will dial', () => {
		const topology = loadDemoTopology();
		expect(labVmAddress(topology, 'JUMP-01')).toMatchObject({name: 'jump-01', privateIp: '10.40.1.4', publicIp: '203.0.113.10'});
		expect(labVmAddress(topology, 'web-01')).toMatchObject({privateIp: '10.1.1.4'});
		expect(labVmAddress(topology, 'web-01')?.publicIp).toBeUndefined();
		expect(labVmAddress(topology, 'nope')).toBeUndefined();
		const all = labVmAddresses(topology);
		expect(all.size).toBe(8);
		expect(new Set([...all.values()].map(a => a.privateIp)).size).toBe(8);
	});
});

describe("the product's inventory against the lab's own reading", () => {
	// Two independent readings of one topology: core/inventory's parsers (what vmux shows and dials) and the
	// lab's (lab/topology/addresses.ts, which shares no code with them). A parser bug breaks this instead of
	// being mirrored by the lab.
	test.each([
		['the demo topology', loadDemoTopology],
		["Microsoft's examples", examplesTopology],
	])('every VM of %s: same private and public IP', (_label, load) => {
		const topology = load();
		const lab = labVmAddresses(topology);
		const inventory = buildLocalInventory(topology);
		expect(inventory.vms.length).toBe(lab.size);
		for (const vm of inventory.vms) {
			const own = lab.get(vm.name.toLowerCase());
			expect({name: vm.name, privateIp: vm.privateIp, publicIp: vm.publicIp}).toEqual({name: vm.name, privateIp: own?.privateIp, publicIp: own?.publicIp});
		}
	});
});

describe("the product's inventory against the lab's own world", () => {
	// The demo's SSH servers, Bastions and profiles are built from readLabWorld (lab/topology/world.ts), which
	// shares no code with core/inventory: both must read the same VMs, power states, addresses and Bastions.
	test.each([
		['the demo topology', loadDemoTopology],
		["Microsoft's examples", examplesTopology],
	])('%s: same VMs, power states, addresses and serving Bastion', (_label, load) => {
		const topology = load();
		const pick = (vm: VmRecord) => ({
			id: vm.id,
			name: vm.name,
			subscriptionId: vm.subscriptionId,
			resourceGroup: vm.resourceGroup,
			powerState: vm.powerState,
			privateIp: vm.privateIp,
			publicIp: vm.publicIp,
			bastion: vm.bastion,
		});
		expect(buildLocalInventory(topology).vms.map(pick)).toEqual(readLabWorld(topology).map(pick));
	});
});

describe('topology loader', () => {
	test('accepts Microsoft examples unedited, inferring types missing from the bodies (peerings)', () => {
		const topology = examplesTopology();
		const peerings = topology.ofType(RESOURCE_TYPES.peering);
		expect(peerings).toHaveLength(2);
		// The example peerings have no `type`; it comes from the id. Two share the name `peer`.
		expect(peerings.every(p => p.raw.type === undefined)).toBe(true);
		expect(peerings.map(p => p.name)).toEqual(['peer', 'peer']);
	});

	test('inline peerings in a VNet become child resources', () => {
		const topology = parseTopology(
			minimal([
				{
					id: vnetId,
					properties: {
						virtualNetworkPeerings: [
							{id: `${vnetId}/virtualNetworkPeerings/p1`, properties: {remoteVirtualNetwork: {id: `${vnetId}2`}, peeringState: 'Connected'}},
						],
					},
				},
			]),
		);
		expect(topology.childrenOf(vnetId, RESOURCE_TYPES.peering).map(p => p.name)).toEqual(['p1']);
	});

	test('names the resource and the field of a malformed entry', () => {
		const error = topologyError(
			minimal([
				{
					id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/bastionHosts/bas-dev`,
					sku: {name: 'Developer'},
					properties: {ipConfigurations: []},
				},
			]),
		);
		expect(error.issues).toEqual([
			{
				where: 'resources[0]',
				resource: "Microsoft.Network/bastionHosts 'bas-dev'",
				field: 'properties.virtualNetwork.id',
				message: 'a Developer Bastion names the VNet it serves in properties.virtualNetwork.id',
			},
		]);
		expect(error.message).toContain("test.json");
		expect(error.message).toContain("resources[0] (Microsoft.Network/bastionHosts 'bas-dev'): properties.virtualNetwork.id:");
	});

	test('reports every bad field, each with its resource', () => {
		const error = topologyError(
			minimal([
				{id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/bastionHosts/b1`, sku: {name: 'Gold'}, properties: {}},
				{id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic1`, properties: {ipConfigurations: [{properties: {subnet: {id: 42}}}]}},
				{id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`, properties: {instanceView: {statuses: [{level: 'Info'}]}}},
				{id: `${vnetId}/virtualNetworkPeerings/p`, properties: {remoteVirtualNetwork: {id: 'x'}, peeringState: 'Up'}},
			]),
		);
		const byWhere = Object.fromEntries(error.issues.map(issue => [`${issue.where} ${issue.resource} ${issue.field}`, issue.message]));
		expect(Object.keys(byWhere)).toEqual(
			expect.arrayContaining([
				"resources[0] Microsoft.Network/bastionHosts 'b1' sku.name",
				"resources[1] Microsoft.Network/networkInterfaces 'nic1' properties.ipConfigurations[0].properties.subnet.id",
				"resources[2] Microsoft.Compute/virtualMachines 'vm1' properties.instanceView.statuses[0].code",
				"resources[3] Microsoft.Network/virtualNetworks/virtualNetworkPeerings 'p' properties.peeringState",
			]),
		);
	});

	test('rejects ids that are not ARM ids, unknown types, unknown subscriptions, type mismatches and duplicates', () => {
		const other = '22222222-2222-4222-8222-222222222222';
		const error = topologyError(
			minimal([
				{id: 'web-01'},
				{id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa`},
				{id: `/subscriptions/${other}/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/ip`},
				{id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/ip`, type: 'Microsoft.Network/networkInterfaces'},
				{id: vnetId},
				{id: vnetId.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/').replace(SUB.toUpperCase(), SUB)},
				{id: `${vnetId}x/virtualNetworkPeerings/orphan`, properties: {remoteVirtualNetwork: {id: vnetId}, peeringState: 'Connected'}},
			]),
		);
		const messages = error.issues.map(issue => `${issue.where}: ${issue.field}: ${issue.message}`);
		expect(messages[0]).toMatch(/^resources\[0\]: id: 'web-01' is not an ARM resource id/);
		expect(messages[1]).toMatch(/^resources\[1\]: id: resource type 'Microsoft.Storage\/storageAccounts' is not one the lab serves/);
		expect(messages[2]).toMatch(/^resources\[2\]: id: subscription '2222.*' is not listed in subscriptions/);
		expect(messages[3]).toMatch(/^resources\[3\]: type: 'Microsoft.Network\/networkInterfaces' does not match the id's type/);
		expect(messages[4]).toMatch(/^resources\[5\]: id: duplicates the id of resources\[4\]/);
		expect(messages[5]).toMatch(/^resources\[6\]: id: its parent '.*vnetx' is not in the topology/);
	});

	test('subscriptions need an id, a name and a tenant', () => {
		const error = topologyError({subscriptions: [{displayName: 'No id', tenantId: 't'}, {subscriptionId: 's2', displayName: 'No tenant'}], resources: []});
		expect(error.issues.map(issue => `${issue.where} ${issue.resource} ${issue.field}`)).toEqual([
			"subscriptions[0] subscription 'No id' subscriptionId",
			"subscriptions[1] subscription 'No tenant' tenantId",
		]);
	});

	test('a file that is not JSON, or not there, is named in the error', () => {
		const dir = mkdtempSync(join(tmpdir(), 'vmux-topology-'));
		const bad = join(dir, 'bad.json');
		writeFileSync(bad, '{"subscriptions": [');
		expect(() => loadTopologyFile(bad)).toThrow(/bad\.json is not valid:\n\s+is not JSON/);
		expect(() => loadTopologyFile(join(dir, 'missing.json'))).toThrow(/missing\.json is not valid:\n\s+cannot be read/);
		const shape = join(dir, 'shape.json');
		writeFileSync(shape, JSON.stringify({subscriptions: {}, resources: []}));
		expect(() => loadTopologyFile(shape)).toThrow(/subscriptions: Invalid input: expected array/);
	});
});
