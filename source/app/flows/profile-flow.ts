import type {VmRecord} from '../../core/inventory/model.js';
import type {Profile} from '../../core/profiles/schema.js';
import type {ProfilesService} from '../app-services.js';
import type {Dialogs} from '../dialogs/dialogs.js';
import type {EditorTarget, UiState} from '../focus/ui-state.js';

/** The profile editor's way in and out (edit, new, first connect), and deleting a profile. */
export class ProfileFlow {
	constructor(
		private readonly profiles: ProfilesService,
		private readonly ui: UiState,
		private readonly dialogs: Dialogs,
		/** Connects once a first-connect profile is saved. */
		private readonly connect: (vm: VmRecord) => void,
	) {}

	/** Opens the editor, unless the profiles file is broken (nothing could be saved). */
	open(target: EditorTarget): void {
		const reason = this.profiles.readOnlyReason();
		if (reason) return this.ui.setNotice({text: `The profile editor cannot save now. ${reason}`, tone: 'error'});
		this.ui.openEditor(target);
	}

	edit(vm: VmRecord): void {
		const initial = this.profiles.profileFor(vm);
		this.open(initial ? {initial, draftFrom: vm} : {draftFrom: vm});
	}

	/** A new profile: prefilled from the VM when it has none yet. */
	create(vm: VmRecord | undefined): void {
		this.open(vm && !this.profiles.profileFor(vm) ? {draftFrom: vm} : {});
	}

	delete(vm: VmRecord): void {
		const profile = this.profiles.profileFor(vm);
		if (!profile) return this.ui.setNotice({text: `${vm.name} has no profile to delete.`, tone: 'info'});
		this.dialogs.confirm(
			{title: `Delete the profile "${profile.name}"?`, message: 'Its settings are removed from the profiles file. Live sessions are not affected.', yesLabel: 'delete'},
			() => {
				try {
					this.profiles.delete(profile.name);
					this.ui.setNotice({text: `Deleted the profile "${profile.name}".`, tone: 'info'});
				} catch (error) {
					this.ui.setNotice({text: (error as Error).message, tone: 'error'});
				}
			},
		);
	}

	/** The editor saved: back to the browser, and on to the connection it was opened for. */
	saved(profile: Profile, originalName: string | undefined, target: EditorTarget): void {
		this.profiles.save(profile, originalName);
		this.ui.setView('browser');
		this.ui.setNotice({text: `Saved the profile "${profile.name}".`, tone: 'info'});
		if (target.connectAfterSave) this.connect(target.connectAfterSave);
	}

	cancelled(): void {
		this.ui.setView('browser');
	}
}
