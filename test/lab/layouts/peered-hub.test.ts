import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {parseTopology} from '../../../source/lab/topology/index.js';
import {bastionProfile, layoutJson, named, peering, startLayoutLab, type LayoutLab} from './layout-lab.js';

/**
 * Issue 14, "Which Bastion serves a VM": legacy-01's VNet has its own Basic Bastion (portal only) and is peered,
 * Connected, with the hub vnet-prod-app, whose Premium Bastion has native client support. vmux must list both, pick
 * the hub's, show that in the browser, let the editor choose, pass the doctor and connect through it; and once the
 * peering is Disconnected, a profile saved through the hub says so instead of trying it.
 */

const peeredWithHubJson = (state: string) =>
	layoutJson(resources => {
		const spoke = named(resources, 'vnet-prod-legacy');
		const hub = named(resources, 'vnet-prod-app');
		return [...resources, peering(spoke, hub, state), peering(hub, spoke, state)];
	});
const peeredWithHub = (state: string) => parseTopology(peeredWithHubJson(state), `legacy spoke peered with the app hub (${state})`);

describe('a spoke with its own Basic Bastion, peered with a hub whose Premium Bastion has native client support', () => {
	let lab: LayoutLab;
	beforeAll(async () => {
		lab = await startLayoutLab(peeredWithHub('Connected'));
	}, 60_000);
	afterAll(() => lab?.close());

	test('the browser row names the hub’s Bastion, peered (⇄), with one more choice', () => {
		expect(lab.bastionCell('legacy-01')).toBe('bas-prem · Premium ⇄ +1');
		const vm = lab.vm('legacy-01');
		expect(vm.bastion).toMatchObject({name: 'bas-prem', via: 'peered-vnet'});
		expect(vm.bastionChoices?.map(bastion => `${bastion.name}/${bastion.via}`)).toEqual(['bas-prem/peered-vnet', 'bas-basic/same-vnet']);
		expect(vm.bastionsComplete).toBe(true);
	});

	test('the doctor passes with a profile through the hub, naming the peering', async () => {
		lab.save(bastionProfile(lab.vm('legacy-01'), 'bas-prem'));
		const report = await lab.doctor('legacy-01');
		const byId = Object.fromEntries(report.checks.map(check => [check.id, check]));
		expect(byId.bastion).toMatchObject({status: 'pass'});
		expect(byId.bastion!.detail).toMatch(/bas-prem \(Premium\).*peered virtual network 'vnet-prod-app'/);
		expect(byId.vnet).toMatchObject({status: 'pass'});
		expect(report.ok).toBe(true);
	}, 60_000);

	test('connecting goes through the hub’s Bastion to legacy-01’s sshd', async () => {
		lab.save(bastionProfile(lab.vm('legacy-01'), 'bas-prem'));
		const state = await lab.connect('legacy-01');
		expect(state).toMatchObject({kind: 'open'});
		const tunnels = lab.demo.azure.bastion!.tunnels.filter(tunnel => tunnel.vmId?.toLowerCase() === lab.vm('legacy-01').id.toLowerCase());
		expect(tunnels.map(tunnel => tunnel.bastionId.split('/').at(-1))).toContain('bas-prem');
	}, 60_000);

	test('a profile through the spoke’s own Basic Bastion cannot be saved (portal only), naming the fix', () => {
		expect(() => lab.save(bastionProfile(lab.vm('legacy-01'), 'bas-basic'))).toThrow(/Basic SKU of bas-basic only serves connections from the Azure portal/);
	});
});

describe('the same profile once the peering is Disconnected', () => {
	let lab: LayoutLab;
	beforeAll(async () => {
		lab = await startLayoutLab(peeredWithHub('Disconnected'));
	}, 60_000);
	afterAll(() => lab?.close());

	test('the browser row falls back to the spoke’s own Bastion', () => {
		expect(lab.bastionCell('legacy-01')).toBe('bas-basic · Basic');
	});

	test('connecting says the hub’s Bastion no longer serves the VM and offers to re-pick, without trying it', async () => {
		const hub = lab.demo.vms.find(vm => vm.name === 'app-01')!.bastion!;
		const vm = lab.vm('legacy-01');
		lab.save({
			...bastionProfile(vm, 'bas-basic'),
			name: 'legacy-01-via-hub',
			transport: {kind: 'bastion', bastionId: hub.id, bastionName: hub.name, sku: hub.sku, flags: {...hub.flags}, ...(hub.dnsName ? {dnsName: hub.dnsName} : {})},
		});
		const before = lab.demo.azure.bastion!.requests.length;
		const outcome = await lab.plan('legacy-01');
		expect(outcome).toMatchObject({kind: 'error', repick: {name: 'legacy-01-via-hub'}});
		expect(outcome.kind === 'error' && outcome.message).toMatch(/Bastion bas-prem, which this profile goes through, no longer serves legacy-01.*peering was deleted or disconnected.*served by bas-basic \(Basic\)/);
		expect(lab.demo.azure.bastion!.requests.length).toBe(before);
		// The doctor agrees: the Bastion cannot reach the VM, because the peering is not Connected.
		const report = await lab.doctor('legacy-01');
		expect(report.checks.find(check => check.id === 'vnet')).toMatchObject({status: 'fail'});
	}, 60_000);
});

describe('vmux doctor --demo --lab-topology', () => {
	const dir = mkdtempSync(join(tmpdir(), 'vmux-doctor-topology-'));
	afterAll(() => rmSync(dir, {recursive: true, force: true}));
	const run = (args: string[]) => spawnSync(process.execPath, [resolve('dist/cli.js'), ...args], {encoding: 'utf8', timeout: 90_000, env: {...process.env, NO_COLOR: '1'}});

	test('checks the world the file describes, as the app serves it (here: the hub’s Bastion, across the peering)', () => {
		const file = join(dir, 'peered.json');
		writeFileSync(file, JSON.stringify(peeredWithHubJson('Connected')));
		const result = run(['doctor', 'legacy-01', '--demo', '--lab-topology', file, '--config-dir', join(dir, 'config')]);
		expect(result.stdout).toMatch(/Found bas-prem \(Premium\).*peered virtual network 'vnet-prod-app'/);
		expect(result.stdout).toContain('No check failed');
		// The built-in world has no such peering: only the Basic one is found there.
		const builtIn = run(['doctor', 'legacy-01', '--demo', '--config-dir', join(dir, 'config2')]);
		expect(builtIn.stdout).not.toMatch(/bas-prem/);
	}, 120_000);

	test('a bad file is named with the problem, exit 1; without --demo the option is refused, exit 2', () => {
		const bad = join(dir, 'bad.json');
		writeFileSync(bad, '{"resources": 3}');
		const result = run(['doctor', 'legacy-01', '--demo', '--lab-topology', bad, '--config-dir', join(dir, 'config3')]);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(`Lab topology ${bad} is not valid`);
		const noDemo = run(['doctor', 'legacy-01', '--lab-topology', bad, '--config-dir', join(dir, 'config4')]);
		expect(noDemo.status).toBe(2);
		expect(noDemo.stderr).toMatch(/--lab-topology .* add --demo/);
	}, 120_000);
});
