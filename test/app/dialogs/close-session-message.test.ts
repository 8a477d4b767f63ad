import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {closeSessionMessage} from '../../../source/app/dialogs/close-session-message.js';
import type {ShellSession} from '../../../source/core/session/shell-session.js';
import type {HostKeyDecision} from '../../../source/core/session/types.js';
import type {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {ScriptedPrompter, keySpec, makeManager, startLabServer, tempDir, waitUntil} from '../../helpers/lab-session.js';

/** The close dialog (Ctrl-b x) says what closing really does, for real sessions in each state. */
describe('the close dialog tells what closing a session will really do', () => {
	let server: LabSshServer;
	let config: ReturnType<typeof tempDir>;
	let manager: ReturnType<typeof makeManager>;

	beforeEach(async () => {
		server = await startLabServer();
		config = tempDir();
	});
	afterEach(async () => {
		manager?.closeAll();
		await server.stop();
		config.remove();
	});

	const others = (session: ShellSession) => manager.sessionsOf(session.connection).length - 1;
	const message = (session: ShellSession) => closeSessionMessage(session, others(session));

	it('a running shell is ended, and the connection with it unless another session uses it', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const first = manager.open(keySpec(server.address));
		await waitUntil(() => first.state.kind === 'running', 'shell running');
		expect(message(first)).toMatch(/^The shell on jump-01 will be ended.*The SSH connection is closed too\.$/);
		const second = manager.newShell(first)!;
		await waitUntil(() => second.state.kind === 'running', 'second shell');
		expect(message(first)).toMatch(/will be ended.*The SSH connection stays open for the other session on it\.$/);
	});

	it('a disconnected session has no shell to end: it says so, and that the reconnect stops', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.state.kind === 'running', 'shell running');
		await server.kill();
		await waitUntil(() => session.connection.state.kind === 'disconnected', 'the drop');
		const text = message(session);
		expect(text).not.toMatch(/will be ended/);
		expect(text).toMatch(/^The connection to jump-01 is down, so there is no shell to end: closing stops the scheduled reconnect\./);
	});

	it('a session whose shell never opened (the host key question is still open) says closing stops connecting', async () => {
		let answer: (decision: HostKeyDecision) => void = () => {};
		const prompter = new ScriptedPrompter();
		prompter.confirmUnknownHostKey = () => new Promise(resolve => (answer = resolve));
		manager = makeManager(config.dir, prompter);
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.connection.state.kind === 'verifying-host-key', 'the host key question');
		const text = message(session);
		expect(text).not.toMatch(/will be ended/);
		expect(text).toMatch(/^No shell was opened on jump-01 yet: closing stops connecting\./);
		answer('reject');
	});

	it('an exited shell is not ended again', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.state.kind === 'running', 'shell running');
		session.sendInput(Buffer.from('exit 0\r'));
		await waitUntil(() => session.state.kind === 'exited', 'exit');
		expect(message(session)).toMatch(/^The shell has already exited\./);
	});
});
