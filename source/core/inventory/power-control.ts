import {EventEmitter} from 'node:events';
import type {ArmClients} from '../azure/clients.js';
import type {PowerState, VmRecord} from './model.js';
import {readPowerState} from './power-state.js';
import {POWER_ACTION_TEXT, runVmPowerAction, type VmPowerAction, type VmPowerOutcome} from './vm-power.js';

/**
 * The power actions the browser runs: at most one per VM at a time, each visible while it runs (what it does and
 * since when, for the list's `starting… 12s`), and when it ends the VM's row gets its state as ARM now reports it
 * (Resource Graph lags minutes behind a start or stop, so the list is not refreshed from it).
 */

export interface PowerActivity {
	action: VmPowerAction;
	/** The state shown meanwhile (`starting`, `deallocating`). */
	doing: PowerState;
	startedAt: number;
}

export interface PowerInventory {
	/** Sets one VM's power state in the list shown. */
	setPowerState(vmId: string, state: PowerState): void;
}

export class PowerControl extends EventEmitter<{change: []}> {
	private readonly running = new Map<string, PowerActivity>();

	constructor(
		private readonly clients: () => Promise<ArmClients>,
		private readonly inventory: PowerInventory,
		private readonly options: {intervalMs?: number} = {},
	) {
		super();
	}

	activity(vmId: string): PowerActivity | undefined {
		return this.running.get(vmId.toLowerCase());
	}

	get busy(): boolean {
		return this.running.size > 0;
	}

	async run(vm: Pick<VmRecord, 'id' | 'name' | 'resourceGroup'>, action: VmPowerAction): Promise<VmPowerOutcome> {
		const key = vm.id.toLowerCase();
		const current = this.running.get(key);
		if (current) {
			return {ok: false, action, message: `${vm.name} is already ${current.doing} (${POWER_ACTION_TEXT[current.action].verb}); wait until it ends.`};
		}
		this.running.set(key, {action, doing: POWER_ACTION_TEXT[action].doing, startedAt: Date.now()});
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
		return outcome;
	}
}

/** `starting… 12s`, short enough for the list's state column. */
export function describeActivity(activity: PowerActivity, now = Date.now()): string {
	const seconds = Math.max(0, Math.floor((now - activity.startedAt) / 1000));
	const word = activity.action === 'restart' ? 'restart' : activity.doing === 'deallocating' ? 'stopping' : activity.doing;
	return `${word}… ${seconds < 100 ? `${seconds}s` : `${Math.floor(seconds / 60)}m`}`;
}
