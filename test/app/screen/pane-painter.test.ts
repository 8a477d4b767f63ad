import {EventEmitter} from 'node:events';
import {fakeStdout} from '../../helpers/fake-stdout.js';
import {afterEach, describe, expect, it} from 'vitest';
import {PanePainter} from '../../../source/app/screen/pane-painter.js';
import type {ShellSession} from '../../../source/core/session/shell-session.js';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';

/** The parts of a ShellSession the painter reads, over a real emulator. */
function fakeSession(text: string) {
	const terminal = new TerminalEmulator({cols: 40, rows: 10});
	const session = Object.assign(new EventEmitter(), {terminal, receivedBytes: 0});
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

	it('paints the focused session into its region and only the rows that changed after that', async () => {
		const out = fakeStdout({columns: 40, rows: 12});
		const painter = new PanePainter(out, 60);
		const fake = fakeSession('hello\r\nworld');
		cleanups.push(() => painter.dispose(), fake.dispose);
		await fake.ready;
		painter.setSession(fake.session);
		painter.setRegion({top: 1, cols: 40, rows: 10});
		painter.setVisible(true);
		await settle();
		expect(out.written).toContain('\x1b[2;1Hhello');
		expect(out.written).toContain('\x1b[3;1Hworld');
		out.written = '';
		await fake.write('!');
		await settle();
		expect(out.written).toContain('\x1b[3;1Hworld!');
		expect(out.written).not.toContain('hello');
	});

	it('blanks the rows it drew when another view takes the screen, since Ink thinks they are blank', async () => {
		const out = fakeStdout({columns: 40, rows: 12});
		const painter = new PanePainter(out, 60);
		const fake = fakeSession('prompt$ ');
		cleanups.push(() => painter.dispose(), fake.dispose);
		await fake.ready;
		painter.setSession(fake.session);
		painter.setRegion({top: 1, cols: 40, rows: 10});
		painter.setVisible(true);
		await settle();
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
});
