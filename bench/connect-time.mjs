// Connect time against OpenSSH (issue 12: "Connect (direct, loopback, key file): in-app connect to the prompt <=
// OpenSSH `ssh` to the prompt, same run").
//
// One OpenSSH sshd on loopback (dist/lab/ssh/openssh-sshd.js, as bench/run.mjs sets it up), key auth with a key
// made for the run, both sides' known_hosts pre-seeded (strict checking on both). The login runs a shell with a
// known prompt (`vmct> `, sshd's ForceCommand, the same for both sides), so "the prompt on screen" is one row.
// Every figure is timed in a real 120x40 pty (node-pty, CI unset), from the write (or the spawn) to the arrival
// of the output chunk after which the parsed screen shows the prompt row:
//   - vmux (in app): vmux already running at the browser, `/bench` typed, then Enter -> the prompt. The shell
//     is left with `exit` (settings.json closePaneOnExit: the pane and its connection close), `Ctrl-b d` goes
//     back to the browser, and the next run connects again.
//   - vmux (cold): spawn `node dist/cli.js --config-dir …` -> the browser lists the profile -> Enter -> the
//     prompt (vmux has no connect-on-the-command-line entry). Reported apart: it includes Node's start-up.
//   - peer: spawn `ssh -F /dev/null -i key -p PORT -o UserKnownHostsFile=… user@127.0.0.1` -> the prompt.
//     OpenSSH 9 negotiates sntrup761x25519-sha512 with OpenSSH's sshd, a post-quantum key exchange that costs
//     the client CPU ssh2 does not spend (ssh2 has no sntrup761: vmux gets curve25519-sha256). For information,
//     `ssh -o KexAlgorithms=curve25519-sha256` is timed too: the same key exchange as vmux.
// Interleaved (ssh, ssh with curve25519, vmux in app, vmux cold per round), BENCH_CT_RUNS rounds (15); median and
// p95 of each, the ratio vmux / ssh, met / missed against <= 1.0, and the load average at start and end.
//
//   node bench/connect-time.mjs            (against the dist/ already built)
//   BENCH_CT_RUNS=30 node bench/connect-time.mjs
//   BENCH_CT_PROFILE_DIR=dir node bench/connect-time.mjs   (vmux in app under --cpu-prof, profile kept in dir)
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {cpus, loadavg, tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {terminalEnv} from './lib/drivers.mjs';
import {Cleanup, exitOnFailure, killPid, median, percentile, PtyApp, procStat, processTree} from './lib/harness.mjs';
import {saveRows} from './lib/results-file.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const RUNS = Number(process.env.BENCH_CT_RUNS ?? 15);
const PROFILE_DIR = process.env.BENCH_CT_PROFILE_DIR ? resolve(process.env.BENCH_CT_PROFILE_DIR) : undefined;
const PROMPT = 'vmct> ';
const PROMPT_ROW = PROMPT.trimEnd();
const STEP_TIMEOUT_MS = 20_000;
const log = (...args) => console.error('[connect-time]', ...args);
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

const cleanup = new Cleanup();
const {done: runFinished} = exitOnFailure(cleanup, log);

// ---- setup ---------------------------------------------------------------------------------------

async function setup() {
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run \`npm run build\` first.`);
	const tmp = mkdtempSync(join(tmpdir(), 'vmux-bench-ct-'));
	cleanup.add('temp dir', () => rmSync(tmp, {recursive: true, force: true}));
	// A key made for this run: the sshd logs in as the current user, so no shipped or reused key may open it.
	const key = join(tmp, 'id_ed25519');
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vmux connect bench (this run only)', '-f', key]);
	const publicKey = readFileSync(`${key}.pub`, 'utf8').trim();

	const {startOpenSshServer} = await import(pathToFileURL(join(ROOT, 'dist/lab/ssh/openssh-sshd.js')).href);
	// The same shell with the same prompt for both sides, without the user's rc files (which could set their own).
	const sshd = await startOpenSshServer({authorizedKeys: [publicKey], extraConfig: [`ForceCommand exec env PS1='${PROMPT}' bash --noprofile --norc -i`]});
	const sshdPid = Number(readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8').trim());
	cleanup.add('sshd', async () => {
		const tree = processTree([sshdPid]).map((p) => p.pid);
		await sshd.stop();
		for (const pid of tree) if (procStat(pid)) killPid(pid);
	});
	const [keyType, keyData] = sshd.hostKeyPublic.split(/\s+/);
	const knownHostsLine = `[127.0.0.1]:${sshd.port} ${keyType} ${keyData}\n`;

	// vmux: one profile (direct, key file), imported as run.mjs does; the host key known; exit closes the pane.
	const configDir = join(tmp, 'vmux-config');
	const profiles = {
		version: 1,
		profiles: [{name: 'bench', target: {kind: 'host', host: '127.0.0.1'}, transport: {kind: 'direct'}, port: sshd.port, username: sshd.username, auth: {type: 'key-file', path: key}}],
	};
	const profilesFile = join(tmp, 'profiles.json');
	writeFileSync(profilesFile, JSON.stringify(profiles, null, 2));
	execFileSync(process.execPath, [CLI, 'profiles', 'import', profilesFile, '--config-dir', configDir], {stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000});
	writeFileSync(join(configDir, 'known_hosts'), knownHostsLine);
	writeFileSync(join(configDir, 'settings.json'), JSON.stringify({closePaneOnExit: true}));

	// The peer: OpenSSH with the same key and a known_hosts of its own holding the same line, checked strictly.
	const peerKnownHosts = join(tmp, 'ssh_known_hosts');
	writeFileSync(peerKnownHosts, knownHostsLine);
	const ssh = [
		'-F', '/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${peerKnownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null',
		'-o', 'LogLevel=ERROR', '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-i', key, '-p', String(sshd.port), `${sshd.username}@127.0.0.1`,
	];
	const sshCurve25519 = ['-o', 'KexAlgorithms=curve25519-sha256', ...ssh];
	return {configDir, ssh, sshCurve25519, sshd};
}

// ---- timing --------------------------------------------------------------------------------------

const promptShown = (lines) => lines.some((line) => line === PROMPT_ROW);
const browserShown = (lines) => lines.some((line) => /^\S?\s*bench\s/.test(line));

/**
 * Resolves with the arrival time of the first chunk after which the parsed screen passes `test`: every chunk
 * is parsed with its own callback, so the time is the chunk's, not when a poll noticed it.
 */
function whenScreen(app, test, what, after = 0) {
	let off;
	let timer;
	return new Promise((resolvePromise, reject) => {
		off = app.onData((_data, at) => {
			app.term.write('', () => {
				if (at >= after && test(app.lines())) resolvePromise(at);
			});
		});
		timer = setTimeout(() => reject(new Error(`timed out after ${STEP_TIMEOUT_MS} ms waiting for ${what}. Screen:\n${app.screen()}`)), STEP_TIMEOUT_MS);
		void app.exit.then(() => reject(new Error(`the program exited while waiting for ${what}. Screen:\n${app.screen()}`)));
	}).finally(() => {
		off();
		clearTimeout(timer);
	});
}

/** vmux at the browser: `/bench`, then Enter timed to the prompt; then `exit` back to the browser. */
async function vmuxInApp(app) {
	// The filter stays after a connect: typed once, then the browser comes back with it.
	const filtered = (lines) => lines.some((line) => /^\/bench\b/.test(line)) && browserShown(lines);
	if (!filtered(app.lines())) {
		app.write('/bench');
		await app.waitForScreen(filtered, 'the filter line');
	}
	const start = performance.now();
	const shown = whenScreen(app, promptShown, 'the remote prompt', start);
	app.write('\r');
	const ms = (await shown) - start;
	app.write('exit\r');
	await app.waitForScreen((lines) => lines.some((line) => line.includes('No sessions')), 'the pane closed after exit');
	app.write('\x02d');
	await app.waitForScreen(browserShown, 'the browser after Ctrl-b d');
	return ms;
}

/** Spawn vmux -> the browser lists the profile -> Enter -> the prompt. */
async function vmuxCold(ctx) {
	const start = performance.now();
	const app = new PtyApp(process.execPath, [CLI, '--config-dir', ctx.configDir], {env: terminalEnv(), cwd: ROOT});
	const stop = cleanup.add('vmux (cold)', () => app.stop());
	try {
		const browserAt = await whenScreen(app, browserShown, 'the browser listing the bench profile');
		const shown = whenScreen(app, promptShown, 'the remote prompt', browserAt);
		app.write('\r');
		const promptAt = await shown;
		return {ms: promptAt - start, browserMs: browserAt - start};
	} finally {
		await stop();
	}
}

/** Spawn ssh with `args` -> the prompt; then `exit`. */
async function peer(args) {
	const start = performance.now();
	const app = new PtyApp('ssh', args, {env: terminalEnv()});
	const stop = cleanup.add('ssh', () => app.stop());
	try {
		const ms = (await whenScreen(app, promptShown, 'the remote prompt')) - start;
		app.write('exit\r');
		await Promise.race([app.exit, new Promise((r) => setTimeout(r, 5000))]);
		return ms;
	} finally {
		await stop();
	}
}

// ---- run -----------------------------------------------------------------------------------------

const loadAtStart = load();
const ctx = await setup();
const nodeArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
const app = new PtyApp(process.execPath, [...nodeArgs, CLI, '--config-dir', ctx.configDir], {env: terminalEnv(), cwd: ROOT});
const stopApp = cleanup.add('vmux', () => app.stop());
await app.waitForScreen(browserShown, 'the browser listing the bench profile');
const inApp = [];
const cold = [];
const ssh = [];
const sshCurve = [];
for (let run = 0; run < RUNS; run++) {
	ssh.push(await peer(ctx.ssh));
	sshCurve.push(await peer(ctx.sshCurve25519));
	inApp.push(await vmuxInApp(app));
	cold.push(await vmuxCold(ctx));
	log(`run ${run + 1}/${RUNS}: ssh ${ssh.at(-1).toFixed(1)} ms, ssh (curve25519) ${sshCurve.at(-1).toFixed(1)} ms, vmux in app ${inApp.at(-1).toFixed(1)} ms, vmux cold ${cold.at(-1).ms.toFixed(1)} ms`);
}
// SIGTERM lets a --cpu-prof run write its profile on the way out.
await stopApp();

const coldMs = cold.map((r) => r.ms);
const row = (figure, values, peerValues, target) => {
	const [m, p] = [median(values), percentile(values, 95)];
	const [pm, pp] = [median(peerValues), percentile(peerValues, 95)];
	const ratio = m / pm;
	const verdict = target === undefined ? '-' : ratio <= target ? 'met' : 'missed';
	return `| ${figure} | ${m.toFixed(1)} / ${p.toFixed(1)} ms | ${pm.toFixed(1)} / ${pp.toFixed(1)} ms | ${ratio.toFixed(2)} / ${(p / pp).toFixed(2)} | ${target === undefined ? '-' : `<= ${target.toFixed(1)}`} | ${verdict} |`;
};
console.log(`Connect to the prompt (direct, loopback, key file), 120x40 pty, ${RUNS} interleaved runs, median / p95 (load average ${loadAtStart} at start, ${load()} at end; ${cpus().length} cores)`);
console.log('| figure | vmux | ssh | ratio (median / p95) | target | |');
console.log('|---|---:|---:|---:|---:|---|');
console.log(row('in-app connect: Enter -> prompt', inApp, ssh, 1.0));
console.log(row('in-app connect against ssh -o KexAlgorithms=curve25519-sha256 (info)', inApp, sshCurve, undefined));
console.log(row('cold: spawn -> browser -> Enter -> prompt (info)', coldMs, ssh, undefined));
console.log(`(cold: the browser listed the profile ${median(cold.map((r) => r.browserMs)).toFixed(1)} ms after spawn, and Enter -> prompt took ${median(cold.map((r) => r.ms - r.browserMs)).toFixed(1)} ms, medians)`);
const fmt = (values) => `${median(values).toFixed(0)} / ${percentile(values, 95).toFixed(0)} ms`;
const details = {
		runs: RUNS,
		inAppMs: {median: median(inApp), p95: percentile(inApp, 95), runs: inApp},
		coldMs: {median: median(coldMs), p95: percentile(coldMs, 95), runs: cold},
		sshMs: {median: median(ssh), p95: percentile(ssh, 95), runs: ssh},
		sshCurve25519Ms: {median: median(sshCurve), p95: percentile(sshCurve, 95), runs: sshCurve},
		ratio: median(inApp) / median(ssh),
		met: median(inApp) / median(ssh) <= 1.0,
		loadAverage: {start: loadAtStart, end: load()},
};
console.log(JSON.stringify(details));
saveRows(
	'connect-time',
	[
		{figure: `connect to the prompt, in app (median / p95 of ${RUNS})`, vmux: fmt(inApp), peer: `${fmt(ssh)} (ssh)`, ratio: median(inApp) / median(ssh), target: '<= 1.0', met: median(inApp) / median(ssh) <= 1.0},
		{figure: 'connect to the prompt, in app, against ssh with curve25519-sha256 (info)', vmux: fmt(inApp), peer: `${fmt(sshCurve)} (ssh)`, ratio: median(inApp) / median(sshCurve), target: '-', met: undefined},
		{figure: 'connect to the prompt, cold: spawn -> browser -> Enter (info)', vmux: fmt(coldMs), peer: `${fmt(ssh)} (ssh)`, ratio: median(coldMs) / median(ssh), target: '-', met: undefined},
	],
	details,
);
runFinished();
for (const error of await cleanup.run()) log(`cleanup: ${error}`);
