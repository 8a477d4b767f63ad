import type {VmRecord} from '../../core/inventory/model.js';
import type {AppServices, ConnectOutcome} from '../app-services.js';
import type {Dialogs} from '../dialogs/dialogs.js';
import type {EditorTarget, UiState} from '../focus/ui-state.js';

/**
 * Enter on a VM: plan the connection (profile, transport, credentials), open the session and show it; the
 * first connect to a VM opens the profile editor instead, and a plan that cannot work is a dialog saying why.
 */
export class ConnectFlow {
	constructor(
		private readonly services: Pick<AppServices, 'planConnect' | 'manager'>,
		private readonly ui: UiState,
		private readonly dialogs: Dialogs,
		private readonly openEditor: (target: EditorTarget) => void,
	) {}

	async connect(vm: VmRecord): Promise<void> {
		this.ui.setNotice({text: `Connecting to ${vm.name}…`, tone: 'info'});
		let outcome: ConnectOutcome;
		try {
			outcome = await this.services.planConnect(vm);
		} catch (error) {
			outcome = {kind: 'error', title: `Cannot connect to ${vm.name}`, message: (error as Error).message};
		}
		this.ui.setNotice(undefined);
		if (outcome.kind === 'needs-profile') return this.openEditor({draftFrom: vm, connectAfterSave: vm});
		if (outcome.kind === 'error') return this.dialogs.error(outcome.title, outcome.message);
		try {
			this.services.manager.open(outcome.spec);
			this.ui.setView('sessions');
		} catch (error) {
			this.dialogs.error(`Cannot connect to ${vm.name}`, (error as Error).message);
		}
	}
}
