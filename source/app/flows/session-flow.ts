import type {SessionRecorder} from '../../core/recording/session-recorder.js';
import type {SessionManager} from '../../core/session/session-manager.js';
import type {SessionCommands} from '../../core/commands/command-table.js';
import {closeSessionMessage} from '../dialogs/close-session-message.js';
import type {Dialogs} from '../dialogs/dialogs.js';
import type {UiState} from '../focus/ui-state.js';

/** The session commands (DESIGN §6) over the session manager and the UI state. */
export class SessionFlow implements SessionCommands {
	constructor(
		private readonly manager: SessionManager,
		private readonly ui: UiState,
		private readonly dialogs: Dialogs,
		/** The prefix key's byte, for send-prefix. */
		private readonly prefixByte: number,
		/** Copy mode and the paste buffer. */
		private readonly copy: {enter(): void; paste(): void},
		private readonly recorder?: SessionRecorder,
	) {}

	enter(): boolean {
		if (this.manager.sessions.length === 0) {
			this.ui.setNotice({text: 'No sessions yet: Enter on a VM connects.', tone: 'info'});
			return false;
		}
		this.ui.setView('sessions');
		return true;
	}

	next(delta: 1 | -1): void {
		if (this.enter()) this.manager.next(delta);
	}

	select(index: number): void {
		if (this.enter()) this.manager.focus(index);
	}

	picker(): void {
		this.ui.showOverlay('picker');
	}

	newShell(): void {
		this.manager.newShell();
	}

	detach(): void {
		this.ui.setView('browser');
	}

	close(): void {
		const focused = this.manager.focused;
		if (!focused) return;
		this.dialogs.confirm(
			{
				title: `Close session ${this.manager.focusedIndex}: ${focused.label}?`,
				message: closeSessionMessage(focused, this.manager.sessionsOf(focused.connection).length - 1),
				yesLabel: 'close',
			},
			() => {
				this.manager.close(focused);
				if (this.manager.sessions.length === 0) this.ui.setView('browser');
			},
		);
	}

	reconnect(): void {
		this.manager.reconnect();
	}

	copyMode(): void {
		this.copy.enter();
	}

	paste(): void {
		if (this.ui.view === 'sessions') this.copy.paste();
	}

	sendPrefix(): void {
		if (this.ui.view !== 'sessions') return;
		// The prefix typed twice is typed input like any other: while broadcasting, every receiver gets it.
		for (const session of this.manager.inputReceivers()) session.sendInput(Buffer.from([this.prefixByte]));
	}

	toggleMark(): void {
		const focused = this.manager.focused;
		if (focused) this.manager.broadcast.toggleMark(focused);
	}

	toggleBroadcast(): void {
		this.manager.broadcast.toggle();
	}

	toggleRecording(): void {
		const focused = this.manager.focused;
		if (focused && this.recorder) this.recorder.toggle(focused);
	}

	/** `q`: quits at once, or asks first while sessions are live. */
	quit(quitNow: () => void): void {
		const count = this.manager.sessions.length;
		if (count === 0) return quitNow();
		this.dialogs.confirm({title: 'Quit vmux?', message: `${count} session${count === 1 ? ' is' : 's are'} live and will be closed.`, yesLabel: 'quit'}, () => {
			this.manager.closeAll();
			quitNow();
		});
	}
}
