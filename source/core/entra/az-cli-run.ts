import {spawn, type ChildProcess} from 'node:child_process';
import stripAnsi from 'strip-ansi';
import {printable} from '../profiles/printable.js';

/**
 * Runs one Azure CLI command the way vmux can afford to: bounded in time (killed, with everything it started,
 * on timeout or abort), bounded in output, never with a secret on its command line, and with its failure
 * reduced to the one line of az's output that says what went wrong (never its Python traceback).
 */

export interface AzRunOptions {
	/** The executable: `az` (`az.cmd` on Windows) unless a test names another. */
	command: string;
	args: string[];
	env: NodeJS.ProcessEnv;
	timeoutMs: number;
	signal?: AbortSignal;
	/** Bytes kept of each stream: the start of stdout (JSON answers), the end of stderr (where az's error is). */
	maxOutputBytes: number;
}

export type AzRunResult =
	| {outcome: 'exited'; code: number | null; stdout: string; stderr: string}
	/** The executable is not on PATH (ENOENT) or is not executable (EACCES). */
	| {outcome: 'not-found'; message: string}
	| {outcome: 'timed-out'; stderr: string}
	| {outcome: 'aborted'};

/** After SIGTERM, how long az gets to exit before SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** After az exits, how long its output pipes may stay open (held by something it left behind) before vmux stops reading. */
const PIPE_DRAIN_MS = 1_000;

export function runAz(options: AzRunOptions): Promise<AzRunResult> {
	const {signal} = options;
	if (signal?.aborted) return Promise.resolve({outcome: 'aborted'});
	const windows = process.platform === 'win32';
	return new Promise(resolve => {
		let child: ChildProcess;
		try {
			child = spawn(options.command, windows ? options.args.map(quoteForCmd) : options.args, {
				env: options.env,
				stdio: ['ignore', 'pipe', 'pipe'],
				// Its own process group, so a timeout ends az's Python too, not only the shell script that starts it.
				detached: !windows,
				// az is a .cmd script on Windows, which only a shell starts; the arguments are vmux's own paths, quoted.
				shell: windows,
				windowsHide: true,
			});
		} catch (error) {
			resolve({outcome: 'not-found', message: (error as Error).message});
			return;
		}
		const stdout = new BoundedText(options.maxOutputBytes, 'head');
		const stderr = new BoundedText(options.maxOutputBytes, 'tail');
		child.stdout!.on('data', (chunk: Buffer) => stdout.add(chunk));
		child.stderr!.on('data', (chunk: Buffer) => stderr.add(chunk));

		let settled = false;
		let stopping: 'timed-out' | 'aborted' | undefined;
		let killTimer: NodeJS.Timeout | undefined;
		let drainTimer: NodeJS.Timeout | undefined;
		const finish = (result: AzRunResult) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			clearTimeout(killTimer);
			clearTimeout(drainTimer);
			signal?.removeEventListener('abort', onAbort);
			child.stdout!.destroy();
			child.stderr!.destroy();
			resolve(result);
		};
		const stop = (why: 'timed-out' | 'aborted') => {
			if (stopping || settled) return;
			stopping = why;
			killTree(child, 'SIGTERM');
			killTimer = setTimeout(() => killTree(child, 'SIGKILL'), KILL_GRACE_MS);
			killTimer.unref();
		};
		const onAbort = () => stop('aborted');
		const timer = setTimeout(() => stop('timed-out'), options.timeoutMs);
		signal?.addEventListener('abort', onAbort, {once: true});

		child.once('error', (error: NodeJS.ErrnoException) => {
			// Only a failed start reaches here with no exit to follow (ENOENT: not on PATH; EACCES: not executable).
			if (child.pid === undefined) finish({outcome: 'not-found', message: `${error.code ?? ''} ${error.message}`.trim()});
		});
		const done = (code: number | null) => {
			if (stopping === 'aborted') return finish({outcome: 'aborted'});
			if (stopping === 'timed-out') return finish({outcome: 'timed-out', stderr: stderr.text()});
			finish({outcome: 'exited', code, stdout: stdout.text(), stderr: stderr.text()});
		};
		// 'close' comes once the pipes are drained; if something az started keeps them open, 'exit' is enough.
		child.once('close', done);
		child.once('exit', code => {
			if (stopping) {
				// Whatever is left of the group goes too: a stopped az must not leave Python running.
				killTree(child, 'SIGKILL');
				return done(code);
			}
			drainTimer = setTimeout(() => done(code), PIPE_DRAIN_MS);
			drainTimer.unref();
		});
	});
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		if (process.platform === 'win32') {
			spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], {stdio: 'ignore', windowsHide: true}).on('error', () => {});
		} else {
			process.kill(-child.pid, signal);
		}
	} catch {
		// Already gone.
	}
}

/** cmd.exe quoting for vmux's own arguments (paths and fixed words; Windows paths cannot contain `"`). */
function quoteForCmd(arg: string): string {
	return /^[\w@%+=:,./\\-]+$/.test(arg) ? arg : `"${arg}"`;
}

/** Keeps at most `max` bytes of a stream: its start or its end. */
class BoundedText {
	private chunks: Buffer[] = [];
	private size = 0;

	constructor(
		private readonly max: number,
		private readonly keep: 'head' | 'tail',
	) {}

	add(chunk: Buffer): void {
		if (this.keep === 'head') {
			if (this.size >= this.max) return;
			const part = chunk.subarray(0, this.max - this.size);
			this.chunks.push(part);
			this.size += part.length;
			return;
		}
		this.chunks.push(chunk);
		this.size += chunk.length;
		while (this.size > this.max && this.chunks.length > 0) {
			const first = this.chunks[0]!;
			const excess = this.size - this.max;
			if (first.length <= excess) {
				this.chunks.shift();
				this.size -= first.length;
			} else {
				this.chunks[0] = first.subarray(excess);
				this.size -= excess;
			}
		}
	}

	text(): string {
		return Buffer.concat(this.chunks).toString('utf8');
	}
}

/** What az prints around an error that is not the error: traceback frames, its preamble, where to file issues. */
const NOISE = [
	/^Traceback \(most recent call last\):/,
	/^The command failed with an unexpected error\. Here is the traceback:?$/i,
	/^During handling of the above exception/i,
	/^The above exception was the direct cause/i,
	/^To check existing issues/i,
	/^To open an issue/i,
	/^Please let us know how we are doing/i,
	/^WARNING:/,
];
/** The last line of a Python traceback: `AttributeError: …`, `azure.core.exceptions.ClientAuthenticationError: …`. */
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Failure)(?::\s|$)/;

/**
 * The one line of az's stderr that says what went wrong, cleaned for a message: the exception of a traceback,
 * else az's last `ERROR:` line, else the last line that is not noise, else its last warning. Entra's trace and
 * correlation ids are cut.
 */
export function azErrorLine(stderr: string): string | undefined {
	const lines = stripAnsi(stderr)
		.split(/\r?\n|\r/)
		.map(line => line.trimEnd())
		.filter(line => line.trim() !== '');
	const tracebackAt = lastIndex(lines, line => line.startsWith('Traceback (most recent call last):'));
	let found: string | undefined;
	if (tracebackAt !== -1) found = last(lines.slice(tracebackAt + 1), line => EXCEPTION_LINE.test(line));
	found ??= last(lines, line => /^ERROR:/.test(line) && !NOISE.some(noise => noise.test(withoutErrorPrefix(line))));
	found ??= last(lines, line => !/^\s/.test(line) && !NOISE.some(noise => noise.test(line)));
	// A warning is better than nothing when it is all there is (e.g. the last thing a stopped az said).
	found ??= last(lines, line => line.startsWith('WARNING:'));
	if (found === undefined) return undefined;
	const cleaned = withoutErrorPrefix(found)
		.replace(/^WARNING:\s*/, '')
		.replace(/\s*Trace ID:.*$/i, '')
		.trim();
	return cleaned === '' ? undefined : printable(cleaned, 300);
}

function lastIndex(lines: string[], test: (line: string) => boolean): number {
	for (let i = lines.length - 1; i >= 0; i--) if (test(lines[i]!)) return i;
	return -1;
}

function last(lines: string[], test: (line: string) => boolean): string | undefined {
	const index = lastIndex(lines, test);
	return index === -1 ? undefined : lines[index];
}

function withoutErrorPrefix(line: string): string {
	return line.replace(/^ERROR:\s*/, '');
}

/** The `az login …` command az recommends in its output, if it names one (e.g. with the scope to consent to). */
export function azLoginSuggestion(stderr: string): string | undefined {
	const match = /^\s*(az login\b[^\r\n]*)$/m.exec(stripAnsi(stderr));
	return match ? printable(match[1]!.trim(), 200) : undefined;
}
