import {hintKeys} from '../../core/commands/hint-keys.js';
import type {VmRecord} from '../../core/inventory/model.js';
import {NoSpaceError, type Placement} from '../../core/session/session-manager.js';
import type {AppServices, ConnectOutcome} from '../app-services.js';
import type {Dialogs} from '../dialogs/dialogs.js';
import type {EditorTarget, UiState} from '../focus/ui-state.js';
import type {PowerFlow} from './power-flow.js';

/**
 * Enter on a VM: plan the connection (profile, transport, credentials), open the session and show it; the
 * first connect to a VM opens the profile editor instead, and a plan that cannot work is a dialog saying why.
 * After `prefix S` the next VM connected opens beside the pane it was pressed in, not in a tab of its own.
 */
export class ConnectFlow {
	/** `prefix S`: where the next connection goes, until one is made or the user goes back to the sessions. */
	private pending: Placement | undefined;
	private readonly onUiChange = () => {
		if (this.pending && this.ui.view === 'sessions') this.pending = undefined;
	};

	constructor(
		private readonly services: Pick<AppServices, 'planConnect' | 'manager'>,
		private readonly ui: UiState,
		private readonly dialogs: Dialogs,
		private readonly openEditor: (target: EditorTarget) => void,
		/** Offers "start it and connect" for a stopped VM; without it the refusal stands. */
		private readonly power?: PowerFlow,
	) {
		ui.on('change', this.onUiChange);
	}

	/** The pane the next connection will split, while the browser is picking for it. */
	get pickingFor(): Placement | undefined {
		return this.pending;
	}

	/** `prefix S`: shows the browser to pick a VM or profile for a split beside `placement.splitOf`. */
	pickInto(placement: Placement): void {
		this.ui.setView('browser');
		this.pending = placement;
		this.ui.setNotice({text: `Pick a VM or profile to open beside ${placement.splitOf.label}: Enter connects, ${hintKeys().sessions} goes back.`, tone: 'info'});
	}

	async connect(vm: VmRecord): Promise<void> {
		// Enter on a VM vmux is waiting for (to run, or to stop and be started): the question is whether to stop.
		if (this.power?.offerStopWaiting(vm)) return;
		// Enter on a VM that "start it and connect" is starting: the connection already follows the start.
		if (this.power?.connectsAfter(vm)) return this.ui.setNotice({text: `${vm.name} is starting: vmux connects once it runs.`, tone: 'info'});
		this.ui.setNotice({text: `Connecting to ${vm.name}…`, tone: 'info'});
		let outcome: ConnectOutcome;
		try {
			outcome = await this.services.planConnect(vm);
		} catch (error) {
			outcome = {kind: 'error', title: `Cannot connect to ${vm.name}`, message: (error as Error).message};
		}
		this.ui.setNotice(undefined);
		if (outcome.kind === 'needs-profile') return this.openEditor({draftFrom: vm, connectAfterSave: vm});
		if (outcome.kind === 'error' && outcome.repick) {
			// The saved Bastion no longer serves the VM: the editor lists the ones that do, and connects once saved.
			const profile = outcome.repick;
			return this.dialogs.confirm({title: outcome.title, message: outcome.message, yesLabel: 'Edit the profile'}, () =>
				this.openEditor({initial: profile, draftFrom: vm, connectAfterSave: vm}),
			);
		}
		if (outcome.kind === 'error' && outcome.startable && this.power?.available) {
			// Enter on a stopped VM: one question, then the start runs with its progress in the list and the
			// connection follows once the VM runs (vm.id is looked up again: the list now has it running).
			return this.dialogs.confirm(
				{title: `${vm.name} is not running`, message: `${vm.name} (resource group ${vm.resourceGroup}) is not running. Start it now, and connect once it runs?`, yesLabel: 'start it and connect'},
				() => void this.power!.run(vm, 'start', () => void this.connect({...vm, powerState: 'running'})),
			);
		}
		if (outcome.kind === 'error' && outcome.waitable && this.power?.available) {
			// A VM in transit: wait for it (then start it, when it was stopping) and connect once it runs.
			const now = outcome.powerState ? {...vm, powerState: outcome.powerState} : vm;
			return this.power.offerWait(now, outcome.waitable, () => void this.connect({...vm, powerState: 'running'}));
		}
		if (outcome.kind === 'error' && vm.bastion?.sku === 'Basic' && this.power) return this.power.refuseWithPortalLink(vm, outcome.title, outcome.message);
		if (outcome.kind === 'error') return this.dialogs.error(outcome.title, outcome.message);
		const {manager} = this.services;
		// The pane to split may have closed while the user picked: a tab of its own then.
		const placement = this.pending && manager.windowOf(this.pending.splitOf) ? this.pending : undefined;
		try {
			try {
				manager.open(outcome.spec, placement);
			} catch (error) {
				if (!(error instanceof NoSpaceError)) throw error;
				manager.open(outcome.spec);
				this.ui.flash({text: `${error.message} It opened in a tab of its own.`, tone: 'info'});
			}
			this.pending = undefined;
			this.ui.setView('sessions');
		} catch (error) {
			this.dialogs.error(`Cannot connect to ${vm.name}`, (error as Error).message);
		}
	}

	dispose(): void {
		this.ui.off('change', this.onUiChange);
	}
}
