import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {bastionProfile, layout, named, startLayoutLab, type LayoutLab, type RawResource} from './layout-lab.js';

/**
 * Issue 14, "the doctor must not say all clear when connecting cannot work": one lab world with four real-world
 * shapes, each checked in the browser row, the doctor and connecting.
 * - bas-std (web-01's) is a private-only Bastion: no public IP, reachable only from a network connected to its VNet.
 * - db-01's NIC has no private IP yet (allocation pending).
 * - dev-01 runs Windows, and has a Microsoft Entra ID profile.
 * - bas-fab (ops-01's) has native client support off: its 403 is not about roles.
 */

const world = layout('doctor truth', resources => {
	const std = named(resources, 'bas-std');
	Object.assign(std.properties!, {enablePrivateOnlyBastion: true});
	for (const config of (std.properties!.ipConfigurations as RawResource[]) ?? []) delete (config.properties as Record<string, unknown>).publicIPAddress;
	const dbNic = named(resources, 'db-01-nic');
	for (const config of dbNic.properties!.ipConfigurations as RawResource[]) delete (config.properties as Record<string, unknown>).privateIPAddress;
	const dev = named(resources, 'dev-01');
	((dev.properties!.storageProfile as Record<string, Record<string, unknown>>).osDisk!).osType = 'Windows';
	Object.assign(named(resources, 'bas-fab').properties!, {enableTunneling: false});
	return resources.filter(resource => resource.name !== 'pip-bas-std');
});

describe('where connecting cannot work, the doctor and connecting say the same', () => {
	let lab: LayoutLab;
	beforeAll(async () => {
		lab = await startLayoutLab(world);
	}, 60_000);
	afterAll(() => lab?.close());

	const checks = async (name: string) => Object.fromEntries((await lab.doctor(name)).checks.map(check => [check.id, check]));

	test('private-only Bastion: the doctor warns where it is reachable from; connecting fails saying the same', async () => {
		lab.save(bastionProfile(lab.vm('web-01')));
		const byId = await checks('web-01');
		expect(byId.bastion).toMatchObject({status: 'warn'});
		expect(byId.bastion!.detail).toMatch(/private-only Bastion \(no public IP\): it is reachable only from a network connected to 'vnet-dev-web'.*VPN or ExpressRoute/);
		const state = await lab.connect('web-01');
		expect(state).toMatchObject({kind: 'disconnected'});
		expect(state.kind === 'disconnected' && state.reason).toMatch(/bas-std is a private-only Bastion \(no public IP\): it is reachable only from a network connected to its virtual network/);
	}, 90_000);

	test('no private IP yet: the doctor warns and connecting refuses with that reason, before anything opens', async () => {
		const vm = lab.vm('db-01');
		expect(vm.privateIp).toBeUndefined();
		expect(vm.privateIpPending).toBe(true);
		const byId = await checks('db-01');
		expect(byId.nic).toMatchObject({status: 'warn'});
		expect(byId.nic!.detail).toMatch(/no private IP address yet.*allocation is pending/);
		const before = lab.demo.azure.bastion?.requests.length ?? 0;
		const outcome = await lab.plan('db-01');
		expect(outcome).toMatchObject({kind: 'error'});
		expect(outcome.kind === 'error' && outcome.message).toMatch(/db-01 has no private IP address yet.*allocation is pending/);
		expect(lab.demo.azure.bastion?.requests.length ?? 0).toBe(before);
	}, 60_000);

	test('Windows: named in the browser; the doctor says what SSH needs; an Entra profile is refused by both', async () => {
		const vm = lab.vm('dev-01');
		expect(vm.osType).toBe('Windows');
		lab.save(bastionProfile(vm, undefined, {auth: {type: 'entra'}, username: undefined}));
		const byId = await checks('dev-01');
		expect(byId.vm).toMatchObject({status: 'warn'});
		expect(byId.vm!.fix).toMatch(/OpenSSH Server.*Entra ID SSH login is Linux-only/);
		expect(byId.auth).toMatchObject({status: 'fail'});
		expect(byId.auth!.detail).toMatch(/runs Windows.*Linux VMs only/);
		const outcome = await lab.plan('dev-01');
		expect(outcome.kind === 'error' && outcome.message).toBe(byId.auth!.detail);
	}, 60_000);

	test('a 403 that is about native client support gets that hint, not "check your Reader role"', async () => {
		lab.save(bastionProfile(lab.vm('ops-01')));
		const state = await lab.connect('ops-01');
		expect(state).toMatchObject({kind: 'disconnected'});
		const reason = state.kind === 'disconnected' ? state.reason : '';
		expect(reason).toMatch(/HTTP 403.*Native client support is off on bas-fab/);
		expect(reason).not.toMatch(/Reader role/);
	}, 60_000);
});
