import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {InputRouter, type KeystrokeSink, type RouteTarget} from '../../../source/app/input/input-router.js';

/** A session that records what it was sent. */
function sink(name: string): KeystrokeSink & {name: string; received: string} {
	const s = {
		name,
		received: '',
		sendInput(data: Buffer) {
			s.received += data.toString('latin1');
		},
	};
	return s;
}

/** A router over a tiny model of the app: which view has the keyboard and which session is focused. */
function harness() {
	const sessions = [sink('s0'), sink('s1'), sink('s2')];
	const state = {view: 'sessions' as 'sessions' | 'picker' | 'browser' | 'dialog', focused: 0};
	const appKeys: string[] = [];
	const appInput = new PassThrough({objectMode: true});
	const commands: string[] = [];
	const router = new InputRouter(appInput, 0x02);
	router.dispatchTo({
		prefixKey: key => {
			commands.push(key);
			// The commands the app runs synchronously (the command table's session commands).
			if (key === 'n') state.focused = (state.focused + 1) % sessions.length;
			if (key === 'p') state.focused = (state.focused + sessions.length - 1) % sessions.length;
			if (/^[0-9]$/.test(key)) state.focused = Number(key);
			if (key === 'w') state.view = 'picker';
			if (key === 'd') state.view = 'browser';
			// send-prefix: the prefix typed twice sends it to the session.
			if (key === 'C-b' && state.view === 'sessions') sessions[state.focused]!.sendInput(Buffer.from([0x02]));
		},
		plainKey: () => false,
	});
	// The picker, as the views would handle keys: a digit focuses that session and shows the sessions.
	appInput.on('data', (key: string) => {
		appKeys.push(key);
		if (state.view === 'picker' && /^[0-9]$/.test(key)) {
			state.focused = Number(key);
			state.view = 'sessions';
		}
	});
	router.follow((): RouteTarget => ({inputSession: state.view === 'sessions' ? sessions[state.focused] : undefined, prefixInAppMode: true, plainKeys: undefined}));
	const settle = async () => {
		for (let i = 0; i < 200; i++) await new Promise(done => setTimeout(done, 0));
	};
	return {router, sessions, state, appKeys, commands, settle};
}

describe('InputRouter', () => {
	it('sends the rest of a chunk to the session a prefix command switched to (Ctrl-b p then a tag, one read)', () => {
		const {router, sessions} = harness();
		router.feed(Buffer.from('abc\x02necho tag1\r\x02pecho tag0\r'));
		expect(sessions[0]!.received).toBe('abcecho tag0\r');
		expect(sessions[1]!.received).toBe('echo tag1\r');
	});

	it('sends keys typed after a picker choice to the chosen session, even when they arrive with the choice', async () => {
		const {router, sessions, appKeys, settle} = harness();
		router.feed(Buffer.from('\x02w2echo tag2\r'));
		await settle();
		expect(appKeys).toEqual(['2']);
		expect(sessions[2]!.received).toBe('echo tag2\r');
		expect(sessions[0]!.received).toBe('');
	});

	it('still recognises the prefix in keys handed back from the views to a session', async () => {
		const {router, sessions, settle} = harness();
		router.feed(Buffer.from('\x02w1one\x02ntwo'));
		await settle();
		expect(sessions[1]!.received).toBe('one');
		expect(sessions[2]!.received).toBe('two');
	});

	it('keeps the order of keys queued for the views and bytes typed after them', async () => {
		const {router, sessions, appKeys, settle, state} = harness();
		state.view = 'browser';
		router.feed(Buffer.from('jk'));
		state.view = 'sessions';
		router.feed(Buffer.from('ls\r'));
		await settle();
		// "j" was already with the views; "k" had not been delivered when the session took the keyboard.
		expect(appKeys).toEqual(['j']);
		expect(sessions[0]!.received).toBe('kls\r');
	});

	it('drops a pending prefix when something else takes the keyboard before the command key', () => {
		const {router, sessions, state, commands, appKeys} = harness();
		router.feed(Buffer.from('\x02'));
		state.view = 'dialog';
		router.feed(Buffer.from('y'));
		expect(commands).toEqual([]);
		expect(appKeys).toEqual(['y']);
		expect(sessions[0]!.received).toBe('');
	});

	it('passes a prefix byte inside a bracketed paste to the session, and a doubled prefix as the send-prefix key', () => {
		const {router, sessions, commands} = harness();
		router.feed(Buffer.from('\x1b[200~a\x02nb\x1b[201~\x02\x02'));
		expect(commands).toEqual(['C-b']);
		expect(sessions[0]!.received).toBe('\x1b[200~a\x02nb\x1b[201~\x02');
	});

	it('hands the views decoded keys without paste markers', async () => {
		const {router, appKeys, state, settle} = harness();
		state.view = 'browser';
		router.feed(Buffer.from('\x1b[200~é\x1b[201~\x1b[A', 'utf8'));
		await settle();
		expect(appKeys).toEqual(['é', '\x1b[A']);
	});
});
