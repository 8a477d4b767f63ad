import {EventEmitter} from 'node:events';
import type {ClientChannel} from 'ssh2';
import {TerminalEmulator} from '../terminal/emulator.js';
import {InputTranslator, type InputModes} from '../terminal/input.js';
import type {SshConnection} from './connection.js';
import {disconnectActions, type DisconnectedState} from './disconnect-text.js';
import {separatorBlock} from './separator.js';

export type ShellState =
	| {kind: 'starting'}
	| {kind: 'running'}
	| {kind: 'exited'; code: number | null; signal?: string}
	| {kind: 'waiting'}; // the connection is down; the screen is kept until it comes back

let nextId = 1;

/**
 * One shell: an SSH channel on a shared connection, and the terminal emulator that owns its screen and
 * scrollback. The emulator outlives channels: after a reconnect a new channel continues in the same
 * screen, below a separator line.
 */
/**
 * `output`: every byte that goes into the pane (the remote's, and vmux's own separator lines); `input`: bytes
 * sent to the remote as typed; `resize`: the PTY's new size; `closed`: the session is gone. A recorder listens.
 */
export interface ShellSessionEvents {
	change: [];
	state: [ShellState];
	output: [Buffer | string];
	input: [Buffer | string];
	resize: [cols: number, rows: number];
	closed: [];
}

export class ShellSession extends EventEmitter<ShellSessionEvents> {
	readonly id = nextId++;
	readonly createdAt = Date.now();
	readonly terminal: TerminalEmulator;
	state: ShellState = {kind: 'starting'};
	private channel: ClientChannel | undefined;
	private readonly input = new InputTranslator();
	/** The modes the translator reads, looked up only when it needs them (typed text needs none). */
	private readonly inputModes: InputModes;
	private cols: number;
	private rows: number;
	private pausedByTerminal = false;
	/** The last drop or refusal written into the pane since the shell last ran: each is written once. */
	private lastNotice: string | undefined;
	private everAttached = false;
	private typeAhead: Buffer[] = [];
	/** Bytes received from the remote so far; the painter compares it across paints to tell typing from floods. */
	receivedBytes = 0;

	constructor(
		readonly connection: SshConnection,
		size: {cols: number; rows: number},
		scrollback: number,
	) {
		super();
		this.cols = size.cols;
		this.rows = size.rows;
		this.terminal = new TerminalEmulator({cols: size.cols, rows: size.rows, scrollback});
		const terminal = this.terminal;
		this.inputModes = {
			get applicationCursorKeys() {
				return terminal.modes.applicationCursorKeys;
			},
			get bracketedPasteMode() {
				return terminal.modes.bracketedPasteMode;
			},
		};
		// Replies to the remote's terminal queries (DSR, DA) go back down the channel, not to the user.
		this.terminal.onReply(data => this.channel?.write(data));
		this.terminal.onBackpressure(paused => {
			this.pausedByTerminal = paused;
			if (paused) this.channel?.pause();
			else this.channel?.resume();
		});
		this.terminal.onChange(() => this.emit('change'));
	}

	get label(): string {
		return this.connection.spec.label;
	}

	/** Opens a channel on the connection (first start, or after a reconnect). */
	async attach(reconnected: boolean): Promise<void> {
		if (this.state.kind === 'exited') return;
		if (reconnected) this.show(separatorBlock({title: `reconnected ${new Date().toLocaleTimeString()}`, style: '2', cols: this.cols}));
		this.setState({kind: 'starting'});
		let channel: ClientChannel;
		const requested = {cols: this.cols, rows: this.rows};
		try {
			channel = await this.connection.openShell(requested);
		} catch (error) {
			this.show(`\r\n\x1b[31mCould not open a shell: ${(error as Error).message}\x1b[0m\r\n`);
			this.setState({kind: 'waiting'});
			return;
		}
		this.channel = channel;
		// The pane changed size while the shell was being opened (a split, a layout, the window): the PTY follows.
		if (this.cols !== requested.cols || this.rows !== requested.rows) channel.setWindow(this.rows, this.cols, 0, 0);
		this.lastNotice = undefined;
		this.everAttached = true;
		if (this.pausedByTerminal) channel.pause();
		const receive = (data: Buffer) => {
			this.receivedBytes += data.length;
			this.show(data);
		};
		channel.on('data', receive);
		channel.stderr.on('data', receive);
		channel.on('exit', (code: number | null, signal?: string) => {
			if (this.channel !== channel) return;
			this.setState(signal ? {kind: 'exited', code: null, signal} : {kind: 'exited', code});
		});
		channel.on('close', () => {
			if (this.channel !== channel) return;
			this.channel = undefined;
			// A channel that closes without an exit status went down with its connection.
			if (this.state.kind !== 'exited') this.setState({kind: 'waiting'});
		});
		this.setState({kind: 'running'});
		const pending = this.typeAhead;
		this.typeAhead = [];
		for (const data of pending) this.sendInput(data);
	}

	/**
	 * Called when the connection drops or a (re)connect fails: keep the screen, and write the whole message
	 * into it (the status line only has room for a summary). A reason already written since the shell last
	 * ran is not repeated, so backoff retries failing the same way add nothing; a different one (the
	 * reconnect found a CHANGED host key) is written below the first.
	 */
	detach(state: DisconnectedState): void {
		if (this.state.kind === 'exited') return;
		this.typeAhead = [];
		if (this.channel) {
			this.channel.removeAllListeners();
			this.channel = undefined;
		}
		if (state.reason !== this.lastNotice) {
			const title = !this.everAttached ? 'could not connect' : this.lastNotice === undefined ? 'disconnected' : 'reconnect failed';
			const refused = !state.retriable;
			this.show(
				separatorBlock({
					title: `${title} ${new Date().toLocaleTimeString()}`,
					body: [state.reason, disconnectActions(state)],
					style: refused ? '31' : '33',
					cols: this.cols,
				}),
			);
			this.lastNotice = state.reason;
		}
		if (this.state.kind !== 'waiting') this.setState({kind: 'waiting'});
	}

	/**
	 * Called before input goes to the channel. The session manager sizes PTYs once per turn; it applies a
	 * pending size here first, so keys typed after a resize never reach the remote before its window change.
	 */
	beforeInput: (() => void) | undefined;

	sendInput(data: Buffer): void {
		if (this.state.kind === 'exited') return;
		this.beforeInput?.();
		if (!this.channel || this.state.kind !== 'running') {
			// Keys typed while the shell opens are kept (bounded), like a terminal's type-ahead.
			if (this.typeAhead.reduce((n, b) => n + b.length, 0) < 64 * 1024) this.typeAhead.push(data);
			return;
		}
		const translated = this.input.translate(data, this.inputModes);
		if (translated.length > 0) {
			this.channel.write(translated);
			this.terminal.noteUserInput();
			this.emit('input', translated);
		}
	}

	resize(cols: number, rows: number): void {
		if (cols === this.cols && rows === this.rows) return;
		this.cols = cols;
		this.rows = rows;
		this.terminal.resize(cols, rows);
		this.channel?.setWindow(rows, cols, 0, 0);
		this.emit('resize', cols, rows);
		// The screen reflowed: whoever shows it must redraw even if the remote prints nothing.
		this.emit('change');
	}

	close(): void {
		const channel = this.channel;
		this.channel = undefined;
		if (channel) {
			channel.removeAllListeners();
			channel.on('error', () => {});
			channel.close();
		}
		this.terminal.dispose();
		this.emit('closed');
	}

	/** The size the PTY has (the pane's). */
	get size(): {cols: number; rows: number} {
		return {cols: this.cols, rows: this.rows};
	}

	/** Puts bytes into the pane, and tells whoever records it. */
	private show(data: Buffer | string): void {
		this.terminal.write(data);
		this.emit('output', data);
	}

	private setState(state: ShellState): void {
		this.state = state;
		this.emit('state', state);
		this.emit('change');
	}
}
