import type {ShellSession} from '../../core/session/shell-session.js';
import type {SessionRecorder} from '../../core/recording/session-recorder.js';
import {NoSpaceError, type Placement, type SessionManager} from '../../core/session/session-manager.js';
import type {PaneDirection, SessionCommands} from '../../core/commands/command-table.js';
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
		/** `prefix S`: the connect flow opens the next VM picked in the browser at this placement. */
		private readonly pickInto?: (placement: Placement) => void,
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
		if (this.enter()) this.manager.selectWindow(index);
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
				title: `Close ${this.paneName(focused)}: ${focused.label}?`,
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
		const on = this.manager.broadcast.toggle();
		// With nothing marked, broadcast reaches the tab's panes: alone in its tab, a pane would type only into itself.
		if (on && this.manager.broadcast.marked.size === 0 && (this.manager.activeWindow?.panes.length ?? 0) < 2) {
			this.ui.flash({text: 'Broadcast types into the panes of this tab, and it has one: split it (prefix %) or mark sessions (prefix m).', tone: 'info'});
		}
	}

	toggleRecording(): void {
		const focused = this.manager.focused;
		if (focused && this.recorder) this.recorder.toggle(focused);
	}

	split(arrangement: 'side-by-side' | 'stacked'): void {
		try {
			this.manager.split(arrangement);
		} catch (error) {
			if (!(error instanceof NoSpaceError)) throw error;
			this.ui.flash({text: error.message, tone: 'error'});
		}
	}

	splitPick(): void {
		const focused = this.manager.focused;
		if (!focused || !this.pickInto) return;
		this.pickInto({splitOf: focused, arrangement: 'side-by-side'});
	}

	selectPane(direction: PaneDirection): void {
		this.leaveCopyMode();
		this.manager.selectPane(direction);
	}

	nextPane(): void {
		this.leaveCopyMode();
		this.manager.nextPane();
	}

	resizePane(direction: PaneDirection): void {
		if (!this.manager.resizePane(direction) && (this.manager.activeWindow?.panes.length ?? 0) < 2) {
			this.ui.flash({text: 'One pane: nothing to resize. Split it first (prefix % or prefix ").', tone: 'info'});
		}
	}

	zoom(): void {
		if (!this.manager.toggleZoom()) this.ui.flash({text: 'One pane: nothing to zoom.', tone: 'info'});
	}

	nextLayout(): void {
		const name = this.manager.nextLayout();
		this.ui.flash(name ? {text: `Layout: ${name}.`, tone: 'info'} : {text: 'One pane: no layout to change.', tone: 'info'});
	}

	breakPane(): void {
		this.leaveCopyMode();
		if (!this.manager.breakPane()) this.ui.flash({text: 'This pane is alone in its tab already.', tone: 'info'});
	}

	/** `prefix F`: the forwards view over the focused session. */
	forwards(): void {
		if (!this.manager.focused) return;
		this.ui.showOverlay('forwards');
	}

	renameWindow(): void {
		const window = this.manager.activeWindow;
		if (!window) return;
		this.dialogs.text({title: 'Rename this tab', prompt: 'Name:', initial: window.name ?? '', hint: 'Enter renames; empty gives back the VM name; Esc cancels.'}, name => {
			// The tab may have closed while the dialog was up.
			if (this.manager.windows.includes(window)) {
				this.manager.selectWindow(this.manager.windows.indexOf(window));
				this.manager.renameWindow(name);
			}
		});
	}

	/** "pane 2" in a split tab (its number on its title), else "session". */
	private paneName(session: ShellSession): string {
		const panes = this.manager.windowOf(session)?.panes ?? [];
		return panes.length > 1 ? `pane ${panes.indexOf(session)}` : 'session';
	}

	/** Copy mode belongs to the pane it started on: moving to another pane leaves it. */
	private leaveCopyMode(): void {
		if (this.ui.view === 'copy-mode') this.ui.setView('sessions');
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
