import type {ForwardSet} from '../../core/forwards/forward-set.js';
import {formatForward, parseForward} from '../../core/forwards/spec.js';
import type {ProfilesService} from '../../core/wiring/core-services.js';
import type {Dialogs} from '../dialogs/dialogs.js';
import type {UiState} from '../focus/ui-state.js';

/**
 * The forwards view's actions on a connection's forwards: toggle, add (typed as ssh writes it), delete (asks).
 * Each change applies to the live connection at once and is saved to the connection's profile, so the next
 * connection opens the same forwards.
 */
export class ForwardsFlow {
	constructor(
		private readonly profiles: Pick<ProfilesService, 'list' | 'save' | 'readOnlyReason'>,
		private readonly ui: UiState,
		private readonly dialogs: Dialogs,
	) {}

	toggle(set: ForwardSet, profileName: string | undefined, index: number): void {
		void set.toggle(index).then(() => this.save(set, profileName));
	}

	add(set: ForwardSet, profileName: string | undefined): void {
		this.dialogs.text(
			{title: 'Add a port forward', prompt: 'Forward:', initial: '', hint: 'L 8080:localhost:80 · R 9000:localhost:3000 · D 1080 (SOCKS5); bind address first to change 127.0.0.1'},
			value => {
				const parsed = parseForward(value);
				if (!parsed.ok) return this.ui.flash({text: parsed.message, tone: 'error'});
				void set.add(parsed.forward).then(() => this.save(set, profileName));
			},
		);
	}

	remove(set: ForwardSet, profileName: string | undefined, index: number): void {
		const forward = set.forwards[index];
		if (!forward) return;
		this.dialogs.confirm({title: 'Delete this forward?', message: `${formatForward(forward)} stops now and is removed from the profile.`, yesLabel: 'delete'}, () => {
			set.remove(index);
			this.save(set, profileName);
		});
	}

	private save(set: ForwardSet, profileName: string | undefined): void {
		if (!profileName) return this.ui.flash({text: 'Changed for this connection only: it has no saved profile.', tone: 'info'});
		const readOnly = this.profiles.readOnlyReason();
		if (readOnly) return this.ui.flash({text: `Changed for this connection only: ${readOnly}`, tone: 'error'});
		const profile = this.profiles.list().find(candidate => candidate.name === profileName);
		if (!profile) return this.ui.flash({text: `Changed for this connection only: the profile "${profileName}" is gone.`, tone: 'info'});
		try {
			this.profiles.save({...profile, forwards: set.forwards}, profile.name);
			this.ui.flash({text: `Saved to the profile "${profileName}".`, tone: 'info'});
		} catch (error) {
			this.ui.flash({text: `Not saved: ${(error as Error).message}`, tone: 'error'});
		}
	}
}
