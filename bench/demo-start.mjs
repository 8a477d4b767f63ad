// `vmux --demo` start-up (issue 12: a first frame within 300 ms, the VM list within 1 s).
//
// Starts the built vmux with `--demo` and a fresh config dir (nothing cached: the demo's first start) in a
// 120x40 pseudo-terminal with CI unset, and times spawn -> the first non-blank frame (any printable text on
// the screen), spawn -> the first VM row (`app-01`, the demo's first VM by name: drawn as soon as the lab's
// Resource Graph answers, before Ink is up) and, for information, spawn -> the App's browser (its key hints,
// `⏎ connect`: keys are acted on from then; typed earlier, they wait in the terminal's input). The peer, in the same
// run: a bare `node -e` that prints one line, the floor any Node CLI pays before drawing anything. Median of
// BENCH_DS_RUNS (default 7) each, interleaved; the load average is printed with the table.
import {mkdtempSync, rmSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import pty from 'node-pty';
import {saveRows} from './lib/results-file.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CLI = join(ROOT, 'dist/cli.js');
const RUNS = Number(process.env.BENCH_DS_RUNS ?? 7);
const FIRST_FRAME_TARGET_MS = 300;
const VM_LIST_TARGET_MS = 1000;
const TIMEOUT_MS = 30_000;

// CSI / OSC / other escape sequences, so only what a user would see counts as "non-blank".
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[@-Z\\-_])/g;
const visible = text => text.replace(ESCAPES, '');

/**
 * Spawns a command in a PTY; resolves with ms from spawn to the first visible character and to `marker`.
 * The process is killed (SIGTERM, then SIGKILL) once the marker shows, and waited for, so runs don't overlap.
 */
function timeRun(file, args, marker, env = {}, appMarker = marker) {
	return new Promise((resolvePromise, reject) => {
		const environment = {...process.env, ...env, TERM: 'xterm-256color'};
		delete environment.CI;
		delete environment.NODE_ENV;
		const start = performance.now();
		const child = pty.spawn(file, args, {cols: 120, rows: 40, env: environment});
		let output = '';
		let firstFrame;
		let markerAt;
		let appAt;
		let killTimer;
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`no "${marker}" within ${TIMEOUT_MS / 1000} s; screen so far: ${JSON.stringify(visible(output).slice(-300))}`));
		}, TIMEOUT_MS);
		child.onData(data => {
			const now = performance.now() - start;
			output += data;
			if (appAt !== undefined) return;
			const text = visible(output);
			if (firstFrame === undefined && /\S/.test(text)) firstFrame = now;
			if (markerAt === undefined && text.includes(marker)) markerAt = now;
			if (markerAt !== undefined && text.includes(appMarker)) {
				appAt = now;
				clearTimeout(timer);
				child.kill('SIGTERM');
				killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
			}
		});
		child.onExit(() => {
			clearTimeout(killTimer);
			if (appAt !== undefined) resolvePromise({firstFrameMs: firstFrame, markerMs: markerAt, appMs: appAt});
		});
	});
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = value => `${value.toFixed(0)} ms`.padStart(8);
const load = () => loadavg().map(value => value.toFixed(2)).join(' ');

const loadAtStart = load();
const vmux = [];
const peer = [];
for (let run = 0; run < RUNS; run++) {
	peer.push(await timeRun(process.execPath, ['-e', 'console.log("app-01")'], 'app-01'));
	const dir = mkdtempSync(join(tmpdir(), 'vmux-bench-ds-'));
	try {
		vmux.push(await timeRun(process.execPath, [CLI, '--demo', '--config-dir', dir], 'app-01', {HOME: dir}, '⏎ connect'));
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}
const firstFrame = median(vmux.map(r => r.firstFrameMs));
const vmList = median(vmux.map(r => r.markerMs));
const appBrowser = median(vmux.map(r => r.appMs));
const bare = median(peer.map(r => r.markerMs));
const verdict = (value, target) => (value <= target ? 'met' : 'missed');
console.log(`vmux --demo start-up, fresh config dir, 120x40 pty, median of ${RUNS} (load average ${loadAtStart} at start, ${load()} at end)`);
console.log('| figure | vmux --demo | bare node -e | ratio | target | |');
console.log('|---|---:|---:|---:|---:|---|');
console.log(`| spawn -> first frame | ${ms(firstFrame)} | ${ms(bare)} | ${(firstFrame / bare).toFixed(2)} | ${FIRST_FRAME_TARGET_MS} ms | ${verdict(firstFrame, FIRST_FRAME_TARGET_MS)} |`);
console.log(`| spawn -> VM list (app-01) | ${ms(vmList)} | ${ms(bare)} | ${(vmList / bare).toFixed(2)} | ${VM_LIST_TARGET_MS} ms | ${verdict(vmList, VM_LIST_TARGET_MS)} |`);
console.log(`| spawn -> the App's browser (info) | ${ms(appBrowser)} | ${ms(bare)} | ${(appBrowser / bare).toFixed(2)} | - | - |`);
console.log(
	JSON.stringify({
		runs: RUNS,
		firstFrameMs: firstFrame,
		vmListMs: vmList,
		appBrowserMs: appBrowser,
		bareNodeMs: bare,
		loadAverage: {start: loadAtStart, end: load()},
		vmuxRuns: vmux,
		bareNodeRunsMs: peer.map(r => r.markerMs),
	}),
);
saveRows(
	'demo-start',
	[
		{figure: `vmux --demo: spawn -> first frame (median of ${RUNS})`, vmux: ms(firstFrame).trim(), peer: `${ms(bare).trim()} (bare node)`, ratio: firstFrame / bare, target: `<= ${FIRST_FRAME_TARGET_MS} ms`, met: firstFrame <= FIRST_FRAME_TARGET_MS},
		{figure: `vmux --demo: spawn -> VM list (median of ${RUNS})`, vmux: ms(vmList).trim(), peer: `${ms(bare).trim()} (bare node)`, ratio: vmList / bare, target: `<= ${VM_LIST_TARGET_MS} ms`, met: vmList <= VM_LIST_TARGET_MS},
		{figure: "vmux --demo: spawn -> the App's browser, keys live (info)", vmux: ms(appBrowser).trim(), peer: `${ms(bare).trim()} (bare node)`, ratio: appBrowser / bare, target: '', met: undefined},
	],
	{firstFrameMs: firstFrame, vmListMs: vmList, appBrowserMs: appBrowser, bareNodeMs: bare},
);
