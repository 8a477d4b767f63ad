import {setTimeout as sleep} from 'node:timers/promises';
import {describeAzureError} from '../azure/errors.js';
import {shellCommand} from '../text/shell-command.js';
import type {PowerState} from './model.js';

/**
 * Waiting for a VM in transit (starting, stopping, deallocating) to arrive: poll its power state (ARM's instance
 * view) until it is where the user wants it, it lands somewhere else (a start that failed goes back to
 * deallocated), the time is up, the read fails, or the wait is cancelled. No React, no Azure client here: the
 * read, the pause and the clock are handed in, so the loop is tested without waiting.
 */

/** What a wait is for: the VM to run (then connect), or to have stopped (then start it and connect). */
export type PowerWaitGoal = 'running' | 'stopped';

/** Azure's VMs take 30 s to minutes to start or stop: a poll every few seconds is enough, and cheap on ARM. */
export const DEFAULT_WAIT_INTERVAL_MS = 3000;
/** A start or deallocate that has not ended in 10 minutes is stuck; the Activity log says why. */
export const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60_000;

export type PowerWaitOutcome =
	| {kind: 'arrived'; state: PowerState}
	/** The VM ended in a state that is not the goal and not on the way to it. */
	| {kind: 'elsewhere'; state: PowerState; message: string}
	| {kind: 'timeout'; state: PowerState; message: string}
	| {kind: 'error'; state: PowerState; message: string}
	| {kind: 'cancelled'; state: PowerState};

export interface PowerWaitOptions {
	vm: {name: string; resourceGroup: string};
	goal: PowerWaitGoal;
	/** The VM's power state now (one ARM read); its signal ends a read the wait no longer needs. */
	read(signal: AbortSignal): Promise<PowerState>;
	intervalMs?: number;
	timeoutMs?: number;
	signal?: AbortSignal;
	/** Called with each state read, for the list's row. */
	onState?(state: PowerState): void;
	/** Injected in tests: the pause between reads, and the clock the timeout is measured on. */
	sleep?(ms: number, signal: AbortSignal): Promise<void>;
	now?(): number;
}

/** The states a VM passes through on its way to the goal: keep waiting while it is in one of them. */
const ON_THE_WAY: Record<PowerWaitGoal, readonly PowerState[]> = {
	running: ['starting', 'unknown'],
	stopped: ['stopping', 'deallocating', 'unknown'],
};

const ARRIVED: Record<PowerWaitGoal, readonly PowerState[]> = {
	running: ['running'],
	stopped: ['stopped', 'deallocated'],
};

/** Whether `state` is where a wait for `goal` ends well. */
export function hasArrived(goal: PowerWaitGoal, state: PowerState): boolean {
	return ARRIVED[goal].includes(state);
}

/** The goal a VM in this state can be waited for, or undefined when it is not in transit. */
export function waitGoalOf(state: PowerState): PowerWaitGoal | undefined {
	if (state === 'starting') return 'running';
	if (state === 'stopping' || state === 'deallocating') return 'stopped';
	return undefined;
}

export async function waitForPowerState(options: PowerWaitOptions): Promise<PowerWaitOutcome> {
	const {vm, goal} = options;
	const interval = options.intervalMs ?? DEFAULT_WAIT_INTERVAL_MS;
	const timeout = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
	const now = options.now ?? Date.now;
	const pause = options.sleep ?? ((ms: number, signal: AbortSignal) => sleep(ms, undefined, {signal, ref: false}));
	// One controller for the whole wait: cancelling ends a read or a pause under way at once.
	const stop = new AbortController();
	const outer = options.signal;
	const onAbort = () => stop.abort();
	if (outer?.aborted) stop.abort();
	outer?.addEventListener('abort', onAbort, {once: true});
	const started = now();
	let state: PowerState = 'unknown';
	try {
		for (;;) {
			if (stop.signal.aborted) return {kind: 'cancelled', state};
			try {
				state = await options.read(stop.signal);
			} catch (error) {
				if (stop.signal.aborted) return {kind: 'cancelled', state};
				const problem = describeAzureError(error, {doing: `reading the power state of ${vm.name}`});
				return {kind: 'error', state, message: `Stopped waiting for ${vm.name}: ${problem.message}`};
			}
			if (stop.signal.aborted) return {kind: 'cancelled', state};
			options.onState?.(state);
			if (hasArrived(goal, state)) return {kind: 'arrived', state};
			if (!ON_THE_WAY[goal].includes(state)) return {kind: 'elsewhere', state, message: elsewhereMessage(vm, goal, state)};
			const elapsed = now() - started;
			if (elapsed >= timeout) return {kind: 'timeout', state, message: timeoutMessage(vm, goal, state, elapsed)};
			try {
				await pause(Math.min(interval, timeout - elapsed), stop.signal);
			} catch {
				return {kind: 'cancelled', state};
			}
		}
	} finally {
		outer?.removeEventListener('abort', onAbort);
	}
}

function elsewhereMessage(vm: PowerWaitOptions['vm'], goal: PowerWaitGoal, state: PowerState): string {
	if (goal === 'running') {
		const failed = state === 'stopped' || state === 'deallocated';
		return `${vm.name} did not come up: it is ${state} now${failed ? ' (its start failed or it was stopped again; the Activity log in the Azure portal says why)' : ''}.`;
	}
	return `${vm.name} did not stop: it is ${state} now (its stop was cancelled or failed, or someone started it again).`;
}

function timeoutMessage(vm: PowerWaitOptions['vm'], goal: PowerWaitGoal, state: PowerState, elapsedMs: number): string {
	const seconds = Math.round(elapsedMs / 1000);
	const took = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
	const command = shellCommand('az', 'vm', 'get-instance-view', '-g', vm.resourceGroup, '-n', vm.name, '--query', 'instanceView.statuses');
	return (
		`Gave up waiting for ${vm.name} to ${goal === 'running' ? 'run' : 'stop'} after ${took}: it is still ${state}. ` +
		`The VM's Activity log in the Azure portal shows the operation that holds it, and ${command} shows its state; connect again once it has settled.`
	);
}
