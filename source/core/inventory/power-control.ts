import {EventEmitter} from 'node:events';
import type {ArmClients} from '../azure/clients.js';
import type {PowerState, VmRecord} from './model.js';
import {readPowerState} from './power-state.js';
import {POWER_ACTION_TEXT, runVmPowerAction, type VmPowerAction, type VmPowerOutcome} from './vm-power.js';
import {waitForPowerState, type PowerWaitGoal, type PowerWaitOutcome} from './power-wait.js';

/**
 * The power actions the browser runs: at most one per VM at a time, each visible while it runs (what it does and
 * since when, for the list's `starting… 12s`), and when it ends the VM's row gets its state as ARM now reports it
 * (Resource Graph lags minutes behind a start or stop, so the list is not refreshed from it).
 */

export interface PowerActivity {
	/** A power action vmux runs, or `wait`: vmux waits for a VM in transit (started or stopped elsewhere) to arrive. */
	action: VmPowerAction | 'wait';
	/** The state shown meanwhile (`starting`, `deallocating`). */
	doing: PowerState;
	startedAt: number;
	/** For a wait: where the VM should arrive. */
	goal?: PowerWaitGoal;
}

interface Wait {
	activity: PowerActivity;
	stop: AbortController;
}

export interface PowerInventory {
	/** Sets one VM's power state in the list shown. */
	setPowerState(vmId: string, state: PowerState): void;
}

export class PowerControl extends EventEmitter<{change: []}> {
	private readonly running = new Map<string, PowerActivity & {action: VmPowerAction; done: Promise<VmPowerOutcome>}>();
	private readonly waits = new Map<string, Wait>();
	private disposed = false;

	constructor(
		private readonly clients: () => Promise<ArmClients>,
		private readonly inventory: PowerInventory,
		/** `intervalMs`: the LRO poll; `waitIntervalMs`/`waitTimeoutMs`: a wait's poll and bound (power-wait.ts). */
		private readonly options: {intervalMs?: number; waitIntervalMs?: number; waitTimeoutMs?: number} = {},
	) {
		super();
	}

	/** What vmux is doing to the VM: its own power action first, else a wait for it. */
	activity(vmId: string): PowerActivity | undefined {
		const key = vmId.toLowerCase();
		return this.running.get(key) ?? this.waits.get(key)?.activity;
	}

	/** The wait under way for the VM, if any (Enter on it offers to stop waiting). */
	waiting(vmId: string): PowerActivity | undefined {
		return this.waits.get(vmId.toLowerCase())?.activity;
	}

	get busy(): boolean {
		return this.running.size > 0 || this.waits.size > 0;
	}

	/**
	 * Waits for a VM in transit to reach `goal`, polling ARM, with the row showing it (`waiting… 12s`). When vmux's own
	 * power action is what moves the VM, the wait also lets it finish, so a start that follows is not refused as busy.
	 */
	async wait(vm: Pick<VmRecord, 'id' | 'name' | 'resourceGroup' | 'powerState'>, goal: PowerWaitGoal): Promise<PowerWaitOutcome> {
		const key = vm.id.toLowerCase();
		if (this.disposed) return {kind: 'cancelled', state: vm.powerState};
		const already = this.waits.get(key);
		if (already) already.stop.abort();
		const stop = new AbortController();
		const entry: Wait = {activity: {action: 'wait', doing: vm.powerState, startedAt: Date.now(), goal}, stop};
		this.waits.set(key, entry);
		this.emit('change');
		let outcome: PowerWaitOutcome;
		try {
			const clients = await this.clients();
			outcome = await waitForPowerState({
				vm,
				goal,
				read: signal => readPowerState(clients, vm.id, AbortSignal.any([signal, AbortSignal.timeout(15_000)])),
				signal: stop.signal,
				...(this.options.waitIntervalMs !== undefined ? {intervalMs: this.options.waitIntervalMs} : {}),
				...(this.options.waitTimeoutMs !== undefined ? {timeoutMs: this.options.waitTimeoutMs} : {}),
				onState: state => {
					if (state === 'unknown' || state === entry.activity.doing) return;
					entry.activity = {...entry.activity, doing: state};
					if (!this.running.has(key)) this.inventory.setPowerState(vm.id, state);
					this.emit('change');
				},
			});
		} catch (error) {
			outcome = stop.signal.aborted ? {kind: 'cancelled', state: vm.powerState} : {kind: 'error', state: vm.powerState, message: `Stopped waiting for ${vm.name}: ${(error as Error).message}`};
		}
		// vmux's own action on the VM ends by reading ARM once more; a start queued after this wait needs it gone.
		const own = this.running.get(key);
		if (own && outcome.kind === 'arrived') await own.done;
		if (this.waits.get(key) === entry) this.waits.delete(key);
		if (!this.disposed) this.emit('change');
		return outcome;
	}

	/** Stops waiting for the VM (Enter on its row, or quitting); the wait's outcome is then `cancelled`. */
	cancelWait(vmId: string): boolean {
		const entry = this.waits.get(vmId.toLowerCase());
		if (!entry) return false;
		entry.stop.abort();
		return true;
	}

	/** Ends every wait (vmux is quitting): none keeps a timer or a request alive. */
	dispose(): void {
		this.disposed = true;
		for (const entry of this.waits.values()) entry.stop.abort();
	}

	async run(vm: Pick<VmRecord, 'id' | 'name' | 'resourceGroup'>, action: VmPowerAction): Promise<VmPowerOutcome> {
		const key = vm.id.toLowerCase();
		const current = this.running.get(key);
		if (current) {
			return {ok: false, action, message: `${vm.name} is already ${current.doing} (${POWER_ACTION_TEXT[current.action].verb}); wait until it ends.`};
		}
		let finished!: (outcome: VmPowerOutcome) => void;
		const done = new Promise<VmPowerOutcome>(resolve => {
			finished = resolve;
		});
		this.running.set(key, {action, doing: POWER_ACTION_TEXT[action].doing, startedAt: Date.now(), done});
		this.inventory.setPowerState(vm.id, POWER_ACTION_TEXT[action].doing);
		this.emit('change');
		let outcome: VmPowerOutcome;
		let clients: ArmClients | undefined;
		try {
			clients = await this.clients();
			outcome = await runVmPowerAction(clients, vm, action, this.options.intervalMs !== undefined ? {intervalMs: this.options.intervalMs} : {});
		} catch (error) {
			outcome = {ok: false, action, message: (error as Error).message};
		}
		// The row shows what ARM says now: the end state, or (after a refusal) the state the VM stayed in.
		let state: PowerState = outcome.ok ? POWER_ACTION_TEXT[action].ends : 'unknown';
		try {
			if (clients) state = await readPowerState(clients, vm.id, AbortSignal.timeout(15_000));
		} catch {
			// The list keeps the expected state (or unknown); the next refresh corrects it.
		}
		this.running.delete(key);
		this.inventory.setPowerState(vm.id, state);
		this.emit('change');
		finished(outcome);
		return outcome;
	}
}

/** `starting… 12s`, short enough for the list's state column. */
export function describeActivity(activity: PowerActivity, now = Date.now()): string {
	const seconds = Math.max(0, Math.floor((now - activity.startedAt) / 1000));
	const word = activity.action === 'wait' ? 'waiting' : activity.action === 'restart' ? 'restart' : activity.doing === 'deallocating' ? 'stopping' : activity.doing;
	return `${word}… ${seconds < 100 ? `${seconds}s` : `${Math.floor(seconds / 60)}m`}`;
}
