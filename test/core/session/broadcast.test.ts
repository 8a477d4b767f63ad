import {describe, expect, it} from 'vitest';
import {BroadcastState, broadcastTargets, canReceiveInput} from '../../../source/core/session/broadcast.js';
import type {ShellSession} from '../../../source/core/session/shell-session.js';

type Kind = 'open' | 'disconnected' | 'connecting' | 'exited';

/** Just what the target set reads of a session: its connection's state and its shell's. */
function session(name: string, kind: Kind = 'open'): ShellSession {
	const connection = {state: {kind: kind === 'exited' ? 'open' : kind}};
	return {label: name, connection, state: {kind: kind === 'exited' ? 'exited' : 'running'}} as unknown as ShellSession;
}

const names = (list: readonly ShellSession[]) => list.map(s => s.label);

describe('broadcast targets', () => {
	const [a, b, c, d] = [session('a'), session('b'), session('c'), session('d')];
	const sessions = [a, b, c, d];

	it('with nothing marked: every session, in tab order, the focused one included', () => {
		const targets = broadcastTargets({sessions, focused: c, marked: new Set()});
		expect(targets.scope).toBe('all');
		expect(names(targets.receivers)).toEqual(['a', 'b', 'c', 'd']);
		expect(targets.skipped).toEqual([]);
	});

	it('with sessions marked: those and the focused one (you see what you type), in tab order', () => {
		const targets = broadcastTargets({sessions, focused: a, marked: new Set([d, b])});
		expect(targets.scope).toBe('marked');
		expect(names(targets.receivers)).toEqual(['a', 'b', 'd']);
		expect(names(broadcastTargets({sessions, focused: b, marked: new Set([d, b])}).receivers)).toEqual(['b', 'd']);
	});

	it('skips sessions that are not connected (dropped, still connecting, exited) and names them', () => {
		const down = session('down', 'disconnected');
		const dialing = session('dialing', 'connecting');
		const gone = session('gone', 'exited');
		const all = [a, down, dialing, gone, b];
		const targets = broadcastTargets({sessions: all, focused: a, marked: new Set()});
		expect(names(targets.receivers)).toEqual(['a', 'b']);
		expect(names(targets.skipped)).toEqual(['down', 'dialing', 'gone']);
		expect([down, dialing, gone].map(canReceiveInput)).toEqual([false, false, false]);
		// Marked but down: skipped too; unmarked ones are not in scope at all.
		const marked = broadcastTargets({sessions: all, focused: a, marked: new Set([down, b])});
		expect(names(marked.receivers)).toEqual(['a', 'b']);
		expect(names(marked.skipped)).toEqual(['down']);
	});

	it('ignores marks of sessions that are gone, and falls back to the group when none is left', () => {
		const closed = session('closed');
		const targets = broadcastTargets({sessions, focused: a, marked: new Set([closed])});
		expect(targets.scope).toBe('all');
		expect(targets.receivers).toHaveLength(4);
	});

	it('uses the group it is given when nothing is marked (the focused tab’s panes, once tabs hold panes)', () => {
		const targets = broadcastTargets({sessions, focused: a, marked: new Set(), unmarkedGroup: [a, c]});
		expect(names(targets.receivers)).toEqual(['a', 'c']);
	});
});

describe('BroadcastState', () => {
	it('toggles, marks and unmarks, forgets closed sessions, and says so each time', () => {
		const state = new BroadcastState();
		let changes = 0;
		state.on('change', () => changes++);
		const [a, b] = [session('a'), session('b')];
		expect(state.active).toBe(false);
		expect(state.toggle()).toBe(true);
		expect(state.toggleMark(a)).toBe(true);
		expect(state.toggleMark(b)).toBe(true);
		expect(state.toggleMark(a)).toBe(false);
		expect([...state.marked]).toEqual([b]);
		state.prune([a]);
		expect(state.marked.size).toBe(0);
		state.prune([a]);
		expect(changes).toBe(5);
	});
});
