import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {parseTopology} from '../../../source/lab/topology/index.js';
import {bastionProfile, layoutJson, named, startLayoutLab, type LayoutLab} from './layout-lab.js';

/**
 * Issue 14, power and subscription states: never "Start it first (az vm start …)" for a VM that is not known to be
 * stopped, and say what a subscription's state means. web-01 is starting, db-01 deallocating; Contoso Dev is Warned;
 * Contoso Prod is Disabled (read-only), its legacy-01 deallocated and its app-01 deallocating.
 */

const json = layoutJson(resources => {
	const power = (name: string, code: string) => {
		const vm = named(resources, name);
		(vm.properties!.instanceView as {statuses: Array<{code: string}>}).statuses = [{code: 'ProvisioningState/succeeded'}, {code}];
	};
	power('web-01', 'PowerState/starting');
	power('db-01', 'PowerState/deallocating');
	power('legacy-01', 'PowerState/deallocated');
	power('app-01', 'PowerState/deallocating');
});
// ARM lists each subscription with its state.
for (const sub of json.subscriptions) {
	if (sub.displayName === 'Contoso Dev') sub.state = 'Warned';
	if (sub.displayName === 'Contoso Prod') sub.state = 'Disabled';
}
const world = parseTopology(json, 'power and subscription states');

describe('power and subscription states in the browser, the doctor and connecting', () => {
	let lab: LayoutLab;
	beforeAll(async () => {
		lab = await startLayoutLab(world);
	}, 60_000);
	afterAll(() => lab?.close());

	test('the browser header names the Warned and the Disabled subscription', () => {
		const status = lab.built.services.inventory.current().status;
		expect(status).toContain('Contoso Dev (Warned: billing needs attention)');
		expect(status).toContain('Contoso Prod (Disabled: read-only)');
		expect(lab.vm('legacy-01').subscriptionState).toBe('Disabled');
	});

	test('starting: "try again in a moment", no az vm start', async () => {
		lab.save(bastionProfile(lab.vm('web-01')));
		const outcome = await lab.plan('web-01');
		expect(outcome.kind === 'error' && outcome.message).toBe('web-01 is starting. Try again in a moment, once it is running.');
		// The browser offers to wait for it (power-in-transit.test.ts runs that wait).
		expect(outcome).toMatchObject({waitable: 'running', powerState: 'starting'});
		expect(outcome.kind === 'error' && outcome.startable).toBeFalsy();
		const report = await lab.doctor('web-01');
		expect(report.checks.find(check => check.id === 'power')).toMatchObject({status: 'warn'});
		// Warned: the doctor says so on the VM check.
		expect(report.checks.find(check => check.id === 'vm')!.detail).toMatch(/Contoso Dev is Warned \(billing needs attention\)/);
	}, 60_000);

	test('deallocating: wait until it has stopped, then start it', async () => {
		lab.save(bastionProfile(lab.vm('db-01')));
		const outcome = await lab.plan('db-01');
		expect(outcome.kind === 'error' && outcome.message).toMatch(/^db-01 is deallocating\. Wait until it has stopped, then start it \(az vm start -g rg-data -n db-01/);
		expect(outcome.kind === 'error' && outcome.message).not.toMatch(/Start it first/);
		expect(outcome).toMatchObject({waitable: 'stopped', powerState: 'deallocating'});
	}, 60_000);

	test('a Disabled subscription offers no wait and no start for a VM in transit', async () => {
		lab.save(bastionProfile(lab.vm('app-01')));
		const outcome = await lab.plan('app-01');
		expect(outcome.kind === 'error' && outcome.message).toMatch(/app-01 is deallocating, and its subscription Contoso Prod is disabled \(read-only\)/);
		expect(outcome.kind === 'error' && (outcome.waitable ?? outcome.startable)).toBeFalsy();
	}, 60_000);

	test('a Disabled subscription: read-only, nothing can start its VMs, no az vm start advice', async () => {
		const outcome = await lab.plan('legacy-01');
		expect(outcome.kind === 'error' && (outcome.waitable ?? outcome.startable)).toBeFalsy();
		expect(outcome.kind === 'error' && outcome.message).toMatch(/legacy-01 is deallocated, and its subscription Contoso Prod is disabled \(read-only\): none of its VMs can be started/);
		expect(outcome.kind === 'error' && outcome.message).not.toMatch(/az vm start/);
		const report = await lab.doctor('legacy-01');
		const power = report.checks.find(check => check.id === 'power')!;
		expect(power.status).toBe('fail');
		expect(power.detail).toMatch(/Contoso Prod is Disabled \(read-only\): nothing can start its VMs/);
		expect(power.fix).not.toMatch(/az vm start/);
	}, 60_000);
});

