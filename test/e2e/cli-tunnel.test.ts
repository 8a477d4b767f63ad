import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import {createServer as createTcpServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fingerprintSha256} from '../../source/core/session/known-hosts.js';
import {ProfileStore} from '../../source/core/profiles/store.js';
import {readLabAsset} from '../../source/lab/assets.js';
import {SSHD_INSTALL_HINT, sshdAvailable, startOpenSshServer, type OpenSshServer} from '../../source/lab/ssh/openssh-sshd.js';
import {DEMO_PUB} from '../helpers/lab-session.js';
import {labUserKeyPath} from '../helpers/lab-credentials.js';
import {runPlain} from './cli-plain.js';
import {CLI} from './pty-driver.js';

/** Every tunnel started, killed after all tests: a test that times out must not leave one running. */
const started: ChildProcess[] = [];
afterAll(() => {
	for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `vmux tunnel …` (no terminal) and resolves once it says where it listens. */
function startTunnel(args: string[]): Promise<{child: ChildProcess; port: number; output: () => string; exited: Promise<number | null>}> {
	return new Promise((resolve, reject) => {
		const env = {...process.env};
		delete env.CI;
		delete env.VITEST;
		const child = spawn(process.execPath, [CLI, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']});
		started.push(child);
		let output = '';
		const exited = new Promise<number | null>(done => child.on('exit', code => done(code)));
		const timer = setTimeout(() => reject(new Error(`vmux tunnel did not listen: ${output}`)), 60_000);
		const onData = (chunk: Buffer) => {
			output += chunk;
			const match = /Listening on 127\.0\.0\.1:(\d+) →/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve({child, port: Number(match[1]), output: () => output, exited});
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		child.on('exit', code => {
			clearTimeout(timer);
			reject(new Error(`vmux tunnel exited ${code}: ${output}`));
		});
	});
}

/** The SSH host key offered at 127.0.0.1:port (a real key exchange, both ways through the tunnel). */
function hostKeyAt(port: number): Promise<string> {
	return new Promise((resolve, reject) => {
		const client = new ssh2.Client();
		client.on('error', error => (String(error.message).includes('verification') ? undefined : reject(error)));
		client.connect({
			host: '127.0.0.1',
			port,
			username: 'nobody',
			readyTimeout: 20_000,
			hostVerifier: (key: Buffer) => {
				resolve(fingerprintSha256(key));
				setImmediate(() => client.end());
				return false;
			},
		});
	});
}

describe('vmux tunnel', () => {
	const configDir = mkdtempSync(join(tmpdir(), 'vmux-cli-tunnel-'));
	afterAll(() => rmSync(configDir, {recursive: true, force: true}));

	it('carries local connections through the demo lab Bastion to the VM port (its sshd answers with its own host key), -v logs each, Ctrl-C stops it', async () => {
		const tunnel = await startTunnel(['--config-dir', configDir, '--demo', 'tunnel', 'web-01', '--remote-port', '22', '--local-port', '0', '-v']);
		try {
			expect(tunnel.output()).toMatch(/Listening on 127\.0\.0\.1:\d+ → web-01:22 \(through Bastion bas-std\)/);
			const web01 = fingerprintSha256(Buffer.from(readLabAsset('hostkeys/web-01.pub').toString().split(/\s+/)[1]!, 'base64'));
			// Two connections, each its own Bastion tunnel.
			expect(await hostKeyAt(tunnel.port)).toBe(web01);
			expect(await hostKeyAt(tunnel.port)).toBe(web01);
			expect(tunnel.output()).toMatch(/\[2\] open/);
		} finally {
			tunnel.child.kill('SIGINT');
		}
		expect(await tunnel.exited).toBe(0);
	}, 120_000);

	it("refuses a port the Bastion's SKU does not allow, before listening, with the fix", async () => {
		const run = await runPlain(['--config-dir', configDir, '--demo', 'tunnel', 'dev-01', '--remote-port', '8080', '--local-port', '0']);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('The Developer SKU fixes the connection to SSH on port 22, so port 8080 cannot be used through bas-dev: use --remote-port 22');
		expect(run.stderr).not.toContain('Listening');
	}, 120_000);

	it('explains a local port in use, naming who holds it', async () => {
		const holder = createTcpServer();
		await new Promise<void>(resolve => holder.listen(0, '127.0.0.1', resolve));
		const port = (holder.address() as {port: number}).port;
		try {
			const run = await runPlain(['--config-dir', configDir, '--demo', 'tunnel', 'web-01', '--remote-port', '22', '--local-port', String(port)]);
			expect(run.code).toBe(1);
			expect(run.stderr).toContain(`127.0.0.1:${port} is already in use by node (pid ${process.pid}): choose another --local-port, or stop that program.`);
		} finally {
			holder.close();
		}
	}, 120_000);

	it('refuses bad ports with exit 2', async () => {
		const run = await runPlain(['--config-dir', configDir, 'tunnel', 'web-01', '--remote-port', '70000', '--local-port', '1']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('--remote-port needs the VM\'s port (1-65535), not "70000"');
	});
});

describe.skipIf(!sshdAvailable())(`vmux tunnel: direct profile over OpenSSH sshd (${SSHD_INSTALL_HINT})`, () => {
	let sshd: OpenSshServer;
	let web: Server;
	let webPort: number;
	const dir = mkdtempSync(join(tmpdir(), 'vmux-cli-tunnel-direct-'));
	beforeAll(async () => {
		sshd = await startOpenSshServer({authorizedKeys: [DEMO_PUB]});
		web = createServer((request, response) => response.end(`hello through the tunnel ${request.url}`));
		await new Promise<void>(resolve => web.listen(0, '127.0.0.1', resolve));
		webPort = (web.address() as {port: number}).port;
		new ProfileStore({configDir: dir}).save({
			name: 'box',
			target: {kind: 'host', host: '127.0.0.1'},
			transport: {kind: 'direct'},
			port: sshd.port,
			username: sshd.username,
			auth: {type: 'key-file', path: labUserKeyPath('demo_ed25519')},
		});
		const [type, blob] = sshd.hostKeyPublic.split(/\s+/);
		writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${type} ${blob}\n`);
	});
	afterAll(async () => {
		web?.close();
		await sshd?.stop();
		rmSync(dir, {recursive: true, force: true});
	});

	it('reaches an HTTP server on the VM side through one SSH connection (direct-tcpip), for several requests', async () => {
		const tunnel = await startTunnel(['--config-dir', dir, 'tunnel', 'box', '--remote-port', String(webPort), '--local-port', '0']);
		try {
			for (const path of ['/one', '/two']) {
				const response = await fetch(`http://127.0.0.1:${tunnel.port}${path}`);
				expect(await response.text()).toBe(`hello through the tunnel ${path}`);
			}
		} finally {
			tunnel.child.kill('SIGTERM');
		}
		expect(await tunnel.exited).toBe(0);
		expect(sshd.log()).toMatch(/Accepted publickey/);
	}, 60_000);
});
