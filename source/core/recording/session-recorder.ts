/**
 * Records sessions as asciicast v2 (`prefix R`, or from the start when the profile says `options.record`):
 * what the pane shows (`o`), its resizes (`r`) and, when the profile asks (`options.recordInput`), what was
 * typed (`i`), except while the remote shows a password prompt (./secret-prompt.ts).
 */
import {EventEmitter} from 'node:events';
import type {SessionManager} from '../session/session-manager.js';
import type {ShellSession} from '../session/shell-session.js';
import {CastWriter} from './cast-writer.js';
import {createRecordingFile} from './recordings-dir.js';
import {looksLikeSecretPrompt} from './secret-prompt.js';

export interface RecordingNotice {
	text: string;
	tone: 'info' | 'error';
}

export interface ActiveRecording {
	path: string;
	startedAt: number;
	input: boolean;
}

interface Running extends ActiveRecording {
	writer: CastWriter;
	detach(): void;
}

export interface SessionRecorderOptions {
	/** Where recordings go (created 0700 on first use). */
	dir: string;
	/** The clock for file names and the header (tests). */
	now?: () => Date;
}

export class SessionRecorder extends EventEmitter<{change: []; notice: [RecordingNotice]}> {
	private readonly running = new Map<ShellSession, Running>();
	private readonly now: () => Date;

	constructor(private readonly options: SessionRecorderOptions) {
		super();
		this.now = options.now ?? (() => new Date());
	}

	get dir(): string {
		return this.options.dir;
	}

	recordingOf(session: ShellSession | undefined): ActiveRecording | undefined {
		const running = session && this.running.get(session);
		return running && {path: running.path, startedAt: running.startedAt, input: running.input};
	}

	/** Paths being written now (the recordings view marks them and will not delete them). */
	get activePaths(): string[] {
		return [...this.running.values()].map(r => r.path);
	}

	/** Starts or stops recording a session, and says which in a notice. */
	toggle(session: ShellSession): void {
		if (this.running.has(session)) {
			const path = this.stop(session);
			this.emit('notice', {text: `Recording of ${session.label} stopped: ${path}`, tone: 'info'});
			return;
		}
		const started = this.start(session);
		if (!started) return;
		const bastion = session.connection.spec.bastionRecords ? ` The Bastion records this session too.` : '';
		const input = started.input ? ' (with typed input, except at password prompts)' : '';
		this.emit('notice', {text: `Recording ${session.label}${input} to ${started.path}.${bastion}`, tone: 'info'});
	}

	/**
	 * Starts recording. A session that already shows something starts with its current screen, so playing
	 * the file shows what the pane showed. Undefined (after a notice) when the file cannot be created.
	 */
	start(session: ShellSession, input = session.connection.spec.record?.input ?? false): ActiveRecording | undefined {
		const existing = this.recordingOf(session);
		if (existing) return existing;
		const date = this.now();
		let file: {fd: number; path: string};
		try {
			file = createRecordingFile(this.options.dir, session.label, date);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
			this.emit('notice', {text: `Cannot record ${session.label}: ${this.options.dir} is not writable (${code}). Free space or fix its permissions, then press the key again.`, tone: 'error'});
			return undefined;
		}
		const {cols, rows} = session.size;
		const writer = new CastWriter({
			fd: file.fd,
			header: {width: cols, height: rows, timestamp: Math.floor(date.getTime() / 1000), title: session.label, env: {TERM: 'xterm-256color'}},
			onError: error => this.failed(session, error),
		});
		if (session.receivedBytes > 0 || session.state.kind !== 'starting') writer.writeOutput(currentScreen(session));
		const onOutput = (data: Buffer | string) => writer.writeOutput(data);
		const onInput = (data: Buffer | string) => {
			if (!looksLikeSecretPrompt(session.terminal.textBeforeCursor())) writer.writeInput(data);
		};
		const onResize = (c: number, r: number) => writer.resize(c, r);
		const onClosed = () => this.stop(session);
		session.on('output', onOutput);
		if (input) session.on('input', onInput);
		session.on('resize', onResize);
		session.once('closed', onClosed);
		const running: Running = {
			path: file.path,
			startedAt: date.getTime(),
			input,
			writer,
			detach: () => {
				session.off('output', onOutput);
				session.off('input', onInput);
				session.off('resize', onResize);
				session.off('closed', onClosed);
			},
		};
		this.running.set(session, running);
		this.emit('change');
		return this.recordingOf(session);
	}

	/** Stops recording; returns the file's path (undefined when it was not recording). */
	stop(session: ShellSession): string | undefined {
		const running = this.running.get(session);
		if (!running) return undefined;
		this.running.delete(session);
		running.detach();
		running.writer.close();
		this.emit('change');
		return running.path;
	}

	stopAll(): void {
		for (const session of [...this.running.keys()]) this.stop(session);
	}

	/** Records every new session whose profile asks for it from the start. */
	watch(manager: SessionManager): () => void {
		const onAdded = (session: ShellSession) => {
			if (session.connection.spec.record?.fromStart) this.start(session);
		};
		manager.on('added', onAdded);
		return () => manager.off('added', onAdded);
	}

	/** A write failed (disk full): the recording stops, the session goes on. */
	private failed(session: ShellSession, error: NodeJS.ErrnoException): void {
		const running = this.running.get(session);
		if (!running) return;
		this.running.delete(session);
		running.detach();
		const why = error.code === 'ENOSPC' ? 'the disk is full' : `a write failed (${error.code ?? error.message})`;
		this.emit('notice', {text: `Recording of ${session.label} stopped: ${why}. The session goes on; what was recorded is in ${running.path}.`, tone: 'error'});
		this.emit('change');
	}
}

/** The session's screen as output that draws it on a blank terminal: each row in place, then the cursor. */
function currentScreen(session: ShellSession): string {
	const snapshot = session.terminal.snapshot();
	let out = '\x1b[0m\x1b[H\x1b[2J';
	snapshot.lines.forEach((line, y) => {
		out += `\x1b[${y + 1};1H${line}`;
	});
	out += `\x1b[${snapshot.cursor.y + 1};${snapshot.cursor.x + 1}H`;
	if (!snapshot.cursor.visible) out += '\x1b[?25l';
	return out;
}
