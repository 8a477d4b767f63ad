import {copyToClipboard, type ClipboardTargets} from '../../core/clipboard/copy-text.js';
import type {VmRecord} from '../../core/inventory/model.js';
import {hostProfileName} from '../../core/inventory/host-rows.js';
import type {PowerControl} from '../../core/inventory/power-control.js';
import {POWER_ACTION_TEXT, type VmPowerAction} from '../../core/inventory/vm-power.js';
import type {PowerWaitGoal} from '../../core/inventory/power-wait.js';
import {isStartable} from '../../core/session/connect-plan.js';
import type {Dialogs} from '../dialogs/dialogs.js';
import type {UiState} from '../focus/ui-state.js';

/**
 * The browser's VM power keys: ask (naming the VM and its resource group), run the long-running operation in the
 * background while the list shows its progress, and say how it ended. Also the portal link for VMs whose Bastion
 * offers browser sessions only (Basic): shown and copied to the clipboard.
 */
export class PowerFlow {
	/** VMs a connection follows once vmux's start (or wait) on them ends: Enter on one says so instead of a second. */
	private readonly connectAfter = new Set<string>();

	constructor(
		private readonly services: {power?: PowerControl; portalLink?(vm: VmRecord): string | undefined; clipboard: Omit<ClipboardTargets, 'log'>},
		private readonly ui: UiState,
		private readonly dialogs: Dialogs,
		private readonly log?: (message: string) => void,
	) {}

	/** Whether this vmux can start and stop VMs (it talks to Azure, or the demo's lab). */
	get available(): boolean {
		return this.services.power !== undefined;
	}

	/** Asks, then runs `action` on the VM; `after` runs once it succeeded (start and connect). */
	ask(vm: VmRecord, action: VmPowerAction, after?: () => void): void {
		const power = this.services.power;
		if (!power) return this.ui.setNotice({text: 'VM power actions need Azure: they are not available here.', tone: 'error'});
		if (hostProfileName(vm) !== undefined) return this.ui.setNotice({text: `${vm.name} is a plain host, not an Azure VM: vmux cannot start or stop it.`, tone: 'error'});
		const running = power.activity(vm.id);
		if (running?.action === 'wait') {
			return this.ui.setNotice({text: `vmux is waiting for ${vm.name} to ${running.goal === 'running' ? 'run' : 'stop'}: press Enter on it to stop waiting first.`, tone: 'info'});
		}
		if (running) return this.ui.setNotice({text: `${vm.name} is already ${running.doing}; wait until it ends.`, tone: 'info'});
		const text = POWER_ACTION_TEXT[action];
		const consequence =
			action === 'deallocate'
				? ' Its sessions end, and its compute is no longer billed; a dynamic public IP is released.'
				: action === 'restart'
					? ' Its sessions end while it reboots.'
					: ' Compute billing starts again once it runs.';
		this.dialogs.confirm(
			{
				title: `${text.label} ${vm.name}?`,
				message: `${text.label} VM ${vm.name} in resource group ${vm.resourceGroup} (${vm.subscriptionName}).${consequence}`,
				yesLabel: text.verb,
			},
			() => void this.run(vm, action, after),
		);
	}

	/** Whether a connection to the VM follows a start or a wait under way (Enter on it then only says so). */
	connectsAfter(vm: VmRecord): boolean {
		return this.connectAfter.has(vm.id.toLowerCase());
	}

	/** Runs `work` (a start or a wait) with the VM marked as one a connection follows, until `work` ends. */
	private async connectingAfter<T>(vm: VmRecord, work: () => Promise<T>): Promise<T> {
		const key = vm.id.toLowerCase();
		this.connectAfter.add(key);
		try {
			return await work();
		} finally {
			this.connectAfter.delete(key);
		}
	}

	async run(vm: VmRecord, action: VmPowerAction, after?: () => void): Promise<void> {
		const power = this.services.power;
		if (!power) return;
		const text = POWER_ACTION_TEXT[action];
		this.ui.setNotice({text: `${text.label}: ${vm.name} is ${text.doing}…`, tone: 'info'});
		const outcome = after ? await this.connectingAfter(vm, () => power.run(vm, action)) : await power.run(vm, action);
		if (!outcome.ok) {
			this.ui.setNotice(undefined);
			return this.dialogs.error(`Could not ${text.verb} ${vm.name}`, outcome.message);
		}
		const seconds = Math.round(outcome.elapsedMs / 1000);
		this.ui.setNotice({text: `${vm.name} is ${text.ends} (${text.verb} took ${seconds} s).`, tone: 'info'});
		after?.();
	}

	/**
	 * Enter on a VM in transit: one question, then vmux polls its state with the wait counted up in its row, and
	 * connects once it runs (`running`), or starts it once it has stopped and connects then (`stopped`).
	 */
	offerWait(vm: VmRecord, goal: PowerWaitGoal, connect: () => void): void {
		if (!this.services.power) return;
		const where = `${vm.name} (resource group ${vm.resourceGroup})`;
		// The list's copy may lag (Resource Graph); the caller passes the state ARM gave the plan.
		const state = vm.powerState === 'running' || vm.powerState === 'unknown' ? (goal === 'running' ? 'starting' : 'stopping') : vm.powerState;
		this.dialogs.confirm(
			goal === 'running'
				? {title: `${vm.name} is ${state}`, message: `${where} is ${state}. Wait until it runs, then connect?`, yesLabel: 'wait and connect'}
				: {title: `${vm.name} is ${state}`, message: `${where} is ${state}. Wait until it has stopped, then start it and connect?`, yesLabel: 'wait, start and connect'},
			() => void this.waitThen(vm, goal, connect),
		);
	}

	/** Enter on a VM vmux is waiting for: offers to stop waiting. */
	offerStopWaiting(vm: VmRecord): boolean {
		const waiting = this.services.power?.waiting(vm.id);
		if (!waiting) return false;
		const seconds = Math.max(0, Math.round((Date.now() - waiting.startedAt) / 1000));
		this.dialogs.confirm(
			{
				title: `Waiting for ${vm.name}`,
				message: `vmux has been waiting ${seconds} s for ${vm.name} to ${waiting.goal === 'running' ? 'run, to connect' : 'stop, to start it and connect'} (it is ${waiting.doing}). Stop waiting?`,
				yesLabel: 'stop waiting',
			},
			() => void this.services.power?.cancelWait(vm.id),
		);
		return true;
	}

	async waitThen(vm: VmRecord, goal: PowerWaitGoal, connect: () => void): Promise<void> {
		const power = this.services.power;
		if (!power) return;
		this.ui.setNotice({text: `Waiting for ${vm.name} to ${goal === 'running' ? 'run' : 'stop'}… (Enter on it stops waiting)`, tone: 'info'});
		const outcome = await this.connectingAfter(vm, () => power.wait(vm, goal));
		this.ui.setNotice(undefined);
		switch (outcome.kind) {
			case 'arrived':
				if (goal === 'running') {
					this.ui.setNotice({text: `${vm.name} is running.`, tone: 'info'});
					return connect();
				}
				return this.run({...vm, powerState: outcome.state}, 'start', connect);
			case 'cancelled':
				return this.ui.setNotice({text: `Stopped waiting for ${vm.name}.`, tone: 'info'});
			case 'elsewhere': {
				const now = {...vm, powerState: outcome.state};
				if (outcome.state === 'running') {
					return this.dialogs.confirm({title: `${vm.name} is running`, message: `${outcome.message} Connect now?`, yesLabel: 'connect'}, connect);
				}
				if (isStartable(now)) {
					return this.dialogs.confirm({title: `${vm.name} is ${outcome.state}`, message: `${outcome.message} Start it now, and connect once it runs?`, yesLabel: 'start it and connect'}, () => void this.run(now, 'start', connect));
				}
				return this.dialogs.error(`${vm.name} is ${outcome.state}`, outcome.message);
			}
			case 'timeout':
			case 'error':
				return this.dialogs.error(`Stopped waiting for ${vm.name}`, outcome.message);
		}
	}

	/**
	 * A connect refused because the VM's Bastion is Basic (browser sessions only): the refusal, with the portal link
	 * to that browser session, which is copied too.
	 */
	refuseWithPortalLink(vm: VmRecord, title: string, message: string): void {
		const link = this.services.portalLink?.(vm);
		if (!link) return this.dialogs.error(title, message);
		const copied = copyToClipboard({...this.services.clipboard, ...(this.log ? {log: this.log} : {})}, link);
		this.dialogs.error(title, `${message} The portal's Bastion page for ${vm.name}${copied ? ' (copied to the clipboard)' : ''}: ${link}`);
	}

	/** `B`: the portal's Bastion page of the VM, shown and copied. */
	portalLink(vm: VmRecord): void {
		const link = this.services.portalLink?.(vm);
		if (!link) return this.ui.setNotice({text: `${vm.name} is a plain host, not an Azure VM: it has no portal page.`, tone: 'error'});
		const copied = copyToClipboard({...this.services.clipboard, ...(this.log ? {log: this.log} : {})}, link);
		this.dialogs.message({
			title: `${vm.name} in the Azure portal`,
			message: `${copied ? 'Copied to the clipboard: ' : 'Open this in a browser: '}${link}  — the VM's Bastion page, where ${vm.bastion ? `Bastion ${vm.bastion.name} (${vm.bastion.sku})` : 'a Bastion'} opens a browser session.`,
			tone: 'info',
		});
	}
}
