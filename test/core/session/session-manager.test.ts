import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {DEMO_KEY, ScriptedPrompter, keySpec, makeManager, screenText, startLabServer, tempDir, waitForScreen, waitUntil} from '../../helpers/lab-session.js';

describe('SessionManager against a lab ssh2 server', () => {
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

	it('asks about an unknown host key before any credential is sent, then runs a command on screen', async () => {
		const prompter = new ScriptedPrompter('accept-save', undefined, server);
		manager = makeManager(config.dir, prompter);
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.state.kind === 'running', 'shell running');
		expect(prompter.hostKeyQuestions).toHaveLength(1);
		expect(prompter.hostKeyQuestions[0]!.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
		expect(prompter.hostKeyQuestions[0]!.authAttemptsSoFar).toBe(0);
		session.sendInput(Buffer.from('echo "sum=$((40+2))"\r'));
		await waitForScreen(session, 'sum=42');
	});

	it('refuses a rejected host key without sending anything', async () => {
		const prompter = new ScriptedPrompter('reject', undefined, server);
		manager = makeManager(config.dir, prompter);
		const session = manager.open(keySpec(server.address));
		const state = await waitUntil(() => (session.connection.state.kind === 'disconnected' ? session.connection.state : undefined), 'refusal');
		expect(state.retriable).toBe(false);
		expect(state.reason).toMatch(/rejected the host key SHA256:/);
		expect(server.authAttempts).toHaveLength(0);
	});

	it('refuses a changed host key, naming both fingerprints, and sends no credential', async () => {
		// known_hosts says this port had the "changed" key; the server presents jump-01's.
		const oldPub = readLabAsset('hostkeys/changed.pub').toString().trim().split(' ').slice(0, 2).join(' ');
		writeFileSync(join(config.dir, 'known_hosts'), `[127.0.0.1]:${server.port} ${oldPub}\n`);
		const prompter = new ScriptedPrompter('accept-save', undefined, server);
		manager = makeManager(config.dir, prompter);
		const session = manager.open(keySpec(server.address));
		const state = await waitUntil(() => (session.connection.state.kind === 'disconnected' ? session.connection.state : undefined), 'refusal');
		const fingerprints = state.reason.match(/SHA256:[A-Za-z0-9+/]{43}/g) ?? [];
		expect(new Set(fingerprints).size).toBe(2);
		expect(state.reason).toMatch(/known_hosts:1/);
		expect(state.retriable).toBe(false);
		expect(prompter.hostKeyQuestions).toHaveLength(0);
		expect(server.authAttempts).toHaveLength(0);
	});

	it('multiplexes a second shell over the same connection', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const first = manager.open(keySpec(server.address));
		await waitUntil(() => first.state.kind === 'running', 'first shell');
		const second = manager.newShell(first)!;
		await waitUntil(() => second.state.kind === 'running', 'second shell');
		second.sendInput(Buffer.from('echo second-$((6*7))\r'));
		await waitForScreen(second, 'second-42');
		expect(server.connections).toHaveLength(1);
		expect(server.sessions.filter(s => s.kind === 'shell')).toHaveLength(2);
		expect(server.authAttempts.filter(a => a.accepted && a.method === 'publickey').length).toBeLessThanOrEqual(2);
		expect(manager.sessions).toHaveLength(2);
	});

	it('resizes the remote PTY with the pane', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.state.kind === 'running', 'shell');
		// Keys typed right after a resize: sizes are applied once per turn, but never after input that follows them.
		for (const [cols, lines] of [
			[100, 30],
			[90, 25],
			[110, 35],
		] as const) {
			manager.setSize(cols, lines);
			session.sendInput(Buffer.from(`clear; set -- $(stty size); echo "cols=$2 lines=$1"\r`));
			await waitForScreen(session, `cols=${cols} lines=${lines}`);
		}
	});

	it('splits a pane into shells on the same connection, each PTY sized to its rectangle, and resizes them as the layout changes', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const first = manager.open(keySpec(server.address));
		await waitUntil(() => first.state.kind === 'running', 'first shell');
		manager.setSize(121, 30);
		const size = async (session: typeof first, cols: number, lines: number) => {
			session.sendInput(Buffer.from(`clear; set -- $(stty size); echo "size=$2x$1"\r`));
			await waitForScreen(session, `size=${cols}x${lines}`);
		};
		// Side by side: 120 columns besides the border, and a title row on each pane.
		const right = manager.split('side-by-side')!;
		await waitUntil(() => right.state.kind === 'running', 'right shell');
		expect(manager.windows).toHaveLength(1);
		expect(manager.focused).toBe(right);
		await size(first, 60, 29);
		await size(right, 60, 29);
		// Below the right pane: 15 rows each, less the titles.
		const below = manager.split('stacked')!;
		await waitUntil(() => below.state.kind === 'running', 'third shell');
		await size(right, 60, 14);
		await size(below, 60, 14);
		expect(server.connections).toHaveLength(1);
		expect(server.sessions.filter(s => s.kind === 'shell')).toHaveLength(3);
		expect(manager.sessions).toEqual([first, right, below]);

		// Zoomed, the pane gets the whole area, untitled; the others keep their size.
		expect(manager.toggleZoom()).toBe(true);
		await size(below, 121, 30);
		await size(first, 60, 29);
		manager.toggleZoom();
		await size(below, 60, 14);

		// Moving a border resizes both panes beside it; five moves in one burst (one read of keys) are one
		// resize of each PTY, so one reflow of its scrollback.
		manager.selectPane('left');
		expect(manager.focused).toBe(first);
		let resizes = 0;
		first.on('resize', () => resizes++);
		for (let i = 0; i < 5; i++) manager.resizePane('right', 2);
		await size(first, 70, 29);
		expect(resizes).toBe(1);
		await size(right, 50, 14);

		// Closing a pane gives its rows back; breaking one out gives it a tab of its own, at full size.
		manager.close(below);
		await size(right, 50, 29);
		manager.focusSession(right);
		expect(manager.breakPane()).toBe(true);
		expect(manager.windows).toHaveLength(2);
		expect(manager.activeWindowIndex).toBe(1);
		await size(right, 121, 30);
		await size(first, 121, 30);
		expect(server.connections).toHaveLength(1);
	});

	it('lets only the focused pane parse at full speed: the pane beside it and other tabs parse in slices', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const first = manager.open(keySpec(server.address));
		await waitUntil(() => first.state.kind === 'running', 'first shell');
		const slicing = () => manager.sessions.map(session => session.terminal.parsesInSlices);
		expect(slicing()).toEqual([false]);
		const right = manager.split('side-by-side')!;
		await waitUntil(() => right.state.kind === 'running', 'right shell');
		expect(slicing()).toEqual([true, false]);
		manager.selectPane('left');
		expect(slicing()).toEqual([false, true]);
		// Zoomed, the pane beside is hidden: still in slices; back again, the same.
		manager.toggleZoom();
		expect(slicing()).toEqual([false, true]);
		manager.toggleZoom();
		expect(slicing()).toEqual([false, true]);
		// Another tab: the focused pane there parses at full speed, both panes of the first tab in slices.
		const tab = manager.newShell(first)!;
		await waitUntil(() => tab.state.kind === 'running', 'shell in a new tab');
		expect(manager.focused).toBe(tab);
		expect(slicing()).toEqual([true, true, false]);
		manager.selectWindow(0);
		expect(slicing()).toEqual([false, true, true]);
	});

	it('refuses a split with no room before opening a channel, and says what to do', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const first = manager.open(keySpec(server.address));
		await waitUntil(() => first.state.kind === 'running', 'shell');
		manager.setSize(4, 30);
		expect(() => manager.split('side-by-side')).toThrow(/No room to split this pane right: make the window larger/);
		manager.setSize(80, 2);
		expect(() => manager.split('stacked')).toThrow(/No room to split this pane down/);
		expect(manager.sessions).toHaveLength(1);
		expect(server.sessions.filter(s => s.kind === 'shell')).toHaveLength(1);
	});

	it('shows the exit status when the remote shell exits, and keeps the pane', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.state.kind === 'running', 'shell');
		session.sendInput(Buffer.from('exit 3\r'));
		await waitUntil(() => session.state.kind === 'exited', 'exit');
		expect(session.state).toEqual({kind: 'exited', code: 3});
		expect(manager.sessions).toContain(session);
	});

	it('marks the session disconnected when the server dies, keeps the screen, and reconnects below a separator', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const session = manager.open(keySpec(server.address));
		await waitUntil(() => session.state.kind === 'running', 'shell');
		session.sendInput(Buffer.from('echo before-$((1+1))\r'));
		await waitForScreen(session, 'before-2');
		await server.kill();
		const down = await waitUntil(() => (session.connection.state.kind === 'disconnected' ? session.connection.state : undefined), 'disconnect');
		expect(down.retriable).toBe(true);
		expect(down.retryAt).toBeGreaterThan(Date.now() - 1000);
		expect(screenText(session)).toContain('before-2');
		await server.restart();
		manager.reconnect(session);
		await waitUntil(() => session.state.kind === 'running', 'reconnected shell');
		session.sendInput(Buffer.from('echo after-$((2+1))\r'));
		const text = await waitForScreen(session, 'after-3');
		expect(text).toContain('before-2');
		expect(text).toMatch(/reconnected/);
		expect(server.connections).toHaveLength(2);
	});

	it('builds credentials again on reconnect when one expires within 5 minutes, reuses them otherwise, and shows the login', async () => {
		const built: number[] = [];
		let expiresIn = 4 * 60_000;
		const spec = {
			...keySpec(server.address),
			credentials: async () => {
				built.push(Date.now());
				const expiresAt = Date.now() + expiresIn;
				return [{type: 'publickey' as const, key: DEMO_KEY, label: 'publickey (demo key)', expiresAt, login: {user: 'azureuser', validUntil: expiresAt, via: 'test credential'}}];
			},
		};
		manager = makeManager(config.dir, new ScriptedPrompter());
		const session = manager.open(spec);
		await waitUntil(() => session.state.kind === 'running', 'shell');
		const open = session.connection.state;
		expect(open.kind === 'open' && open.login).toEqual({user: 'azureuser', validUntil: expect.any(Number), via: 'test credential'});
		const reconnect = async () => {
			await server.kill();
			await waitUntil(() => session.connection.state.kind === 'disconnected', 'disconnect');
			await server.restart();
			manager.reconnect(session);
			await waitUntil(() => session.state.kind === 'running', 'reconnected shell');
		};
		// 4 minutes left, inside the 5-minute margin: the reconnect builds the credentials again.
		await reconnect();
		expect(built).toHaveLength(2);
		// Built again now with an hour left: the next reconnect builds them once more (the cached ones had 4
		// minutes), and the one after that reuses them.
		expiresIn = 60 * 60_000;
		await reconnect();
		expect(built).toHaveLength(3);
		await reconnect();
		expect(built).toHaveLength(3);
	});

	it('does not retry after an authentication failure', async () => {
		manager = makeManager(config.dir, new ScriptedPrompter());
		const spec = {...keySpec(server.address), credentials: async () => [{type: 'password' as const, password: 'wrong', label: 'password'}]};
		const session = manager.open(spec);
		const state = await waitUntil(() => (session.connection.state.kind === 'disconnected' ? session.connection.state : undefined), 'auth failure');
		expect(state.retriable).toBe(false);
		expect(state.retryAt).toBeUndefined();
		expect(state.reason).toMatch(/Authentication failed for azureuser@jump-01; tried password/);
	});
});
