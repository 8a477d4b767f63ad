import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import type {Client} from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {authStepsFor} from '../../../source/core/credentials/auth-steps.js';
import {agentHoldsKeyFile, listAgentKeys, publicBlobOfKeyFile} from '../../../source/core/credentials/ssh-agent.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import {planConnection} from '../../../source/core/session/connect-plan.js';
import {HostKeyPolicy} from '../../../source/core/session/host-key-policy.js';
import {KnownHosts} from '../../../source/core/session/known-hosts.js';
import {sshHandshake} from '../../../source/core/session/ssh-handshake.js';
import {SSHD_INSTALL_HINT, sshdAvailable, startOpenSshServer, type OpenSshServer} from '../../../source/lab/ssh/openssh-sshd.js';
import {ScriptedPrompter} from '../../helpers/lab-session.js';

const KEYS = resolve(import.meta.dirname, '../../fixtures/keys');
const haveTools = sshdAvailable() && existsSync('/usr/bin/ssh-agent') && existsSync('/usr/bin/ssh-add');

/** Runs a command over the connection; resolves with its output and exit status. */
function run(client: Client, command: string): Promise<{code: number | undefined; out: string}> {
	return new Promise((resolveRun, reject) => {
		client.exec(command, (error, channel) => {
			if (error) return reject(error);
			let out = '';
			let code: number | undefined;
			channel.on('data', (data: Buffer) => (out += data));
			channel.stderr.on('data', (data: Buffer) => (out += data));
			channel.on('exit', (status: number | null) => (code = status ?? undefined));
			channel.on('close', () => resolveRun({code, out}));
		});
	});
}

describe.skipIf(!haveTools)(`ssh-agent logins against OpenSSH sshd (${SSHD_INSTALL_HINT}, openssh-client)`, () => {
	let sshd: OpenSshServer;
	let agent: ChildProcess;
	const dir = mkdtempSync(join(tmpdir(), 'vmux-agent-'));
	const socket = join(dir, 'agent.sock');
	const env = {...process.env, SSH_AUTH_SOCK: socket};

	beforeAll(async () => {
		sshd = await startOpenSshServer({authorizedKeys: [readFileSync(join(KEYS, 'id_ed25519_enc.pub'), 'utf8').trim()]});
		agent = spawn('ssh-agent', ['-D', '-a', socket], {stdio: 'ignore'});
		for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise(done => setTimeout(done, 20));
		// The encrypted key's clear copy goes into the agent (ssh-add would ask for the passphrase); the profile keeps
		// pointing at the encrypted file.
		const clear = join(dir, 'clear_key');
		copyFileSync(join(KEYS, 'id_ed25519_enc'), clear);
		execFileSync('chmod', ['600', clear]);
		execFileSync('ssh-keygen', ['-q', '-p', '-P', 'correct horse', '-N', '', '-f', clear]);
		execFileSync('ssh-add', ['-q', clear], {env, stdio: 'ignore'});
	});
	afterAll(async () => {
		agent?.kill();
		await sshd?.stop();
		rmSync(dir, {recursive: true, force: true});
	});

	const profile = (auth: Profile['auth'], forwardAgent = false): Profile => ({
		name: 'agent-box',
		target: {kind: 'host', host: sshd.host},
		transport: {kind: 'direct'},
		protocol: 'ssh',
		port: sshd.port,
		username: sshd.username,
		auth,
		options: {keepaliveIntervalSec: 15, keepaliveCountMax: 3, record: false, recordInput: false, forwardAgent},
	});

	/** Plans the profile as vmux does and opens it; a passphrase question fails the test. */
	async function connect(p: Profile): Promise<{client: Client; prompter: ScriptedPrompter}> {
		const plan = await planConnection(p, undefined, {credentials: q => authStepsFor(q, {agentSocket: socket}), agentSocket: socket});
		if (!plan.ok) throw new Error(plan.message);
		const prompter = new ScriptedPrompter('accept-once', undefined);
		const hostKeys = new HostKeyPolicy(new KnownHosts({configDir: dir, userFile: null}));
		const {client} = await sshHandshake({spec: plan.spec, hostKeys, prompter, signal: new AbortController().signal, reconnect: false});
		return {client, prompter};
	}

	it('lists the agent keys and knows an encrypted key file is among them (by its public key)', async () => {
		const keys = await listAgentKeys(socket);
		expect(keys).toHaveLength(1);
		expect(publicBlobOfKeyFile(join(KEYS, 'id_ed25519_enc'))?.equals(keys[0]!.blob)).toBe(true);
		expect(await agentHoldsKeyFile(socket, join(KEYS, 'id_ed25519_enc'))).toBe(true);
		expect(await agentHoldsKeyFile(socket, join(KEYS, 'id_rsa_openssh'))).toBe(false);
	});

	it('logs in with an agent profile', async () => {
		const {client} = await connect(profile({type: 'agent'}));
		try {
			expect((await run(client, 'echo agent-login-ok')).out).toBe('agent-login-ok\n');
			expect(sshd.log()).toMatch(/Accepted publickey/);
		} finally {
			client.end();
		}
	});

	it('logs in with an encrypted key-file profile whose key the agent holds, without asking for the passphrase', async () => {
		const {client, prompter} = await connect(profile({type: 'key-file', path: join(KEYS, 'id_ed25519_enc')}));
		try {
			expect((await run(client, 'echo key-file-via-agent')).out).toBe('key-file-via-agent\n');
			expect(prompter.secretQuestions).toEqual([]);
		} finally {
			client.end();
		}
	});

	it('forwards the agent only when the profile says so: ssh-add -l on the VM lists the key, or fails', async () => {
		const on = await connect(profile({type: 'agent'}, true));
		try {
			const listed = await run(on.client, 'ssh-add -l');
			expect(listed.code).toBe(0);
			expect(listed.out).toContain('vmux test ed25519 (encrypted)');
		} finally {
			on.client.end();
		}
		const off = await connect(profile({type: 'agent'}, false));
		try {
			const listed = await run(off.client, 'ssh-add -l');
			expect(listed.code).not.toBe(0);
			expect(listed.out).toMatch(/Could not open a connection to your authentication agent|Error connecting to agent/);
		} finally {
			off.client.end();
		}
	});

	it('an agent profile without an agent, or with an empty one, says what to do', async () => {
		const steps = authStepsFor(profile({type: 'agent'}), {agentSocket: join(dir, 'no-such.sock')});
		await expect(steps({prompter: new ScriptedPrompter()})).rejects.toThrow(/does not exist: start an agent/);
		const emptySocket = join(dir, 'empty.sock');
		const empty = spawn('ssh-agent', ['-D', '-a', emptySocket], {stdio: 'ignore'});
		try {
			for (let i = 0; i < 100 && !existsSync(emptySocket); i++) await new Promise(done => setTimeout(done, 20));
			await expect(authStepsFor(profile({type: 'agent'}), {agentSocket: emptySocket})({prompter: new ScriptedPrompter()})).rejects.toThrow(/holds no keys: add yours with ssh-add/);
		} finally {
			empty.kill();
		}
	});
});
