import {EventEmitter} from 'node:events';
import type {ShellSession} from './shell-session.js';

/**
 * Who typed input is copied to while broadcasting: the sessions marked with `prefix m`, or, with none
 * marked, the group the focus belongs to: the panes of the focused tab (the caller passes that group in),
 * as tmux's synchronize-panes does.
 */
export type BroadcastScope = 'marked' | 'all';

export interface BroadcastTargets {
	scope: BroadcastScope;
	/** Every session that receives typed input, in tab order (the focused one among them). */
	receivers: ShellSession[];
	/** Sessions in the scope that receive nothing because they are not connected, in tab order. */
	skipped: ShellSession[];
}

export interface BroadcastInputs {
	/** Every session, in tab order. */
	sessions: readonly ShellSession[];
	/** The session being typed into: it always receives (what you type shows where you type it). */
	focused: ShellSession | undefined;
	marked: ReadonlySet<ShellSession>;
	/** Who receives when nothing is marked (the focused tab's panes; all sessions when absent). */
	unmarkedGroup?: readonly ShellSession[];
}

/**
 * A session that can take typed input now: its connection is open and its shell has not exited. A shell
 * still starting on an open connection counts (it keeps type-ahead); a dropped one would lose the keys
 * or run them later by surprise, so broadcast skips it.
 */
export function canReceiveInput(session: ShellSession): boolean {
	return session.connection.state.kind === 'open' && session.state.kind !== 'exited';
}

/** The sessions broadcast input goes to, and those skipped; pure, so the router and the tab bar agree. */
export function broadcastTargets({sessions, focused, marked, unmarkedGroup = sessions}: BroadcastInputs): BroadcastTargets {
	const markedLive = sessions.filter(session => marked.has(session));
	const scope: BroadcastScope = markedLive.length > 0 ? 'marked' : 'all';
	const group = new Set(scope === 'marked' ? markedLive : unmarkedGroup);
	const receivers: ShellSession[] = [];
	const skipped: ShellSession[] = [];
	for (const session of sessions) {
		if (session === focused) receivers.push(session);
		else if (!group.has(session)) continue;
		else if (canReceiveInput(session)) receivers.push(session);
		else skipped.push(session);
	}
	return {scope, receivers, skipped};
}

/**
 * The broadcast switch (`prefix b`) and the marked sessions (`prefix m`), outside React. Marks of closed
 * sessions are dropped as they close (the owner calls `prune` on every session change).
 */
export class BroadcastState extends EventEmitter<{change: []}> {
	private enabled = false;
	private readonly marks = new Set<ShellSession>();

	/** Whether typed input is being broadcast. */
	get active(): boolean {
		return this.enabled;
	}

	get marked(): ReadonlySet<ShellSession> {
		return this.marks;
	}

	isMarked(session: ShellSession): boolean {
		return this.marks.has(session);
	}

	toggle(): boolean {
		this.enabled = !this.enabled;
		this.emit('change');
		return this.enabled;
	}

	/** Marks the session, or unmarks it if marked; returns whether it is marked now. */
	toggleMark(session: ShellSession): boolean {
		if (this.marks.has(session)) this.marks.delete(session);
		else this.marks.add(session);
		this.emit('change');
		return this.marks.has(session);
	}

	/** Forgets marks of sessions that are gone. */
	prune(live: readonly ShellSession[]): void {
		const alive = new Set(live);
		let changed = false;
		for (const session of this.marks) {
			if (!alive.has(session)) {
				this.marks.delete(session);
				changed = true;
			}
		}
		if (changed) this.emit('change');
	}
}
