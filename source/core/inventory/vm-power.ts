import type {ArmClients} from '../azure/clients.js';
import {describeAzureError} from '../azure/errors.js';
import {parseResourceId} from '../azure/resource-id.js';
import type {PowerState} from './model.js';

/**
 * Starts, stops (deallocates) or restarts a VM with the real ARM long-running operations (POST, then the SDK's
 * poller follows `Azure-AsyncOperation` until the operation ends), reporting progress on the way, and turns a refusal
 * into a sentence a user can act on: a 403 names the role that grants the action and the command an owner runs, a
 * 409 says which state the VM is in.
 */

export type VmPowerAction = 'start' | 'deallocate' | 'restart';

export interface VmPowerTarget {
	id: string;
	name: string;
	resourceGroup: string;
}

/** What the list shows while an action runs, and the state it ends in. */
export const POWER_ACTION_TEXT: Record<VmPowerAction, {verb: string; doing: PowerState; ends: PowerState; label: string}> = {
	start: {verb: 'start', doing: 'starting', ends: 'running', label: 'Start'},
	deallocate: {verb: 'stop (deallocate)', doing: 'deallocating', ends: 'deallocated', label: 'Stop (deallocate)'},
	restart: {verb: 'restart', doing: 'starting', ends: 'running', label: 'Restart'},
};

export type VmPowerProgress = {phase: 'requested'} | {phase: 'accepted'} | {phase: 'polling'; status: string};

export type VmPowerOutcome = {ok: true; action: VmPowerAction; elapsedMs: number} | {ok: false; action: VmPowerAction; message: string; code?: string; status?: number};

export interface VmPowerOptions {
	onProgress?(progress: VmPowerProgress): void;
	signal?: AbortSignal;
	/** Poll interval when the service sends no Retry-After (the SDK's default is 2 s). */
	intervalMs?: number;
}

/** The Azure built-in role that grants start, deallocate and restart (and the role assignment command). */
export const POWER_ROLE = 'Virtual Machine Contributor';

export async function runVmPowerAction(clients: ArmClients, vm: VmPowerTarget, action: VmPowerAction, options: VmPowerOptions = {}): Promise<VmPowerOutcome> {
	const parsed = parseResourceId(vm.id);
	if (!parsed?.resourceGroup || !parsed.name) return {ok: false, action, message: `'${vm.id}' is not a virtual machine id.`};
	const started = Date.now();
	const requestOptions = {...(options.signal ? {abortSignal: options.signal} : {}), ...(options.intervalMs !== undefined ? {updateIntervalInMs: options.intervalMs} : {})};
	try {
		options.onProgress?.({phase: 'requested'});
		const machines = (await clients.compute(parsed.subscriptionId)).virtualMachines;
		const poller =
			action === 'start'
				? await machines.beginStart(parsed.resourceGroup, parsed.name, requestOptions)
				: action === 'deallocate'
					? await machines.beginDeallocate(parsed.resourceGroup, parsed.name, requestOptions)
					: await machines.beginRestart(parsed.resourceGroup, parsed.name, requestOptions);
		options.onProgress?.({phase: 'accepted'});
		poller.onProgress(state => options.onProgress?.({phase: 'polling', status: state.status}));
		await poller.pollUntilDone();
		return {ok: true, action, elapsedMs: Date.now() - started};
	} catch (error) {
		return {ok: false, action, ...explainPowerError(error, vm, action)};
	}
}

/** A power action's refusal as one sentence: 403 -> the role and `az role assignment create`; 409 -> the VM's state. */
export function explainPowerError(error: unknown, vm: VmPowerTarget, action: VmPowerAction): {message: string; code?: string; status?: number} {
	const problem = describeAzureError(error, {doing: `trying to ${POWER_ACTION_TEXT[action].verb} ${vm.name}`});
	const status = problem.status;
	const code = problem.code;
	const raw = serviceMessage(error);
	const where = `${vm.name} (resource group ${vm.resourceGroup})`;
	if (status === 403) {
		const who = /The client '([^']+)'/.exec(raw)?.[1];
		const refused = problem.action ?? `Microsoft.Compute/virtualMachines/${action}/action`;
		return {
			status,
			code,
			message:
				`You may not ${POWER_ACTION_TEXT[action].verb} ${where}: Azure refused '${refused}'. ` +
				`It needs the ${POWER_ROLE} role on the VM (or its resource group); an owner can grant it with ` +
				`az role assignment create --assignee ${who ?? '<your user>'} --role "${POWER_ROLE}" --scope ${vm.id}`,
		};
	}
	if (status === 409) {
		const state = /since the VM is (\w+)/i.exec(raw)?.[1];
		const other = /another operation \('(\w+)'\)/i.exec(raw)?.[1];
		const reason = state
			? `it is ${state}${action === 'restart' ? '; start it instead' : ''}`
			: other
				? `another operation (${other}) is still running on it; wait until it ends`
				: `Azure says: ${firstLine(raw)}`;
		return {status, code, message: `Cannot ${POWER_ACTION_TEXT[action].verb} ${where}: ${reason}.`};
	}
	// A Failed operation: core-lro words it "The long-running operation has failed. {code}. {message}".
	const failed = /long-running operation has failed\.\s*(\w+)\.\s*(.*)/i.exec(raw);
	if (failed) {
		return {code: failed[1], message: `${POWER_ACTION_TEXT[action].label} of ${where} failed (${failed[1]}): ${firstLine(failed[2]!)}`};
	}
	return {...(status ? {status} : {}), ...(code ? {code} : {}), message: problem.message};
}

function serviceMessage(error: unknown): string {
	const err = (error ?? {}) as {message?: unknown; details?: {error?: {message?: unknown}}};
	const detail = err.details?.error?.message;
	if (typeof detail === 'string') return detail;
	return typeof err.message === 'string' ? err.message : String(error);
}

function firstLine(text: string): string {
	return text.split('\n')[0]!.trim();
}
