// The browser's IP column names the address a connection to the VM dials (jump-01: its public IP,
// which the host-key dialog and known_hosts name too), not one address in the list and another on connect.
import {describe, expect, it} from 'vitest';
import {COLUMNS, listedAddress} from '../../../source/app/views/browser/columns.js';
import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import {planConnection} from '../../../source/core/session/connect-plan.js';
import {demoProfiles} from '../../../source/lab/demo-profiles.js';
import {loadDemoTopology} from '../../../source/lab/topology/index.js';

const ipColumn = COLUMNS.find(column => column.key === 'ip')!;

describe('the IP column', () => {
	const vms = buildLocalInventory(loadDemoTopology()).vms;

	it('shows jump-01 (direct, public IP) by the public address it is reached at', () => {
		const jump = vms.find(vm => vm.name === 'jump-01')!;
		expect(jump.publicIp).toBe('203.0.113.10');
		expect(ipColumn.value(jump, true)).toBe('203.0.113.10');
	});

	it('names the host every demo profile connects to', async () => {
		let checked = 0;
		for (const profile of demoProfiles(vms, '/nonexistent/demo_ed25519')) {
			if (profile.target.kind !== 'azure-vm') continue;
			const vm = vms.find(candidate => candidate.id === (profile.target as {vmId: string}).vmId)!;
			const plan = await planConnection(profile, vm, {credentials: () => [] as never, bastionTransport: () => ({description: 'test'}) as never});
			if (!plan.ok) continue;
			expect(ipColumn.value(vm, true), profile.name).toBe(plan.spec.host);
			checked++;
		}
		expect(checked).toBeGreaterThanOrEqual(4);
	});

	it('a VM behind a Bastion shows its private IP even with a public one', () => {
		const web = vms.find(vm => vm.bastion && vm.privateIp)!;
		expect(listedAddress({...web, publicIp: '198.51.100.7'})).toBe(web.privateIp);
	});
});
