import {stripVTControlCharacters} from 'node:util';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {TabBar, tabPositions, tabWindow, type TabPosition} from '../../../source/app/components/TabBar.js';
import type {SessionRecorder} from '../../../source/core/recording/session-recorder.js';
import {BroadcastState} from '../../../source/core/session/broadcast.js';
import {SessionWindow} from '../../../source/core/session/session-window.js';
import {SessionManager} from '../../../source/core/session/session-manager.js';
import type {ShellSession} from '../../../source/core/session/shell-session.js';

afterEach(() => cleanup());

/**
 * What the tab bar reads of a session manager: tabs (real SessionWindows) of sessions with a label and
 * states, and the active tab. `tabs` groups the sessions' indexes into tabs (default: one tab each).
 */
function managerOf(list: unknown[], activeWindowIndex: number, tabs: number[][] = list.map((_, i) => [i])): SessionManager {
	const windows = tabs.map(indexes => {
		const window = new SessionWindow(list[indexes[0]!]);
		for (const index of indexes.slice(1)) window.split(window.active, list[index], 'side-by-side', {x: 0, y: 0, cols: 200, rows: 50});
		window.activate(list[indexes[0]!]);
		return window;
	});
	return {
		sessions: windows.flatMap(window => window.panes),
		windows,
		activeWindowIndex,
		activeWindow: windows[activeWindowIndex],
		focused: windows[activeWindowIndex]?.active,
		broadcast: new BroadcastState(),
		// The real rule, over this stand-in's tabs.
		broadcastTargets(this: SessionManager) {
			return SessionManager.prototype.broadcastTargets.call(this);
		},
	} as unknown as SessionManager;
}

function sessions(count: number, focusedIndex: number, tabs?: number[][]): SessionManager {
	const list = Array.from({length: count}, (_, i) => ({
		id: `s${i}`,
		label: `web-${String(i).padStart(2, '0')}`,
		state: {kind: 'running'},
		connection: {state: {kind: 'open'}, spec: {}},
	}));
	return managerOf(list, focusedIndex, tabs);
}

function bar(count: number, focused: number, width: number): string {
	const {lastFrame, unmount} = render(<TabBar manager={sessions(count, focused)} width={width} prefixPending={false} prefixLabel="Ctrl-b" />);
	const text = stripVTControlCharacters(lastFrame() ?? '');
	unmount();
	return text;
}

describe('TabBar with more sessions than fit', () => {
	it('keeps the focused tab on the bar, with markers for the tabs off each side', () => {
		const last = bar(12, 11, 100);
		expect(last).toContain('11:web-11');
		expect(last).toMatch(/‹ \d+ more/);
		expect(last).not.toContain('more ›');

		const first = bar(12, 0, 100);
		expect(first).toContain('0:web-00');
		expect(first).toMatch(/\d+ more ›/);
		expect(first).not.toContain('‹');

		const middle = bar(12, 6, 100);
		expect(middle).toContain('6:web-06');
		expect(middle).toMatch(/‹ \d+ more .*\d+ more ›/);
	});

	it('the markers count the hidden tabs exactly, at every focus and width', () => {
		for (const width of [40, 60, 80, 120]) {
			for (let focused = 0; focused < 12; focused++) {
				const text = bar(12, focused, width).split('\n')[0]!;
				expect(text, `width ${width}, focus ${focused}`).toContain(`${focused}:web-${String(focused).padStart(2, '0')}`);
				const shown = [...text.matchAll(/(\d+):web-/g)].length;
				const left = Number(/‹ ?(\d+)/.exec(text)?.[1] ?? 0);
				const right = Number(/(\d+)(?: more )?›/.exec(text)?.[1] ?? 0);
				expect(left + shown + right, text).toBe(12);
				expect(text.length).toBeLessThanOrEqual(width);
			}
		}
	});

	it('shows every tab and no marker when they fit', () => {
		const text = bar(3, 1, 120);
		expect(text).toContain('0:web-00');
		expect(text).toContain('2:web-02');
		expect(text).not.toContain('more');
	});

	it('tabWindow: the window always holds the focus and stays within the room', () => {
		const costs = Array.from({length: 20}, (_, i) => 8 + (i % 5));
		for (let focused = 0; focused < costs.length; focused++) {
			for (const room of [10, 30, 57, 200]) {
				const {start, end} = tabWindow(costs, focused, room);
				expect(start).toBeLessThanOrEqual(focused);
				expect(end).toBeGreaterThan(focused);
			}
		}
		expect(tabWindow(costs, 3, 1000)).toMatchObject({start: 0, end: 20});
		expect(tabWindow([], 0, 50)).toMatchObject({start: 0, end: 0});
	});
});

describe('TabBar login identity', () => {
	function withLogin(user: string, validUntil: number | undefined, width: number, raw = false): string {
		const session = {id: 's0', label: 'app-01', state: {kind: 'running'}, connection: {state: {kind: 'open', since: 0, login: {user, validUntil, via: 'Microsoft Entra ID certificate'}}, spec: {}}};
		const manager = managerOf([session], 0);
		const {lastFrame, unmount} = render(<TabBar manager={manager} width={width} prefixPending={false} prefixLabel="Ctrl-b" />);
		const text = raw ? (lastFrame() ?? '') : stripVTControlCharacters(lastFrame() ?? '');
		unmount();
		return text;
	}

	it('names who the focused session is logged in as and until when, dropping it when narrow or expired', () => {
		const until = new Date(2026, 11, 2, 14, 32).getTime();
		const realNow = Date.now;
		Date.now = () => until - 30 * 60_000;
		try {
			expect(withLogin('alice@contoso.com', until, 120)).toMatch(/0:app-01 .*alice@contoso\.com until 14:32 · Ctrl-b \? help/);
			expect(withLogin('alice@contoso.com', until, 50)).not.toContain('alice');
			Date.now = () => until + 1;
			const expired = withLogin('alice@contoso.com', until, 120);
			expect(expired).toContain('alice@contoso.com ·');
			expect(expired).not.toMatch(/until|expired/);
			// A principal is text from a server: control characters never reach the terminal.
			const hostile = withLogin('evil\x1b]0;pwned\x07@contoso.com', until, 120, true);
			expect(hostile).toContain('evil@contoso.com');
			expect(hostile).not.toContain('\x1b]0;');
			expect(hostile).not.toContain('\x07');
		} finally {
			Date.now = realNow;
		}
	});
});

describe('TabBar recording marks', () => {
	it('marks a recorded tab with ● REC, says when the Bastion records too, and shows a flash on the right', () => {
		const recorded = {id: 's0', label: 'app-01', state: {kind: 'running'}, connection: {state: {kind: 'open', since: 0}, spec: {bastionRecords: true}}};
		const other = {id: 's1', label: 'web-01', state: {kind: 'running'}, connection: {state: {kind: 'open', since: 0}, spec: {}}};
		const manager = managerOf([recorded, other], 0);
		const recorder = {recordingOf: (session: unknown) => (session === recorded ? {path: '/r/app-01.cast', startedAt: 0, input: false} : undefined)} as unknown as SessionRecorder;
		const draw = (flash?: {text: string; tone: 'info' | 'error'}) => {
			const {lastFrame, unmount} = render(<TabBar manager={manager} width={120} prefixPending={false} prefixLabel="Ctrl-b" recorder={recorder} flash={flash} />);
			const text = stripVTControlCharacters(lastFrame() ?? '');
			unmount();
			return text;
		};
		const text = draw();
		expect(text).toMatch(/0:app-01 +● REC +● 1:web-01 +Bastion records · Ctrl-b \? help/);
		expect(text.match(/REC/g)).toHaveLength(1);
		expect(draw({text: 'Recording of app-01 stopped', tone: 'info'})).toMatch(/Recording of app-01 stopped · Ctrl-b \? help/);
	});

	it('shows running file transfers as ⇅ with their count and progress, also beside a flash', () => {
		const manager = managerOf([{id: 's0', label: 'web-01', state: {kind: 'running'}, connection: {state: {kind: 'open', since: 0}, spec: {}}}], 0);
		const draw = (transfers?: {active: number; bytesDone: number; bytesTotal: number}, flash?: {text: string; tone: 'info' | 'error'}) => {
			const {lastFrame, unmount} = render(<TabBar manager={manager} width={120} prefixPending={false} prefixLabel="Ctrl-b" transfers={transfers} flash={flash} />);
			const text = stripVTControlCharacters(lastFrame() ?? '');
			unmount();
			return text;
		};
		expect(draw({active: 2, bytesDone: 41, bytesTotal: 100})).toMatch(/ ⇅ 2 41% · Ctrl-b \? help/);
		expect(draw({active: 0, bytesDone: 0, bytesTotal: 0})).not.toContain('⇅');
		expect(draw({active: 1, bytesDone: 5, bytesTotal: 0})).toMatch(/ ⇅ 1 · Ctrl-b/);
		expect(draw({active: 1, bytesDone: 50, bytesTotal: 100}, {text: 'Recording stopped', tone: 'info'})).toMatch(/Recording stopped · ⇅ 1 50% · Ctrl-b \? help/);
	});
});

describe('TabBar while broadcasting', () => {
	function draw(manager: SessionManager, width = 120): string {
		const {lastFrame, unmount} = render(<TabBar manager={manager} width={width} prefixPending={false} prefixLabel="Ctrl-b" />);
		const text = stripVTControlCharacters(lastFrame() ?? '');
		unmount();
		return text;
	}

	it('marks tabs, shows a loud banner with the count and scope, a » on receivers and "skipped" on those not connected', () => {
		const manager = sessions(3, 0);
		const [s0, s1, s2] = manager.sessions as unknown as Array<{connection: {state: {kind: string}}}>;
		manager.broadcast.toggleMark(s1 as unknown as ShellSession);
		expect(draw(manager)).toMatch(/● ◆1:web-01/);
		expect(draw(manager)).not.toContain('BROADCAST');

		manager.broadcast.toggle();
		expect(draw(manager)).toMatch(/BROADCAST → 2 marked .*● »0:web-00 .*● »◆1:web-01 .*● 2:web-02 /);
		manager.broadcast.toggleMark(s1 as unknown as ShellSession);
		// Nothing marked: the focused tab's panes, and this tab has one.
		expect(draw(manager)).toContain('BROADCAST → 1 pane of this tab ');
		expect(s0).toBeDefined();
		expect(s2).toBeDefined();
	});

	it('with nothing marked reaches the panes of the focused tab, and a tab shows when one of its panes is skipped', () => {
		// Tab 0: web-00 beside web-02; tab 1: web-01; tab 2: web-03.
		const manager = sessions(4, 0, [[0, 2], [1], [3]]);
		const byLabel = (label: string) => (manager.sessions as unknown as Array<{label: string; connection: {state: {kind: string}}}>).find(s => s.label === label)!;
		const [s2, s3] = [byLabel('web-02'), byLabel('web-03')];
		manager.broadcast.toggle();
		expect(draw(manager)).toMatch(/BROADCAST → 2 panes of this tab .*● »0:web-00 \[2\] .*● 1:web-01 /);
		s2.connection.state = {kind: 'disconnected'};
		s3.connection.state = {kind: 'disconnected'};
		const skipped = draw(manager, 160);
		expect(skipped).toContain('BROADCAST → 1 pane of this tab · 1 skipped');
		expect(skipped).toMatch(/»0:web-00 \[2\] skipped/);
		// Another tab's disconnected session is outside the scope: not skipped.
		expect(skipped).toMatch(/○ 2:web-03 disconnected/);
		expect(skipped).not.toMatch(/web-03 disconnected skipped/);
	});
});

describe('TabBar: where the mouse finds each tab (tabPositions)', () => {
	it('reports the columns each tab is drawn at, scrolled or not, with the broadcast banner on', () => {
		for (const [count, focused, width, broadcasting] of [
			[3, 1, 120, false],
			[12, 6, 100, false],
			[12, 11, 60, true],
			[12, 0, 40, false],
		] as const) {
			const manager = sessions(count, focused);
			if (broadcasting) manager.broadcast.toggle();
			let reported: readonly TabPosition[] = [];
			const {lastFrame, unmount} = render(<TabBar manager={manager} width={width} prefixPending={false} prefixLabel="Ctrl-b" onLayout={tabs => (reported = tabs)} />);
			const text = stripVTControlCharacters(lastFrame() ?? '').split('\n')[0]!;
			unmount();
			expect(reported.length, text).toBeGreaterThan(0);
			expect(reported.some(tab => tab.index === focused)).toBe(true);
			for (const tab of reported) {
				// Each tab's columns hold its label, as drawn (" ● 3:web-03 ", " ● »3:web-03 " while broadcasting).
				expect(text.slice(tab.from, tab.to), text).toBe(` ● ${broadcasting ? '»' : ''}${tab.index}:web-${String(tab.index).padStart(2, '0')} `);
			}
		}
	});

	it('tabPositions: after the lead and the left marker, one tab after another', () => {
		expect(tabPositions([5, 7, 6], {start: 0, end: 3, markers: 'long'}, 6)).toEqual([
			{index: 0, from: 6, to: 11},
			{index: 1, from: 11, to: 18},
			{index: 2, from: 18, to: 24},
		]);
		// "‹ 4 more " is 9 columns.
		expect(tabPositions([5, 5, 5, 5, 5, 5], {start: 4, end: 6, markers: 'long'}, 6)).toEqual([
			{index: 4, from: 15, to: 20},
			{index: 5, from: 20, to: 25},
		]);
	});
});
