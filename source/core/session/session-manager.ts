import {EventEmitter} from 'node:events';
import {BroadcastState, broadcastTargets} from './broadcast.js';
import {SshConnection} from './connection.js';
import type {HostKeyPolicy} from './host-key-policy.js';
import {ShellSession} from './shell-session.js';
import type {ConnectionSpec, Prompter} from './types.js';

export interface SessionManagerOptions {
	hostKeys: HostKeyPolicy;
	prompter: Prompter;
	scrollback: number;
	closePaneOnExit: boolean;
	/** How many connections one Bastion allows at once (the Developer SKU allows one). */
	bastionLimit?(bastionId: string): number | undefined;
}

/**
 * All live sessions and which one has focus. Sessions are shells; several may share one connection
 * (`Ctrl-b c` opens a channel on the focused session's connection, with no new TCP connection or login).
 */
/** `added`: a new shell (a recorder starts on it when its profile says so). */
export class SessionManager extends EventEmitter<{change: []; added: [ShellSession]}> {
	readonly sessions: ShellSession[] = [];
	focusedIndex = 0;
	private size = {cols: 80, rows: 24};
	/** `prefix b` and `prefix m`: its changes are the manager's changes (tab bar, picker, input routing). */
	readonly broadcast = new BroadcastState();

	constructor(private readonly options: SessionManagerOptions) {
		super();
		this.broadcast.on('change', () => this.emit('change'));
	}

	get focused(): ShellSession | undefined {
		return this.sessions[this.focusedIndex];
	}

	/**
	 * Who input the app itself sends (the prefix typed twice, the paste buffer) goes to: the focused session,
	 * and while broadcasting every receiver, by the same rule as typed keys (app/focus/derive-focus).
	 */
	inputReceivers(): ShellSession[] {
		const focused = this.focused;
		if (!focused) return [];
		if (!this.broadcast.active) return [focused];
		return broadcastTargets({sessions: this.sessions, focused, marked: this.broadcast.marked}).receivers;
	}

	get connections(): SshConnection[] {
		return [...new Set(this.sessions.map(s => s.connection))];
	}

	/** Opens a new connection with its first shell, focused. Throws a sentence when a limit forbids it. */
	open(spec: ConnectionSpec): ShellSession {
		if (spec.bastionId) {
			const limit = this.options.bastionLimit?.(spec.bastionId);
			const inUse = this.connections.filter(c => c.spec.bastionId === spec.bastionId && c.state.kind !== 'closed').length;
			if (limit !== undefined && inUse >= limit) {
				throw new Error(
					`This Bastion allows ${limit} session${limit === 1 ? '' : 's'} at a time (Developer SKU) and one is open. ` +
						`Close it (Ctrl-b x) or use a Standard or Premium Bastion.`,
				);
			}
		}
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
		const session = this.addSession(connection);
		connection.connect();
		return session;
	}

	/** `Ctrl-b c`: another shell over the focused session's connection. */
	newShell(from: ShellSession | undefined = this.focused): ShellSession | undefined {
		if (!from) return undefined;
		const session = this.addSession(from.connection);
		if (from.connection.isOpen) void session.attach(false);
		return session;
	}

	close(session: ShellSession): void {
		const index = this.sessions.indexOf(session);
		if (index === -1) return;
		this.sessions.splice(index, 1);
		session.close();
		this.broadcast.prune(this.sessions);
		if (this.sessionsOf(session.connection).length === 0) session.connection.close();
		if (this.focusedIndex >= this.sessions.length) this.focusedIndex = Math.max(0, this.sessions.length - 1);
		else if (index < this.focusedIndex) this.focusedIndex -= 1;
		this.updatePriorities();
		this.emit('change');
	}

	closeAll(): void {
		for (const session of [...this.sessions]) this.close(session);
	}

	focus(index: number): void {
		if (index < 0 || index >= this.sessions.length) return;
		this.focusedIndex = index;
		this.updatePriorities();
		this.emit('change');
	}

	/** The focused terminal parses at full speed; the others in small slices (TerminalEmulator.setBackground). */
	private updatePriorities(): void {
		this.sessions.forEach((session, index) => {
			session.terminal.setBackground(index !== this.focusedIndex);
		});
	}

	focusSession(session: ShellSession): void {
		this.focus(this.sessions.indexOf(session));
	}

	next(delta: 1 | -1): void {
		if (this.sessions.length === 0) return;
		this.focus((this.focusedIndex + delta + this.sessions.length) % this.sessions.length);
	}

	reconnect(session: ShellSession | undefined = this.focused): void {
		session?.connection.reconnectNow();
	}

	/** Every PTY follows the pane size, like tmux windows follow the client. */
	setSize(cols: number, rows: number): void {
		this.size = {cols: Math.max(1, cols), rows: Math.max(1, rows)};
		for (const session of this.sessions) session.resize(this.size.cols, this.size.rows);
	}

	/** The shells that share this connection (`Ctrl-b c` opens more on one login). */
	sessionsOf(connection: SshConnection): ShellSession[] {
		return this.sessions.filter(s => s.connection === connection);
	}

	private addSession(connection: SshConnection): ShellSession {
		const session = new ShellSession(connection, this.size, this.options.scrollback);
		session.on('state', state => {
			if (state.kind === 'exited' && this.options.closePaneOnExit) this.close(session);
			else this.emit('change');
		});
		this.sessions.push(session);
		this.focusedIndex = this.sessions.length - 1;
		this.updatePriorities();
		this.emit('added', session);
		this.emit('change');
		return session;
	}
}
