// End-to-end benchmark (issue 3 item 11): vmux against a peer, tmux running OpenSSH `ssh`, in the same
// run, on the same OpenSSH sshd, both driven through a real 120x40 pseudo-terminal.
//
//   npm run bench                 (builds, then runs this)
//   node bench/run.mjs            (uses the existing dist/)
//
// Environment knobs (defaults in brackets): BENCH_MB [50] size of the throughput file, BENCH_RUNS [3]
// throughput runs per side (median kept), BENCH_KEYS [200] keystrokes per echo measurement,
// BENCH_IDLE_S [30] idle CPU window, BENCH_QUIET_S [10] seconds without output before it, BENCH_PROFILE=1 adds a CPU-profile pass of vmux (throughput, idle echo,
// echo under a flood, the split phase's echo and layout commands),
// BENCH_PROFILE_DIR keeps the .cpuprofile files there, BENCH_PHASES [interactive,idle,split,rss-curve,emulator] picks
// phases (add `profile` or `rss-curve` (RSS for 1/10/50 sessions at 5,000 lines of scrollback and 10 at 50,000; long), or drop some; a partial run writes bench/results-partial.json), BENCH_SPLIT_REPS
// [20] timed layout commands of each kind in the split phase, BENCH_PROFILE_PASSES
// [throughput,echo-idle,echo-flood,split; also echo-floods: three background floods] which runs the profile phase makes,
// BENCH_PROFILE_INTERVAL_US the sampling interval of those profiles (V8: 1000), BENCH_OUT overrides the results path,
// BENCH_TIMEOUT_S [1200] hard limit for the whole run, BENCH_INTERACTIVE [idle,slow,flood,switch,floods,throughput] which
// tests the interactive phase runs (floods: echo while three background sessions flood; switch: session switches under the one flood, BENCH_SWITCHES each way).
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync} from 'node:fs';
import {cpus, loadavg, tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {formatProfile, summariseProfile} from './lib/cpu-profile.mjs';
import {LAYOUT_KEYS, PeerDriver, PROMPT, VmuxDriver} from './lib/drivers.mjs';
import {measureLayoutCycle, paneBeside} from './lib/split-screen.mjs';
import {measureSessionSwitch} from './lib/session-switch.mjs';
import {CLK_TCK, Cleanup, cpuTicks, exitOnFailure, killPid, measureEcho, measureIdle, median, percentile, procMemory, procStat, processesWithArg, processTree, sleep} from './lib/harness.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const num = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const CONFIG = {
	fileMiB: num('BENCH_MB', 50),
	lineChars: 100,
	throughputRuns: num('BENCH_RUNS', 3),
	keys: num('BENCH_KEYS', 200),
	keyGapMs: 20,
	slowKeyGapMs: 100,
	eraseEvery: 20,
	idleSessions: 10,
	scrollbackFill: 6000,
	idleSeconds: num('BENCH_IDLE_S', 30),
	quietSeconds: num('BENCH_QUIET_S', 10),
	splitReps: num('BENCH_SPLIT_REPS', 20),
	splitPauseMs: 250,
	size: '120x40',
	floodCommand: "timeout 180 yes \"$(printf '%080d' 0)\" <token>",
	/** Background sessions flooding at once in the interactive phase's second flood test (issue 12: "one or three"). */
	floodSessions: 3,
	// Session switches each way under the background flood (issue 12: the new screen within one frame).
	switches: num('BENCH_SWITCHES', 20),
	frameMs: 1000 / 30,
};
// The peer's tmux.conf: vmux's scrollback. The split phase sends both programs the same keys in one write,
// e.g. (prefix C-Left) x 5; for tmux to take them as vmux does: assume-paste-time 0 (else keys less than
// 1 ms apart count as a paste and skip the key bindings) and repeat-time 0 (else a prefix within the
// repeat time of C-Left is send-prefix).
const TMUX_OPTIONS = ['history-limit 5000', 'default-terminal tmux-256color', 'assume-paste-time 0', 'repeat-time 0'];
const FLOOD_LIMIT_S = 180; // the remote flood stops by itself after this, whatever happens here (see CONFIG.floodCommand)
const log = (...args) => console.error('[bench]', ...args);

const cleanup = new Cleanup();
const {abort, done: runFinished} = exitOnFailure(cleanup, log);
const watchdog = setTimeout(() => void abort(`the run took longer than ${num('BENCH_TIMEOUT_S', 1200)} s`, 3), num('BENCH_TIMEOUT_S', 1200) * 1000);

// ---- setup ---------------------------------------------------------------------------------------

function version(cmd, args) {
	// `ssh -V` answers on stderr.
	const result = spawnSync(cmd, args, {encoding: 'utf8', timeout: 10_000});
	if (result.error) return undefined;
	return `${result.stdout}${result.stderr}`.trim() || undefined;
}

/** `mib` MiB of lines of `chars` printable characters (plus '\n'), each line different. */
function writeFloodFile(path, mib, chars) {
	const printable = Array.from({length: 94}, (_, i) => String.fromCharCode(33 + i)).join('');
	const wheel = printable.repeat(Math.ceil((chars + 94) / 94) + 1);
	const lines = [];
	for (let i = 0; i < 94; i++) lines.push(wheel.slice(i, i + chars) + '\n');
	const block = Buffer.from(lines.join(''));
	const total = mib * 1024 * 1024;
	const fd = openSync(path, 'w');
	let written = 0;
	try {
		while (written + block.length <= total) written += writeSync(fd, block);
		const lineBytes = chars + 1;
		const rest = Math.floor((total - written) / lineBytes) * lineBytes;
		if (rest > 0) written += writeSync(fd, block.subarray(0, rest));
	} finally {
		closeSync(fd);
	}
	return written;
}

async function readThrough(path) {
	for await (const _ of createReadStream(path, {highWaterMark: 1 << 20})); // warm the page cache
}

async function setup() {
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run \`npm run build\` first (or \`npm run bench\`).`);
	for (const tool of ['tmux', 'ssh']) if (!version('which', [tool])) throw new Error(`${tool} is not installed`);
	const tmp = mkdtempSync(join(tmpdir(), 'vmux-bench-'));
	cleanup.add('temp dir', () => rmSync(tmp, {recursive: true, force: true}));

	// A key made for this run: the sshd below logs in as the current user, so no shipped or reused key may open it.
	const key = join(tmp, 'id_ed25519');
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vmux bench (this run only)', '-f', key]);
	const publicKey = readFileSync(`${key}.pub`, 'utf8').trim();

	const file = join(tmp, 'flood.txt');
	const fileBytes = writeFloodFile(file, CONFIG.fileMiB, CONFIG.lineChars);
	await readThrough(file);

	const {startOpenSshServer} = await import(pathToFileURL(join(ROOT, 'dist/lab/ssh/openssh-sshd.js')).href);
	const sshd = await startOpenSshServer({authorizedKeys: [publicKey]});
	const sshdPid = Number(readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8').trim());
	cleanup.add('sshd', async () => {
		// Per-connection sshd processes and shells outlive the listener if a client is still attached.
		const tree = processTree([sshdPid]).map((p) => p.pid);
		await sshd.stop();
		for (const pid of tree) if (procStat(pid)) killPid(pid);
	});

	// vmux: a config dir with one profile and the host key already known.
	const configDir = join(tmp, 'vmux-config');
	const profiles = {
		version: 1,
		profiles: [
			{name: 'bench', target: {kind: 'host', host: '127.0.0.1'}, transport: {kind: 'direct'}, port: sshd.port, username: sshd.username, auth: {type: 'key-file', path: key}},
		],
	};
	const profilesFile = join(tmp, 'profiles.json');
	writeFileSync(profilesFile, JSON.stringify(profiles, null, 2));
	execFileSync(process.execPath, [CLI, 'profiles', 'import', profilesFile, '--config-dir', configDir], {stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000});
	const [keyType, keyData] = sshd.hostKeyPublic.split(/\s+/);
	writeFileSync(join(configDir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${keyType} ${keyData}\n`);

	// The peer: tmux with the same scrollback as vmux's default, on its own socket in the temp dir.
	const tmuxTmpDir = join(tmp, 'tmux');
	mkdirSync(tmuxTmpDir, {mode: 0o700});
	const tmuxConf = join(tmp, 'tmux.conf');
	writeFileSync(tmuxConf, TMUX_OPTIONS.map((option) => `set -g ${option}\n`).join(''));
	const ssh = [
		'ssh', '-F', '/dev/null', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
		'-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-i', key, '-p', String(sshd.port), `${sshd.username}@127.0.0.1`,
	];
	return {tmp, key, file, fileBytes, sshd, configDir, tmuxTmpDir, tmuxConf, ssh};
}

// BENCH_VMUX_IMPORT preloads a module into vmux (node --import), e.g. bench/lib/stall-watch.mjs.
function vmuxDriver(ctx, nodeArgs = process.env.BENCH_VMUX_IMPORT ? ["--import", resolve(process.env.BENCH_VMUX_IMPORT)] : [], configDir = ctx.configDir) {
	const driver = new VmuxDriver({cli: CLI, configDir, cwd: ROOT, nodeArgs});
	const stop = cleanup.add('vmux', () => driver.stop());
	return {driver, stop};
}

let peerCount = 0;
function peerDriver(ctx, tmuxConf = ctx.tmuxConf) {
	const driver = new PeerDriver({socket: `vmuxbench-${process.pid}-${peerCount++}`, tmuxConf, tmuxTmpDir: ctx.tmuxTmpDir, ssh: ctx.ssh});
	const stop = cleanup.add('tmux', async () => {
		const server = driver.serverPid;
		await driver.stop();
		if (server && procStat(server)) killPid(server);
	});
	return {driver, stop};
}

// ---- measurements --------------------------------------------------------------------------------

/**
 * Starts `yes` in a second, unfocused session / invisible window, or where `launch(command)` types it (the
 * pane beside, in the split phase). Returns {stop(), stats()}.
 */
async function startFlood(driver, launch = (command) => launchBackgroundFlood(driver, command)) {
	const token = `VMBFLOOD${randomBytes(4).toString('hex')}`;
	// The token rides in yes's argv only to find the process; the lines are 80 zeros plus the token.
	await launch(`timeout ${FLOOD_LIMIT_S} yes "$(printf '%080d' 0)" ${token}`);
	const deadline = Date.now() + 10_000;
	let yes;
	while (!yes && Date.now() < deadline) {
		yes = processesWithArg(token).find((p) => p.argv[0] === 'yes');
		if (!yes) await sleep(50);
	}
	if (!yes) throw new Error('the background flood did not start');
	const stopFlood = cleanup.add('flood', async () => {
		for (const p of processesWithArg(token)) killPid(p.pid, 'SIGTERM');
	});
	const wchar = () => {
		try {
			return Number(/wchar:\s+(\d+)/.exec(readFileSync(`/proc/${yes.pid}/io`, 'utf8'))[1]);
		} catch {
			return NaN;
		}
	};
	await sleep(1000); // let it reach its steady state
	const startBytes = wchar();
	const startAt = performance.now();
	return {
		stats: () => ({floodMiBPerS: (wchar() - startBytes) / 1024 / 1024 / ((performance.now() - startAt) / 1000)}),
		stop: stopFlood,
	};
}

/** `count` floods, each in a session (vmux) or window (tmux) of its own, none on screen. */
async function startFloods(driver, count) {
	const floods = [];
	for (let i = 0; i < count; i++) floods.push(await startFlood(driver));
	return floods;
}

/** What the floods wrote together, in MiB/s (each measured from its own start). */
function floodStats(floods) {
	const each = floods.map((flood) => flood.stats().floodMiBPerS);
	return {floodMiBPerS: each.reduce((sum, rate) => sum + rate, 0), floodMiBPerSEach: each};
}

/** The flood in a second session (vmux) or window (tmux), not on screen. */
async function launchBackgroundFlood(driver, command) {
	if (driver instanceof VmuxDriver) {
		// Like for like: each tmux window runs its own ssh, so the flood gets its own connection here too.
		// BENCH_FLOOD_SAME_CONNECTION=1 floods a second channel of the focused connection instead, where the
		// echo also waits behind the flood's data in the one TCP stream (head-of-line blocking).
		if (process.env.BENCH_FLOOD_SAME_CONNECTION === '1') await driver.newShell();
		else await driver.newConnection();
		driver.type(command);
		await sleep(200);
		await driver.focus(0);
	} else {
		const index = await driver.newWindow();
		driver.sendLine(index, command);
	}
}

async function throughputRun(driver, ctx, pids = () => []) {
	const token = randomBytes(4).toString('hex');
	// The typed command holds `$((40+2))`, so only the output line, not the echoed command, matches.
	const seen = driver.app.waitForMarker(`VMB-42-${token}`, 180_000);
	const bytesBefore = driver.app.bytes;
	const meter = cpuMeter(pids);
	const start = performance.now();
	driver.type(`cat ${ctx.file}; echo VMB-$((40+2))-${token}`);
	const at = await seen;
	const appCpuPercent = meter();
	const seconds = (at - start) / 1000;
	const outerBytes = driver.app.bytes - bytesBefore;
	await driver.app.waitForQuiet(500, 30_000);
	return {seconds, outerMiB: outerBytes / 1024 / 1024, appCpuPercent};
}

const echoSummary = (latencies) => ({p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: Math.max(...latencies), n: latencies.length});
const echoOptions = () => ({prompt: PROMPT, count: CONFIG.keys, gapMs: CONFIG.keyGapMs, eraseEvery: CONFIG.eraseEvery});

/** CPU ticks of a set of processes, for "% of a core" over a window. */
function cpuMeter(pids) {
	const start = cpuTicks(pids());
	const startAt = performance.now();
	return () => ((cpuTicks(pids()) - start) / CLK_TCK / ((performance.now() - startAt) / 1000)) * 100;
}

/**
 * Both programs run side by side (each idles while the other is measured): echo latency idle, echo latency
 * under a background flood, then the throughput runs interleaved (peer, vmux, peer, vmux, ...) so that
 * load from anything else on the machine falls on both alike.
 */
async function interactivePhase(ctx) {
	const peer = peerDriver(ctx);
	const vmux = vmuxDriver(ctx);
	const sides = [
		{key: 'peer', ...peer, pids: () => [...peer.driver.pids(), peer.driver.clientPid()]},
		{key: 'vmux', ...vmux, pids: () => vmux.driver.pids()},
	];
	const out = {peer: {}, vmux: {}};
	for (const side of sides) {
		log(`${side.driver.name}: starting`);
		await side.driver.start();
	}
	const tests = new Set((process.env.BENCH_INTERACTIVE ?? 'idle,slow,flood,switch,floods,throughput').split(',').map((t) => t.trim()));
	for (const side of tests.has('idle') ? sides : []) {
		const {driver} = side;
		log(`${driver.name}: echo latency, idle (${CONFIG.keys} keys)`);
		const meter = cpuMeter(side.pids);
		out[side.key].echoIdle = {...echoSummary(await measureEcho(driver.app, echoOptions())), appCpuPercent: meter()};
		log(`${driver.name}:   p50 ${out[side.key].echoIdle.p50Ms.toFixed(2)} ms, p99 ${out[side.key].echoIdle.p99Ms.toFixed(2)} ms`);
	}
	for (const side of tests.has('slow') ? sides : []) {
		// For information: the same at a typing pace (a frame cap only shows when keys come faster than frames).
		const {driver} = side;
		const keys = Math.max(20, Math.round(CONFIG.keys / 2));
		log(`${driver.name}: echo latency, idle, ${CONFIG.slowKeyGapMs} ms between keys (${keys} keys)`);
		out[side.key].echoIdleSlow = echoSummary(await measureEcho(driver.app, {...echoOptions(), count: keys, gapMs: CONFIG.slowKeyGapMs}));
		log(`${driver.name}:   p50 ${out[side.key].echoIdleSlow.p50Ms.toFixed(2)} ms, p99 ${out[side.key].echoIdleSlow.p99Ms.toFixed(2)} ms`);
	}
	for (const side of tests.has('flood') ? sides : []) {
		const {driver} = side;
		log(`${driver.name}: echo latency while a background session floods`);
		const flood = await startFlood(driver);
		const meter = cpuMeter(side.pids);
		const latencies = await measureEcho(driver.app, echoOptions());
		const busy = {...echoSummary(latencies), ...flood.stats(), appCpuPercent: meter()};
		out[side.key].echoFlood = busy;
		if (tests.has('switch')) {
			// prefix 1 to the flooding session, prefix 0 back (both bind prefix <digit> to a window), each timed to
			// the chunk after which the screen is the other session's.
			log(`${driver.name}: ${CONFIG.switches} session switches each way under the flood`);
			const switched = await measureSessionSwitch(driver.app, {count: CONFIG.switches, prompt: PROMPT.trimEnd()});
			out[side.key].switchFlood = switched;
			log(`${driver.name}:   median ${switched.all.medianMs.toFixed(1)} ms, p95 ${switched.all.p95Ms.toFixed(1)} ms (to the flood ${switched.toFlood.medianMs.toFixed(1)}, back ${switched.toQuiet.medianMs.toFixed(1)})`);
		}
		await flood.stop();
		log(`${driver.name}:   p50 ${busy.p50Ms.toFixed(2)} ms, p99 ${busy.p99Ms.toFixed(2)} ms (flood ${busy.floodMiBPerS.toFixed(1)} MiB/s, ${driver.name} at ${busy.appCpuPercent.toFixed(0)}% of a core)`);
		await driver.app.waitForQuiet(1000, 20_000);
	}
	for (const side of tests.has('floods') ? sides : []) {
		// Issue 12: "while one or three other sessions flood". Three more sessions (vmux) / windows (tmux),
		// opened as for the single flood above, each running its own flood, none of them on screen.
		const {driver} = side;
		log(`${driver.name}: echo latency while ${CONFIG.floodSessions} background sessions flood`);
		const floods = await startFloods(driver, CONFIG.floodSessions);
		const meter = cpuMeter(side.pids);
		const latencies = await measureEcho(driver.app, echoOptions());
		const busy = {...echoSummary(latencies), ...floodStats(floods), appCpuPercent: meter()};
		out[side.key].echoFloods = busy;
		for (const flood of floods) await flood.stop();
		log(`${driver.name}:   p50 ${busy.p50Ms.toFixed(2)} ms, p99 ${busy.p99Ms.toFixed(2)} ms (floods ${busy.floodMiBPerS.toFixed(1)} MiB/s together, ${driver.name} at ${busy.appCpuPercent.toFixed(0)}% of a core)`);
		await driver.app.waitForQuiet(1000, 20_000);
	}
	// The benchmark stops parsing the output while timing the flood (the marker is found in the raw
	// stream), so it does not compete for the two cores with the program it measures.
	for (const side of sides) {
		side.driver.app.screenEnabled = false;
		side.runs = [];
	}
	for (let i = 0; i < (tests.has('throughput') ? CONFIG.throughputRuns : 0); i++) {
		for (const side of sides) {
			const run = await throughputRun(side.driver, ctx, side.pids);
			log(`${side.driver.name}: throughput run ${i + 1}: ${run.seconds.toFixed(2)} s (${(run.outerMiB * 1024).toFixed(0)} KiB drawn to the terminal)`);
			side.runs.push(run);
		}
	}
	for (const side of sides) {
		await side.stop();
		if (side.runs.length === 0) continue;
		const seconds = median(side.runs.map((r) => r.seconds));
		out[side.key].throughput = {
			runsS: side.runs.map((r) => r.seconds),
			medianS: seconds,
			mibPerS: ctx.fileBytes / 1024 / 1024 / seconds,
			outerKiB: side.runs.map((r) => Math.round(r.outerMiB * 1024)),
			appCpuPercent: median(side.runs.map((r) => r.appCpuPercent)),
		};
	}
	return out;
}

const rssMiB = (pids) => pids.reduce((sum, pid) => sum + procMemory(pid).rssKiB, 0) / 1024;

/**
 * Ten sessions, each with `seq 1 6000` run (5000 lines of scrollback kept), left ready to idle. Returns the
 * processes to measure and `finish(measured)`, which builds the side's result from the idle window and stops it.
 */
async function prepareIdle(kind, ctx) {
	const token = randomBytes(4).toString('hex');
	const fill = (i) => `seq 1 ${CONFIG.scrollbackFill}; echo VMB-$((1+1))-${token}-${i}-end`;
	const marker = (i) => `VMB-2-${token}-${i}-end`;
	if (kind === 'peer') {
		const {driver, stop} = peerDriver(ctx);
		log(`tmux+ssh: ${CONFIG.idleSessions} windows of ssh, ${CONFIG.scrollbackFill} lines each`);
		await driver.start();
		const seen = driver.app.waitForMarker(marker(0), 60_000);
		driver.type(fill(0));
		await seen;
		for (let i = 1; i < CONFIG.idleSessions; i++) {
			const index = await driver.newWindow();
			driver.sendLine(index, fill(i));
			await driver.waitForCapture(index, (text) => text.includes(marker(i)), `the scrollback fill of window ${index}`, 60_000);
		}
		const history = [];
		for (let i = 0; i < CONFIG.idleSessions; i++) history.push(Number(driver.tmux('display-message', '-p', '-t', `bench:${i}`, '#{history_size}').trim()));
		const client = driver.clientPid();
		return {
			kind,
			app: driver.app,
			pids: () => [...driver.pids(), client],
			finish: async (measured) => {
				const result = splitIdle(measured, (p) => p.pid !== client);
				result.client = splitIdle(measured, (p) => p.pid === client);
				result.scrollbackLines = history;
				await stop();
				return result;
			},
		};
	}
	const {driver, stop} = vmuxDriver(ctx);
	const overOne = kind === 'vmux-channels';
	log(`vmux: ${CONFIG.idleSessions} shells (${overOne ? 'Ctrl-b c, one connection' : 'one connection each'}), ${CONFIG.scrollbackFill} lines each`);
	// RSS along the way (after a short settle), to split the total into start-up, sessions and scrollback.
	const settledRss = async () => {
		await sleep(300);
		return rssMiB(driver.pids());
	};
	await driver.launch();
	const steps = {browserMiB: await settledRss(), opened: [], filled: []};
	await driver.connect();
	for (let i = 0; i < CONFIG.idleSessions; i++) {
		if (i > 0) await (overOne ? driver.newShell() : driver.newConnection());
		steps.opened.push(await settledRss());
		const seen = driver.app.waitForMarker(marker(i), 60_000);
		driver.type(fill(i));
		await seen;
		steps.filled.push(await settledRss());
	}
	return {
		kind,
		app: driver.app,
		pids: () => driver.pids(),
		finish: async (measured) => {
			const result = splitIdle(measured, () => true);
			const opening = steps.opened.reduce((sum, rss, i) => sum + rss - (i === 0 ? steps.browserMiB : steps.filled[i - 1]), 0);
			const filling = steps.filled.reduce((sum, rss, i) => sum + rss - steps.opened[i], 0);
			result.rssBreakdown = {
				browserMiB: steps.browserMiB,
				openingSessionsMiB: opening,
				fillingScrollbackMiB: filling,
				perSessionMiB: opening / CONFIG.idleSessions,
				perScrollbackMiB: filling / CONFIG.idleSessions,
				steps,
			};
			result.oldestLineInScrollback = await vmuxOldestLine(driver);
			await stop();
			return result;
		},
	};
}

/** Waits until `side` has written nothing for BENCH_QUIET_S s (a late redraw restarts the wait), then measures its idle CPU. */
async function measureWhenQuiet(side) {
	const quietMs = CONFIG.quietSeconds * 1000;
	for (;;) {
		const silentMs = performance.now() - side.app.lastDataAt;
		if (silentMs >= quietMs) break;
		await sleep(Math.min(quietMs - silentMs + 5, 1000));
	}
	log(`${side.kind}: ${CONFIG.quietSeconds} s quiet; measuring idle CPU for ${CONFIG.idleSeconds} s`);
	const startedAt = performance.now();
	return {...(await measureIdle(side.pids, CONFIG.idleSeconds * 1000)), startedAt};
}

/**
 * The idle phase: tmux+ssh, vmux (a connection per session) and vmux (ten shells on one connection) are set
 * up one after the other; each, once it has written nothing to its terminal for BENCH_QUIET_S seconds, has
 * its CPU measured over BENCH_IDLE_S seconds, while the next one is set up. So every side gets the same
 * quiet before its window, and the 30 s windows overlap instead of adding up (the ticks counted are the
 * idle side's own, whatever else the machine does meanwhile).
 */
async function idlePhase(ctx) {
	const sides = [];
	const measuring = [];
	for (const kind of ['peer', 'vmux', 'vmux-channels']) {
		const side = await prepareIdle(kind, ctx);
		sides.push(side);
		measuring.push(measureWhenQuiet(side));
	}
	const measured = await Promise.all(measuring);
	const drew = sides.filter((side, i) => side.app.lastDataAt > measured[i].startedAt).map((side) => side.kind);
	const out = {quietSeconds: CONFIG.quietSeconds};
	for (const [i, side] of sides.entries()) {
		const result = await side.finish(measured[i]);
		// Whether it wrote to its terminal during the window (a cursor blink, a clock): CPU that is not waste.
		result.drewDuringWindow = drew.includes(side.kind);
		log(`${side.kind}: CPU ${result.cpuPercent.toFixed(2)}% over ${result.seconds.toFixed(1)} s, RSS ${result.rssMiB.toFixed(1)} MiB, PSS ${result.pssMiB.toFixed(1)} MiB${result.drewDuringWindow ? ' (drew during the window)' : ''}`);
		if (result.rssBreakdown) {
			const r = result.rssBreakdown;
			log(`${side.kind}: RSS ${r.browserMiB.toFixed(0)} MiB with the browser alone, +${r.perSessionMiB.toFixed(1)} MiB per session opened, +${r.perScrollbackMiB.toFixed(1)} MiB per ${CONFIG.scrollbackFill}-line fill`);
		}
		out[{peer: 'peer', vmux: 'vmux', 'vmux-channels': 'vmuxChannels'}[side.kind]] = result;
	}
	return out;
}

/**
 * The memory curve (opt-in phase `rss-curve`): for each scrollback length, both programs set to keep that many
 * lines (vmux: `scrollbackLines` in settings.json; tmux: history-limit), then sessions opened one by one, each
 * filled with 1.2x its scrollback in lines, and RSS read when the count reaches a checkpoint (after the output
 * settles). vmux opens a connection per session, as tmux runs an ssh per window.
 */
const RSS_CURVE = [
	{scrollbackLines: 5000, sessions: [1, 10, 50]},
	{scrollbackLines: 50_000, sessions: [10]},
];

async function rssCurvePhase(ctx) {
	const points = [];
	for (const {scrollbackLines, sessions} of RSS_CURVE) {
		const configDir = join(ctx.tmp, `vmux-config-${scrollbackLines}`);
		cpSync(ctx.configDir, configDir, {recursive: true});
		writeFileSync(join(configDir, 'settings.json'), `${JSON.stringify({scrollbackLines})}\n`);
		const tmuxConf = join(ctx.tmp, `tmux-${scrollbackLines}.conf`);
		const options = TMUX_OPTIONS.map((option) => (option.startsWith('history-limit ') ? `history-limit ${scrollbackLines}` : option));
		writeFileSync(tmuxConf, options.map((option) => `set -g ${option}\n`).join(''));
		const sides = {};
		for (const key of ['peer', 'vmux']) {
			const {driver, stop} = key === 'peer' ? peerDriver(ctx, tmuxConf) : vmuxDriver(ctx, undefined, configDir);
			log(`rss-curve: ${driver.name}, ${scrollbackLines} lines of scrollback, ${sessions.join('/')} sessions`);
			sides[key] = await rssCurveRun(driver, scrollbackLines, sessions);
			await stop();
		}
		for (const [i, count] of sessions.entries()) {
			const point = {sessions: count, scrollbackLines, vmux: sides.vmux.at[i], peer: sides.peer.at[i], held: {vmux: sides.vmux.held, peer: sides.peer.held}};
			point.ratio = ratio(point.vmux.rssMiB, point.peer.rssMiB);
			points.push(point);
			log(`rss-curve: ${count} sessions x ${scrollbackLines} lines: vmux ${point.vmux.rssMiB.toFixed(1)} MiB, tmux+ssh ${point.peer.rssMiB.toFixed(1)} MiB (${point.ratio.toFixed(2)}x)`);
		}
	}
	return {points};
}

/**
 * One side of the memory curve on a fresh driver: opens sessions up to the last checkpoint, filling each, and
 * returns RSS and PSS at each checkpoint (vmux: its process; tmux: the server and its ssh clients, without the
 * attached client, as in the idle phase) and the scrollback the last session holds.
 */
async function rssCurveRun(driver, scrollbackLines, checkpoints) {
	const token = randomBytes(4).toString('hex');
	const lines = Math.round(scrollbackLines * 1.2);
	const fill = (i) => `seq 1 ${lines}; echo VMB-$((1+1))-${token}-${i}-end`;
	const marker = (i) => `VMB-2-${token}-${i}-end`;
	const isPeer = driver instanceof PeerDriver;
	const at = [];
	await driver.start();
	const last = checkpoints[checkpoints.length - 1];
	for (let i = 0; i < last; i++) {
		if (isPeer && i > 0) {
			const index = await driver.newWindow();
			driver.sendLine(index, fill(i));
			await driver.waitForCapture(index, (text) => text.includes(marker(i)), `the scrollback fill of window ${index}`, 120_000);
		} else {
			if (i > 0) await driver.newConnection();
			const seen = driver.app.waitForMarker(marker(i), 120_000);
			driver.type(fill(i));
			await seen;
		}
		if (checkpoints.includes(i + 1)) {
			await driver.app.waitForQuiet(1000, 20_000);
			await sleep(1000);
			const pids = driver.pids();
			const memory = pids.map((pid) => procMemory(pid));
			const point = {rssMiB: memory.reduce((sum, m) => sum + m.rssKiB, 0) / 1024, pssMiB: memory.reduce((sum, m) => sum + m.pssKiB, 0) / 1024, processes: pids.length};
			if (isPeer) point.clientRssMiB = procMemory(driver.clientPid()).rssKiB / 1024;
			at.push(point);
			log(`rss-curve: ${driver.name}, ${i + 1} sessions: RSS ${point.rssMiB.toFixed(1)} MiB, PSS ${point.pssMiB.toFixed(1)} MiB`);
		}
	}
	const held = isPeer ? `history_size ${driver.tmux('display-message', '-p', '-t', `bench:${last - 1}`, '#{history_size}').trim()}` : `oldest line kept ${JSON.stringify(await vmuxOldestLine(driver))} of ${lines}`;
	return {at, held};
}

function splitIdle(measured, include) {
	const processes = measured.processes.filter(include);
	const sum = (key) => processes.reduce((total, p) => total + p[key], 0);
	return {
		cpuPercent: ((sum('cpuTicks') / CLK_TCK) / measured.seconds) * 100,
		rssMiB: sum('rssKiB') / 1024,
		pssMiB: sum('pssKiB') / 1024,
		seconds: measured.seconds,
		processes: processes.map(({pid, comm, cpuTicks, rssKiB}) => ({pid, comm, cpuTicks, rssKiB})),
	};
}

/** Copy mode, top: the oldest line vmux kept in the last session (a check that 5000 lines are held). */
async function vmuxOldestLine(driver) {
	try {
		driver.app.write('\x02[');
		await driver.app.waitForScreen((lines) => lines.some((line) => /copy mode · line \d+ of \d+/.test(line)), 'copy mode', 10_000);
		driver.app.write('g');
		const lines = await driver.app.waitForScreen((lines) => lines.some((line) => /copy mode · line 1 of \d+/.test(line)), 'the top of the scrollback', 5000);
		driver.app.write('q');
		return lines.slice(1).find((line) => line.length > 0);
	} catch (error) {
		log(`vmux scrollback check failed: ${error.message}`);
		return `(not read: ${error.message.split('\n')[0]})`;
	}
}

/**
 * Two panes side by side (vmux: prefix %, another shell on the same connection; tmux: split-window -h
 * running its own ssh, as tmux users split), the right one flooding: echo latency in the left, focused
 * pane, then under the same flood the layout commands timed until the screen shows their result: resize
 * (5 cells left, then back), zoom (in, then out) and the next preset layout. One side after the other
 * (two floods at once would load the two cores twice).
 */
async function splitPhase(ctx) {
	const out = {};
	for (const key of ['peer', 'vmux']) {
		const {driver, stop} = key === 'peer' ? peerDriver(ctx) : vmuxDriver(ctx);
		const pids = key === 'peer' ? () => [...driver.pids(), driver.clientPid()] : () => driver.pids();
		log(`${driver.name}: two panes side by side, the right one flooding`);
		out[key] = await splitRun(driver, pids);
		await stop();
	}
	return out;
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * One side of the split phase, on a started driver: split, flood on the right, echo on the left, then the
 * layout commands under the flood. `windows` holds when the echo test and the layout commands ran
 * (CLOCK_MONOTONIC microseconds), for the profile phase.
 */
async function splitRun(driver, pids) {
	await driver.start();
	// BENCH_SPLIT_CONNECTION=own: vmux's pane beside opens its own connection (prefix S), like tmux's ssh,
	// instead of another channel of the first one, where the echo waits behind the flood in one TCP stream.
	if (driver instanceof VmuxDriver && process.env.BENCH_SPLIT_CONNECTION === 'own') await driver.splitRightNewConnection();
	else await driver.splitRight();
	const flood = await startFlood(driver, async (command) => {
		driver.type(command);
		await driver.focusLeftPane();
	});
	const left = paneBeside(driver.app.lines(), 'left');
	if (!left) throw new Error(`${driver.name}: no single border between two panes on screen:\n${driver.app.screen()}`);
	const view = (lines) => lines.map((line) => line.slice(left.from, left.to).trimEnd());
	const windows = {echo: {fromUs: monotonicUs()}};
	const meter = cpuMeter(pids);
	const echo = {...echoSummary(await measureEcho(driver.app, {...echoOptions(), view})), ...flood.stats(), appCpuPercent: meter()};
	windows.echo.toUs = monotonicUs();
	log(`${driver.name}:   echo in the left pane p50 ${echo.p50Ms.toFixed(2)} ms, p99 ${echo.p99Ms.toFixed(2)} ms (flood ${echo.floodMiBPerS.toFixed(1)} MiB/s, ${driver.name} at ${echo.appCpuPercent.toFixed(0)}% of a core)`);
	const keys = LAYOUT_KEYS;
	const options = {count: CONFIG.splitReps, pauseMs: CONFIG.splitPauseMs};
	const result = {echo, windows};
	windows.layout = {fromUs: monotonicUs()};
	// Resize and zoom first, while the panes are side by side; both come back to it after whole cycles.
	result.resize = await measureLayoutCycle(driver.app, [{keys: keys.resizeLeft5}, {keys: keys.resizeRight5}], {...options, what: 'resize'});
	result.zoom = await measureLayoutCycle(driver.app, [{keys: keys.zoom}, {keys: keys.zoom}], {...options, what: 'zoom'});
	result.layout = await measureLayoutCycle(driver.app, Array.from({length: driver.layoutCount}, () => ({keys: keys.nextLayout})), {...options, what: 'next layout'});
	windows.layout.toUs = monotonicUs();
	result.floodMiBPerS = flood.stats().floodMiBPerS;
	for (const what of ['resize', 'zoom', 'layout']) {
		log(`${driver.name}:   ${what} median ${result[what].medianMs.toFixed(1)} ms, p95 ${result[what].p95Ms.toFixed(1)} ms (${result[what].ms.length} timed)`);
	}
	await flood.stop();
	return result;
}

/**
 * vmux under `node --cpu-prof`, twice: one throughput run, then echo under a background flood. Only the
 * samples inside the measured window are summarised (start-up and connecting are left out).
 */
/** The profile node writes as vmux exits, once it is there (undefined after 5 s). */
async function profileWritten(dir, name) {
	const file = join(dir, name);
	for (let i = 0; i < 50 && !existsSync(file); i++) await sleep(100);
	return existsSync(file) ? file : undefined;
}

async function profilePhase(ctx) {
	const dir = process.env.BENCH_PROFILE_DIR ? resolve(process.env.BENCH_PROFILE_DIR) : join(ctx.tmp, 'profiles');
	mkdirSync(dir, {recursive: true});
	const out = {};
	const passes = (process.env.BENCH_PROFILE_PASSES ?? 'throughput,echo-idle,echo-flood,split').split(',').map((p) => p.trim());
	for (const what of passes) {
		const name = `vmux-${what}.cpuprofile`;
		// BENCH_PROFILE_INTERVAL_US samples more often than V8's 1000 µs, to see the parts of one keystroke.
		const interval = process.env.BENCH_PROFILE_INTERVAL_US ? ['--cpu-prof-interval', process.env.BENCH_PROFILE_INTERVAL_US] : [];
		const {driver, stop} = vmuxDriver(ctx, ['--cpu-prof', ...interval, '--cpu-prof-dir', dir, '--cpu-prof-name', name]);
		log(`profile: vmux ${what}`);
		if (what === 'split') {
			// Two windows of one profile: the echo beside the flood, and the layout commands under it.
			const run = await splitRun(driver, () => driver.pids());
			await stop();
			const file = await profileWritten(dir, name);
			if (!file) {
				out[what] = {error: 'no profile written'};
				continue;
			}
			const echo = summariseProfile(file, {window: run.windows.echo});
			out['split-echo'] = {...echo, busyMsPerKey: echo.busyMs / CONFIG.keys};
			out['split-layout'] = summariseProfile(file, {window: run.windows.layout});
			const commands = run.resize.ms.length + run.zoom.ms.length + run.layout.ms.length;
			console.log(formatProfile(out['split-echo'], `vmux CPU profile, split, echo beside the flood (measured window only, ${out['split-echo'].busyMsPerKey.toFixed(2)} ms busy per keystroke)`));
			console.log(formatProfile(out['split-layout'], `vmux CPU profile, split, ${commands} layout commands under the flood (measured window only)`));
			continue;
		}
		await driver.start();
		const window = {fromUs: 0, toUs: 0};
		let floods = [];
		if (what === 'throughput') {
			driver.app.screenEnabled = false;
			window.fromUs = monotonicUs();
			const run = await throughputRun(driver, ctx);
			window.toUs = monotonicUs();
			log(`profile: throughput run under the profiler: ${run.seconds.toFixed(2)} s`);
		} else {
			if (what === 'echo-flood') floods = [await startFlood(driver)];
			if (what === 'echo-floods') floods = await startFloods(driver, CONFIG.floodSessions);
			window.fromUs = monotonicUs();
			const latencies = await measureEcho(driver.app, echoOptions());
			window.toUs = monotonicUs();
			const summary = echoSummary(latencies);
			log(`profile: ${what} under the profiler: p50 ${summary.p50Ms.toFixed(1)} ms, p99 ${summary.p99Ms.toFixed(1)} ms`);
			for (const flood of floods) await flood.stop();
		}
		await stop(); // SIGTERM: vmux exits cleanly and node writes the profile
		const file = await profileWritten(dir, name);
		if (!file) {
			out[what] = {error: 'no profile written'};
			continue;
		}
		out[what] = summariseProfile(file, {window});
		if (what !== 'throughput') out[what].busyMsPerKey = out[what].busyMs / CONFIG.keys;
		const perKey = what === 'throughput' ? '' : `, ${(out[what].busyMs / CONFIG.keys).toFixed(2)} ms busy per keystroke`;
		console.log(formatProfile(out[what], `vmux CPU profile, ${what} (measured window only${perKey})`));
	}
	return out;
}

async function terminalEmulatorBench() {
	const script = join(ROOT, 'bench/terminal-emulator.mjs');
	if (!existsSync(script)) return undefined;
	log('bench/terminal-emulator.mjs');
	return new Promise((resolveRun) => {
		const child = spawn(process.execPath, [script], {cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe']});
		const stop = cleanup.add('terminal-emulator bench', () => child.exitCode === null && child.kill('SIGKILL'));
		let output = '';
		child.stdout.on('data', (chunk) => (output += chunk));
		child.stderr.on('data', (chunk) => (output += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
		child.on('close', (code) => {
			clearTimeout(timer);
			void stop();
			resolveRun({exitCode: code, lines: output.trim().split('\n').filter(Boolean)});
		});
	});
}

// ---- report --------------------------------------------------------------------------------------

/** vmux / peer; Infinity (shown "n/a", null in JSON) when the peer measured 0 and vmux did not. */
const ratio = (ours, peer) => (peer > 0 ? ours / peer : ours > 0 ? Infinity : 1);

function report(results) {
	const {vmux, peer, idle, split, rssCurve} = results;
	const rows = [];
	const add = (figure, ours, theirs, unit, digits, target, met) =>
		rows.push({figure, vmux: `${ours.toFixed(digits)} ${unit}`, peer: `${theirs.toFixed(digits)} ${unit}`, ratio: ratio(ours, theirs), target, met});
	const atMostPeer = (ours, theirs) => ratio(ours, theirs) <= 1;
	if (vmux && peer) {
		// BENCH_INTERACTIVE may have left some of these out: a figure is reported when both sides have it.
		const both = (key) => vmux[key] !== undefined && peer[key] !== undefined;
		if (both('throughput')) add(`throughput ${CONFIG.fileMiB} MiB (median of ${CONFIG.throughputRuns})`, vmux.throughput.medianS, peer.throughput.medianS, 's', 2, 'ratio <= 1.0', atMostPeer(vmux.throughput.medianS, peer.throughput.medianS));
		const echo = (key, label, target) => {
			if (!both(key)) return;
			for (const [p, name] of [['p50Ms', 'p50'], ['p99Ms', 'p99']]) {
				add(`echo ${name}, ${label}`, vmux[key][p], peer[key][p], 'ms', 2, target ? 'ratio <= 1.0' : '', target ? atMostPeer(vmux[key][p], peer[key][p]) : undefined);
			}
		};
		echo('echoIdle', 'idle', true);
		echo('echoIdleSlow', `idle, ${CONFIG.slowKeyGapMs} ms between keys (info)`, false);
		echo('echoFlood', 'background flood', true);
		echo('echoFloods', `${CONFIG.floodSessions} background floods`, true);
		if (both('switchFlood')) {
			const frame = `<= 1 frame (${CONFIG.frameMs.toFixed(0)} ms)`;
			add('session switch under a background flood, median', vmux.switchFlood.all.medianMs, peer.switchFlood.all.medianMs, 'ms', 1, frame, vmux.switchFlood.all.medianMs <= CONFIG.frameMs);
			add('session switch under a background flood, p95 (info)', vmux.switchFlood.all.p95Ms, peer.switchFlood.all.p95Ms, 'ms', 1, '', undefined);
		}
	}
	if (idle) {
		// CPU ticks are 10 ms, so 0.1% over a 10 s window is one tick: "at most the peer" allows that much.
		// Issue 12: over BENCH_IDLE_S (30) s after BENCH_QUIET_S (10) s of quiet. A 10 ms tick over 30 s is 0.03%.
		add(`idle CPU, ${CONFIG.idleSessions} sessions, ${CONFIG.idleSeconds} s after ${CONFIG.quietSeconds} s quiet (% of a core)`, idle.vmux.cpuPercent, idle.peer.cpuPercent, '%', 2, '<= 0.2%', idle.vmux.cpuPercent <= 0.2);
		add(`idle RSS, ${CONFIG.idleSessions} sessions`, idle.vmux.rssMiB, idle.peer.rssMiB, 'MiB', 1, '<= 200 MiB and ratio <= 1.0', idle.vmux.rssMiB <= 200 && idle.vmux.rssMiB <= idle.peer.rssMiB);
		add(`idle PSS, ${CONFIG.idleSessions} sessions (info)`, idle.vmux.pssMiB, idle.peer.pssMiB, 'MiB', 1, '', undefined);
		add(`idle CPU, ${CONFIG.idleSessions} shells on 1 connection (info)`, idle.vmuxChannels.cpuPercent, idle.peer.cpuPercent, '%', 2, '', undefined);
		add(`idle RSS, ${CONFIG.idleSessions} shells on 1 connection (info)`, idle.vmuxChannels.rssMiB, idle.peer.rssMiB, 'MiB', 1, '', undefined);
	}
	if (rssCurve) {
		for (const point of rssCurve.points) {
			const target = point.sessions === CONFIG.idleSessions && point.scrollbackLines === 5000;
			add(`RSS, ${point.sessions} session${point.sessions === 1 ? '' : 's'} x ${point.scrollbackLines} lines`, point.vmux.rssMiB, point.peer.rssMiB, 'MiB', 1, target ? 'ratio <= 1.0' : '', target ? point.ratio <= 1 : undefined);
		}
		const at = (sessions, lines) => rssCurve.points.find((p) => p.sessions === sessions && p.scrollbackLines === lines);
		const small = at(10, 5000);
		const large = at(10, 50_000);
		if (small && large) {
			// "A user who sets 50,000 must not pay 10x": what ten times the scrollback costs, each side against itself.
			const growth = (side) => large[side].rssMiB / small[side].rssMiB;
			add('RSS growth, 10 sessions, 5,000 -> 50,000 lines', growth('vmux'), growth('peer'), 'x', 2, '< 10x', growth('vmux') < 10);
		}
	}
	if (split) {
		// Issue 12: echo while a split neighbour floods, <= 1.0x tmux + ssh. (Issue 11 asked for it within vmux's own
		// single-pane flood figures: shown for information.)
		for (const [p, label] of [['p50Ms', 'p50'], ['p99Ms', 'p99']]) {
			add(`echo ${label}, split: the pane beside floods`, split.vmux.echo[p], split.peer.echo[p], 'ms', 2, 'ratio <= 1.0', atMostPeer(split.vmux.echo[p], split.peer.echo[p]));
			const bound = vmux?.echoFlood?.[p];
			if (bound !== undefined) add(`echo ${label}, split, against vmux's 1-pane flood (info)`, split.vmux.echo[p], bound, 'ms', 2, '', undefined);
		}
		for (const [what, label] of [['layout', 'next layout (prefix Space)'], ['resize', 'resize 5 cells'], ['zoom', 'zoom toggle (prefix z)']]) {
			add(`${label} under flood, median`, split.vmux[what].medianMs, split.peer[what].medianMs, 'ms', 1, '', undefined);
			add(`${label} under flood, p95`, split.vmux[what].p95Ms, split.peer[what].p95Ms, 'ms', 1, '', undefined);
		}
	}
	const header = ['figure', 'vmux', 'tmux+ssh', 'ratio', 'target', 'met'];
	const body = rows.map((r) => [r.figure, r.vmux, r.peer, Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : 'n/a', r.target, r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
	const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => cells[i].length)));
	const line = (cells) => cells.map((cell, i) => (i === 1 || i === 2 || i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
	const out = [line(header), ...body.map(line)];
	return {text: out.join('\n'), rows};
}

function details(results) {
	const out = [];
	const {vmux, peer, idle, split, rssCurve} = results;
	if (vmux?.throughput && peer?.throughput && vmux.echoFlood && peer.echoFlood && vmux.echoIdle && peer.echoIdle) {
		out.push(
			`throughput runs (interleaved): vmux ${vmux.throughput.runsS.map((s) => s.toFixed(2)).join(', ')} s; tmux+ssh ${peer.throughput.runsS.map((s) => s.toFixed(2)).join(', ')} s`,
			`throughput: vmux ${vmux.throughput.mibPerS.toFixed(1)} MiB/s, tmux+ssh ${peer.throughput.mibPerS.toFixed(1)} MiB/s; drawn to the outer terminal per run: vmux ${vmux.throughput.outerKiB.join(', ')} KiB, tmux ${peer.throughput.outerKiB.join(', ')} KiB`,
			`CPU (% of a core) while streaming (median run): vmux ${vmux.throughput.appCpuPercent.toFixed(0)}%, tmux+ssh ${peer.throughput.appCpuPercent.toFixed(0)}%`,
			`background flood during the echo test: vmux ${vmux.echoFlood.floodMiBPerS.toFixed(1)} MiB/s, tmux+ssh ${peer.echoFlood.floodMiBPerS.toFixed(1)} MiB/s (bytes yes wrote); ` +
				`CPU vmux ${vmux.echoFlood.appCpuPercent.toFixed(0)}%, tmux+ssh ${peer.echoFlood.appCpuPercent.toFixed(0)}% of a core`,
			`echo max: idle vmux ${vmux.echoIdle.maxMs.toFixed(1)} ms, tmux+ssh ${peer.echoIdle.maxMs.toFixed(1)} ms; flood vmux ${vmux.echoFlood.maxMs.toFixed(1)} ms, tmux+ssh ${peer.echoFlood.maxMs.toFixed(1)} ms`,
		);
	}
	if (vmux?.echoFloods && peer?.echoFloods) {
		out.push(
			`${CONFIG.floodSessions} background floods during the echo test: vmux ${vmux.echoFloods.floodMiBPerS.toFixed(1)} MiB/s, tmux+ssh ${peer.echoFloods.floodMiBPerS.toFixed(1)} MiB/s together; ` +
				`CPU vmux ${vmux.echoFloods.appCpuPercent.toFixed(0)}%, tmux+ssh ${peer.echoFloods.appCpuPercent.toFixed(0)}% of a core; echo max vmux ${vmux.echoFloods.maxMs.toFixed(1)} ms, tmux+ssh ${peer.echoFloods.maxMs.toFixed(1)} ms`,
		);
	}
	if (idle) {
		const r = idle.vmux.rssBreakdown;
		out.push(
			`vmux RSS: ${r.browserMiB.toFixed(0)} MiB with the browser alone, +${r.perSessionMiB.toFixed(1)} MiB per connection+shell opened, +${r.perScrollbackMiB.toFixed(1)} MiB per ${CONFIG.scrollbackFill}-line fill`,
			`peer idle figures are the tmux server + ssh clients; the attached tmux client adds ${idle.peer.client.cpuPercent.toFixed(2)}% CPU, ${idle.peer.client.rssMiB.toFixed(1)} MiB RSS`,
			`scrollback held: tmux history_size ${idle.peer.scrollbackLines.join(',')}; vmux oldest line kept: ${JSON.stringify(idle.vmux.oldestLineInScrollback)} (of ${CONFIG.scrollbackFill})`,
			`idle CPU window: ${idle.vmux.seconds.toFixed(1)} s after ${idle.quietSeconds} s without output, each side's own; vmux with ${CONFIG.idleSessions} shells on one connection ${idle.vmuxChannels.cpuPercent.toFixed(2)}%; drew during the window: ${['peer', 'vmux', 'vmuxChannels'].filter((k) => idle[k].drewDuringWindow).join(', ') || 'none'}`,
		);
	}
	if (split) {
		const timed = (side) => ['layout', 'resize', 'zoom'].map((what) => `${what} ${side[what].ms.length} timed${side[what].untimed ? ` (+${side[what].untimed} with no visible change)` : ''}`).join(', ');
		out.push(
			`split: flood in the right pane ${split.vmux.floodMiBPerS.toFixed(1)} MiB/s under vmux, ${split.peer.floodMiBPerS.toFixed(1)} MiB/s under tmux+ssh; CPU during the echo test vmux ${split.vmux.echo.appCpuPercent.toFixed(0)}%, tmux+ssh ${split.peer.echo.appCpuPercent.toFixed(0)}% of a core`,
			`split: echo max vmux ${split.vmux.echo.maxMs.toFixed(1)} ms, tmux+ssh ${split.peer.echo.maxMs.toFixed(1)} ms; layout commands: vmux ${timed(split.vmux)}; tmux ${timed(split.peer)}`,
			`split: the pane beside is ${process.env.BENCH_SPLIT_CONNECTION === 'own' ? 'its own connection (prefix S)' : 'another shell on the same connection (prefix %)'} in vmux, its own ssh in tmux; resize is (prefix C-Left) x 5, then (prefix C-Right) x 5, each command timed from its keys to the output chunk after which the screen shows the new layout`,
		);
		if (vmux?.echoIdle && peer?.echoIdle && vmux.echoFlood && peer.echoFlood) {
			out.push(`echo p50/p99 (ms): 1 pane idle vmux ${vmux.echoIdle.p50Ms.toFixed(2)}/${vmux.echoIdle.p99Ms.toFixed(2)}, tmux ${peer.echoIdle.p50Ms.toFixed(2)}/${peer.echoIdle.p99Ms.toFixed(2)}; ` +
				`1 pane + background flood vmux ${vmux.echoFlood.p50Ms.toFixed(2)}/${vmux.echoFlood.p99Ms.toFixed(2)}, tmux ${peer.echoFlood.p50Ms.toFixed(2)}/${peer.echoFlood.p99Ms.toFixed(2)}; ` +
				`split, flood beside vmux ${split.vmux.echo.p50Ms.toFixed(2)}/${split.vmux.echo.p99Ms.toFixed(2)}, tmux ${split.peer.echo.p50Ms.toFixed(2)}/${split.peer.echo.p99Ms.toFixed(2)}`);
		}
	}
	if (rssCurve) {
		const scrollbacks = [...new Set(rssCurve.points.map((p) => p.scrollbackLines))];
		for (const lines of scrollbacks) {
			const point = rssCurve.points.find((p) => p.scrollbackLines === lines);
			const pss = rssCurve.points.filter((p) => p.scrollbackLines === lines).map((p) => `${p.sessions}: vmux ${p.vmux.pssMiB.toFixed(1)}, tmux+ssh ${p.peer.pssMiB.toFixed(1)} MiB (${ratio(p.vmux.pssMiB, p.peer.pssMiB).toFixed(2)}x)`);
			// The ssh clients share their libraries, which RSS counts once per process: PSS splits them.
			out.push(`rss-curve, ${lines} lines, PSS by sessions: ${pss.join('; ')}`);
			out.push(`rss-curve, ${lines} lines: last session holds vmux ${point.held.vmux}; tmux ${point.held.peer}; the attached tmux client (not counted) ${rssCurve.points.filter((p) => p.scrollbackLines === lines).map((p) => p.peer.clientRssMiB.toFixed(1)).join('/')} MiB`);
		}
	}
	return out.join('\n');
}

async function main() {
	const started = new Date();
	const phases = new Set((process.env.BENCH_PHASES ?? 'interactive,idle,split,rss-curve,emulator').split(',').map((p) => p.trim()));
	if (process.env.BENCH_PROFILE === '1') phases.add('profile');
	const ctx = await setup();
	log(`sshd on 127.0.0.1:${ctx.sshd.port}; ${(ctx.fileBytes / 1024 / 1024).toFixed(1)} MiB file of ${CONFIG.lineChars}-character lines; phases ${[...phases].join(', ')}`);
	const results = {
		date: started.toISOString(),
		machine: {
			cpus: cpus().length,
			cpuModel: cpus()[0]?.model,
			loadAverageAtStart: loadavg(),
			node: process.version,
			tmux: version('tmux', ['-V']),
			ssh: version('ssh', ['-V']),
		},
		config: {...CONFIG, fileBytes: ctx.fileBytes, vmuxSettings: 'defaults (fresh config dir)', peer: `tmux -f <${TMUX_OPTIONS.join(', ')}> + ssh -F /dev/null`},
	};
	// How long each phase took, to keep `npm run bench` short (results.json: phaseSeconds).
	results.phaseSeconds = {};
	const timed = async (phase, run) => {
		const start = performance.now();
		const result = await run();
		results.phaseSeconds[phase] = Math.round((performance.now() - start) / 1000);
		log(`${phase} phase: ${results.phaseSeconds[phase]} s`);
		return result;
	};
	if (phases.has('interactive')) Object.assign(results, await timed('interactive', () => interactivePhase(ctx)));
	if (phases.has('idle')) {
		results.idle = await timed('idle', () => idlePhase(ctx));
	}
	if (phases.has('split')) results.split = await timed('split', () => splitPhase(ctx));
	if (phases.has('profile')) results.profile = await timed('profile', () => profilePhase(ctx));
	if (phases.has('rss-curve')) results.rssCurve = await timed('rss-curve', () => rssCurvePhase(ctx));
	results.machine.loadAverageAtEnd = loadavg();

	const table = report(results);
	results.table = table.rows;
	results.allTargetsMet = table.rows.every((r) => r.met !== false);
	if (table.rows.length) {
		console.log(`\nvmux vs tmux+ssh, ${CONFIG.size} pty, same OpenSSH sshd on loopback (ratio = vmux / peer; lower is better)\n`);
		console.log(table.text);
		console.log(`\n${details(results)}`);
		const load = (values) => values.map((v) => v.toFixed(2)).join(' ');
		console.log(`load average (1, 5, 15 min) at start ${load(results.machine.loadAverageAtStart)}, at end ${load(results.machine.loadAverageAtEnd)} on ${results.machine.cpus} cores`);
	}
	await cleanup.run();
	if (phases.has('emulator')) {
		results.terminalEmulator = await terminalEmulatorBench();
		if (results.terminalEmulator) console.log(`\nbench/terminal-emulator.mjs:\n${results.terminalEmulator.lines.join('\n')}`);
	}
	const complete = phases.has('interactive') && phases.has('idle') && phases.has('split');
	const out = process.env.BENCH_OUT ? resolve(process.env.BENCH_OUT) : join(ROOT, complete ? 'bench/results.json' : 'bench/results-partial.json');
	writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
	console.log(`\nwrote ${out}`);
}

try {
	await main();
	runFinished();
} catch (error) {
	await abort(`failed: ${error.stack ?? error}`, 1);
} finally {
	clearTimeout(watchdog);
	const errors = await cleanup.run();
	for (const error of errors) log(`cleanup: ${error}`);
}
