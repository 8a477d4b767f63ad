// Shared pieces of the end-to-end benchmark: a program in a real pseudo-terminal whose output is both
// scanned raw (cheap, for markers) and, when wanted, parsed by @xterm/headless (what the user sees),
// /proc accounting, statistics, and a cleanup registry that runs on every way out.
import {execFileSync} from 'node:child_process';
import {appendFileSync, readdirSync, readFileSync} from 'node:fs';
import pty from 'node-pty';
import xterm from '@xterm/headless';

const {Terminal} = xterm;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- cleanup -------------------------------------------------------------------------------------

/** Cleanup steps run newest first, each at most once, whatever happens (errors are collected, not thrown). */
export class Cleanup {
	#steps = [];

	add(name, fn) {
		const step = {name, fn, done: false};
		this.#steps.push(step);
		return async () => {
			if (step.done) return;
			step.done = true;
			await fn();
		};
	}

	async run() {
		const errors = [];
		for (const step of [...this.#steps].reverse()) {
			if (step.done) continue;
			step.done = true;
			try {
				await Promise.race([step.fn(), sleep(10_000).then(() => {
					throw new Error('timed out');
				})]);
			} catch (error) {
				errors.push(`${step.name}: ${error.message}`);
			}
		}
		return errors;
	}
}

// ---- escape-stripping marker scan ----------------------------------------------------------------

// CSI, OSC/DCS/APC strings, two-byte escapes, then the remaining C0 controls.
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]|[\x00-\x08\x0b-\x1f\x7f]/g;

export function stripEscapes(text) {
	return text.replace(ESCAPES, '');
}

// ---- a program in a pseudo-terminal --------------------------------------------------------------

/**
 * Runs a command in node-pty at the given size. Output listeners see every chunk with its arrival time;
 * `screenEnabled` decides whether chunks are also parsed into a headless terminal (turned off while
 * timing a flood so the benchmark process does not compete with the program it measures).
 */
export class PtyApp {
	constructor(file, args, {cols = 120, rows = 40, env, cwd} = {}) {
		this.cols = cols;
		this.rows = rows;
		this.bytes = 0;
		this.lastDataAt = performance.now();
		this.screenEnabled = true;
		this.listeners = new Set();
		this.term = new Terminal({cols, rows, scrollback: 0, allowProposedApi: true});
		this.proc = pty.spawn(file, args, {name: 'xterm-256color', cols, rows, env, cwd});
		this.pid = this.proc.pid;
		this.exited = false;
		this.exit = new Promise((resolve) =>
			this.proc.onExit((event) => {
				this.exited = true;
				resolve(event);
			}),
		);
		this.proc.onData((data) => {
			const at = performance.now();
			this.bytes += data.length;
			this.lastDataAt = at;
			// Parse first, so a listener's `term.write('', callback)` runs after this chunk is on the screen.
			if (this.screenEnabled) this.term.write(data);
			for (const listener of this.listeners) listener(data, at);
		});
	}

	onData(listener) {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	write(data) {
		this.proc.write(data);
	}

	/** The screen, one string per row, trailing blanks removed. */
	lines() {
		const buffer = this.term.buffer.active;
		const out = [];
		for (let y = 0; y < this.rows; y++) out.push((buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '').trimEnd());
		return out;
	}

	screen() {
		return this.lines().join('\n');
	}

	/** Resolves once everything received so far has been parsed. */
	parsed() {
		return new Promise((resolve) => this.term.write('', resolve));
	}

	/** Polls the parsed screen until `test(lines)` is true; fails with the last screen. */
	async waitForScreen(test, what, timeoutMs = 20_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			await this.parsed();
			const lines = this.lines();
			if (test(lines)) return lines;
			if (this.exited) throw new Error(`the program exited while waiting for ${what}. Screen:\n${lines.join('\n')}`);
			if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}. Screen:\n${lines.join('\n')}`);
			await sleep(25);
		}
	}

	/**
	 * Resolves with the arrival time of the chunk in which `marker` first shows in the raw output (escape
	 * sequences stripped, chunk boundaries bridged). Start it before sending whatever prints the marker.
	 */
	waitForMarker(marker, timeoutMs) {
		let tail = '';
		let off;
		let timer;
		return new Promise((resolve, reject) => {
			off = this.onData((data, at) => {
				const window = tail + data;
				if (stripEscapes(window).includes(marker)) {
					resolve(at);
					return;
				}
				tail = window.slice(-512);
			});
			timer = setTimeout(() => reject(new Error(`marker ${marker} not seen within ${timeoutMs} ms. Screen:\n${this.screen()}`)), timeoutMs);
		}).finally(() => {
			off();
			clearTimeout(timer);
		});
	}

	/** Waits until no output arrived for `quietMs` (bounded by `timeoutMs`). */
	async waitForQuiet(quietMs, timeoutMs) {
		const deadline = performance.now() + timeoutMs;
		while (performance.now() < deadline) {
			const idle = performance.now() - this.lastDataAt;
			if (idle >= quietMs) return true;
			await sleep(Math.min(quietMs - idle + 5, 200));
		}
		return false;
	}

	kill(signal = 'SIGKILL') {
		if (this.exited) return;
		try {
			this.proc.kill(signal);
		} catch {
			// Already gone.
		}
	}

	/** SIGTERM, then SIGKILL after `graceMs`. */
	async stop(graceMs = 3000) {
		if (this.exited) return;
		this.kill('SIGTERM');
		const gone = await Promise.race([this.exit.then(() => true), sleep(graceMs).then(() => false)]);
		if (!gone) {
			this.kill('SIGKILL');
			await Promise.race([this.exit, sleep(2000)]);
		}
		this.term.dispose();
	}
}

/**
 * Types `count` printable keys one at a time into an idle shell whose prompt is `prompt`, timing each from
 * the write to the arrival of the output chunk after which the parsed screen shows it echoed at the prompt.
 * Every `eraseEvery` keys the line is erased with backspaces (untimed). `view` narrows the screen's rows to
 * the pane typed into (a split screen: its columns only). Returns latencies in ms.
 */
export async function measureEcho(app, {prompt, count = 200, gapMs = 20, eraseEvery = 20, keyTimeoutMs = 3000, totalTimeoutMs = 120_000, view = (lines) => lines}) {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz';
	const latencies = [];
	const deadline = Date.now() + totalTimeoutMs;
	const rowShows = (expected) => {
		const lines = view(app.lines());
		return lines.some((line) => line.endsWith(expected));
	};
	let typed = '';
	let waiting; // {expected, sentAt, resolve}
	// BENCH_ECHO_LOG=<file>: each timed key's write and echo on CLOCK_MONOTONIC (µs), to line up with a trace
	// taken inside the program measured (the same clock in every process).
	const echoLog = process.env.BENCH_ECHO_LOG ? [] : undefined;
	const monotonicUs = (at = performance.now()) => Number(process.hrtime.bigint() / 1000n) - Math.round((performance.now() - at) * 1000);
	// Every chunk is parsed with its own callback, so the screen read in the callback reflects exactly the
	// output up to that chunk, and the latency ends at that chunk's arrival, not when parsing caught up.
	const off = app.onData((_data, at) => {
		app.term.write('', () => {
			if (waiting && at >= waiting.sentAt && rowShows(waiting.expected)) {
				const w = waiting;
				waiting = undefined;
				w.resolve(at - w.sentAt);
			}
		});
	});
	const expect = (expected, send, timeoutMs) =>
		new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				waiting = undefined;
				reject(new Error(`echo of ${JSON.stringify(expected)} not seen within ${timeoutMs} ms. Screen:\n${app.screen()}`));
			}, timeoutMs);
			const sentAt = performance.now();
			waiting = {
				expected,
				sentAt,
				resolve: (ms) => {
					clearTimeout(timer);
					echoLog?.push(`${monotonicUs(sentAt + ms)} seen ${ms.toFixed(3)}`);
					resolve(ms);
				},
			};
			echoLog?.push(`${monotonicUs(sentAt)} sent ${JSON.stringify(expected.slice(-1))}`);
			send();
		});
	try {
		if (!app.screenEnabled) throw new Error('measureEcho needs the screen enabled');
		await app.parsed();
		if (!rowShows(prompt.trimEnd())) throw new Error(`no idle prompt ${JSON.stringify(prompt)} on screen:\n${app.screen()}`);
		for (let i = 0; i < count; i++) {
			if (Date.now() > deadline) throw new Error(`echo measurement ran past ${totalTimeoutMs} ms after ${i} keys`);
			if (typed.length >= eraseEvery) {
				const n = typed.length;
				typed = '';
				await expect(prompt.trimEnd(), () => app.write('\x7f'.repeat(n)), keyTimeoutMs);
				await sleep(gapMs);
			}
			const key = alphabet[i % alphabet.length];
			typed += key;
			latencies.push(await expect(prompt + typed, () => app.write(key), keyTimeoutMs));
			await sleep(gapMs);
		}
		// Leave the prompt empty.
		if (typed.length) await expect(prompt.trimEnd(), () => app.write('\x7f'.repeat(typed.length)), keyTimeoutMs);
	} finally {
		off();
		if (echoLog) appendFileSync(process.env.BENCH_ECHO_LOG, `${echoLog.join('\n')}\n`);
	}
	return latencies;
}

// ---- statistics ----------------------------------------------------------------------------------

export function percentile(values, p) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank];
}

export const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---- /proc ---------------------------------------------------------------------------------------

export const CLK_TCK = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
	} catch {
		return 100;
	}
})();

/** {pid, ppid, comm, ticks (utime+stime)} or undefined when the process is gone. */
export function procStat(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const close = stat.lastIndexOf(')');
		const comm = stat.slice(stat.indexOf('(') + 1, close);
		const fields = stat.slice(close + 2).split(' ');
		// fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
		return {pid, ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12])};
	} catch {
		return undefined;
	}
}

/** VmRSS and PSS in KiB (PSS splits shared pages between the processes that map them). */
export function procMemory(pid) {
	const out = {rssKiB: 0, pssKiB: 0};
	try {
		out.rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
	} catch {
		// gone
	}
	try {
		out.pssKiB = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
	} catch {
		// not available
	}
	return out;
}

export function allProcesses() {
	const out = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const stat = procStat(Number(name));
		if (stat) out.push(stat);
	}
	return out;
}

/** `roots` and all their descendants. */
export function processTree(roots) {
	const all = allProcesses();
	const children = new Map();
	for (const p of all) {
		if (!children.has(p.ppid)) children.set(p.ppid, []);
		children.get(p.ppid).push(p);
	}
	const byPid = new Map(all.map((p) => [p.pid, p]));
	const out = [];
	const seen = new Set();
	const stack = roots.map((pid) => byPid.get(pid)).filter(Boolean);
	while (stack.length) {
		const p = stack.pop();
		if (seen.has(p.pid)) continue;
		seen.add(p.pid);
		out.push(p);
		stack.push(...(children.get(p.pid) ?? []));
	}
	return out;
}

/** Processes whose command line contains `token` (for finding a remote command the benchmark started). */
export function processesWithArg(token) {
	const out = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
			if (cmdline.includes(token)) out.push({pid: Number(name), argv: cmdline.split('\0').filter(Boolean)});
		} catch {
			// gone
		}
	}
	return out;
}

export function killPid(pid, signal = 'SIGKILL') {
	try {
		process.kill(pid, signal);
		return true;
	} catch {
		return false;
	}
}

/**
 * CPU time used by a set of processes over `ms` of wall time, as a percentage of one core, and their
 * memory at the end. `pids()` is re-evaluated at the end so the set is the one that existed throughout.
 */
export async function measureIdle(pids, ms) {
	const before = new Map(pids().map((pid) => [pid, procStat(pid)?.ticks ?? 0]));
	const start = performance.now();
	await sleep(ms);
	const seconds = (performance.now() - start) / 1000;
	const after = pids();
	let ticks = 0;
	let rssKiB = 0;
	let pssKiB = 0;
	const processes = [];
	for (const pid of after) {
		const stat = procStat(pid);
		if (!stat) continue;
		const used = stat.ticks - (before.get(pid) ?? stat.ticks);
		const memory = procMemory(pid);
		ticks += used;
		rssKiB += memory.rssKiB;
		pssKiB += memory.pssKiB;
		processes.push({pid, comm: stat.comm, cpuTicks: used, rssKiB: memory.rssKiB, pssKiB: memory.pssKiB});
	}
	return {seconds, cpuPercent: ((ticks / CLK_TCK) / seconds) * 100, rssMiB: rssKiB / 1024, pssMiB: pssKiB / 1024, processes};
}

/** CPU ticks (utime + stime) a set of processes has used so far; a process gone counts 0. */
export function cpuTicks(pids) {
	return pids.reduce((sum, pid) => sum + (procStat(pid)?.ticks ?? 0), 0);
}

/**
 * Waits until a set of processes has used at most `maxTicks` of CPU over `windowMs` (it has finished starting:
 * vmux's background sign-in attempt, module loading, a first refresh), bounded by `timeoutMs`. Returns whether it
 * settled. A measurement taken before that times the program's start-up, not what it is asked to measure.
 */
export async function waitForCpuQuiet(pids, {windowMs = 500, maxTicks = 1, timeoutMs = 20_000} = {}) {
	const deadline = performance.now() + timeoutMs;
	while (performance.now() < deadline) {
		const before = cpuTicks(pids());
		await sleep(windowMs);
		if (cpuTicks(pids()) - before <= maxTicks) return true;
	}
	return false;
}

/**
 * A run's way out, installed for signals and uncaught errors: stops everything `cleanup` holds (once), logs
 * why, and exits with `code`. `done()` marks a run that finished, after which it does nothing.
 */
export function exitOnFailure(cleanup, log) {
	let finished = false;
	const abort = async (reason, code) => {
		if (finished) return;
		finished = true;
		log(`stopping: ${reason}`);
		for (const error of await cleanup.run()) log(`cleanup: ${error}`);
		process.exit(code);
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void abort(signal, 130));
	process.on('uncaughtException', (error) => void abort(`uncaught ${error.stack ?? error}`, 1));
	process.on('unhandledRejection', (error) => void abort(`unhandled ${error?.stack ?? error}`, 1));
	return {abort, done: () => (finished = true)};
}
