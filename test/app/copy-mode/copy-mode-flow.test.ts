import {EventEmitter} from 'node:events';
import {afterEach, describe, expect, it} from 'vitest';
import {CopyModeFlow, copyModeStatus} from '../../../source/app/copy-mode/copy-mode-flow.js';
import {UiState} from '../../../source/app/focus/ui-state.js';
import {PanePainter} from '../../../source/app/screen/pane-painter.js';
import type {ClipboardSetting} from '../../../source/core/profiles/schema.js';
import type {SessionManager} from '../../../source/core/session/session-manager.js';
import type {ShellSession} from '../../../source/core/session/shell-session.js';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {fakeStdout} from '../../helpers/fake-stdout.js';

const settle = () => new Promise(done => setTimeout(done, 40));

/** A session over a real emulator (what the painter and copy mode read), recording what is typed into it. */
async function setup(text: string, clipboard: ClipboardSetting = 'auto') {
	const terminal = new TerminalEmulator({cols: 30, rows: 6, scrollback: 100});
	const session = Object.assign(new EventEmitter(), {terminal, receivedBytes: 0, typed: [] as string[], sendInput: (data: Buffer) => session.typed.push(data.toString('utf8'))});
	terminal.onChange(() => session.emit('change'));
	terminal.write(text);
	await terminal.flush();
	const out = fakeStdout({columns: 30, rows: 10});
	const painter = new PanePainter(out, 60);
	painter.setSession(session as unknown as ShellSession);
	painter.setRegion({top: 1, cols: 30, rows: 5});
	painter.setVisible(true);
	const ui = new UiState();
	ui.setView('sessions');
	let clipboardWrites = '';
	const manager = Object.assign(new EventEmitter(), {focused: session as unknown, inputReceivers: () => [session]});
	const flow = new CopyModeFlow({
		manager: manager as unknown as SessionManager,
		ui,
		painter,
		terminal: {write: (data: string) => (clipboardWrites += data)},
		clipboard,
		program: undefined,
	});
	await settle();
	return {terminal, session, manager, out, painter, ui, flow, clipboardWrites: () => clipboardWrites, dispose: () => (painter.dispose(), terminal.dispose())};
}

describe('copy mode in the app (flow, painter, clipboard, paste buffer)', () => {
	const cleanups: Array<() => void> = [];
	afterEach(() => {
		for (const fn of cleanups.splice(0)) fn();
	});

	it('leaves when the focus moves to another pane (a split, another tab, a click), never drawing over it', async () => {
		const app = await setup('one\r\ntwo');
		cleanups.push(app.dispose);
		app.flow.enter();
		expect(app.ui.view).toBe('copy-mode');
		// A state change of the same pane keeps it.
		app.manager.emit('change');
		expect(app.ui.view).toBe('copy-mode');
		app.manager.focused = Object.assign(new EventEmitter(), {terminal: app.terminal});
		app.manager.emit('change');
		expect(app.ui.view).toBe('sessions');
		expect(app.flow.active).toBeUndefined();
	});

	it('draws its view, the current match apart from the others, and repaints only the rows that changed', async () => {
		const app = await setup(Array.from({length: 20}, (_, i) => `row ${i} ab`).join('\r\n'));
		cleanups.push(app.dispose);
		app.out.written = '';
		app.flow.enter();
		expect(app.ui.view).toBe('copy-mode');
		await settle();
		// Copy mode starts at the remote's cursor with the live screen in view: only the cursor's row is
		// repainted, with copy mode's own cursor cell, and the user's real cursor is hidden.
		expect(app.out.written.match(/\x1b\[\d+;1H/g)).toEqual(['\x1b[6;1H']);
		expect(app.out.written).toContain('\x1b[6;1Hrow 19 ab\x1b[7m \x1b[0m');
		expect(app.out.written.endsWith('\x1b8\x1b[?25l\x1b[?2026l')).toBe(true);
		app.out.written = '';
		app.flow.move('left');
		await settle();
		// The copy cursor (inverse) moved onto the b: that row alone is repainted.
		expect(app.out.written).toContain('\x1b[6;1Hrow 19 a\x1b[7mb\x1b[0m');
		expect(app.out.written.match(/\x1b\[\d+;1H/g)).toHaveLength(1);
		app.out.written = '';
		app.flow.search(-1);
		expect(app.flow.searching).toBe(true);
		app.flow.editSearch('ab');
		app.flow.submitSearch();
		// Back from the cursor (on the b): the match on this very row, the last of 20.
		expect(copyModeStatus(app.flow)).toMatch(/^copy mode · line 20 of 20 · match 20 of 20 for "ab"/);
		await settle();
		const painted = app.out.written;
		const row = (n: number) => painted.slice(painted.indexOf(`\x1b[${n};1H`)).split('\x1b[0m')[0]!;
		// Row 19: the current match (bold, white on magenta) with the cursor on its a; row 18: a match (black on cyan).
		expect(row(6)).toMatch(/^\x1b\[6;1Hrow 19 \x1b\[[0-9;]*45m/);
		expect(row(6)).toContain('97;45m');
		expect(row(5)).toBe('\x1b[5;1Hrow 18 \x1b[30;46mab');
		// n (back again): the current match moves up a row, so only those two rows are repainted.
		app.out.written = '';
		app.flow.searchAgain(false);
		expect(copyModeStatus(app.flow)).toContain('match 19 of 20');
		await settle();
		const rows = [...app.out.written.matchAll(/\x1b\[(\d+);1H/g)].map(match => Number(match[1]));
		expect(rows.sort()).toEqual([5, 6]);
	});

	it('copies the selection to OSC 52 and the paste buffer, leaves, and pastes it bracketed with line breaks as CR', async () => {
		const app = await setup('first line\r\nsecond line\r\n$ ');
		cleanups.push(app.dispose);
		app.flow.enter();
		app.flow.move('up');
		app.flow.move('up');
		app.flow.move('line-start');
		app.flow.select('char');
		app.flow.move('down');
		app.flow.move('word-forward');
		app.flow.move('left');
		expect(copyModeStatus(app.flow)).toContain('selecting');
		app.flow.copy();
		expect(app.ui.view).toBe('sessions');
		expect(app.flow.active).toBeUndefined();
		expect(app.flow.pasteBuffer).toBe('first line\nsecond');
		expect(app.clipboardWrites()).toBe(`\x1b]52;c;${Buffer.from('first line\nsecond').toString('base64')}\x07`);
		app.flow.paste();
		expect(app.session.typed).toEqual(['\x1b[200~first line\rsecond\x1b[201~']);
		// Back on the live screen: the painter draws the remote's screen again.
		app.out.written = '';
		app.terminal.write('x');
		await app.terminal.flush();
		await settle();
		expect(app.out.written).toContain('$ x');
	});

	it('with "clipboard": "off" keeps copies in the paste buffer only; q and leaving the view copy nothing', async () => {
		const app = await setup('some text', 'off');
		cleanups.push(app.dispose);
		app.flow.enter();
		app.flow.move('line-start');
		app.flow.select('line');
		app.flow.copy();
		expect(app.flow.pasteBuffer).toBe('some text');
		expect(app.clipboardWrites()).toBe('');
		app.flow.enter();
		app.flow.select('char');
		app.flow.cancel();
		expect(app.ui.view).toBe('sessions');
		app.flow.enter();
		app.ui.setView('browser');
		expect(app.flow.active).toBeUndefined();
		expect(app.flow.pasteBuffer).toBe('some text');
	});

	it('says when a search finds nothing or cannot be read, and y with no selection just leaves', async () => {
		const app = await setup('hello');
		cleanups.push(app.dispose);
		app.flow.enter();
		app.flow.search(1);
		app.flow.editSearch('/a(/');
		app.flow.submitSearch();
		expect(copyModeStatus(app.flow)).toMatch(/is not a regular expression vmux can read/);
		app.flow.search(1);
		app.flow.editSearch('zzz');
		app.flow.cancelSearch();
		expect(app.flow.searching).toBe(false);
		app.flow.searchAgain(false);
		expect(copyModeStatus(app.flow)).toContain('No search yet');
		app.flow.copy();
		expect(app.ui.view).toBe('sessions');
		expect(app.flow.pasteBuffer).toBeUndefined();
		expect(app.clipboardWrites()).toBe('');
	});
});
