import {execFile} from 'node:child_process';
import {createServer as createHttpServer, type Server as HttpServer} from 'node:http';
import {connect, createServer, type Server} from 'node:net';
import {promisify} from 'node:util';
import {Client} from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ForwardSet} from '../../../source/core/forwards/forward-set.js';
import {formatForward, parseForward} from '../../../source/core/forwards/spec.js';
import type {Forward} from '../../../source/core/profiles/schema.js';
import {freeLoopbackPort} from '../../../source/lab/local-port.js';
import {SSHD_INSTALL_HINT, sshdAvailable, startOpenSshServer, type OpenSshServer} from '../../../source/lab/ssh/openssh-sshd.js';
import {DEMO_KEY, DEMO_PUB, ScriptedPrompter, keySpec, makeManager, tempDir, waitUntil} from '../../helpers/lab-session.js';
import {ProfileSchema} from '../../../source/core/profiles/schema.js';

const haveSshd = sshdAvailable();
if (!haveSshd) console.warn(`SKIPPED: port forward tests need /usr/sbin/sshd. Install it with: ${SSHD_INSTALL_HINT}`);
const run = promisify(execFile);

/** A TCP server that answers each line with `name:` and the line (to tell which end a connection reached). */
function tagServer(name: string): Promise<{server: Server; port: number}> {
	return new Promise(resolve => {
		const server = createServer(socket => socket.on('data', data => socket.write(`${name}:${data.toString()}`)));
		server.listen(0, '127.0.0.1', () => resolve({server, port: (server.address() as {port: number}).port}));
	});
}

function talk(port: number, text: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		socket.on('connect', () => socket.write(text));
		socket.on('data', data => {
			answer += data.toString();
			if (answer.includes(text)) {
				socket.end();
				resolve(answer);
			}
		});
		socket.on('error', reject);
		setTimeout(() => reject(new Error(`no answer on ${port}: "${answer}"`)), 5000).unref();
	});
}

function refused(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const socket = connect(port, '127.0.0.1');
		socket.on('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.on('error', () => resolve(true));
	});
}

function sshClient(sshd: OpenSshServer): Promise<Client> {
	return new Promise((resolve, reject) => {
		const client = new Client();
		client.on('ready', () => resolve(client)).on('error', reject);
		client.connect({host: sshd.host, port: sshd.port, username: sshd.username, privateKey: DEMO_KEY, hostVerifier: () => true});
	});
}

const local = (port: number, hostPort: number, enabled = true): Forward => ({kind: 'local', bind: '127.0.0.1', port, host: '127.0.0.1', hostPort, enabled});

describe.skipIf(!haveSshd)('port forwards through OpenSSH sshd (issue 13 §2)', () => {
	let sshd: OpenSshServer;
	let far: {server: Server; port: number};
	let near: {server: Server; port: number};
	let http: HttpServer;
	let httpPort: number;
	beforeAll(async () => {
		sshd = await startOpenSshServer({authorizedKeys: [DEMO_PUB], extraConfig: ['AllowTcpForwarding yes']});
		far = await tagServer('vm-side');
		near = await tagServer('this-side');
		http = createHttpServer((_req, res) => res.end('through-socks\n'));
		await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve));
		httpPort = (http.address() as {port: number}).port;
	});
	afterAll(async () => {
		far?.server.close();
		near?.server.close();
		http?.close();
		await sshd?.stop();
	});

	it('-L reaches a server on the VM side, counts bytes and connections, toggles off and on', async () => {
		const client = await sshClient(sshd);
		const port = await freeLoopbackPort();
		const set = new ForwardSet([local(port, far.port)], 'sshd');
		try {
			await set.attach(client);
			expect(set.statuses()[0]).toMatchObject({state: 'listening', open: 0, total: 0});
			expect(await talk(port, 'hello')).toBe('vm-side:hello');
			await expect.poll(() => set.statuses()[0]).toMatchObject({bytesOut: 5, bytesIn: 13, total: 1, open: 0});

			await set.toggle(0);
			expect(set.statuses()[0]!.state).toBe('off');
			expect(await refused(port)).toBe(true);
			await set.toggle(0);
			expect(set.statuses()[0]!.state).toBe('listening');
			expect(await talk(port, 'again')).toBe('vm-side:again');
		} finally {
			set.close();
			client.end();
		}
	});

	it('-R brings a connection made on the VM side back to a server on this side', async () => {
		const client = await sshClient(sshd);
		const port = await freeLoopbackPort();
		const set = new ForwardSet([{kind: 'remote', bind: '127.0.0.1', port, host: '127.0.0.1', hostPort: near.port, enabled: true}], 'sshd');
		try {
			await set.attach(client);
			expect(set.statuses()[0]).toMatchObject({state: 'listening'});
			// sshd itself listens on the port (the test's machine is the VM's too).
			expect(await talk(port, 'ping')).toBe('this-side:ping');
			await expect.poll(() => set.statuses()[0]).toMatchObject({total: 1, bytesIn: 4, bytesOut: 14});
			set.detach();
			await expect.poll(() => refused(port)).toBe(true);
		} finally {
			set.close();
			client.end();
		}
	});

	it('-D is a SOCKS5 proxy out through the VM (curl --socks5-hostname)', async () => {
		const client = await sshClient(sshd);
		const port = await freeLoopbackPort();
		const set = new ForwardSet([{kind: 'dynamic', bind: '127.0.0.1', port, enabled: true}], 'sshd');
		try {
			await set.attach(client);
			const {stdout} = await run('curl', ['-s', '--max-time', '10', '--socks5-hostname', `127.0.0.1:${port}`, `http://localhost:${httpPort}/`]);
			expect(stdout).toBe('through-socks\n');
			await expect.poll(() => set.statuses()[0]).toMatchObject({total: 1, open: 0});
			expect(set.statuses()[0]!.bytesIn).toBeGreaterThan('through-socks\n'.length);
			// A target the VM cannot reach: the SOCKS client hears "host unreachable", the view says why.
			const closed = await freeLoopbackPort();
			await expect(run('curl', ['-s', '--max-time', '10', '--socks5-hostname', `127.0.0.1:${port}`, `http://127.0.0.1:${closed}/`])).rejects.toMatchObject({code: 97});
			await expect.poll(() => set.statuses()[0]!.reason ?? '').toMatch(new RegExp(`could not reach 127\\.0\\.0\\.1:${closed}`));
		} finally {
			set.close();
			client.end();
		}
	});

	it('a local port in use fails with a sentence naming it; the others still start; a reconnect starts them again', async () => {
		const busy = await tagServer('someone-else');
		const free = await freeLoopbackPort();
		const set = new ForwardSet([local(busy.port, far.port), local(free, far.port)], 'sshd');
		const first = await sshClient(sshd);
		try {
			await set.attach(first);
			const [taken, ok] = set.statuses();
			expect(taken).toMatchObject({state: 'failed', reason: `127.0.0.1:${busy.port} is in use by another program; pick another local port.`});
			expect(ok!.state).toBe('listening');
			// The connection drops: the forwards wait; the next connection brings them back.
			first.end();
			set.detach();
			expect(set.statuses()[1]!.state).toBe('waiting');
			expect(await refused(free)).toBe(true);
			const second = await sshClient(sshd);
			try {
				await set.attach(second);
				expect(set.statuses()[1]!.state).toBe('listening');
				expect(await talk(free, 'back')).toBe('vm-side:back');
			} finally {
				second.end();
			}
		} finally {
			set.close();
			busy.server.close();
		}
	});
});

describe.skipIf(!haveSshd)('a session with saved forwards (OpenSSH sshd)', () => {
	it('starts them when its connection opens', async () => {
		const sshd = await startOpenSshServer({authorizedKeys: [DEMO_PUB]});
		const far = await tagServer('vm-side');
		const config = tempDir();
		const manager = makeManager(config.dir, new ScriptedPrompter());
		const port = await freeLoopbackPort();
		try {
			const session = manager.open({...keySpec({host: sshd.host, port: sshd.port}, 'sshd'), username: sshd.username, forwards: [local(port, far.port)]});
			await waitUntil(() => session.state.kind === 'running', `shell on sshd\n${sshd.log()}`);
			await waitUntil(() => session.connection.forwards.statuses()[0]?.state === 'listening', 'the forward listening');
			expect(await talk(port, 'from-session')).toBe('vm-side:from-session');
		} finally {
			manager.closeAll();
			config.remove();
			far.server.close();
			await sshd.stop();
		}
	});
});

describe('forwards in profiles', () => {
	const base = {name: 'web-01', target: {kind: 'host', host: '10.0.0.4'}, transport: {kind: 'direct'}, username: 'azureuser', auth: {type: 'password'}};
	it('reads profiles without forwards as before, and fills a forward\'s defaults', () => {
		const old = ProfileSchema.parse(base);
		expect(old.forwards).toBeUndefined();
		const withForwards = ProfileSchema.parse({...base, forwards: [{kind: 'local', port: 8080, host: 'localhost', hostPort: 80}, {kind: 'dynamic', port: 1080, enabled: false}]});
		expect(withForwards.forwards).toEqual([
			{kind: 'local', bind: '127.0.0.1', port: 8080, host: 'localhost', hostPort: 80, enabled: true},
			{kind: 'dynamic', bind: '127.0.0.1', port: 1080, enabled: false},
		]);
	});
	it('refuses a bad forward with what it expects', () => {
		const result = ProfileSchema.safeParse({...base, forwards: [{kind: 'local', port: 0, host: 'localhost', hostPort: 80}]});
		expect(result.success).toBe(false);
		expect(result.error?.issues[0]).toMatchObject({path: ['forwards', 0, 'port'], message: 'a whole number from 1 to 65535'});
	});
});

describe('forward specs as ssh writes them', () => {
	it('reads -L, -R and -D with and without a bind address, and writes them back', () => {
		expect(parseForward('L 8080:localhost:80')).toEqual({ok: true, forward: {kind: 'local', bind: '127.0.0.1', port: 8080, host: 'localhost', hostPort: 80, enabled: true}});
		expect(parseForward('-R 0.0.0.0:9000:127.0.0.1:3000')).toEqual({ok: true, forward: {kind: 'remote', bind: '0.0.0.0', port: 9000, host: '127.0.0.1', hostPort: 3000, enabled: true}});
		expect(parseForward('# D 1080')).toEqual({ok: true, forward: {kind: 'dynamic', bind: '127.0.0.1', port: 1080, enabled: false}});
		expect(parseForward('L [::1]:8080:db:5432')).toMatchObject({ok: true, forward: {bind: '::1', port: 8080, host: 'db', hostPort: 5432}});
		for (const text of ['L 127.0.0.1:8080:localhost:80', 'R 127.0.0.1:9000:127.0.0.1:3000', '# D 127.0.0.1:1080', 'L [::1]:8080:db:5432']) {
			const parsed = parseForward(text);
			expect(parsed.ok && formatForward(parsed.forward)).toBe(text);
		}
	});

	it('says what is wrong in one line', () => {
		expect(parseForward('L 8080:localhost')).toEqual({ok: false, message: 'L takes [bind:]port:host:hostport, such as L 8080:localhost:80; got "8080:localhost".'});
		expect(parseForward('L 70000:localhost:80')).toMatchObject({ok: false, message: expect.stringContaining('port must be a whole number from 1 to 65535')});
		expect(parseForward('X 1')).toMatchObject({ok: false, message: expect.stringContaining('is not a forward')});
	});
});
