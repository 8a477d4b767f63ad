import {describe, expect, test} from 'vitest';
import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import {loadDemoTopology} from '../../../source/lab/topology/index.js';

describe('local source on the demo topology (DESIGN §8)', () => {
	const inventory = buildLocalInventory(loadDemoTopology(), 1_700_000_000_000);
	const vm = (name: string) => inventory.vms.find(candidate => candidate.name === name)!;

	test('an inventory from the topology, without HTTP', () => {
		expect(inventory.source).toBe('local');
		expect(inventory.fetchedAt).toBe(1_700_000_000_000);
		expect(inventory.subscriptions).toEqual([
			{id: '3f2a6c1e-7d4b-4e8a-9c5f-1b2d3e4f5a6b', name: 'Contoso Dev', tenantId: '8f3c1a5e-4b2d-4c6e-9a7b-0d1e2f3a4b5c'},
			{id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b', name: 'Contoso Prod', tenantId: '8f3c1a5e-4b2d-4c6e-9a7b-0d1e2f3a4b5c'},
			// A second tenant, where the demo user is a guest.
			{id: 'c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f', name: 'Fabrikam Ops', tenantId: '2b7e4f9a-6c1d-4e3b-8a5f-9d0c1b2a3e4f'},
		]);
		expect(inventory.vms.map(v => v.name)).toEqual(['app-01', 'db-01', 'dev-01', 'jump-01', 'legacy-01', 'ops-01', 'web-01', 'web-02']);
	});

	test('the demo table: power state, subscription, resource group, Bastion and SKU', () => {
		const table = inventory.vms.map(v => [v.name, v.powerState, v.subscriptionName, v.resourceGroup, v.bastion ? `${v.bastion.name} ${v.bastion.sku} ${v.bastion.via}` : 'direct']);
		expect(table).toEqual([
			['app-01', 'running', 'Contoso Prod', 'rg-app', 'bas-prem Premium same-vnet'],
			['db-01', 'running', 'Contoso Dev', 'rg-data', 'bas-std Standard peered-vnet'],
			['dev-01', 'running', 'Contoso Prod', 'rg-dev', 'bas-dev Developer same-vnet'],
			['jump-01', 'running', 'Contoso Prod', 'rg-legacy', 'direct'],
			['legacy-01', 'running', 'Contoso Prod', 'rg-legacy', 'bas-basic Basic same-vnet'],
			['ops-01', 'running', 'Fabrikam Ops', 'rg-ops', 'bas-fab Standard same-vnet'],
			['web-01', 'running', 'Contoso Dev', 'rg-web', 'bas-std Standard same-vnet'],
			['web-02', 'stopped', 'Contoso Dev', 'rg-web', 'bas-std Standard same-vnet'],
		]);
	});

	test('Bastion flags as DESIGN §4 reads them', () => {
		expect(vm('web-01').bastion!.flags).toMatchObject({enableTunneling: true, enableSessionRecording: false});
		expect(vm('app-01').bastion!.flags).toMatchObject({enableTunneling: true, enableSessionRecording: true, enableIpConnect: true, enableFileCopy: true});
		expect(Object.values(vm('legacy-01').bastion!.flags).every(flag => flag === false)).toBe(true);
		expect(vm('dev-01').bastion!.dnsName).toBe('omnibrain-eastus.bastion.localhost');
	});

	test('addresses, size, OS, location, tags, extensions', () => {
		expect(vm('jump-01')).toMatchObject({privateIp: '10.40.1.4', publicIp: '203.0.113.10', size: 'Standard_B1s', osType: 'Linux', location: 'eastus', tags: {env: 'prod', role: 'jump'}});
		expect(vm('db-01').vnetId).toMatch(/virtualNetworks\/vnet-dev-data$/);
		expect(vm('app-01').extensions).toEqual(['AADSSHLoginForLinux']);
		expect(vm('dev-01').extensions).toEqual([]);
	});
});
