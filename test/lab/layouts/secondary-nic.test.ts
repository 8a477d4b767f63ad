import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {bastionTunnels} from '../../../source/core/transport/bastion-tunnels.js';
import {layout, named, startLayoutLab, type LayoutLab, type RawResource} from './layout-lab.js';

/**
 * Issue 14, a VM with two NICs: jump-01's primary NIC is in vnet-prod-dmz (no Bastion, no public IP here) and a
 * secondary NIC sits in vnet-prod-app, next to the Premium Bastion bas-prem (native client and IP-based connection
 * on). Bastion connects to a VM by its primary NIC, so bas-prem cannot reach jump-01 by resource id (the lab refuses,
 * as Azure does); it can reach the secondary address by IP. The browser, the doctor and connecting say and do that.
 */

const SECONDARY_IP = '10.10.1.9';

const twoNics = layout('jump-01 with a secondary NIC next to bas-prem', resources => {
	const primaryNic = named(resources, 'jump-01-nic');
	const config = (primaryNic.properties!.ipConfigurations as RawResource[])[0]!;
	delete (config.properties as Record<string, unknown>).publicIPAddress;
	const appNic = named(resources, 'app-01-nic');
	const secondaryNic: RawResource = structuredClone(appNic);
	secondaryNic.id = primaryNic.id.replace(/jump-01-nic$/, 'jump-01-nic-app');
	secondaryNic.name = 'jump-01-nic-app';
	const secondaryConfig = (secondaryNic.properties!.ipConfigurations as RawResource[])[0]!;
	secondaryConfig.id = `${secondaryNic.id}/ipConfigurations/ipconfig1`;
	Object.assign(secondaryConfig.properties as Record<string, unknown>, {privateIPAddress: SECONDARY_IP, primary: true});
	Object.assign(secondaryNic.properties!, {primary: false, virtualMachine: {id: named(resources, 'jump-01').id}});
	const vm = named(resources, 'jump-01');
	(vm.properties!.networkProfile as {networkInterfaces: unknown[]}).networkInterfaces.push({id: secondaryNic.id, properties: {primary: false}});
	return [...resources.filter(resource => resource.name !== 'pip-jump-01'), secondaryNic];
});

describe('a VM whose only Bastion is next to its secondary NIC', () => {
	let lab: LayoutLab;
	beforeAll(async () => {
		lab = await startLayoutLab(twoNics);
	}, 60_000);
	afterAll(() => lab?.close());

	test('the browser row says the Bastion reaches it by IP only; the VM keeps its primary address', () => {
		expect(lab.bastionCell('jump-01')).toBe('bas-prem · by IP');
		const vm = lab.vm('jump-01');
		expect(vm.privateIp).toBe('10.40.1.4');
		expect(vm.bastion).toBeUndefined();
		expect(vm.secondaryNicBastion).toMatchObject({bastion: {name: 'bas-prem'}, privateIp: SECONDARY_IP});
	});

	test('the lab refuses bas-prem to jump-01 by resource id, as Azure does (primary NIC not reachable)', async () => {
		const vm = lab.vm('jump-01');
		const bastion = vm.secondaryNicBastion!.bastion;
		const tunnel = bastionTunnels(lab.demo.azure.clients.cloud, lab.demo.azure.clients.credential)({id: bastion.id, name: bastion.name, sku: bastion.sku, dnsName: bastion.dnsName!}, {resourceId: vm.id, port: 22});
		await expect(tunnel.open(AbortSignal.timeout(20_000))).rejects.toThrow(/not reachable from Bastion Host 'bas-prem'|403/);
	}, 30_000);

	test('the doctor offers the IP-based connection to the secondary address instead of only "deploy a Bastion"', async () => {
		for (const profile of lab.built.services.profiles.list()) if (profile.name === 'jump-01') lab.built.services.profiles.delete(profile.name);
		const report = await lab.doctor('jump-01');
		const bastion = report.checks.find(check => check.id === 'bastion')!;
		expect(bastion.status).toBe('fail');
		expect(bastion.detail).toMatch(/No Bastion serves 'vnet-prod-dmz', the virtual network of jump-01's primary network interface.*bas-prem \(Premium\).*serves 'vnet-prod-app', where a secondary network interface has an address at 10\.10\.1\.9/);
		expect(bastion.fix).toMatch(/Connect by IP address through bas-prem.*Host or IP address" 10\.10\.1\.9/);
	}, 60_000);

	test('the IP-based profile the editor drafts connects through bas-prem to jump-01’s sshd', async () => {
		const bastion = lab.vm('jump-01').secondaryNicBastion!.bastion;
		lab.save({
			name: 'jump-01-by-ip',
			target: {kind: 'host', host: SECONDARY_IP},
			transport: {kind: 'bastion', bastionId: bastion.id, bastionName: bastion.name, sku: bastion.sku, flags: {...bastion.flags}, ...(bastion.dnsName ? {dnsName: bastion.dnsName} : {})},
			port: 22,
			username: 'azureuser',
			auth: {type: 'password'},
		});
		expect(await lab.connect('jump-01-by-ip')).toMatchObject({kind: 'open'});
		const tunnel = lab.demo.azure.bastion!.tunnels.at(-1)!;
		expect(tunnel).toMatchObject({target: {host: SECONDARY_IP, port: 22}});
	}, 60_000);
});
