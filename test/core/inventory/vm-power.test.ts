import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {readPowerState} from '../../../source/core/inventory/power-state.js';
import {runVmPowerAction, type VmPowerProgress} from '../../../source/core/inventory/vm-power.js';
import {DEV, startLabWithClients, type LabWithClients} from '../../lab/arm/lab-clients.js';

/** The power module against the lab's ARM, with the real arm-compute client (issue 13 §5). */

let env: LabWithClients;
beforeAll(async () => {
	env = await startLabWithClients();
	env.lab.power.config.retryAfterSeconds = 0;
	env.lab.power.config.durationMs = {start: 300, deallocate: 300, powerOff: 300, restart: 300};
});
afterAll(async () => {
	await env.close();
});

const web02 = {id: `/subscriptions/${DEV}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-02`, name: 'web-02', resourceGroup: 'rg-web'};

describe('runVmPowerAction', () => {
	test('starts a stopped VM through the long-running operation, with progress, then deallocates it', async () => {
		const progress: VmPowerProgress[] = [];
		const outcome = await runVmPowerAction(env.clients, web02, 'start', {onProgress: p => progress.push(p), intervalMs: 50});
		expect(outcome).toMatchObject({ok: true, action: 'start'});
		expect(progress[0]).toEqual({phase: 'requested'});
		expect(progress).toContainEqual({phase: 'accepted'});
		expect(await readPowerState(env.clients, web02.id)).toBe('running');
		expect(await runVmPowerAction(env.clients, web02, 'deallocate', {intervalMs: 50})).toMatchObject({ok: true});
		expect(await readPowerState(env.clients, web02.id)).toBe('deallocated');
	});

	test('403 names the role and the az role assignment command', async () => {
		const lift = env.lab.faults.denyAction({action: 'Microsoft.Compute/virtualMachines/start/action', scope: web02.id});
		try {
			const outcome = await runVmPowerAction(env.clients, web02, 'start');
			expect(outcome.ok).toBe(false);
			if (outcome.ok) return;
			expect(outcome.status).toBe(403);
			expect(outcome.message).toContain('Virtual Machine Contributor');
			expect(outcome.message).toContain(`az role assignment create --assignee `);
			expect(outcome.message).toContain(`--scope ${web02.id}`);
			expect(outcome.message).toContain("'Microsoft.Compute/virtualMachines/start/action'");
		} finally {
			lift();
		}
	});

	test('409 says the state the VM is in', async () => {
		const outcome = await runVmPowerAction(env.clients, web02, 'restart');
		expect(outcome).toMatchObject({ok: false, status: 409, message: 'Cannot restart web-02 (resource group rg-web): it is deallocated; start it instead.'});
	});

	test('an operation that fails names its error code', async () => {
		env.lab.power.failNext({vmName: 'web-02', action: 'start'});
		const outcome = await runVmPowerAction(env.clients, web02, 'start', {intervalMs: 50});
		expect(outcome.ok).toBe(false);
		if (outcome.ok) return;
		expect(outcome.code).toBe('AllocationFailed');
		expect(outcome.message).toMatch(/^Start of web-02 \(resource group rg-web\) failed.*Allocation failed/);
	});
});
