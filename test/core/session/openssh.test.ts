import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {readLabAsset} from '../../../source/lab/assets.js';
import {SSHD_INSTALL_HINT, sshdAvailable, startOpenSshServer, type OpenSshServer} from '../../../source/lab/ssh/openssh-sshd.js';
import {DEMO_PUB, ScriptedPrompter, keySpec, makeManager, screenText, tempDir, waitForScreen, waitUntil} from '../../helpers/lab-session.js';

const haveSshd = sshdAvailable();
if (!haveSshd) console.warn(`SKIPPED: OpenSSH sshd tests need /usr/sbin/sshd. Install it with: ${SSHD_INSTALL_HINT}`);

describe.skipIf(!haveSshd)('sessions against OpenSSH sshd', () => {
	let sshd: OpenSshServer;
	beforeAll(async () => {
		sshd = await startOpenSshServer({authorizedKeys: [DEMO_PUB]});
	});
	afterAll(async () => {
		await sshd?.stop();
	});

	const spec = () => ({...keySpec({host: sshd.host, port: sshd.port}, 'sshd'), username: sshd.username});

	it('connects with a key, runs a command, and follows resizes', async () => {
		const config = tempDir();
		const prompter = new ScriptedPrompter();
		const manager = makeManager(config.dir, prompter);
		try {
			const session = manager.open(spec());
			await waitUntil(() => session.state.kind === 'running', `shell on sshd; state ${JSON.stringify(session.connection.state)}\n${sshd.log()}`);
			expect(prompter.hostKeyQuestions).toHaveLength(1);
			manager.setSize(90, 20);
			session.sendInput(Buffer.from('echo "openssh=$((7*6)) $(tput cols)x$(tput lines) $TERM"\r'));
			await waitForScreen(session, 'openssh=42 90x20 xterm-256color');
			// The positive control for the "never authenticates" test below: sshd logs accepted keys.
			expect(sshd.log()).toMatch(/Accepted publickey/);
		} finally {
			manager.closeAll();
			config.remove();
		}
	});

	it('opens two shells over one connection', async () => {
		const config = tempDir();
		const manager = makeManager(config.dir, new ScriptedPrompter());
		try {
			const first = manager.open(spec());
			await waitUntil(() => first.state.kind === 'running', 'first shell');
			const second = manager.newShell(first)!;
			await waitUntil(() => second.state.kind === 'running', 'second shell');
			// Both shells see the same sshd connection: the same SSH_CONNECTION client port.
			// biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, run by the remote shell.
			first.sendInput(Buffer.from('echo "conn=${SSH_CONNECTION%% *} ${SSH_CONNECTION#* }" | cut -d" " -f1,3\r'));
			// biome-ignore lint/suspicious/noTemplateCurlyInString: as above.
			second.sendInput(Buffer.from('echo "conn=${SSH_CONNECTION%% *} ${SSH_CONNECTION#* }" | cut -d" " -f1,3\r'));
			const a = (await waitForScreen(first, /conn=\S+ \d+/)).match(/conn=\S+ (\d+)/)![1];
			const b = (await waitForScreen(second, /conn=\S+ \d+/)).match(/conn=\S+ (\d+)/)![1];
			expect(a).toBe(b);
		} finally {
			manager.closeAll();
			config.remove();
		}
	});

	it('refuses a changed host key with both fingerprints and never authenticates', async () => {
		const config = tempDir();
		const oldPub = readLabAsset('hostkeys/changed.pub').toString().trim().split(' ').slice(0, 2).join(' ');
		writeFileSync(join(config.dir, 'known_hosts'), `[${sshd.host}]:${sshd.port} ${oldPub}\n`);
		const before = sshd.log();
		const manager = makeManager(config.dir, new ScriptedPrompter());
		try {
			const session = manager.open(spec());
			const state = await waitUntil(() => (session.connection.state.kind === 'disconnected' ? session.connection.state : undefined), 'refusal');
			expect(new Set(state.reason.match(/SHA256:[A-Za-z0-9+/]{43}/g)).size).toBe(2);
			expect(state.retriable).toBe(false);
			await new Promise(resolve => setTimeout(resolve, 200));
			// sshd logs every key it is offered ("Accepted key" / "Failed publickey"): none this time.
			expect(sshd.log().slice(before.length)).not.toMatch(/publickey|Accepted/i);
			expect(screenText(session)).not.toContain('$');
		} finally {
			manager.closeAll();
			config.remove();
		}
	});
});
