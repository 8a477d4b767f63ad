import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {deriveFocus} from '../../../source/app/focus/derive-focus.js';
import {InputRouter} from '../../../source/app/input/input-router.js';
import type {ShellSession} from '../../../source/core/session/shell-session.js';
import {PASTE_END, PASTE_START} from '../../../source/core/terminal/input.js';

interface FakeSession {
	label: string;
	connection: {state: {kind: string}};
	state: {kind: string};
	/** Every sendInput call, in order. */
	calls: string[];
	sendInput(data: Buffer): void;
}

function fake(label: string, kind = 'open'): FakeSession {
	const s: FakeSession = {
		label,
		connection: {state: {kind}},
		state: {kind: 'running'},
		calls: [],
		sendInput(data) {
			s.calls.push(data.toString('latin1'));
		},
	};
	return s;
}

/** The router over the app's real focus derivation, with broadcast state and sessions that record what they get. */
function harness(kinds: string[] = ['open', 'open', 'open']) {
	const fakes = kinds.map((kind, i) => fake(`s${i}`, kind));
	const sessions = fakes as unknown as ShellSession[];
	const state = {focused: 0, on: true, marked: new Set<ShellSession>(), view: 'sessions' as 'sessions' | 'browser'};
	const order: string[] = [];
	for (const f of fakes) {
		const send = f.sendInput.bind(f);
		f.sendInput = data => {
			order.push(f.label);
			send(data);
		};
	}
	const prefixKeys: string[] = [];
	const router = new InputRouter(new PassThrough({objectMode: true}), 0x02);
	router.dispatchTo({
		prefixKey: key => {
			prefixKeys.push(key);
			if (key === 'b') state.on = !state.on;
			if (key === 'n') state.focused = (state.focused + 1) % sessions.length;
		},
		plainKey: () => false,
	});
	router.follow(() =>
		deriveFocus({
			view: state.view,
			dialog: undefined,
			focused: sessions[state.focused],
			tooSmall: false,
			filtering: false,
			broadcast: {on: state.on, marked: state.marked, sessions},
		}),
	);
	return {router, fakes, sessions, state, order, prefixKeys};
}

const received = (f: FakeSession) => f.calls.join('');

describe('broadcast input routing', () => {
	it('sends a typed key to every target exactly once, the focused session first, then in tab order', () => {
		const {router, fakes, state, order} = harness();
		state.focused = 1;
		router.feed(Buffer.from('x'));
		expect(fakes.map(f => f.calls)).toEqual([['x'], ['x'], ['x']]);
		expect(order).toEqual(['s1', 's0', 's2']);
	});

	it('keeps the order of keys across chunks in every target, and never copies the prefix or its command', () => {
		const {router, fakes, prefixKeys} = harness();
		router.feed(Buffer.from('echo hi-'));
		router.feed(Buffer.from('$((6*7))\x02n\r'));
		expect(prefixKeys).toEqual(['n']);
		for (const f of fakes) expect(received(f)).toBe('echo hi-$((6*7))\r');
	});

	it('copies a bracketed paste whole (markers included) to every target, a prefix byte inside it too', () => {
		const {router, fakes, prefixKeys} = harness();
		const paste = `${PASTE_START}line one\x02\nline two${PASTE_END}`;
		router.feed(Buffer.from(paste.slice(0, 10)));
		router.feed(Buffer.from(paste.slice(10)));
		expect(prefixKeys).toEqual([]);
		for (const f of fakes) expect(received(f)).toBe(paste);
	});

	it('goes only to the marked sessions and the focused one when some are marked', () => {
		const {router, fakes, sessions, state} = harness(['open', 'open', 'open', 'open']);
		state.marked = new Set([sessions[2]!, sessions[3]!]);
		router.feed(Buffer.from('ls\r'));
		expect(fakes.map(received)).toEqual(['ls\r', '', 'ls\r', 'ls\r']);
	});

	it('skips sessions that are not connected', () => {
		const {router, fakes} = harness(['open', 'disconnected', 'connecting', 'open']);
		router.feed(Buffer.from('uptime\r'));
		expect(fakes.map(received)).toEqual(['uptime\r', '', '', 'uptime\r']);
	});

	it('stops copying as soon as prefix b turns it off, within the same chunk', () => {
		const {router, fakes} = harness();
		router.feed(Buffer.from('a\x02bz'));
		expect(fakes.map(received)).toEqual(['az', 'a', 'a']);
		router.feed(Buffer.from('\x02bq'));
		expect(fakes.map(received)).toEqual(['azq', 'aq', 'aq']);
	});

	it('copies nothing while the views have the keyboard', () => {
		const {router, fakes, state} = harness();
		state.view = 'browser';
		router.feed(Buffer.from('j'));
		expect(fakes.map(received)).toEqual(['', '', '']);
	});
});
