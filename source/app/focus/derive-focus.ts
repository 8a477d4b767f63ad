import type {KeyTable} from '../../core/commands/key-spec.js';
import {broadcastTargets, type BroadcastTargets} from '../../core/session/broadcast.js';
import type {ShellSession} from '../../core/session/shell-session.js';
import type {Dialog} from '../dialogs/dialog-types.js';

export type View = 'browser' | 'sessions' | 'help' | 'picker' | 'copy-mode' | 'editor' | 'subscriptions' | 'doctor' | 'recordings' | 'forwards' | 'files';

/** Everything that decides where keys go and what the pane shows. */
export interface FocusInputs {
	view: View;
	/** The dialog on top, if any: it takes the keyboard from every view. */
	dialog: Dialog | undefined;
	/** The session manager's focused session. */
	focused: ShellSession | undefined;
	/** The window is below the minimum size: a notice replaces every view. */
	tooSmall: boolean;
	/** The browser's filter box is being typed in: it takes plain keys as text. */
	filtering: boolean;
	/** Copy mode's search prompt is being typed in: it takes plain keys as text. */
	copySearching?: boolean;
	/** `prefix b` / `prefix m` (core/session/broadcast): absent means off. */
	broadcast?: BroadcastInputState;
}

export interface BroadcastInputState {
	on: boolean;
	marked: ReadonlySet<ShellSession>;
	/** Every session, in tab order. */
	sessions: readonly ShellSession[];
	/** Who receives when nothing is marked: the panes of the focused tab. */
	group?: readonly ShellSession[];
}

export interface Focus {
	/** The session that receives typed bytes, or undefined when the app's views take them. */
	inputSession: ShellSession | undefined;
	/** The session whose screen the pane painter draws. */
	paneSession: ShellSession | undefined;
	/** Whether the pane is on screen at all (no dialog, no other view over it). */
	paneVisible: boolean;
	/** Whether the prefix key is intercepted while the app's views have the keyboard (text fields take it). */
	prefixInAppMode: boolean;
	/**
	 * The key table plain keys are looked up in before the views see them: `root` while the VM list has the
	 * keyboard, `copy-mode` in copy mode; undefined when they are text (the filter box, copy mode's search
	 * prompt, dialogs, editors) or a session's.
	 */
	plainKeys: KeyTable | undefined;
	/** While broadcast is on: who receives typed input and who is skipped (the tab bar shows both). */
	broadcast: BroadcastTargets | undefined;
	/**
	 * The sessions that receive a copy of every byte `inputSession` receives (typed keys and pastes), in
	 * tab order; empty while broadcast is off or the views have the keyboard.
	 */
	broadcastTo: readonly ShellSession[];
}

/**
 * The one place that decides, from (view, dialog, focused session, filter box), which session receives
 * input, which one is painted, and whether plain keys are commands. The input router and the pane painter both read it at the moment they act, so
 * a prefix command that changes focus is seen by the very next byte of the same chunk, before React
 * renders (a session switch used to be applied during the next render, and a tag typed right after
 * `Ctrl-b p` in one burst went to the session being left).
 */
export function deriveFocus({view, dialog, focused, tooSmall, filtering, copySearching = false, broadcast}: FocusInputs): Focus {
	const paneVisible = !tooSmall && !dialog && (view === 'sessions' || view === 'copy-mode') && focused !== undefined;
	const keysFree = !dialog && !tooSmall;
	const inputSession = view === 'sessions' && keysFree ? focused : undefined;
	const targets = broadcast?.on ? broadcastTargets({sessions: broadcast.sessions, focused, marked: broadcast.marked, ...(broadcast.group ? {unmarkedGroup: broadcast.group} : {})}) : undefined;
	return {
		inputSession,
		paneSession: paneVisible ? focused : undefined,
		paneVisible,
		prefixInAppMode: view !== 'editor' && dialog?.kind !== 'secret',
		plainKeys: view === 'browser' && keysFree && !filtering ? 'root' : view === 'copy-mode' && keysFree && !copySearching ? 'copy-mode' : undefined,
		broadcast: targets,
		broadcastTo: inputSession && targets ? targets.receivers.filter(session => session !== inputSession) : [],
	};
}
