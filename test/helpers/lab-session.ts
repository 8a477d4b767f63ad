import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {HostKeyPolicy} from '../../source/core/session/host-key-policy.js';
import {KnownHosts} from '../../source/core/session/known-hosts.js';
import {SessionManager} from '../../source/core/session/session-manager.js';
import type {ShellSession} from '../../source/core/session/shell-session.js';
import type {ConnectionSpec, HostKeyDecision, HostKeyInfo, Prompter} from '../../source/core/session/types.js';
import {DirectTransport} from '../../source/core/transport/direct.js';
import {readLabAsset} from '../../source/lab/assets.js';
import {LabSshServer} from '../../source/lab/ssh/lab-ssh-server.js';
import {readLabUserKey} from './lab-credentials.js';

export const DEMO_KEY = readLabUserKey('demo_ed25519');
export const DEMO_PUB = readLabUserKey('demo_ed25519.pub').toString('utf8').trim();

/** A prompter that answers host-key questions as told and records what it was asked, and when. */
export class ScriptedPrompter implements Prompter {
	readonly hostKeyQuestions: Array<HostKeyInfo & {authAttemptsSoFar: number}> = [];
	readonly secretQuestions: string[] = [];

	constructor(
		public decision: HostKeyDecision = 'accept-save',
		public secret: string | undefined = undefined,
		private readonly server?: LabSshServer,
	) {}

	async confirmUnknownHostKey(info: HostKeyInfo): Promise<HostKeyDecision> {
		this.hostKeyQuestions.push({...info, authAttemptsSoFar: this.server?.authAttempts.length ?? -1});
		return this.decision;
	}

	async askSecret(request: {title: string; prompt: string}): Promise<string | undefined> {
		this.secretQuestions.push(request.prompt);
		return this.secret;
	}
}

export function startLabServer(vmName = 'jump-01', hostKeyName = vmName, port = 0): Promise<LabSshServer> {
	return new LabSshServer({
		vmName,
		hostKey: readLabAsset(`hostkeys/${hostKeyName}`),
		port,
		users: [{username: 'azureuser', password: 'pw-lab-1', authorizedKeys: [DEMO_PUB]}],
	}).start();
}

export function keySpec(server: {host: string; port: number}, label = 'jump-01'): ConnectionSpec {
	return {
		label,
		host: server.host,
		port: server.port,
		username: 'azureuser',
		transport: new DirectTransport(server.host, server.port),
		credentials: async () => [{type: 'publickey', key: DEMO_KEY, label: 'publickey (demo key)'}],
		keepaliveIntervalSec: 1,
		keepaliveCountMax: 2,
	};
}

export function makeManager(configDir: string, prompter: Prompter, userKnownHosts: string | null = null) {
	const knownHosts = new KnownHosts({configDir, userFile: userKnownHosts});
	return new SessionManager({hostKeys: new HostKeyPolicy(knownHosts), prompter, scrollback: 5000, closePaneOnExit: false});
}

export function tempDir(prefix = 'vmux-test-'): {dir: string; remove(): void} {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return {dir, remove: () => rmSync(dir, {recursive: true, force: true})};
}

export function screenText(session: ShellSession): string {
	return session.terminal
		.snapshot()
		.lines.map(line => line.replace(/\x1b\[[0-9;:]*m/g, '').trimEnd())
		.join('\n');
}

export async function waitUntil<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

export async function waitForScreen(session: ShellSession, what: string | RegExp, timeoutMs = 10_000): Promise<string> {
	return waitUntil(
		() => {
			const text = screenText(session);
			return (typeof what === 'string' ? text.includes(what) : what.test(text)) && text;
		},
		`screen to show ${String(what)}; it shows:\n${screenText(session)}`,
		timeoutMs,
	).catch(() => {
		throw new Error(`Timed out waiting for ${String(what)}; screen:\n${screenText(session)}`);
	});
}
