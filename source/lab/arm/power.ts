import {randomUUID} from 'node:crypto';
import type {ArmJson, TopologyResource} from '../topology/index.js';

/**
 * VM power actions in the lab's ARM: `POST …/virtualMachines/{vm}/start|deallocate|powerOff|restart`, served as
 * Azure serves them — long-running operations (ARM's async pattern,
 * https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations): the POST answers
 * 202 Accepted with no body, an `Azure-AsyncOperation` header naming the operation resource
 * `/subscriptions/{s}/providers/Microsoft.Compute/locations/{location}/operations/{id}`, a `Location` header (the
 * same resource with `monitor=true`: 202 while running, 200 when done) and `Retry-After`. The operation resource
 * answers `{name, startTime, status: "InProgress"}` and at the end `{…, endTime, status: "Succeeded"}` or
 * `"Failed"` with an `error` object. The specs mark these operations `x-ms-long-running-operation` with
 * `final-state-via: location` (azure-rest-api-specs, compute `VirtualMachines_Start`/`_Deallocate`/`_PowerOff`/
 * `_Restart`, examples `VirtualMachine_Start_MaximumSet_Gen.json`: responses 200 and 202), which is why
 * `@azure/arm-compute` polls the async-operation header and then reads the `Location` once.
 *
 * While an operation runs, the VM's instance view (and so Resource Graph's `extended.instanceView.powerState`)
 * shows the transitional state (`PowerState/starting`, `/deallocating`, `/stopping`) with
 * `ProvisioningState/updating`; the end state comes when the operation's time is up. Time is read when a request
 * arrives (`settle`), so the lab needs no timers.
 */

export type LabPowerAction = 'start' | 'deallocate' | 'powerOff' | 'restart';

export const POWER_ACTIONS: readonly LabPowerAction[] = ['start', 'deallocate', 'powerOff', 'restart'];

export interface LabPowerConfig {
	/** How long an operation stays InProgress, per action (ms). Azure takes 30 s to minutes; the demo a few seconds. */
	durationMs: Record<LabPowerAction, number>;
	/** Seconds sent in `Retry-After` on the 202 and the InProgress polls (0 in tests: poll at once). */
	retryAfterSeconds: number;
}

export const DEFAULT_POWER_CONFIG: LabPowerConfig = {
	durationMs: {start: 4000, deallocate: 3000, powerOff: 2000, restart: 3000},
	retryAfterSeconds: 1,
};

/** A failure the next operation on a VM ends with (the operation resource's `error`), as Azure reports them. */
export interface PowerFailureRule {
	vmName: string;
	action?: LabPowerAction;
	code?: string;
	message?: string;
}

interface Operation {
	id: string;
	subscriptionId: string;
	location: string;
	action: LabPowerAction;
	vm: TopologyResource;
	startTime: number;
	endsAt: number;
	before: string;
	failure?: {code: string; message: string};
	status: 'InProgress' | 'Succeeded' | 'Failed';
	endTime?: number;
}

const TRANSITIONAL: Record<LabPowerAction, string> = {start: 'starting', deallocate: 'deallocating', powerOff: 'stopping', restart: 'starting'};
const FINAL: Record<LabPowerAction, string> = {start: 'running', deallocate: 'deallocated', powerOff: 'stopped', restart: 'running'};

export type BeginResult = {ok: true; operation: {id: string; location: string}} | {ok: false; status: number; code: string; message: string};

export class LabPowerOperations {
	readonly config: LabPowerConfig = structuredClone(DEFAULT_POWER_CONFIG);
	private readonly operations = new Map<string, Operation>();
	private failures: PowerFailureRule[] = [];
	private listeners = new Set<(vmId: string, power: string) => void>();

	constructor(private readonly now: () => number = Date.now) {}

	/** The next matching operation ends Failed with this error, and the VM goes back to the state it was in. */
	failNext(rule: PowerFailureRule): () => void {
		const entry = {...rule};
		this.failures.push(entry);
		return () => {
			this.failures = this.failures.filter(candidate => candidate !== entry);
		};
	}

	clear(): void {
		this.failures = [];
	}

	/**
	 * Told each time a VM's power state changes here (`starting`, then `running`…), so the rest of a lab can follow:
	 * the demo starts a VM's SSH server once it runs and stops it once it is deallocated. Returns the unsubscribe.
	 */
	onChange(listener: (vmId: string, power: string) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private changed(vm: TopologyResource, power: string): void {
		for (const listener of this.listeners) {
			try {
				listener(vm.id, power);
			} catch {
				// A listener's trouble is its own; the operation's answer does not depend on it.
			}
		}
	}

	/**
	 * Ends the VM's operations under way now, as if their time were up (tests: an operation can then last as long as
	 * a step of the test needs, however loaded the machine, and end exactly when the test moves on).
	 */
	finish(vmName: string): void {
		const now = this.now();
		for (const operation of this.operations.values()) {
			if (operation.status === 'InProgress' && operation.vm.name.toLowerCase() === vmName.toLowerCase()) operation.endsAt = Math.min(operation.endsAt, now);
		}
		this.settle();
	}

	/** Starts an operation, or says why Azure would refuse it (409 for a conflicting state). */
	begin(vm: TopologyResource, action: LabPowerAction): BeginResult {
		this.settle();
		const current = powerCodeOf(vm);
		const busy = [...this.operations.values()].find(operation => operation.vm === vm && operation.status === 'InProgress');
		if (busy) {
			return {
				ok: false,
				status: 409,
				code: 'Conflict',
				message: `Operation '${action}' on VM '${vm.name}' could not be performed because another operation ('${busy.action}') is in progress on it. Retry after it completes.`,
			};
		}
		// Azure refuses a restart or power-off of a VM that is not running, and says so with OperationNotAllowed.
		if ((action === 'restart' || action === 'powerOff') && (current === 'deallocated' || current === 'stopped')) {
			const hint = action === 'restart' ? ' Start the VM instead.' : '';
			return {ok: false, status: 409, code: 'OperationNotAllowed', message: `Operation '${action}' is not allowed on VM '${vm.name}' since the VM is ${current}.${hint}`};
		}
		const now = this.now();
		const ruleIndex = this.failures.findIndex(rule => rule.vmName.toLowerCase() === vm.name.toLowerCase() && (!rule.action || rule.action === action));
		const rule = ruleIndex >= 0 ? this.failures.splice(ruleIndex, 1)[0] : undefined;
		const operation: Operation = {
			id: randomUUID(),
			subscriptionId: vm.subscriptionId,
			location: String(vm.raw.location ?? 'eastus'),
			action,
			vm,
			startTime: now,
			endsAt: now + this.config.durationMs[action],
			before: current ?? 'running',
			status: 'InProgress',
			...(rule
				? {
						failure: {
							code: rule.code ?? 'AllocationFailed',
							message:
								rule.message ??
								"Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance",
						},
					}
				: {}),
		};
		this.operations.set(operation.id, operation);
		setPower(vm, TRANSITIONAL[action], 'updating');
		this.changed(vm, TRANSITIONAL[action]);
		return {ok: true, operation: {id: operation.id, location: operation.location}};
	}

	/** Ends the operations whose time is up: the VM reaches its end state (or, on failure, its state before). */
	settle(): void {
		const now = this.now();
		for (const operation of this.operations.values()) {
			if (operation.status !== 'InProgress' || now < operation.endsAt) continue;
			operation.endTime = operation.endsAt;
			if (operation.failure) {
				operation.status = 'Failed';
				setPower(operation.vm, operation.before, 'failed');
				this.changed(operation.vm, operation.before);
			} else {
				operation.status = 'Succeeded';
				setPower(operation.vm, FINAL[operation.action], 'succeeded');
				this.changed(operation.vm, FINAL[operation.action]);
			}
		}
	}

	/** The operation resource, as `GET …/locations/{l}/operations/{id}` answers it; undefined for an unknown id. */
	statusBody(subscriptionId: string, operationId: string): {body: ArmJson; done: boolean; failed: boolean} | undefined {
		this.settle();
		const operation = this.operations.get(operationId);
		if (!operation || operation.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) return undefined;
		const body: ArmJson = {startTime: iso(operation.startTime), status: operation.status, name: operation.id};
		if (operation.endTime !== undefined) body.endTime = iso(operation.endTime);
		if (operation.status === 'Failed' && operation.failure) body.error = {...operation.failure};
		return {body, done: operation.status !== 'InProgress', failed: operation.status === 'Failed'};
	}
}

function iso(ms: number): string {
	// Azure writes seven fractional digits and an offset: 2026-01-05T09:12:44.1234567+00:00.
	return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000+00:00');
}

/** The `PowerState/…` of a VM's stored instance view, without the prefix, lower-cased. */
export function powerCodeOf(vm: TopologyResource): string | undefined {
	const statuses = statusesOf(vm);
	const power = statuses.find(status => typeof status.code === 'string' && /^PowerState\//i.test(status.code));
	return power?.code?.replace(/^PowerState\//i, '').toLowerCase();
}

function statusesOf(vm: TopologyResource): Array<{code?: string; level?: string; displayStatus?: string; time?: string}> {
	vm.raw.properties ??= {};
	const properties = vm.raw.properties as ArmJson;
	properties.instanceView ??= {};
	const view = properties.instanceView as ArmJson;
	if (!Array.isArray(view.statuses)) view.statuses = [];
	return view.statuses as Array<{code?: string; level?: string; displayStatus?: string; time?: string}>;
}

/** Rewrites the stored instance view: provisioning state and power state, as the compute RP shows them. */
function setPower(vm: TopologyResource, power: string, provisioning: 'updating' | 'succeeded' | 'failed'): void {
	const statuses = statusesOf(vm);
	const kept = statuses.filter(status => !/^(PowerState|ProvisioningState)\//i.test(status.code ?? ''));
	const provisioningStatus = {
		code: `ProvisioningState/${provisioning}`,
		level: provisioning === 'failed' ? 'Error' : 'Info',
		displayStatus: {updating: 'Updating', succeeded: 'Provisioning succeeded', failed: 'Provisioning failed'}[provisioning],
		time: iso(Date.now()),
	};
	statuses.splice(0, statuses.length, provisioningStatus, {code: `PowerState/${power}`, level: 'Info', displayStatus: `VM ${power}`}, ...kept);
}
