import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import pty from 'node-pty';
import xterm from '@xterm/headless';
import stripAnsi from 'strip-ansi';

const {Terminal} = xterm;

export const CLI = resolve('dist/cli.js');

/**
 * Runs the built vmux in a real pseudo-terminal, the way a user does, and reads its screen through a
 * terminal emulator (what the user would see), keeping the raw output too for escape-sequence checks.
 */
export class VmuxPty {
	raw = '';
	readonly configDir: string;
	private readonly ownsConfigDir: boolean;
	private readonly term: InstanceType<typeof Terminal>;
	private readonly proc: pty.IPty;
	readonly exited: Promise<{exitCode: number; signal?: number}>;

	constructor(args: string[], options: {cols?: number; rows?: number; configDir?: string; env?: Record<string, string>; nodeArgs?: string[]; cwd?: string} = {}) {
		const cols = options.cols ?? 120;
		const rows = options.rows ?? 40;
		this.ownsConfigDir = !options.configDir;
		this.configDir = options.configDir ?? mkdtempSync(join(tmpdir(), 'vmux-e2e-'));
		this.term = new Terminal({cols, rows, allowProposedApi: true, scrollback: 0});
		const env: Record<string, string> = {};
		for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
		// Ink prints nothing until exit when CI is set (DESIGN §7); a user's terminal does not set it.
		delete env.CI;
		delete env.NODE_ENV;
		delete env.VITEST;
		Object.assign(env, {TERM: 'xterm-256color', COLORTERM: 'truecolor', LANG: 'C.UTF-8'}, options.env);
		this.proc = pty.spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, '--config-dir', this.configDir, ...args], {name: 'xterm-256color', cols, rows, cwd: options.cwd ?? process.cwd(), env});
		this.proc.onData(data => {
			this.raw += data;
			this.term.write(data);
		});
		this.exited = new Promise(resolveExit => this.proc.onExit(resolveExit));
	}

	/** vmux's process id (for what only the OS can tell, e.g. the sockets it listens on). */
	get pid(): number {
		return this.proc.pid;
	}

	/** Whether vmux ever wrote `text` (styles and cursor moves taken out), e.g. a frame gone since from the screen. */
	everWrote(text: string): boolean {
		return stripAnsi(this.raw).includes(text);
	}

	/** The screen as text, one line per row, trailing blanks trimmed. */
	screen(): string {
		const buffer = this.term.buffer.active;
		const lines: string[] = [];
		for (let y = 0; y < this.term.rows; y++) lines.push((buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? "").trimEnd());
		return lines.join('\n');
	}

	/** A row's text with underlined cells wrapped in [ ] (how vmux marks fuzzy-match characters). */
	underlinedRow(row: number): string {
		const buffer = this.term.buffer.active;
		const line = buffer.getLine(buffer.viewportY + row);
		if (!line) return '';
		let text = '';
		let inside = false;
		for (let x = 0; x < this.term.cols; x++) {
			const cell = line.getCell(x);
			if (!cell || cell.getWidth() === 0) continue;
			const underlined = cell.isUnderline() !== 0;
			if (underlined !== inside) text += underlined ? '[' : ']';
			inside = underlined;
			text += cell.getChars() || ' ';
		}
		return (inside ? `${text}]` : text).trimEnd();
	}

	/** The text of a row's inverse cells (the tab bar marks the focused tab that way). */
	inverseText(row: number): string {
		const buffer = this.term.buffer.active;
		const line = buffer.getLine(buffer.viewportY + row);
		if (!line) return '';
		let text = '';
		for (let x = 0; x < this.term.cols; x++) {
			const cell = line.getCell(x);
			if (cell && cell.getWidth() !== 0 && cell.isInverse() !== 0) text += cell.getChars() || ' ';
		}
		return text;
	}

	/** The text of every bold cell on screen, row by row (a split tab's active pane title is bold). */
	boldText(): string[] {
		const buffer = this.term.buffer.active;
		const rows: string[] = [];
		for (let y = 0; y < this.term.rows; y++) {
			const line = buffer.getLine(buffer.viewportY + y);
			let text = '';
			for (let x = 0; line && x < this.term.cols; x++) {
				const cell = line.getCell(x);
				if (cell && cell.getWidth() !== 0 && cell.isBold() !== 0) text += cell.getChars() || ' ';
			}
			rows.push(text);
		}
		return rows;
	}

	/** Where the user's terminal cursor is (0-based), as the emulator reading vmux's output has it. */
	get cursor(): {x: number; y: number} {
		const buffer = this.term.buffer.active;
		return {x: buffer.cursorX, y: buffer.cursorY};
	}

	get altScreen(): boolean {
		return this.term.buffer.active.type === 'alternate';
	}

	write(keys: string): void {
		this.proc.write(keys);
	}

	resize(cols: number, rows: number): void {
		this.proc.resize(cols, rows);
		this.term.resize(cols, rows);
	}

	/**
	 * Closes the master side of the pty, as closing a terminal window does: vmux's tty reads and writes
	 * fail with EIO from then on (node-pty then sends SIGHUP, as the kernel does to the tty's session).
	 * The exit status is still reported through `exited`.
	 */
	closeTerminal(): void {
		(this.proc as unknown as {destroy(): void}).destroy();
	}

	kill(signal = 'SIGTERM'): void {
		this.proc.kill(signal);
	}

	/**
	 * Waits until the screen shows the text (or matches, or satisfies the check); fails with the screen it last
	 * saw. Tests wait on the screen like this, never for a fixed time.
	 */
	async waitFor(what: string | RegExp | ((screen: string) => boolean), timeoutMs = 15_000, description = String(what)): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			// Let the emulator finish parsing what has arrived before reading it.
			await new Promise<void>(done => this.term.write('', done));
			const screen = this.screen();
			if (typeof what === 'string' ? screen.includes(what) : typeof what === 'function' ? what(screen) : what.test(screen)) return screen;
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${description}. Screen:\n${screen}`);
			await new Promise(done => setTimeout(done, 50));
		}
	}

	async waitForExit(timeoutMs = 10_000): Promise<{exitCode: number; signal?: number}> {
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`vmux did not exit. Screen:\n${this.screen()}`)), timeoutMs);
		});
		try {
			const exit = await Promise.race([this.exited, timeout]);
			await this.drain();
			return exit;
		} finally {
			clearTimeout(timer);
		}
	}

	/**
	 * node-pty (UnixTerminal) reports the exit only after the pty's read side has closed, so no output follows
	 * it: what is left is the emulator's parse queue.
	 */
	private async drain(): Promise<void> {
		await new Promise<void>(done => this.term.write('', done));
	}

	dispose(): void {
		try {
			this.proc.kill('SIGKILL');
		} catch {
			// Already gone.
		}
		if (this.ownsConfigDir) rmSync(this.configDir, {recursive: true, force: true});
	}
}
