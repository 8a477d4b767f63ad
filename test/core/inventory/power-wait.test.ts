import {describe, expect, test} from 'vitest';
import type {PowerState} from '../../../source/core/inventory/model.js';
import {waitForPowerState, waitGoalOf, type PowerWaitOptions} from '../../../source/core/inventory/power-wait.js';

/**
 * The wait for a VM in transit, on a fake clock: each pause advances it by the interval asked for, and the reads
 * come from a script, so nothing here waits for real time and every assertion is about what the loop decided.
 */
function scripted(states: Array<PowerState | Error>, overrides: Partial<PowerWaitOptions> = {}) {
	let clock = 0;
	const pauses: number[] = [];
	const seen: PowerState[] = [];
	let reads = 0;
	const options: PowerWaitOptions = {
		vm: {name: 'web-01', resourceGroup: 'rg-Données(dev)'},
		goal: 'running',
		intervalMs: 3000,
		timeoutMs: 60_000,
		read: async () => {
			const next = states[Math.min(reads, states.length - 1)]!;
			reads += 1;
			if (next instanceof Error) throw next;
			return next;
		},
		sleep: async ms => {
			pauses.push(ms);
			clock += ms;
		},
		now: () => clock,
		onState: state => seen.push(state),
		...overrides,
	};
	return {options, pauses, seen, reads: () => reads};
}

describe('waitForPowerState', () => {
	test('starting → running: arrives after polling at the interval', async () => {
		const run = scripted(['starting', 'starting', 'running']);
		expect(await waitForPowerState(run.options)).toEqual({kind: 'arrived', state: 'running'});
		expect(run.pauses).toEqual([3000, 3000]);
		expect(run.seen).toEqual(['starting', 'starting', 'running']);
	});

	test('deallocating → deallocated arrives for the goal "stopped"; an unknown read in between keeps waiting', async () => {
		const run = scripted(['deallocating', 'unknown', 'deallocated'], {goal: 'stopped'});
		expect(await waitForPowerState(run.options)).toEqual({kind: 'arrived', state: 'deallocated'});
		expect(run.reads()).toBe(3);
	});

	test('a start that fails lands elsewhere: said, with the state it is in now', async () => {
		const run = scripted(['starting', 'deallocated']);
		const outcome = await waitForPowerState(run.options);
		expect(outcome.kind).toBe('elsewhere');
		expect(outcome).toMatchObject({state: 'deallocated', message: expect.stringMatching(/^web-01 did not come up: it is deallocated now \(its start failed/)});
	});

	test('a stop that ends running again is elsewhere too', async () => {
		const run = scripted(['stopping', 'running'], {goal: 'stopped'});
		expect(await waitForPowerState(run.options)).toMatchObject({kind: 'elsewhere', state: 'running'});
	});

	test('bounded: gives up after the timeout, naming the VM, its state and a quoted az command', async () => {
		const run = scripted(['starting'], {timeoutMs: 10 * 60_000});
		const outcome = await waitForPowerState(run.options);
		expect(outcome.kind).toBe('timeout');
		if (outcome.kind !== 'timeout') return;
		expect(outcome.message).toMatch(/^Gave up waiting for web-01 to run after 10 min: it is still starting\./);
		expect(outcome.message).toContain("az vm get-instance-view -g rg-Données\\(dev\\) -n web-01 --query instanceView.statuses");
		expect(outcome.message).toContain('Activity log');
		// 10 minutes at 3 s: 200 pauses, never more than the time left.
		expect(run.pauses.reduce((sum, ms) => sum + ms, 0)).toBe(10 * 60_000);
		expect(run.pauses).toHaveLength(200);
	});

	test('a read error ends the wait with its reason, not a throw', async () => {
		const forbidden = Object.assign(new Error("The client 'alice' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/instanceView/read'"), {
			statusCode: 403,
			code: 'AuthorizationFailed',
		});
		const run = scripted(['starting', forbidden]);
		const outcome = await waitForPowerState(run.options);
		expect(outcome.kind).toBe('error');
		expect(outcome).toMatchObject({state: 'starting', message: expect.stringMatching(/^Stopped waiting for web-01: /)});
		expect((outcome as {message: string}).message).not.toMatch(/\n\s+at /);
	});

	test('cancelled: an abort during the pause ends the wait at once', async () => {
		const stop = new AbortController();
		const run = scripted(['starting'], {
			signal: stop.signal,
			sleep: (_ms, signal) =>
				new Promise((_resolve, reject) => {
					signal.addEventListener('abort', () => reject(new Error('aborted')), {once: true});
					queueMicrotask(() => stop.abort());
				}),
		});
		expect(await waitForPowerState(run.options)).toEqual({kind: 'cancelled', state: 'starting'});
	});

	test('cancelled before it began: no read at all', async () => {
		const stop = new AbortController();
		stop.abort();
		const run = scripted(['starting'], {signal: stop.signal});
		expect(await waitForPowerState(run.options)).toEqual({kind: 'cancelled', state: 'unknown'});
		expect(run.reads()).toBe(0);
	});

	test('a read under way when cancelled counts as cancelled, not as an error', async () => {
		const stop = new AbortController();
		const run = scripted([], {
			signal: stop.signal,
			read: signal =>
				new Promise((_resolve, reject) => {
					signal.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted.'), {name: 'AbortError'})), {once: true});
					queueMicrotask(() => stop.abort());
				}),
		});
		expect(await waitForPowerState(run.options)).toMatchObject({kind: 'cancelled'});
	});

	test('which states are in transit, and to where', () => {
		expect(waitGoalOf('starting')).toBe('running');
		expect(waitGoalOf('deallocating')).toBe('stopped');
		expect(waitGoalOf('stopping')).toBe('stopped');
		for (const state of ['running', 'stopped', 'deallocated', 'unknown'] as const) expect(waitGoalOf(state)).toBeUndefined();
	});
});
