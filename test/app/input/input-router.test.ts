import {PassThrough} from 'node:stream';
import {describe, expect, it, vi} from 'vitest';
import {InputRouter, type KeystrokeSink, type RouteTarget} from '../../../source/app/input/input-router.js';
import type {MouseEvent} from '../../../source/core/terminal/mouse.js';

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
	it('hands typed text to the focused session in one write, as the bytes read, and never to the views', () => {
		const {router, sessions, appKeys} = harness();
		const writes: Buffer[] = [];
		sessions[0]!.sendInput = (data: Buffer) => writes.push(data);
		const chunk = Buffer.from('ls -l \xc3\xa9', 'latin1');
		router.feed(chunk);
		router.feed(Buffer.from('x'));
		expect(writes.map(data => data.toString('latin1'))).toEqual(['ls -l \xc3\xa9', 'x']);
		expect(appKeys).toEqual([]);
		// The prefix or an escape sequence in a read takes the full routing: a typed Escape still arrives whole.
		router.feed(Buffer.from('a\x1b[Ab'));
		expect(writes.slice(2).map(data => data.toString('latin1')).join('')).toBe('a\x1b[Ab');
	});

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

describe('InputRouter: mouse reports', () => {
	function withMouse() {
		const h = harness();
		const events: MouseEvent[] = [];
		h.router.mouseTo(event => events.push(event));
		return {...h, events};
	}

	it('takes a report out of typed bytes whole: the session never sees it, the handler gets it parsed', () => {
		const {router, sessions, events} = withMouse();
		router.feed(Buffer.from('ab\x1b[<0;10;5Mcd\x1b[<0;10;5m'));
		expect(sessions[0]!.received).toBe('abcd');
		expect(events.map(e => `${e.kind} ${e.button} ${e.x},${e.y}`)).toEqual(['press left 9,4', 'release left 9,4']);
	});

	it('reads the old X10 reports of a terminal without SGR mode, so a click is never typed into the shell', () => {
		const {router, sessions, events} = withMouse();
		// Press left at column 10, row 5; drag to 11,5; release (X10 does not say which button); wheel down; one
		// report cut across two reads.
		const x10 = (code: number, column: number, row: number) => `\x1b[M${String.fromCharCode(code + 32, column + 32, row + 32)}`;
		router.feed(Buffer.from(`ab${x10(0, 10, 5)}cd${x10(32, 11, 5)}${x10(3, 11, 5)}${x10(65, 2, 2)}`, 'latin1'));
		const cut = x10(0, 200, 40);
		router.feed(Buffer.from(`e${cut.slice(0, 4)}`, 'latin1'));
		router.feed(Buffer.from(`${cut.slice(4)}f`, 'latin1'));
		expect(sessions[0]!.received).toBe('abcdef');
		expect(events.map(e => `${e.kind} ${e.button} ${e.x},${e.y}`)).toEqual([
			'press left 9,4',
			'drag left 10,4',
			'release left 10,4',
			'wheel-down none 1,1',
			'press left 199,39',
		]);
	});

	it('never hands a report to the views (Ink would read it as keys)', async () => {
		const {router, appKeys, events, state, settle} = withMouse();
		state.view = 'browser';
		router.feed(Buffer.from('j\x1b[<64;3;3Mk'));
		await settle();
		expect(appKeys).toEqual(['j', 'k']);
		expect(events.map(e => e.kind)).toEqual(['wheel-up']);
	});

	it('a click while the prefix waits cancels nothing: the next key is still the command', () => {
		const {router, sessions, commands, events} = withMouse();
		router.feed(Buffer.from('\x02\x1b[<0;1;1M\x1b[<0;1;1mn'));
		expect(events).toHaveLength(2);
		expect(commands).toEqual(['n']);
		expect(sessions[0]!.received).toBe('');
	});

	it('keeps the prefix pending for the pane a click focused', () => {
		const {router, commands, events, state, sessions} = withMouse();
		router.mouseTo(event => {
			events.push(event);
			state.focused = 2;
		});
		router.feed(Buffer.from('\x02\x1b[<0;1;1Mp'));
		expect(commands).toEqual(['p']);
		expect(sessions[2]!.received).toBe('');
	});

	it('inside a bracketed paste a report is pasted text', () => {
		const {router, sessions, events} = withMouse();
		router.feed(Buffer.from('\x1b[200~x\x1b[<0;1;1My\x1b[201~'));
		expect(events).toEqual([]);
		expect(sessions[0]!.received).toBe('\x1b[200~x\x1b[<0;1;1My\x1b[201~');
	});

	it('joins a report cut by a read, and a report it has no use for (sideways wheel) is swallowed too', () => {
		const {router, sessions, events} = withMouse();
		router.feed(Buffer.from('ls\x1b[<0;1'));
		expect(sessions[0]!.received).toBe('ls');
		router.feed(Buffer.from('2;7M\x1b[<66;1;1M\r'));
		expect(sessions[0]!.received).toBe('ls\r');
		expect(events.map(e => `${e.kind} ${e.x},${e.y}`)).toEqual(['press 11,6']);
	});

	it('what only looked like the start of a report is typed once no rest comes', () => {
		vi.useFakeTimers();
		try {
			const {router, sessions, events} = withMouse();
			router.feed(Buffer.from('\x1b[<1'));
			expect(sessions[0]!.received).toBe('');
			vi.advanceTimersByTime(20);
			expect(sessions[0]!.received).toBe('');
			vi.advanceTimersByTime(100);
			expect(sessions[0]!.received).toBe('\x1b[<1');
			expect(events).toEqual([]);
		} finally {
			vi.useRealTimers();
		}
	});

	it('without a mouse handler reports are bytes like any others (mouse off in settings.json)', () => {
		const {router, sessions} = harness();
		router.feed(Buffer.from('a\x1b[<0;1;1Mb'));
		expect(sessions[0]!.received).toBe('a\x1b[<0;1;1Mb');
	});
});
