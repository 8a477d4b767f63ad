import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {freeLoopbackPort, waitForListening} from '../../source/lab/local-port.js';

/**
 * A real HTTP proxy (tinyproxy, from apt) for the proxy tests, started per test file on a free loopback port and
 * logging every CONNECT. The lab's host names (`*.bastion.localhost`) resolve nowhere outside vmux, so tinyproxy
 * runs under nss_wrapper (apt: libnss-wrapper, the cwrap project's test tool) with a hosts file mapping the names
 * given to 127.0.0.1 — its own name lookups only; nothing on the machine changes.
 */

export const TINYPROXY_PATH = ['/usr/bin/tinyproxy', '/usr/sbin/tinyproxy'].find(path => existsSync(path));
export const NSS_WRAPPER_PATH = [
	'/usr/lib/x86_64-linux-gnu/libnss_wrapper.so',
	'/usr/lib/aarch64-linux-gnu/libnss_wrapper.so',
	'/usr/lib64/libnss_wrapper.so',
	'/usr/lib/libnss_wrapper.so',
].find(path => existsSync(path));
export const TINYPROXY_INSTALL_HINT = 'apt-get install -y tinyproxy libnss-wrapper';

export interface Tinyproxy {
	/** `http://127.0.0.1:{port}` */
	url: string;
	port: number;
	/** The proxy's log so far (CONNECT lines name the target host and port). */
	log(): string;
	stop(): Promise<void>;
}

export async function startTinyproxy(options: {hosts: string[]}): Promise<Tinyproxy> {
	if (!TINYPROXY_PATH || !NSS_WRAPPER_PATH) throw new Error(`The proxy tests need tinyproxy and libnss_wrapper: ${TINYPROXY_INSTALL_HINT}`);
	const dir = mkdtempSync(join(tmpdir(), 'vmux-tinyproxy-'));
	const port = await freeLoopbackPort();
	const logFile = join(dir, 'tinyproxy.log');
	writeFileSync(join(dir, 'hosts'), options.hosts.map(host => `127.0.0.1 ${host}\n`).join(''));
	writeFileSync(
		join(dir, 'tinyproxy.conf'),
		[`Port ${port}`, 'Listen 127.0.0.1', 'Timeout 60', `LogFile "${logFile}"`, 'LogLevel Connect', 'MaxClients 50', 'Allow 127.0.0.1', ''].join('\n'),
	);
	const child: ChildProcess = spawn(TINYPROXY_PATH, ['-d', '-c', join(dir, 'tinyproxy.conf')], {
		env: {...process.env, LD_PRELOAD: NSS_WRAPPER_PATH, NSS_WRAPPER_HOSTS: join(dir, 'hosts')},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
	try {
		await waitForListening(port, child, 'tinyproxy', () => output);
	} catch (error) {
		child.kill('SIGKILL');
		rmSync(dir, {recursive: true, force: true});
		throw error;
	}
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		log,
		stop: async () => {
			if (child.exitCode === null) {
				const exited = new Promise(resolve => child.once('exit', resolve));
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(dir, {recursive: true, force: true});
		},
	};
}


