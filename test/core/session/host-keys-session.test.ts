import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {copyFileSync} from 'node:fs';
import {createServer, type Server, type Socket} from 'node:net';
import {join} from 'node:path';
import {authStepsFor} from '../../../source/core/credentials/auth-steps.js';
import {fingerprintSha256} from '../../../source/core/session/known-hosts.js';
import {ProfileSchema} from '../../../source/core/profiles/schema.js';
import type {ShellSession} from '../../../source/core/session/shell-session.js';
import type {ConnectionSpec, HostKeyDecision, HostKeyInfo, Prompter} from '../../../source/core/session/types.js';
import {DirectTransport} from '../../../source/core/transport/direct.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {readLabUserKey, labUserKeyPath} from '../../helpers/lab-credentials.js';
import {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {statusLine} from '../../../source/app/views/sessions/SessionsView.js';
import {ScriptedPrompter, keySpec, makeManager, screenText, startLabServer, tempDir, waitUntil} from '../../helpers/lab-session.js';

/**
 * Host keys and what a session says, against real ssh2 servers from the lab: a server restarted on the
 * same port with another host key stands in for a rebuilt (or impersonated) VM.
 */

const PASSWORD = 'pw-lab-1';
const FINGERPRINT = /SHA256:[A-Za-z0-9+/]{43}/g;

function fingerprintOfPub(name: string): string {
	const blob = Buffer.from(readLabAsset(`hostkeys/${name}.pub`).toString().trim().split(' ')[1]!, 'base64');
	return fingerprintSha256(blob);
}

/** The pane's emulator screen, with wrapped lines joined back into sentences. */
function paneText(session: ShellSession): string {
	return screenText(session).split('\n').join(' ').replace(/ +/g, ' ');
}

/** The emulator parses in the background: wait for the pane to show `what`, then return its text. */
function waitForPane(session: ShellSession, what: string | RegExp): Promise<string> {
	return waitUntil(
		() => {
			const text = paneText(session);
			return (typeof what === 'string' ? text.includes(what) : what.test(text)) && text;
		},
		`the pane to show ${String(what)}`,
	).catch(() => {
		throw new Error(`The pane never showed ${String(what)}; it shows:\n${screenText(session)}`);
	});
}

function disconnected(session: ShellSession) {
	const state = session.connection.state;
	return state.kind === 'disconnected' ? state : undefined;
}

/** Answers secret prompts from a list, recording each request and what the session showed meanwhile. */
class QueuedPrompter implements Prompter {
	readonly asked: Array<{title: string; state: string; status: string | undefined}> = [];
	session: ShellSession | undefined;

	constructor(
		private readonly answers: Array<string | undefined>,
		private readonly decision: HostKeyDecision = 'accept-save',
	) {}

	async confirmUnknownHostKey(_info: HostKeyInfo): Promise<HostKeyDecision> {
		return this.decision;
	}

	async askSecret(request: {title: string; prompt: string}): Promise<string | undefined> {
		const session = this.session;
		this.asked.push({
			title: request.title,
			state: session ? session.connection.state.kind : 'none',
			status: session ? statusLine(session)?.text : undefined,
		});
		return this.answers.shift();
	}
}

function profileSpec(port: number, auth: unknown): ConnectionSpec {
	const profile = ProfileSchema.parse({name: 'lab', target: {kind: 'host', host: '127.0.0.1'}, transport: {kind: 'direct'}, port, username: 'azureuser', auth});
	return {
		label: 'jump-01',
		host: '127.0.0.1',
		port,
		username: 'azureuser',
		transport: new DirectTransport('127.0.0.1', port),
		credentials: authStepsFor(profile),
		keepaliveIntervalSec: 1,
		keepaliveCountMax: 2,
	};
}

describe('host keys and what a session says (real ssh2 against lab servers)', () => {
	let server: LabSshServer;
	let config: ReturnType<typeof tempDir>;
	let manager: ReturnType<typeof makeManager> | undefined;
	const cleanups: Array<() => unknown> = [];

	beforeEach(async () => {
		server = await startLabServer();
		config = tempDir();
	});
	afterEach(async () => {
		manager?.closeAll();
		manager = undefined;
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
		await server.stop();
		config.remove();
	});

	/** Drops the connection and brings up an impostor (the "changed" host key) on the same port. */
	async function replaceServerKey(session: ShellSession): Promise<LabSshServer> {
		await server.kill();
		await waitUntil(() => disconnected(session), 'the drop');
		const impostor = await startLabServer('jump-01', 'changed', server.port);
		cleanups.push(() => impostor.stop());
		manager!.reconnect(session);
		return impostor;
	}

	it('a key accepted once is remembered: a changed key on the reconnect is CHANGED and refused, with no question and nothing sent', async () => {
		const prompter = new ScriptedPrompter('accept-once', undefined, server);
		manager = makeManager(config.dir, prompter);
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.state.kind === 'running', 'shell running');
		expect(prompter.hostKeyQuestions).toHaveLength(1);
		const oldFingerprint = prompter.hostKeyQuestions[0]!.fingerprint;

		const impostor = await replaceServerKey(session);
		const state = await waitUntil(() => disconnected(session)?.cause === 'host-key-this-run' && disconnected(session), 'the refusal', 15_000);
		expect(state.reason).toMatch(/CHANGED/);
		expect(state.reason).toContain(oldFingerprint);
		expect(state.reason).toContain(fingerprintOfPub('changed'));
		expect(state.retriable).toBe(false);
		expect(state.retryAt).toBeUndefined();
		expect(prompter.hostKeyQuestions).toHaveLength(1);
		expect(impostor.authAttempts).toHaveLength(0);
		// Nothing on disk to remove, and no retry can succeed in this run: none is offered.
		expect(state.reason).not.toContain('ssh-keygen');
		expect(statusLine(session)!.text).not.toContain('Ctrl-b r');
		await waitForPane(session, fingerprintOfPub('changed'));
	});

	it('writes the whole changed-key message (both fingerprints, the ssh-keygen -R hint) into the pane; the status line stays short', async () => {
		const prompter = new ScriptedPrompter('accept-save', undefined, server);
		manager = makeManager(config.dir, prompter);
		manager.setSize(80, 30);
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.state.kind === 'running', 'shell running');
		const oldFingerprint = prompter.hostKeyQuestions[0]!.fingerprint;

		const impostor = await replaceServerKey(session);
		const state = await waitUntil(() => disconnected(session)?.cause === 'host-key' && disconnected(session), 'the refusal', 15_000);
		expect(impostor.authAttempts).toHaveLength(0);
		const pane = await waitForPane(session, 'Ctrl-b r connects again');
		expect(pane).toContain(oldFingerprint);
		expect(pane).toContain(fingerprintOfPub('changed'));
		expect(pane).toMatch(/ssh-keygen -R '?\[127\.0\.0\.1\]:\d+'? -f \S*known_hosts/);
		expect(pane).toMatch(/The connection to jump-01 \(127\.0\.0\.1:\d+\) was closed\..*CHANGED/); // the drop came first, above
		// Every line of the pane fits its width: the message was wrapped, not cut.
		for (const line of screenText(session).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
		const status = statusLine(session)!.text;
		expect(status.length).toBeLessThanOrEqual(120);
		expect(status).not.toMatch(FINGERPRINT);
		expect(status).toContain('Ctrl-b r');
		expect(state.reason.match(FINGERPRINT)).toHaveLength(2);
	});

	it('asks for a wrong typed password 3 times like OpenSSH ("Permission denied, please try again."), then stops with a clear message and offers no Ctrl-b r', async () => {
		const prompter = new QueuedPrompter(['wrong-1', 'wrong-2', 'wrong-3', 'never-asked']);
		manager = makeManager(config.dir, prompter);
		const session = manager.open(profileSpec(server.port, {type: 'password'}));
		prompter.session = session;
		const state = await waitUntil(() => disconnected(session), 'the refusal', 15_000);
		expect(prompter.asked.map(a => a.title)).toEqual([
			'Password for azureuser@127.0.0.1',
			expect.stringMatching(/^Permission denied, please try again\. .*try 2 of 3/),
			expect.stringMatching(/^Permission denied, please try again\. .*try 3 of 3/),
		]);
		expect(server.authAttempts.filter(a => a.method === 'password').map(a => a.accepted)).toEqual([false, false, false]);
		expect(state.cause).toBe('auth');
		expect(state.retriable).toBe(false);
		expect(state.reason).toMatch(/refused the password 3 times/);
		// Inside a session: no retry that cannot succeed, no browser key ("e") that would go to the VM.
		const pane = await waitForPane(session, 'Ctrl-b x closes this session');
		expect(pane).toContain('Ctrl-b d goes back to the browser, where e edits it');
		const status = statusLine(session)!.text;
		for (const text of [status, pane]) {
			expect(text).not.toContain('Ctrl-b r');
			expect(text).not.toMatch(/\(e\)|\(e to edit\)/);
		}
	});

	it('a right password on the second try connects, and the reconnect reuses it without asking', async () => {
		const prompter = new QueuedPrompter(['wrong-1', PASSWORD]);
		manager = makeManager(config.dir, prompter);
		const session = manager.open(profileSpec(server.port, {type: 'password'}));
		await waitUntil(() => session.state.kind === 'running', 'shell running', 15_000);
		expect(prompter.asked).toHaveLength(2);
		await server.kill();
		await waitUntil(() => disconnected(session), 'the drop');
		await server.restart();
		manager.reconnect(session);
		await waitUntil(() => session.state.kind === 'running', 'shell running again', 15_000);
		expect(prompter.asked).toHaveLength(2);
	});

	it('a refused key offers no Ctrl-b r and names no browser key', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const spec = {...keySpec(server.address), credentials: async () => [{type: 'publickey' as const, key: readLabUserKey('demo_rsa'), label: 'publickey (demo rsa)'}]};
		const session = manager.open(spec);
		await waitUntil(() => disconnected(session), 'the refusal');
		const status = statusLine(session)!.text;
		expect(status).toMatch(/refused the credentials/);
		const pane = await waitForPane(session, 'Ctrl-b x closes this session');
		expect(pane).toMatch(/Authentication failed for azureuser@jump-01; tried publickey \(demo rsa\)\./);
		for (const text of [status, pane]) {
			expect(text).not.toContain('Ctrl-b r');
			expect(text).not.toMatch(/\(e\)|\(e to edit\)/);
		}
	});

	it('while the passphrase is asked the session no longer says "Verifying the host key…"', async () => {
		const work = tempDir('vmux-passphrase-');
		cleanups.push(() => work.remove());
		const keyPath = join(work.dir, 'id_ed25519');
		copyFileSync(labUserKeyPath('demo_ed25519_encrypted'), keyPath);
		const encrypted = await new LabSshServer({
			vmName: 'jump-01',
			hostKey: readLabAsset('hostkeys/jump-01'),
			users: [{username: 'azureuser', authorizedKeys: [readLabUserKey('demo_ed25519_encrypted.pub').toString().trim()]}],
		}).start();
		cleanups.push(() => encrypted.stop());
		// One answer only: each try at an encrypted key costs seconds of key derivation on a shared machine.
		const prompter = new QueuedPrompter(['correct horse']);
		manager = makeManager(config.dir, prompter);
		const session = manager.open(profileSpec(encrypted.port, {type: 'key-file', path: keyPath}));
		prompter.session = session;
		await waitUntil(() => session.state.kind === 'running', 'shell running', 15_000);
		expect(prompter.asked).toEqual([{title: `Passphrase for ${keyPath}`, state: 'authenticating', status: `Waiting for you to type: Passphrase for ${keyPath}…`}]);
	});

	it('a failure text from ssh2 ends its sentence before "Retrying in N s."', async () => {
		// A server that takes the TCP connection and says something that is not SSH, then hangs up.
		const sockets = new Set<Socket>();
		const liar: Server = createServer(socket => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
		});
		await new Promise<void>(resolve => liar.listen(0, '127.0.0.1', () => resolve()));
		cleanups.push(() => {
			for (const socket of sockets) socket.destroy();
			return new Promise(resolve => liar.close(resolve));
		});
		const port = (liar.address() as {port: number}).port;
		manager = makeManager(config.dir, new ScriptedPrompter());
		const session = manager.open(keySpec({host: '127.0.0.1', port}));
		const state = await waitUntil(() => disconnected(session), 'the failure');
		expect(state.retryAt).toBeDefined();
		const status = statusLine(session)!.text;
		expect(status).toMatch(/^Connection to jump-01 \(127\.0\.0\.1:\d+\) failed: .*[a-z]\. Retrying in \d+ s\. Ctrl-b r reconnects now\.$/);
	});

	it('draws no orphan "────" line when a separator meets the pane edge', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		// The old one-line separator was "──── disconnected: <reason> ────": size the pane so the text before
		// the closing rule fills whole rows and the closing rule would wrap onto a line of its own.
		const reason = `The connection to jump-01 (127.0.0.1:${server.port}) was closed.`;
		const cols = [...`──── disconnected: ${reason}`].length;
		manager.setSize(cols, 24);
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.state.kind === 'running', 'shell running');
		await server.kill();
		const state = await waitUntil(() => disconnected(session), 'the drop');
		expect(state.reason).toBe(reason);
		await waitForPane(session, 'Ctrl-b x closes this session');
		const lines = screenText(session).split('\n');
		expect(lines.filter(line => /^[\s─]+$/.test(line) && line.includes('─'))).toEqual([]);
		await server.restart();
		manager.reconnect(session);
		await waitUntil(() => session.state.kind === 'running', 'shell running again', 15_000);
		await waitForPane(session, 'reconnected');
		expect(screenText(session).split('\n').filter(line => /^[\s─]+$/.test(line) && line.includes('─'))).toEqual([]);
	});
});
