import {EventEmitter} from 'node:events';
import {BroadcastState, broadcastTargets, type BroadcastTargets} from './broadcast.js';
import {SshConnection} from './connection.js';
import type {HostKeyPolicy} from './host-key-policy.js';
import {ShellSession} from './shell-session.js';
import {SessionWindow} from './session-window.js';
import {fits, type LayoutGeometry, type Rect} from '../layout/layout-geometry.js';
import {splitPane, type Arrangement, type Direction, type PresetLayout} from '../layout/layout-tree.js';

/** The pane a trial split adds. */
const NEW_PANE = Symbol('new pane');
import type {ConnectionSpec, Prompter} from './types.js';
import {hintKeys} from '../commands/hint-keys.js';

export interface SessionManagerOptions {
	hostKeys: HostKeyPolicy;
	prompter: Prompter;
	scrollback: number;
	closePaneOnExit: boolean;
	/** How many connections one Bastion allows at once (the Developer SKU allows one). */
	bastionLimit?(bastionId: string): number | undefined;
}

/** Where `open` puts a new connection's first shell: its own tab, or a split beside a pane. */
export interface Placement {
	splitOf: ShellSession;
	arrangement: Arrangement;
}

/** Why a split was refused: the pane is too small to halve. */
export class NoSpaceError extends Error {}

/**
 * All live sessions, in tabs (tmux's windows) that each hold one or more panes, and which pane of which tab
 * has focus. Sessions are shells; several may share one connection (`Ctrl-b c` or a split opens a channel
 * on the focused session's connection, with no new TCP connection or login).
 *
 * `added`: a new shell (a recorder starts on it when its profile says so).
 */
export class SessionManager extends EventEmitter<{change: []; added: [ShellSession]}> {
	/** Every shell, tab by tab and in reading order within a tab (the picker's order). */
	sessions: readonly ShellSession[] = [];
	windows: readonly SessionWindow<ShellSession>[] = [];
	activeWindowIndex = 0;
	/** The area the panes share (the screen below the tab bar): every PTY is sized from its share of it. */
	private size = {cols: 80, rows: 24};
	/** `prefix b` and `prefix m`: its changes are the manager's changes (tab bar, picker, input routing). */
	readonly broadcast = new BroadcastState();
	/** PTY sizes are due at the end of this turn (`resizeSoon`). */
	private resizePending = false;

	constructor(private readonly options: SessionManagerOptions) {
		super();
		this.broadcast.on('change', () => this.emit('change'));
	}

	get activeWindow(): SessionWindow<ShellSession> | undefined {
		return this.windows[this.activeWindowIndex];
	}

	/** The active pane of the active tab: it receives typed keys. */
	get focused(): ShellSession | undefined {
		return this.activeWindow?.active;
	}

	/** The focused session's place in `sessions`. */
	get focusedIndex(): number {
		const focused = this.focused;
		return focused ? this.sessions.indexOf(focused) : 0;
	}

	windowOf(session: ShellSession): SessionWindow<ShellSession> | undefined {
		return this.windows.find(window => window.has(session));
	}

	/** The panes of the active tab that are drawn, with where each goes in `area` (the pane painter's). */
	activeGeometry(area: Rect): LayoutGeometry<ShellSession> | undefined {
		return this.activeWindow?.geometry(area);
	}

	/**
	 * Who input the app itself sends (the prefix typed twice, the paste buffer) goes to: the focused session,
	 * and while broadcasting every receiver, by the same rule as typed keys (app/focus/derive-focus).
	 */
	inputReceivers(): ShellSession[] {
		const focused = this.focused;
		if (!focused) return [];
		return this.broadcastTargets()?.receivers ?? [focused];
	}

	/**
	 * While broadcasting: who receives typed input (the marked sessions, or the active tab's panes) and who is
	 * skipped; undefined while it is off. The tab bar draws this; derive-focus applies the same rule to the same facts.
	 */
	broadcastTargets(): BroadcastTargets | undefined {
		if (!this.broadcast.active) return undefined;
		return broadcastTargets({sessions: this.sessions, focused: this.focused, marked: this.broadcast.marked, unmarkedGroup: this.activeWindow?.panes ?? []});
	}

	get connections(): SshConnection[] {
		return [...new Set(this.sessions.map(s => s.connection))];
	}

	/**
	 * Opens a new connection with its first shell, focused: in a tab of its own, or split beside a pane
	 * (`prefix S`). Throws a sentence when a limit forbids it or the pane has no room to split.
	 */
	open(spec: ConnectionSpec, placement?: Placement): ShellSession {
		if (spec.bastionId) {
			const limit = this.options.bastionLimit?.(spec.bastionId);
			const inUse = this.connections.filter(c => c.spec.bastionId === spec.bastionId && c.state.kind !== 'closed').length;
			if (limit !== undefined && inUse >= limit) {
				throw new Error(
					`This Bastion allows ${limit} session${limit === 1 ? '' : 's'} at a time (Developer SKU) and one is open. ` +
						`Close it (${hintKeys().close}) or use a Standard or Premium Bastion.`,
				);
			}
		}
		if (placement) this.checkRoom(placement);
		const connection = new SshConnection(spec, this.options.hostKeys, this.options.prompter);
		connection.on('ready', reconnected => {
			for (const session of this.sessionsOf(connection)) void session.attach(reconnected);
		});
		connection.on('state', state => {
			if (state.kind === 'disconnected') {
				for (const session of this.sessionsOf(connection)) session.detach(state);
			}
			this.emit('change');
		});
		const session = this.addSession(connection, placement);
		connection.connect();
		return session;
	}

	/** `Ctrl-b c`: another shell over the focused session's connection, in a new tab. */
	newShell(from: ShellSession | undefined = this.focused): ShellSession | undefined {
		if (!from) return undefined;
		const session = this.addSession(from.connection);
		if (from.connection.isOpen) void session.attach(false);
		return session;
	}

	/**
	 * `prefix %` / `prefix "`: another shell over the focused session's connection, beside it (right of it or
	 * below it). Throws NoSpaceError when the pane is too small to halve.
	 */
	split(arrangement: Arrangement, from: ShellSession | undefined = this.focused): ShellSession | undefined {
		if (!from) return undefined;
		const placement = {splitOf: from, arrangement};
		this.checkRoom(placement);
		const session = this.addSession(from.connection, placement);
		if (from.connection.isOpen) void session.attach(false);
		return session;
	}

	close(session: ShellSession): void {
		const window = this.windowOf(session);
		if (!window) return;
		const windowIndex = this.windows.indexOf(window);
		const empty = window.remove(session);
		if (empty) {
			this.windows = this.windows.filter(w => w !== window);
			if (this.activeWindowIndex >= this.windows.length) this.activeWindowIndex = Math.max(0, this.windows.length - 1);
			else if (windowIndex < this.activeWindowIndex) this.activeWindowIndex -= 1;
		}
		session.close();
		this.reindex();
		this.broadcast.prune(this.sessions);
		if (this.sessionsOf(session.connection).length === 0) session.connection.close();
		// The panes left in the tab share the freed space.
		this.applySizes();
		this.emit('change');
	}

	closeAll(): void {
		for (const session of [...this.sessions]) this.close(session);
	}

	/** `prefix 0`…`9`: the tab with that number. */
	selectWindow(index: number): void {
		if (index < 0 || index >= this.windows.length) return;
		this.activeWindowIndex = index;
		this.changed();
	}

	/** Focuses a session wherever it is: its tab becomes active and it becomes the tab's active pane. */
	focusSession(session: ShellSession): void {
		const window = this.windowOf(session);
		if (!window) return;
		window.activate(session);
		this.activeWindowIndex = this.windows.indexOf(window);
		this.changed();
	}

	/** `prefix n` / `prefix p`: the next or previous tab. */
	next(delta: 1 | -1): void {
		if (this.windows.length === 0) return;
		this.selectWindow((this.activeWindowIndex + delta + this.windows.length) % this.windows.length);
	}

	/** `prefix` + arrow: the pane in that direction in the active tab. */
	selectPane(direction: Direction): boolean {
		return this.inActiveWindow(window => window.selectDirection(direction, this.area())) ?? false;
	}

	/** `prefix o`: the next pane of the active tab. */
	nextPane(): boolean {
		return this.inActiveWindow(window => window.nextPane()) ?? false;
	}

	/** `prefix Ctrl-arrow`: moves the active pane's nearest border that way. */
	resizePane(direction: Direction, cells = 1): boolean {
		return this.inActiveWindow(window => window.resize(direction, cells, this.area())) ?? false;
	}

	/** `prefix z`. */
	toggleZoom(): boolean {
		return this.inActiveWindow(window => window.toggleZoom()) ?? false;
	}

	/** `prefix Space`: the next preset layout of the active tab, by name. */
	nextLayout(): PresetLayout | undefined {
		return this.inActiveWindow(window => window.nextLayout(this.area()));
	}

	/** Runs a layout change on the active tab; when it changed something (a truthy result), sizes and readers follow. */
	private inActiveWindow<T>(change: (window: SessionWindow<ShellSession>) => T): T | undefined {
		const window = this.activeWindow;
		if (!window) return undefined;
		const result = change(window);
		if (result) this.changed();
		return result;
	}

	/** `prefix !`: the focused pane leaves its tab for a tab of its own, right after it. False when it is alone. */
	breakPane(): boolean {
		const window = this.activeWindow;
		const session = this.focused;
		if (!window || !session || window.panes.length < 2) return false;
		window.remove(session);
		const windows = [...this.windows];
		windows.splice(this.activeWindowIndex + 1, 0, new SessionWindow(session));
		this.windows = windows;
		this.activeWindowIndex += 1;
		this.changed();
		return true;
	}

	/** `prefix ,`: names the active tab; an empty name gives back the automatic one (its active pane's VM). */
	renameWindow(name: string): void {
		const window = this.activeWindow;
		if (!window) return;
		window.name = name.trim() === '' ? undefined : name.trim();
		this.emit('change');
	}

	reconnect(session: ShellSession | undefined = this.focused): void {
		session?.connection.reconnectNow();
	}

	/** Every PTY follows its pane's size in this area, like tmux windows follow the client. */
	setSize(cols: number, rows: number): void {
		this.size = {cols: Math.max(1, cols), rows: Math.max(1, rows)};
		this.applySizes();
	}

	/** The shells that share this connection (`Ctrl-b c` opens more on one login). */
	sessionsOf(connection: SshConnection): ShellSession[] {
		return this.sessions.filter(s => s.connection === connection);
	}

	private area(): Rect {
		return {x: 0, y: 0, cols: this.size.cols, rows: this.size.rows};
	}

	private checkRoom({splitOf, arrangement}: Placement): void {
		const window = this.windowOf(splitOf);
		if (!window) throw new NoSpaceError('The pane to split is gone.');
		// Refused here, before a connection is made for it.
		const trial = splitPane<ShellSession | typeof NEW_PANE>(window.root, splitOf, NEW_PANE, arrangement);
		if (!fits(trial, this.area())) {
			throw new NoSpaceError(`No room to split this pane ${arrangement === 'side-by-side' ? 'right' : 'down'}: make the window larger, or zoom out (prefix z).`);
		}
	}

	/** Layout changed: sizes, which terminals parse at full speed, and a change for every reader. */
	private changed(): void {
		this.applySizes();
		this.emit('change');
	}

	/**
	 * Lets the focused pane's terminal parse at full speed, every other one in small slices
	 * (TerminalEmulator.setBackground), those drawn beside it too: a flood in the pane beside, parsed at full
	 * speed, held each echo in the focused pane for one of xterm's 12 ms bursts (bench/run.mjs, split phase:
	 * echo p50 23 ms, 3.8 ms in slices, as tmux). Slices still parse tens of MiB/s. At once, since it decides
	 * where the next byte is parsed; the PTY sizes follow once per turn (`resizeSoon`).
	 */
	private applySizes(): void {
		const active = this.activeWindow;
		for (const window of this.windows) {
			for (const pane of window.panes) pane.terminal.setBackground(!(window === active && pane === window.active));
		}
		this.resizeSoon();
	}

	/**
	 * Sizes every pane's PTY from its rectangle (a zoomed pane gets the whole area; the others keep their place
	 * in the layout, as in tmux), once for all the commands of one read: a resize makes xterm reflow the pane's
	 * whole scrollback (7-60 ms for 5000 lines beside a flood), and five `prefix C-Left` typed in a burst must
	 * cost one reflow, not five. The painter skips a pane until its terminal has the pane's width.
	 */
	private resizeSoon(): void {
		if (this.resizePending) return;
		this.resizePending = true;
		queueMicrotask(() => this.flushSizes());
	}

	/** Applies the PTY sizes `resizeSoon` scheduled, if still pending (also before input: ShellSession.beforeInput). */
	private flushSizes(): void {
		if (!this.resizePending) return;
		this.resizePending = false;
		const area = this.area();
		for (const window of this.windows) {
			for (const {pane, content} of window.geometry(area, true).panes) {
				if (window.zoomed && pane === window.active) pane.resize(area.cols, area.rows);
				else pane.resize(Math.max(1, content.cols), Math.max(1, content.rows));
			}
		}
	}

	private reindex(): void {
		this.sessions = this.windows.flatMap(window => window.panes);
	}

	private addSession(connection: SshConnection, placement?: Placement): ShellSession {
		const session = new ShellSession(connection, this.size, this.options.scrollback);
		session.beforeInput = () => this.flushSizes();
		session.on('state', state => {
			if (state.kind === 'exited' && this.options.closePaneOnExit) this.close(session);
			else this.emit('change');
		});
		const window = placement ? this.windowOf(placement.splitOf) : undefined;
		if (window && placement && window.split(placement.splitOf, session, placement.arrangement, this.area())) {
			this.activeWindowIndex = this.windows.indexOf(window);
		} else {
			this.windows = [...this.windows, new SessionWindow(session)];
			this.activeWindowIndex = this.windows.length - 1;
		}
		this.reindex();
		this.applySizes();
		this.emit('added', session);
		this.emit('change');
		return session;
	}
}
