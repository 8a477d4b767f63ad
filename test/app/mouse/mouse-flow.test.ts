import {EventEmitter} from 'node:events';
import {afterEach, describe, expect, it} from 'vitest';
import {tabPositions, tabWindow} from '../../../source/app/components/TabBar.js';
import type {Dialog} from '../../../source/app/dialogs/dialog-types.js';
import {CopyModeFlow} from '../../../source/app/copy-mode/copy-mode-flow.js';
import {UiState} from '../../../source/app/focus/ui-state.js';
import {MouseFlow, WHEEL_LINES} from '../../../source/app/mouse/mouse-flow.js';
import {TabHits} from '../../../source/app/mouse/tab-hits.js';
import {PanePainter} from '../../../source/app/screen/pane-painter.js';
import type {SessionManager} from '../../../source/core/session/session-manager.js';
import type {ShellSession} from '../../../source/core/session/shell-session.js';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {parseSgrMouseReport} from '../../../source/core/terminal/mouse.js';
import {fakeStdout} from '../../helpers/fake-stdout.js';

const COLS = 30;
const ROWS = 5;
/** The pane starts on the screen's second row, under the tab bar. */
const TOP = 1;

type FakeSession = EventEmitter & {terminal: TerminalEmulator; receivedBytes: number; typed: string[]; sendInput(data: Buffer): void};

/** A session over a real emulator (what the painter, copy mode and the encoder read), recording the bytes sent to it. */
function makeSession(): FakeSession {
	const terminal = new TerminalEmulator({cols: COLS, rows: ROWS, scrollback: 100});
	const session: FakeSession = Object.assign(new EventEmitter(), {
		terminal,
		receivedBytes: 0,
		typed: [] as string[],
		sendInput: (data: Buffer) => void session.typed.push(data.toString('latin1')),
	});
	terminal.onChange(() => session.emit('change'));
	return session;
}

/** The app around the mouse: two sessions, the real painter (the hit test), copy mode, the tab bar's hits. */
async function setup() {
	const sessions = [makeSession(), makeSession()];
	const out = fakeStdout({columns: COLS, rows: ROWS + 2});
	const painter = new PanePainter(out, 60);
	const manager = {
		sessions,
		focusedIndex: 0,
		/** One pane per tab here: the tab's index is the session's. */
		get activeWindowIndex() {
			return this.focusedIndex;
		},
		get focused() {
			return sessions[this.focusedIndex];
		},
		focus(index: number) {
			this.focusedIndex = index;
			painter.setSession(sessions[index] as unknown as ShellSession);
			this.events.emit('change');
		},
		focusSession(session: ShellSession) {
			this.focus(sessions.indexOf(session as unknown as FakeSession));
		},
		inputReceivers() {
			return [this.focused];
		},
		// Copy mode listens for focus changes; the focus changes here go through focus() above.
		events: new EventEmitter(),
		on(event: string, listener: () => void) {
			this.events.on(event, listener);
		},
	};
	painter.setSession(sessions[0] as unknown as ShellSession);
	painter.setRegion({top: TOP, cols: COLS, rows: ROWS});
	painter.setVisible(true);
	const ui = new UiState();
	ui.setView('sessions');
	let clipboard = '';
	const copyMode = new CopyModeFlow({
		manager: manager as unknown as SessionManager,
		ui,
		painter,
		terminal: {write: (data: string) => (clipboard += data)},
		clipboard: 'osc52',
		program: undefined,
	});
	const tabs = new TabHits();
	// Two tabs of 10 columns after ' vmux ', as the TabBar reports them.
	tabs.drawn(tabPositions([10, 10], tabWindow([10, 10], 0, 60), 6));
	const browserMoves: number[] = [];
	const mouse = new MouseFlow({
		ui,
		manager: manager as unknown as SessionManager,
		focusTab: index => manager.focus(index),
		copyMode,
		panes: painter,
		tabs,
		browser: {move: delta => void browserMoves.push(delta)},
	});
	/** Feeds one SGR report as the user's terminal sends it (1-based cell of the user's screen). */
	const report = (sgr: string) => mouse.handle(parseSgrMouseReport(sgr)!);
	const write = async (index: number, data: string) => {
		sessions[index]!.terminal.write(data);
		await sessions[index]!.terminal.flush();
	};
	const dispose = () => {
		painter.dispose();
		for (const session of sessions) session.terminal.dispose();
	};
	return {sessions, manager, painter, ui, copyMode, mouse, report, write, clipboard: () => clipboard, browserMoves, dispose};
}

describe('the mouse in the app', () => {
	const cleanups: Array<() => void> = [];
	afterEach(() => {
		for (const cleanup of cleanups.splice(0)) cleanup();
	});

	it('sends a click to a remote that asked for the mouse, at the pane cell (the tab bar row taken off), in its encoding', async () => {
		const app = await setup();
		cleanups.push(app.dispose);
		await app.write(0, '\x1b[?1000h\x1b[?1006h');
		// Screen column 10, row 5 (1-based) is the pane's column 10, row 4.
		app.report('\x1b[<0;10;5M');
		app.report('\x1b[<32;11;5M');
		app.report('\x1b[<0;11;5m');
		// 1000 reports no drags; the release goes where the press went.
		expect(app.sessions[0]!.typed).toEqual(['\x1b[<0;10;4M', '\x1b[<0;11;4m']);
		// The X10 bytes when the remote did not ask for SGR; drags once it asks for 1002; a drag that leaves the pane is clamped to it.
		app.sessions[0]!.typed = [];
		await app.write(0, '\x1b[?1006l\x1b[?1002h');
		app.report('\x1b[<2;3;2M');
		app.report('\x1b[<34;3;40M');
		app.report('\x1b[<2;3;40m');
		expect(app.sessions[0]!.typed).toEqual(['\x1b[M"#!', '\x1b[MB#%', '\x1b[M##%']);
		// The tab bar row is not the pane: nothing is sent.
		app.sessions[0]!.typed = [];
		app.report('\x1b[<0;3;1M');
		expect(app.sessions[0]!.typed).toEqual([]);
	});

	it('a click on a tab focuses it, and leaves copy mode on the tab it leaves', async () => {
		const app = await setup();
		cleanups.push(app.dispose);
		// The second tab is drawn at columns 16-25 (0-based).
		app.report('\x1b[<0;16;1M');
		expect(app.manager.focusedIndex).toBe(0);
		app.report('\x1b[<0;17;1M');
		app.report('\x1b[<0;17;1m');
		expect(app.manager.focusedIndex).toBe(1);
		app.copyMode.enter();
		expect(app.ui.view).toBe('copy-mode');
		app.report('\x1b[<0;7;1M');
		expect(app.manager.focusedIndex).toBe(0);
		expect(app.ui.view).toBe('sessions');
		expect(app.copyMode.active).toBeUndefined();
	});

	it('the wheel enters copy mode and scrolls 3 lines a notch when the remote did not ask for the mouse; down to the bottom leaves it', async () => {
		const app = await setup();
		cleanups.push(app.dispose);
		await app.write(0, Array.from({length: 20}, (_, i) => `line ${i}`).join('\r\n'));
		// Where copy mode's view starts when entered from the keys.
		app.copyMode.enter();
		const start = app.copyMode.cellAt(0, 0)!.line;
		app.copyMode.cancel();
		app.report('\x1b[<65;5;3M');
		// Down on the live screen: nothing to scroll.
		expect(app.ui.view).toBe('sessions');
		app.report('\x1b[<64;5;3M');
		expect(app.ui.view).toBe('copy-mode');
		expect(app.copyMode.cellAt(0, 0)).toEqual({line: start - WHEEL_LINES, col: 0});
		app.report('\x1b[<64;5;3M');
		expect(app.copyMode.cellAt(0, 0)).toEqual({line: start - 2 * WHEEL_LINES, col: 0});
		app.report('\x1b[<65;5;3M');
		expect(app.ui.view).toBe('copy-mode');
		app.report('\x1b[<65;5;3M');
		// Back at the bottom: the wheel entered copy mode, so the wheel leaves it (tmux's copy-mode -e).
		expect(app.ui.view).toBe('sessions');
		expect(app.sessions[0]!.typed).toEqual([]);
		// Copy mode entered with the keys stays at the bottom.
		app.copyMode.enter();
		app.report('\x1b[<64;5;3M');
		app.report('\x1b[<65;5;3M');
		app.report('\x1b[<65;5;3M');
		expect(app.ui.view).toBe('copy-mode');
	});

	it('the wheel goes to a remote that asked for the mouse, unless copy mode is on; the alternate screen gets cursor keys', async () => {
		const app = await setup();
		cleanups.push(app.dispose);
		await app.write(0, '\x1b[?1000h\x1b[?1006h');
		app.report('\x1b[<64;5;3M');
		app.report('\x1b[<81;5;3M');
		expect(app.sessions[0]!.typed).toEqual(['\x1b[<64;5;2M', '\x1b[<81;5;2M']);
		expect(app.ui.view).toBe('sessions');
		app.copyMode.enter();
		app.sessions[0]!.typed = [];
		app.report('\x1b[<64;5;3M');
		expect(app.sessions[0]!.typed).toEqual([]);
		app.copyMode.cancel();
		// less or man on the alternate screen, no mouse asked: three cursor keys a notch.
		await app.write(0, '\x1b[?1000l\x1b[?1049h');
		app.report('\x1b[<64;5;3M');
		app.report('\x1b[<65;5;3M');
		expect(app.sessions[0]!.typed).toEqual(['\x1b[A\x1b[A\x1b[A', '\x1b[B\x1b[B\x1b[B']);
		expect(app.ui.view).toBe('sessions');
	});

	it('a drag selects characters from the press (entering copy mode), the release copies and leaves, like y', async () => {
		const app = await setup();
		cleanups.push(app.dispose);
		await app.write(0, 'alpha beta\r\ngamma delta\r\n$ ');
		// "beta" is on the pane's first row, columns 6-9: screen row 2, columns 7-10 (1-based).
		app.report('\x1b[<0;7;2M');
		expect(app.ui.view).toBe('sessions');
		app.report('\x1b[<32;8;2M');
		expect(app.ui.view).toBe('copy-mode');
		app.report('\x1b[<32;10;2M');
		expect(app.copyMode.active?.selectedText()).toBe('beta');
		// Down a row: the selection follows to "gamma".
		app.report('\x1b[<32;5;3M');
		expect(app.copyMode.active?.selectedText()).toBe('beta\ngamma');
		app.report('\x1b[<0;5;3m');
		expect(app.ui.view).toBe('sessions');
		expect(app.copyMode.pasteBuffer).toBe('beta\ngamma');
		expect(app.clipboard()).toBe(`\x1b]52;c;${Buffer.from('beta\ngamma').toString('base64')}\x07`);
		expect(app.sessions[0]!.typed).toEqual([]);
	});

	it('a drag from the live screen keeps the view where it was: the text under the pointer does not move', async () => {
		const app = await setup();
		cleanups.push(app.dispose);
		await app.write(0, `${Array.from({length: 20}, (_, i) => `line ${i}`).join('\r\n')}\r\n$ `);
		const {baseY} = app.sessions[0]!.terminal.text;
		// The pane's second row (screen row 3, 1-based) shows "line 17" on the live screen.
		app.report('\x1b[<0;1;3M');
		app.report('\x1b[<32;4;3M');
		expect(app.ui.view).toBe('copy-mode');
		expect(app.copyMode.cellAt(0, 0)).toEqual({line: baseY, col: 0});
		expect(app.copyMode.active?.selectedText()).toBe('line');
		// A drag past the pane's bottom scrolls down a line at a time (here: nothing below the screen) and keeps selecting.
		app.report('\x1b[<32;3;20M');
		expect(app.copyMode.active?.selectedText()).toBe('line 17\nline 18\nline 19\n$');
	});

	it('in copy mode a click moves the cursor and clears the selection; a click without a drag copies nothing', async () => {
		const app = await setup();
		cleanups.push(app.dispose);
		await app.write(0, 'one two\r\nthree');
		app.copyMode.enter();
		app.copyMode.select('char');
		app.report('\x1b[<0;5;2M');
		app.report('\x1b[<0;5;2m');
		expect(app.ui.view).toBe('copy-mode');
		expect(app.copyMode.active?.selection).toBeUndefined();
		expect(app.copyMode.active?.cursor).toEqual({line: 0, col: 4});
		expect(app.clipboard()).toBe('');
	});

	it('does nothing while a dialog is up or another view has the screen; the wheel moves the VM list', async () => {
		const app = await setup();
		cleanups.push(app.dispose);
		await app.write(0, '\x1b[?1000h\x1b[?1006h');
		const dialog = {kind: 'confirm', title: 'Quit?', message: ''} as unknown as Dialog;
		app.ui.pushDialog(dialog);
		app.report('\x1b[<0;5;3M');
		app.report('\x1b[<64;5;3M');
		app.report('\x1b[<0;17;1M');
		expect(app.sessions[0]!.typed).toEqual([]);
		expect(app.manager.focusedIndex).toBe(0);
		app.ui.closeDialog(dialog);
		app.ui.setView('help');
		app.report('\x1b[<0;5;3M');
		app.report('\x1b[<64;5;3M');
		expect(app.sessions[0]!.typed).toEqual([]);
		app.ui.setView('browser');
		app.report('\x1b[<65;5;3M');
		app.report('\x1b[<65;5;3M');
		app.report('\x1b[<64;5;3M');
		app.report('\x1b[<0;5;3M');
		expect(app.browserMoves).toEqual([1, 1, -1]);
		expect(app.sessions[0]!.typed).toEqual([]);
	});
});
