import {describe, expect, it} from 'vitest';
import {describeRowCount, HOST_ROW_PREFIX} from '../../../source/core/inventory/host-rows.js';
import {InventoryController, type InventorySource} from '../../../source/core/inventory/inventory-controller.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';

function row(name: string, host = false): VmRecord {
	return {id: host ? HOST_ROW_PREFIX + name : `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`, name, subscriptionId: host ? '' : 's', subscriptionName: host ? '' : 'Sub', resourceGroup: host ? '' : 'rg', location: '', powerState: 'running', privateIp: '10.0.0.4', tags: {}};
}

describe('the browser row count', () => {
	it('names VMs and saved hosts apart, singular and plural', () => {
		expect(describeRowCount([])).toBe('0 VMs');
		expect(describeRowCount([row('a')])).toBe('1 VM');
		expect(describeRowCount([row('a'), row('b'), row('h', true)])).toBe('2 VMs · 1 saved host');
		expect(describeRowCount([row('h', true), row('i', true)])).toBe('0 VMs · 2 saved hosts');
	});

	it('the status line counts the saved hosts it is given with the VMs, as the footer does', async () => {
		const vms = [row('a'), row('b')];
		const source: InventorySource = {label: 'test', fetch: async () => ({ok: true, inventory: {vms, subscriptions: [], fetchedAt: Date.now(), source: 'local'}, problems: []})};
		const controller = new InventoryController(source, undefined);
		const done = new Promise<void>(resolve => controller.on('change', () => !controller.current().status.includes('refreshing') && resolve()));
		controller.start();
		await done;
		const view = controller.current([row('h', true)]);
		expect(view.vms.map(vm => vm.name)).toEqual(['a', 'b', 'h']);
		expect(view.status).toContain(`· ${describeRowCount(view.vms)} ·`);
		expect(view.status).toContain('2 VMs · 1 saved host');
	});
});
