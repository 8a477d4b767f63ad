// File transfer rate through the lab Bastion (issue 13: "the closing note shows a 100 MB transfer through the lab
// Bastion with its rate against scp through a local tunnel, in one run").
//
// One demo lab (the one `vmux --demo` and `vmux cp --demo` start), one connection to web-01 through its Standard
// Bastion (bas-std: token, WebSocket tunnel, then SSH to the lab's ssh2 server, which runs OpenSSH's sftp-server),
// opened by cli-session exactly as `vmux cp web-01:…` opens it. Then, interleaved, BENCH_TR_RUNS rounds (3):
//   - vmux: a 100 MB file of random bytes uploaded, then downloaded, with `vmux cp`'s engine (core/files
//     TransferQueue: pipelined SFTP, sha256 computed while streaming and compared with sha256sum on the VM);
//     timed from the request to the checked file (process and lab start-up left out: they are not the rate).
//   - peer: OpenSSH `scp` (SFTP mode, OpenSSH 9's default) through a local tunnel to the same sshd: a loopback port
//     whose connections are piped into the same Bastion transport (what `az network bastion tunnel` gives), key
//     from an ssh-agent (never written to disk), host key pinned. Same file, both directions.
//   - for information: ssh2's fastPut/fastGet (64 x 32 KB requests in flight, no resume, no hashing) on the same
//     SFTP channel: the engine choice (streams one request at a time are far slower through a tunnel).
// MB/s = 10^6 bytes/s over the median time; ratio = vmux time / scp time (lower is better); target <= 1.5.
//
//   node bench/transfer.mjs          (against the dist/ already built)
//   BENCH_TR_MB=20 BENCH_TR_RUNS=1 node bench/transfer.mjs
import {execFileSync, spawn} from 'node:child_process';
import {randomBytes, createHash} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {PassThrough} from 'node:stream';
import {pathToFileURL} from 'node:url';
import {saveRows} from './lib/results-file.mjs';

const dist = resolve(process.env.VMUX_DIST ?? new URL('../dist', import.meta.url).pathname);
const load = (path) => import(pathToFileURL(`${dist}/${path}`).href);
const {startCliSession} = await load('commands/cli-session.js');
const {RemoteFs} = await load('core/files/remote-fs.js');
const {TransferQueue} = await load('core/files/transfer-queue.js');
const {labAssetPath} = await load('lab/assets.js');

const MB = Number(process.env.BENCH_TR_MB ?? 100);
const RUNS = Number(process.env.BENCH_TR_RUNS ?? 3);
const TARGET_RATIO = 1.5;
const log = (...args) => console.error('[transfer]', ...args);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const tmp = mkdtempSync(join(tmpdir(), 'vmux-bench-tr-'));
const cleanups = [() => rmSync(tmp, {recursive: true, force: true})];
try {
	// The file: random bytes, so nothing compresses it on the way.
	const source = join(tmp, 'payload.bin');
	const fd = openSync(source, 'w', 0o600);
	for (let i = 0; i < MB; i++) writeSync(fd, randomBytes(1024 * 1024));
	closeSync(fd);
	const sourceHash = createHash('sha256').update(readFileSync(source)).digest('hex');
	const bytes = statSync(source).size;

	const configDir = join(tmp, 'config');
	// web-01's host key pinned for vmux (no terminal to ask) and for scp.
	const hostKey = readFileSync(labAssetPath('hostkeys/web-01.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
	const {mkdirSync} = await import('node:fs');
	mkdirSync(configDir, {mode: 0o700});
	writeFileSync(join(configDir, 'known_hosts'), `10.1.1.4 ${hostKey}\n`, {mode: 0o600});

	const stdin = Object.assign(new PassThrough(), {isTTY: false});
	const session = await startCliSession({demo: true, configDir}, {stdin, stdout: process.stdout, stderr: {isTTY: false, write: () => true}});
	cleanups.unshift(() => session.dispose());
	const target = await session.resolve('web-01');
	const opened = await session.open(target);
	cleanups.unshift(() => opened.close());
	log(`connected to web-01 through ${opened.spec.transport.description}`);
	const fs = await RemoteFs.open(opened.client);
	const home = await fs.realpath('.');

	// The local tunnel for scp: each TCP connection is one more Bastion tunnel to web-01:22.
	const tunnel = createServer((socket) => {
		const abort = new AbortController();
		opened.spec.transport.open(abort.signal).then(
			(stream) => {
				socket.pipe(stream).pipe(socket);
				socket.on('close', () => stream.destroy());
				stream.on('close', () => socket.destroy());
				stream.on('error', () => socket.destroy());
				socket.on('error', () => stream.destroy());
			},
			() => socket.destroy(),
		);
		socket.on('close', () => abort.abort());
	});
	await new Promise((r) => tunnel.listen(0, '127.0.0.1', r));
	cleanups.unshift(() => tunnel.close());
	const port = tunnel.address().port;
	writeFileSync(join(tmp, 'scp_known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);

	// scp's key: the profile's own (from the lab's Key Vault), handed to an ssh-agent over stdin.
	const steps = await opened.spec.credentials({prompter: session.prompter, reconnect: false});
	const keyStep = steps.find((s) => s.type === 'publickey');
	if (!keyStep) throw new Error('web-01 has no key credential in the demo');
	const agentSock = join(tmp, 'agent.sock');
	const agent = spawn('ssh-agent', ['-D', '-a', agentSock], {stdio: 'ignore'});
	cleanups.unshift(() => agent.kill());
	for (let i = 0; i < 100; i++) {
		try {
			statSync(agentSock);
			break;
		} catch {
			await new Promise((r) => setTimeout(r, 20));
		}
	}
	execFileSync('ssh-add', ['-q', '-'], {input: keyStep.key, env: {...process.env, SSH_AUTH_SOCK: agentSock}, stdio: ['pipe', 'ignore', 'inherit']});
	const scpArgs = [...(process.env.BENCH_TR_VERBOSE ? ['-v'] : []), '-F', '/dev/null', '-P', String(port), '-o', `UserKnownHostsFile=${join(tmp, 'scp_known_hosts')}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes'];
	const scp = (from, to) =>
		new Promise((resolveRun, reject) => {
			const child = spawn('scp', [...scpArgs, from, to], {env: {...process.env, SSH_AUTH_SOCK: agentSock}, stdio: ['ignore', 'ignore', 'pipe']});
			let err = '';
			child.stderr.on('data', (d) => (err += d));
			child.on('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`scp ${from} ${to} exited ${code}: ${err}`))));
		});
	const checked = (path) => {
		const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
		if (hash !== sourceHash) throw new Error(`${path}: the copy differs from the source`);
	};

	const queue = new TransferQueue(fs, {concurrency: 1});
	const time = async (run) => {
		const start = process.hrtime.bigint();
		await run();
		return Number(process.hrtime.bigint() - start) / 1e9;
	};
	const results = {vmuxUp: [], vmuxDown: [], scpUp: [], scpDown: [], fastPut: [], fastGet: []};
	for (let round = 1; round <= RUNS; round++) {
		const remote = `${home}/payload-${round}.bin`;
		const back = join(tmp, `back-${round}.bin`);
		results.vmuxUp.push(
			await time(async () => {
				const r = await queue.add({direction: 'upload', localPath: source, remotePath: remote}).done;
				if (r.state !== 'done' || r.verified !== 'sha256') throw new Error(`vmux upload: ${r.state} ${r.error ?? r.verified}`);
			}),
		);
		results.vmuxDown.push(
			await time(async () => {
				const r = await queue.add({direction: 'download', localPath: back, remotePath: remote}).done;
				if (r.state !== 'done' || r.verified !== 'sha256') throw new Error(`vmux download: ${r.state} ${r.error ?? r.verified}`);
			}),
		);
		checked(back);
		rmSync(back);
		const scpRemote = `payload-scp-${round}.bin`;
		results.scpUp.push(await time(() => scp(source, `azureuser@127.0.0.1:${scpRemote}`)));
		results.scpDown.push(await time(() => scp(`azureuser@127.0.0.1:${scpRemote}`, back)));
		checked(back);
		rmSync(back);
		const fastRemote = `${home}/payload-fast-${round}.bin`;
		results.fastPut.push(await time(() => new Promise((r, j) => fs.sftp.fastPut(source, fastRemote, (e) => (e ? j(e) : r())))));
		results.fastGet.push(await time(() => new Promise((r, j) => fs.sftp.fastGet(fastRemote, back, (e) => (e ? j(e) : r())))));
		checked(back);
		rmSync(back);
		for (const path of [remote, `${home}/${scpRemote}`, fastRemote]) await fs.unlink(path).catch(() => {});
		log(
			`round ${round}: vmux up ${results.vmuxUp.at(-1).toFixed(2)} s down ${results.vmuxDown.at(-1).toFixed(2)} s · scp up ${results.scpUp.at(-1).toFixed(2)} s down ${results.scpDown.at(-1).toFixed(2)} s · fastPut ${results.fastPut.at(-1).toFixed(2)} s fastGet ${results.fastGet.at(-1).toFixed(2)} s`,
		);
	}
	const rate = (seconds) => bytes / 1e6 / seconds;
	const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
	const row = (what, ours, peer, peerName, informational) => ({
		figure: `${MB} MB ${what} through the lab Bastion (median of ${RUNS})`,
		vmux: `${rate(ours).toFixed(1)} MB/s (${ours.toFixed(2)} s)`,
		peer: `${rate(peer).toFixed(1)} MB/s (${peer.toFixed(2)} s, ${peerName})`,
		ratio: ours / peer,
		target: informational ? '-' : `<= ${TARGET_RATIO}`,
		met: informational ? undefined : ours / peer <= TARGET_RATIO,
	});
	const rows = [
		row('upload, vmux cp vs scp', m.vmuxUp, m.scpUp, 'scp via local tunnel'),
		row('download, vmux cp vs scp', m.vmuxDown, m.scpDown, 'scp via local tunnel'),
		row('upload, vmux engine vs ssh2 fastPut', m.vmuxUp, m.fastPut, 'ssh2 fastPut', true),
		row('download, vmux engine vs ssh2 fastGet', m.vmuxDown, m.fastGet, 'ssh2 fastGet', true),
	];
	console.log(`\nFile transfer through the lab Bastion (bas-std, web-01), ${MB} MB of random bytes, ${RUNS} round(s); ratio = vmux time / peer time\n`);
	for (const r of rows) console.log(`  ${r.figure}\n    vmux ${r.vmux} · peer ${r.peer} · ratio ${r.ratio.toFixed(2)}${r.target === '-' ? ' (information)' : ` · target ${r.target}: ${r.met ? 'met' : 'MISSED'}`}`);
	saveRows('transfer', rows, {bytes, runs: results});
} finally {
	for (const step of cleanups) {
		try {
			await step();
		} catch {
			// Best effort: the temp dir goes last.
		}
	}
}
process.exit(0);
