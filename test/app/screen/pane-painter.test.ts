import {EventEmitter} from 'node:events';
import {fakeStdout} from '../../helpers/fake-stdout.js';
import xterm from '@xterm/headless';
import {afterEach, describe, expect, it} from 'vitest';
import {PanePainter} from '../../../source/app/screen/pane-painter.js';
import type {ShellSession} from '../../../source/core/session/shell-session.js';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {SessionWindow} from '../../../source/core/session/session-window.js';

const {Terminal} = xterm;

/** The parts of a ShellSession the painter reads, over a real emulator. */
let nextFakeId = 1;

function fakeSession(text: string, size = {cols: 40, rows: 10}, label = 'vm') {
	const terminal = new TerminalEmulator(size);
	const session = Object.assign(new EventEmitter(), {terminal, receivedBytes: 0, id: nextFakeId++, label, state: {kind: 'running'}, connection: {state: {kind: 'open'}, spec: {}}});
	terminal.onChange(() => session.emit('change'));
	const write = async (data: string) => {
		session.receivedBytes += data.length;
		terminal.write(data);
		await terminal.flush();
	};
	return {session: session as unknown as ShellSession, write, ready: write(text), dispose: () => terminal.dispose()};
}

const settle = () => new Promise(done => setTimeout(done, 40));

describe('PanePainter', () => {
	const cleanups: Array<() => void> = [];
	afterEach(() => {
		for (const fn of cleanups.splice(0)) fn();
	});

	/** A painter showing a fake session holding `text`, painted once (the set-up most tests share). */
	async function painted(text: string, region = {top: 1, cols: 40, rows: 10}) {
		const out = fakeStdout({columns: 40, rows: 12});
		const painter = new PanePainter(out, 60);
		const fake = fakeSession(text);
		cleanups.push(() => painter.dispose(), fake.dispose);
		await fake.ready;
		painter.setSession(fake.session);
		painter.setRegion(region);
		painter.setVisible(true);
		await settle();
		return {out, painter, fake};
	}

	it('paints the focused session into its region and only the rows that changed after that', async () => {
		const {out, fake} = await painted('hello\r\nworld');
		expect(out.written).toContain('\x1b[2;1Hhello');
		expect(out.written).toContain('\x1b[3;1Hworld');
		out.written = '';
		await fake.write('!');
		await settle();
		expect(out.written).toContain('\x1b[3;1Hworld!');
		expect(out.written).not.toContain('hello');
	});

	it('blanks the rows it drew when another view takes the screen, since Ink thinks they are blank', async () => {
		const {out, painter, fake} = await painted('prompt$ ');
		out.written = '';
		painter.setVisible(false);
		for (let row = 2; row <= 11; row++) expect(out.written).toContain(`\x1b[${row};1H\x1b[2K`);
		expect(out.written).not.toContain('\x1b[12;1H');
		// Nothing is painted while hidden, and nothing more is erased.
		out.written = '';
		await fake.write('more output');
		await settle();
		painter.setVisible(false);
		expect(out.written).toBe('');
	});

	it('paints nothing while hidden and everything again once shown', async () => {
		const out = fakeStdout({columns: 40, rows: 12});
		const painter = new PanePainter(out, 60);
		const fake = fakeSession('one');
		cleanups.push(() => painter.dispose(), fake.dispose);
		await fake.ready;
		painter.setSession(fake.session);
		painter.setRegion({top: 1, cols: 40, rows: 10});
		await settle();
		expect(out.written).toBe('');
		painter.setVisible(true);
		await settle();
		expect(out.written).toContain('one');
		out.written = '';
		painter.invalidate();
		await settle();
		// Ink wrote a frame: every row of the pane is rewritten, blank ones included.
		expect(out.written.match(/\x1b\[\d+;1H/g)).toHaveLength(10);
	});

	it('renders only the rows the output changed: an echo renders its row, not the whole screen', async () => {
		const {out, painter, fake} = await painted('one\r\ntwo\r\n$ ');
		const terminal = fake.session.terminal;
		const rendered: number[] = [];
		const renderLines = terminal.renderLines.bind(terminal);
		terminal.renderLines = (top, count, marksOf) => {
			rendered.push(count);
			return renderLines(top, count, marksOf);
		};
		out.written = '';
		await fake.write('l');
		await settle();
		expect(rendered).toEqual([1]);
		expect(out.written).toContain('\x1b[4;1H$ l');
		// Ink drew over the screen: every row again.
		rendered.length = 0;
		painter.invalidate();
		await settle();
		expect(rendered.reduce((sum, n) => sum + n, 0)).toBe(10);
	});

	it('leaves on screen exactly what the remote shows, through hundreds of paints of changed rows only', async () => {
		const out = fakeStdout({columns: 40, rows: 12});
		const painter = new PanePainter(out, 1000);
		const fake = fakeSession('$ ');
		cleanups.push(() => painter.dispose(), fake.dispose);
		await fake.ready;
		painter.setSession(fake.session);
		painter.setRegion({top: 1, cols: 40, rows: 10});
		painter.setVisible(true);
		// The user's terminal: what the painter wrote, parsed.
		const user = new Terminal({cols: 40, rows: 12, allowProposedApi: true});
		cleanups.push(() => user.dispose());
		const userRows = async () => {
			await new Promise<void>(done => user.write(out.written, done));
			out.written = '';
			const buffer = user.buffer.active;
			return Array.from({length: 10}, (_, y) => buffer.getLine(y + 1)!.translateToString(true));
		};
		const remoteRows = () => fake.session.terminal.snapshot().lines.map(line => line.replace(/\x1b\[[0-9;]*m/g, '').trimEnd());
		const pieces = ['ls\r\n', 'a', '\b\x1b[K', 'file  dir\r\n$ ', '\x1b[2J\x1b[H', '\x1b[5;1Hmid', '\x1b[?1049h\x1b[Hvim', '\x1b[?1049l', '\x1b[2;4r\x1b[4;1H\n\n', '\x1b[r', '\x1bM', '\x1b[2L', 'x'.repeat(50)];
		let seed = 7;
		for (let step = 0; step < 200; step++) {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			await fake.write(pieces[seed % pieces.length]!);
			await new Promise(done => setTimeout(done, 3));
			expect((await userRows()).map(row => row.trimEnd()), `after step ${step}`).toEqual(remoteRows());
		}
	});

	it('follows the focus: switches the painted session and blanks the pane the moment a dialog takes the screen', async () => {
		const out = fakeStdout({columns: 40, rows: 12});
		const painter = new PanePainter(out, 60);
		const first = fakeSession('first-session');
		const second = fakeSession('second-session');
		const focus = Object.assign(new EventEmitter(), {now: {paneSession: first.session as ShellSession | undefined, paneVisible: true}, current: () => focus.now});
		cleanups.push(() => painter.dispose(), first.dispose, second.dispose);
		await Promise.all([first.ready, second.ready]);
		painter.setRegion({top: 1, cols: 40, rows: 10});
		painter.follow(focus);
		await settle();
		expect(out.written).toContain('first-session');
		out.written = '';
		focus.now = {paneSession: second.session, paneVisible: true};
		focus.emit('change');
		await settle();
		expect(out.written).toContain('second-session');
		// Output of the session no longer focused is not painted.
		out.written = '';
		await first.write('\r\nlate-output');
		await settle();
		expect(out.written).not.toContain('late-output');
		// A dialog: erased synchronously, before Ink can draw the dialog's frame.
		focus.now = {paneSession: undefined, paneVisible: false};
		focus.emit('change');
		expect(out.written).toContain('\x1b[2;1H\x1b[2K');
	});

	describe('the user’s real cursor', () => {
		it('is moved to the remote’s cursor after the rows are painted and shown, with no painted block', async () => {
			const {out} = await painted('hello\r\nprompt$ ');
			// Ink's position saved, rows, then the cursor at row 2 of the pane (screen row 3), column 9, shown.
			expect(out.written).toMatch(/^\x1b\[\?2026h\x1b7\x1b\[2;1Hhello.*\x1b\[3;1Hprompt\$ .*\x1b\[3;9H\x1b\[\?25h\x1b\[\?2026l$/s);
			expect(out.written).not.toContain('\x1b[7m');
			// The terminal's own shape until the remote asks for one.
			expect(out.written).not.toMatch(/\x1b\[\d q/);
		});

		it('takes the shape the remote asked for (DECSCUSR), sent once until it changes', async () => {
			const {out, fake} = await painted('$ ');
			out.written = '';
			await fake.write('\x1b[5 q');
			await settle();
			expect(out.written).toBe('\x1b[?2026h\x1b[2;3H\x1b[5 q\x1b[?2026l');
			out.written = '';
			await fake.write('x');
			await settle();
			expect(out.written).not.toContain(' q');
			expect(out.written).toContain('\x1b[2;4H');
			await fake.write('\x1b[2 q');
			await settle();
			expect(out.written).toContain('\x1b[2 q');
		});

		it('moves alone when only the cursor moved (a left arrow at the prompt repaints no row)', async () => {
			const {out, fake} = await painted('$ abc');
			out.written = '';
			await fake.write('\x1b[D');
			await settle();
			expect(out.written).toBe('\x1b[?2026h\x1b[2;5H\x1b[?2026l');
		});

		it('is hidden, back at Ink’s position, when the remote hides it (DECTCEM), and shown again after', async () => {
			const {out, fake} = await painted('$ ');
			out.written = '';
			await fake.write('\x1b[?25l');
			await settle();
			expect(out.written).toBe('\x1b[?2026h\x1b8\x1b[?25l\x1b[?2026l');
			out.written = '';
			await fake.write('\x1b[?25h');
			await settle();
			expect(out.written).toBe('\x1b[?2026h\x1b7\x1b[2;3H\x1b[?25h\x1b[?2026l');
		});

		it('goes back to Ink’s position, hidden, before Ink writes and when the pane leaves the screen', async () => {
			const {out, painter} = await painted('$ ');
			out.written = '';
			painter.releaseCursor();
			painter.releaseCursor();
			expect(out.written).toBe('\x1b8\x1b[?25l');
			// Ink wrote: the repaint saves Ink's new position and places the cursor again.
			painter.invalidate();
			await settle();
			expect(out.written).toMatch(/\x1b7.*\x1b\[2;3H\x1b\[\?25h/s);
			out.written = '';
			painter.setVisible(false);
			expect(out.written.startsWith('\x1b8\x1b[?25l')).toBe(true);
		});

		it('is hidden when its row is not among those shown (a short region keeps the bottom rows) or the pane is scrolled back', async () => {
			// The cursor on row 0 of 10; a 3-row region shows rows 7-9.
			const {out, painter, fake} = await painted('x\x1b[H', {top: 1, cols: 40, rows: 3});
			expect(out.written).toContain('\x1b[2;1H');
			expect(out.written).not.toContain('\x1b[?25h');
			painter.setRegion({top: 1, cols: 40, rows: 10});
			await settle();
			expect(out.written).toMatch(/\x1b\[2;1H\x1b\[\?25h\x1b\[\?2026l$/);
			await fake.write(`\x1b[2J${Array.from({length: 15}, (_, i) => `line ${i}`).join('\r\n')}`);
			await settle();
			out.written = '';
			painter.setRegion({top: 1, cols: 40, rows: 10}, 2);
			await settle();
			expect(out.written).toContain('line 3');
			expect(out.written).toMatch(/\x1b8\x1b\[\?25l\x1b\[\?2026l$/);
		});
	});
	it('paneAt: the mouse finds the cell painted under the pointer, the bottom of the remote screen when the region is shorter', async () => {
		const out = fakeStdout({columns: 40, rows: 12});
		const painter = new PanePainter(out, 60);
		const fake = fakeSession('hello');
		cleanups.push(() => painter.dispose(), fake.dispose);
		await fake.ready;
		expect(painter.paneAt(0, 1)).toBeUndefined();
		painter.setSession(fake.session);
		painter.setRegion({top: 1, cols: 40, rows: 10});
		painter.setVisible(true);
		expect(painter.paneAt(5, 0)).toBeUndefined();
		expect(painter.paneAt(5, 1)).toEqual({session: fake.session, col: 5, row: 0, viewRow: 0, beyond: 0});
		expect(painter.paneAt(39, 10)).toMatchObject({col: 39, row: 9, viewRow: 9});
		expect(painter.paneAt(40, 10)).toBeUndefined();
		expect(painter.paneAt(3, 11)).toBeUndefined();
		// A status line took a row: the painter shows the remote's rows 1-9, so screen row 1 is the remote's row 1.
		painter.setRegion({top: 1, cols: 40, rows: 9});
		expect(painter.paneAt(5, 1)).toMatchObject({row: 1, viewRow: 0});
		// Clamped to the pane a drag started in: above, below, right of it.
		expect(painter.paneAt(50, 0, fake.session)).toMatchObject({col: 39, viewRow: 0, beyond: -1});
		expect(painter.paneAt(3, 30, fake.session)).toMatchObject({col: 3, viewRow: 8, row: 9, beyond: 1});
		painter.setVisible(false);
		expect(painter.paneAt(5, 1)).toBeUndefined();
	});

	describe('a tab split in panes', () => {
		/** Two panes side by side in an 81x11 area below the tab bar: 40 columns each, a border at column 40, a title row each. */
		async function split() {
			const out = fakeStdout({columns: 81, rows: 13});
			const painter = new PanePainter(out, 60);
			const left = fakeSession('left-text', {cols: 40, rows: 10}, 'web-01');
			const right = fakeSession('right-text', {cols: 40, rows: 10}, 'db-01');
			cleanups.push(() => painter.dispose(), left.dispose, right.dispose);
			await Promise.all([left.ready, right.ready]);
			const window = new SessionWindow<ShellSession>(left.session);
			window.split(left.session, right.session, 'side-by-side', {x: 0, y: 0, cols: 81, rows: 11});
			window.activate(left.session);
			const source = Object.assign(new EventEmitter(), {activeGeometry: (area: {x: number; y: number; cols: number; rows: number}) => window.geometry(area)});
			painter.setPaneSource(source, (session, number) => ({number, active: session === window.active, receiving: false}));
			painter.setSession(left.session);
			painter.setRegion({top: 1, cols: 81, rows: 11});
			painter.setVisible(true);
			await settle();
			return {out, painter, left, right, window, source};
		}

		it('paints every pane at its place, with a title row each and the border between them', async () => {
			const {out} = await split();
			expect(out.written).toContain('\x1b[3;1Hleft-text');
			expect(out.written).toContain('\x1b[3;42Hright-text');
			// Titles on screen row 2: the active one bold green, the other dim; the border down column 41.
			expect(out.written).toMatch(/\x1b\[2;1H\x1b\[1;32m─ 0 web-01 .*● open ─+/);
			expect(out.written).toMatch(/\x1b\[2;42H\x1b\[2m─ 1 db-01 ● open ─+/);
			for (let row = 2; row <= 12; row++) expect(out.written).toContain(`\x1b[${row};41H\x1b[1;32m│`);
			// The user's cursor is at the focused pane's cursor: row 3, after "left-text".
			expect(out.written).toMatch(/\x1b\[3;10H\x1b\[\?25h\x1b\[\?2026l$/);
		});

		it('repaints only the rows that changed, in the pane that changed, and keeps the cursor in the focused pane', async () => {
			const {out, right} = await split();
			out.written = '';
			await right.write('\r\nmore');
			await settle();
			expect(out.written).toContain('\x1b[4;42Hmore');
			expect(out.written).not.toContain('left-text');
			expect(out.written).not.toContain('right-text');
			expect(out.written).not.toMatch(/\x1b\[\d+;1H/);
			// The cursor did not leave the focused pane for the other one's output.
			expect(out.written).not.toMatch(/\x1b\[\d+;4[2-9]H\x1b\[\?25h/);
		});

		it('paints an echo in one pane in the same turn while the pane beside it floods', async () => {
			const {out, left, right} = await split();
			// The right pane floods: far more than interactive output since its last paint, and a frame for it pending.
			for (let i = 0; i < 5; i++) await right.write(`${'x'.repeat(39)}\r\n`.repeat(200));
			await settle();
			await right.write(`${'y'.repeat(39)}\r\n`.repeat(200));
			out.written = '';
			await left.write('!');
			// No waiting for a frame: the change handler painted the left pane alone, in one update of its own.
			const update = out.written.split('\x1b[?2026h').find(chunk => chunk.includes('left-text!'));
			expect(update).toContain('\x1b[3;1Hleft-text!');
			expect(update).not.toMatch(/\x1b\[\d+;42H/);
			// The flood is painted at the next frame.
			await settle();
			expect(out.written).toMatch(/\x1b\[\d+;42Hy{39}/);
		});

		it('moves the titles and the cursor when the focus moves, and repaints everything when the layout changes', async () => {
			const {out, painter, left, right, window, source} = await split();
			out.written = '';
			window.activate(right.session);
			painter.setSession(right.session);
			await settle();
			expect(out.written).toMatch(/\x1b\[2;1H\x1b\[2m─ 0 web-01/);
			expect(out.written).toMatch(/\x1b\[2;42H\x1b\[1;32m─ 1 db-01/);
			// The cursor, already shown, moves to the right pane's prompt.
			expect(out.written).toMatch(/\x1b\[3;52H\x1b\[\?2026l$/);
			// Zoom: one pane fills the area, untitled, from the first row.
			out.written = '';
			window.toggleZoom();
			source.emit('change');
			await settle();
			expect(out.written).toContain('\x1b[2;1Hright-text');
			expect(out.written).not.toContain('left-text');
			expect(left).toBeDefined();
		});

		it('finds the pane and the cell under the mouse, a title row counting as the pane', async () => {
			const {painter, left, right} = await split();
			expect(painter.paneAt(3, 2)).toMatchObject({session: left.session, col: 3, row: 0});
			expect(painter.paneAt(45, 5)).toMatchObject({session: right.session, col: 4, row: 3});
			expect(painter.paneAt(40, 5)).toBeUndefined();
			expect(painter.paneAt(45, 1)?.session).toBe(right.session);
			// A drag that left the pane is clamped to it.
			expect(painter.paneAt(70, 5, left.session)).toMatchObject({session: left.session, col: 39, row: 3});
		});
	});
});
