import {afterEach, describe, expect, it} from 'vitest';
import {decscusrParam, TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {cellWidth, feed, screenText, stripSgr} from './helpers.js';

const emulators: TerminalEmulator[] = [];

function make(cols = 20, rows = 5, scrollback?: number): TerminalEmulator {
	const emulator = new TerminalEmulator({cols, rows, scrollback});
	emulators.push(emulator);
	return emulator;
}

afterEach(() => {
	for (const emulator of emulators.splice(0)) emulator.dispose();
});

describe('TerminalEmulator snapshot', () => {
	it('renders plain text padded to exactly cols cells with the cursor where the remote left it', async () => {
		const emulator = make(20, 5);
		await feed(emulator, 'hello\r\nworld');
		const snap = emulator.snapshot();
		expect(snap.cols).toBe(20);
		expect(snap.rows).toBe(5);
		expect(snap.lines).toHaveLength(5);
		expect(snap.lines[0]).toBe('hello' + ' '.repeat(15));
		expect(snap.lines[1]).toBe('world' + ' '.repeat(15));
		expect(snap.lines[4]).toBe(' '.repeat(20));
		expect(snap.cursor).toEqual({x: 5, y: 1, visible: true});
		expect(snap.altScreen).toBe(false);
		expect(snap.scrollOffset).toBe(0);
	});

	it('emits SGR only where the style changes and resets at the end of a styled row', async () => {
		const emulator = make(10, 2);
		await feed(emulator, '\x1b[1;31mab\x1b[0mc\x1b[44m  ');
		const [line] = emulator.snapshot().lines;
		expect(line).toBe('\x1b[1;31mab\x1b[0mc\x1b[44m  \x1b[0m' + ' '.repeat(5));
		// A row whose last cell is plain needs no trailing reset; one ending styled gets exactly one.
		expect(stripSgr(line)).toHaveLength(10);
	});

	it('keeps background-coloured erases (BCE) out to the row end', async () => {
		const emulator = make(6, 1);
		await feed(emulator, '\x1b[42m\x1b[2K');
		expect(emulator.snapshot().lines[0]).toBe('\x1b[42m      \x1b[0m');
	});

	it('serializes 16, 256 and truecolor foreground and background', async () => {
		const emulator = make(10, 1);
		await feed(emulator, '\x1b[33;100mA\x1b[38;5;208;48;5;17mB\x1b[38;2;1;2;3;48;2;250;128;0mC\x1b[m');
		expect(emulator.snapshot().lines[0]).toBe(
			'\x1b[33;100mA\x1b[38;5;208;48;5;17mB\x1b[38;2;1;2;3;48;2;250;128;0mC\x1b[0m' + ' '.repeat(7),
		);
	});

	it('serializes bold, dim, italic, underline, inverse, strikethrough and invisible', async () => {
		const emulator = make(12, 1);
		await feed(emulator, '\x1b[1mB\x1b[22;2mD\x1b[22;3mI\x1b[23;4mU\x1b[24;7mR\x1b[27;9mS\x1b[29;8mH\x1b[m.');
		expect(emulator.snapshot().lines[0]).toBe(
			// Dropping one attribute: `0;2` is shorter than `22;2`, so the serializer resets.
			'\x1b[1mB\x1b[0;2mD\x1b[0;3mI\x1b[0;4mU\x1b[0;7mR\x1b[0;9mS\x1b[0;8mH\x1b[0m.' + ' '.repeat(4),
		);
	});

	it('gives wide characters two cells, emitting each once', async () => {
		const emulator = make(10, 2);
		await feed(emulator, '中文x\r\n😀!');
		const snap = emulator.snapshot();
		expect(snap.lines[0]).toBe('中文x' + ' '.repeat(5));
		expect(snap.lines[1]).toBe('😀!' + ' '.repeat(7));
		for (const line of snap.lines) expect(cellWidth(stripSgr(line))).toBe(10);
		expect(snap.cursor).toEqual({x: 3, y: 1, visible: true});
	});

	it('keeps combining characters with their base cell', async () => {
		const emulator = make(6, 1);
		await feed(emulator, 'e\u0301a\u0308!');
		const [line] = emulator.snapshot().lines;
		expect(line).toBe('e\u0301a\u0308!   ');
		expect(cellWidth(line)).toBe(6);
		expect(emulator.snapshot().cursor.x).toBe(3);
	});

	it('keeps a coloured wide character styled once across both its cells', async () => {
		const emulator = make(4, 1);
		await feed(emulator, '\x1b[35m中\x1b[m');
		expect(emulator.snapshot().lines[0]).toBe('\x1b[35m中\x1b[0m  ');
	});

	it('reports the cursor hidden after DECTCEM reset and visible again after set', async () => {
		const emulator = make();
		await feed(emulator, '\x1b[?25l');
		expect(emulator.snapshot().cursor.visible).toBe(false);
		expect(emulator.modes.cursorVisible).toBe(false);
		await feed(emulator, '\x1b[?1;25h');
		expect(emulator.snapshot().cursor.visible).toBe(true);
		await feed(emulator, '\x1b[?25l\x1bc');
		expect(emulator.snapshot().cursor.visible).toBe(true);
	});

	it('draws the cursor as an inverse cell on request, also over a wide character and past the text', async () => {
		const emulator = make(6, 2);
		await feed(emulator, 'ab\x1b[1;1H');
		expect(emulator.snapshot({drawCursor: true}).lines[0]).toBe('\x1b[7ma\x1b[0mb    ');
		expect(emulator.snapshot().lines[0]).toBe('ab    ');
		await feed(emulator, '\x1b[2;1H\x1b[31m中\x1b[m\x1b[2;2H');
		expect(emulator.snapshot({drawCursor: true}).lines[1]).toBe('\x1b[7;31m中\x1b[0m    ');
		await feed(emulator, '\x1b[2;6H');
		expect(emulator.snapshot({drawCursor: true}).lines[1]).toBe('\x1b[31m中\x1b[0m   \x1b[7m \x1b[0m');
		await feed(emulator, '\x1b[?25l');
		expect(emulator.snapshot({drawCursor: true}).lines[1]).toBe('\x1b[31m中\x1b[0m    ');
	});

	it('an inverse cell under the cursor is drawn un-inverted', async () => {
		const emulator = make(3, 1);
		await feed(emulator, '\x1b[7mab\x1b[m\x1b[1;1H');
		expect(emulator.snapshot({drawCursor: true}).lines[0]).toBe('a\x1b[7mb\x1b[0m ');
	});

	it('reads the cursor shape the remote asked for (DECSCUSR), back to the default on CSI 0 SP q and on a reset', async () => {
		const emulator = make(6, 2);
		expect(emulator.cursorShape).toEqual({style: undefined, blink: false});
		expect(decscusrParam(emulator.cursorShape)).toBe(0);
		const asked: number[] = [];
		for (const n of [1, 2, 3, 4, 5, 6]) {
			await feed(emulator, `\x1b[${n} q`);
			asked.push(decscusrParam(emulator.cursorShape));
		}
		expect(asked).toEqual([1, 2, 3, 4, 5, 6]);
		expect(emulator.cursorShape).toEqual({style: 'bar', blink: false});
		await feed(emulator, '\x1b[0 q');
		expect(decscusrParam(emulator.cursorShape)).toBe(0);
		await feed(emulator, '\x1b[3 q\x1bc');
		expect(decscusrParam(emulator.cursorShape)).toBe(0);
	});

	it('clamps the cursor to the last column while a wrap is pending', async () => {
		const emulator = make(4, 2);
		await feed(emulator, 'abcd');
		expect(emulator.snapshot().cursor).toEqual({x: 3, y: 0, visible: true});
	});

	it('scrolls back into history, clamped to what is kept, and hides the cursor there', async () => {
		const emulator = make(10, 3, 50);
		const lines = Array.from({length: 20}, (_, i) => `line ${i}`);
		await feed(emulator, lines.join('\r\n'));
		const live = emulator.snapshot();
		expect(live.scrollbackLength).toBe(17);
		expect(live.lines.map((line) => line.trimEnd())).toEqual(['line 17', 'line 18', 'line 19']);

		const back = emulator.snapshot({scrollOffset: 5});
		expect(back.scrollOffset).toBe(5);
		expect(back.lines.map((line) => line.trimEnd())).toEqual(['line 12', 'line 13', 'line 14']);
		expect(back.cursor.visible).toBe(false);

		const top = emulator.snapshot({scrollOffset: 1000});
		expect(top.scrollOffset).toBe(17);
		expect(top.lines[0].trimEnd()).toBe('line 0');
		expect(emulator.snapshot({scrollOffset: -3}).scrollOffset).toBe(0);
	});

	it('limits history to the scrollback option', async () => {
		const emulator = make(10, 2, 5);
		await feed(emulator, Array.from({length: 30}, (_, i) => `l${i}`).join('\r\n'));
		const snap = emulator.snapshot({scrollOffset: 100});
		expect(snap.scrollbackLength).toBe(5);
		expect(snap.lines[0].trimEnd()).toBe('l23');
	});

	it('switches to the alternate screen and back, restoring the normal screen', async () => {
		const emulator = make(10, 3);
		await feed(emulator, 'shell$');
		await feed(emulator, '\x1b[?1049h\x1b[Hvim');
		let snap = emulator.snapshot();
		expect(snap.altScreen).toBe(true);
		expect(emulator.modes.altScreen).toBe(true);
		expect(snap.scrollbackLength).toBe(0);
		expect(snap.lines[0].trimEnd()).toBe('vim');
		await feed(emulator, '\x1b[?1049l');
		snap = emulator.snapshot();
		expect(snap.altScreen).toBe(false);
		expect(snap.lines[0].trimEnd()).toBe('shell$');
		expect(snap.cursor).toEqual({x: 6, y: 0, visible: true});
	});

	it('resizes and notifies a change', async () => {
		const emulator = make(10, 3);
		let changes = 0;
		emulator.onChange(() => changes++);
		emulator.resize(30, 8);
		expect(changes).toBe(1);
		const snap = emulator.snapshot();
		expect([snap.cols, snap.rows, emulator.cols, emulator.rows]).toEqual([30, 8, 30, 8]);
		expect(snap.lines).toHaveLength(8);
		for (const line of snap.lines) expect(line).toHaveLength(30);
		emulator.resize(30, 8);
		expect(changes).toBe(1);
		emulator.resize(0, Number.NaN);
		// xterm's minimum is 2 columns.
		expect([emulator.cols, emulator.rows]).toEqual([2, 1]);
	});

	it('keeps rows exactly cols wide after shrinking across a wide character', async () => {
		const emulator = make(6, 2);
		await feed(emulator, 'abcd中');
		emulator.resize(5, 2);
		for (const line of emulator.snapshot().lines) expect(cellWidth(stripSgr(line))).toBe(5);
	});
});

describe('TerminalEmulator events and modes', () => {
	it('replies to DSR cursor position and device attributes', async () => {
		const emulator = make(20, 5);
		const replies: string[] = [];
		emulator.onReply((data) => replies.push(data));
		await feed(emulator, 'ab\r\ncde\x1b[6n');
		await feed(emulator, '\x1b[c');
		await feed(emulator, '\x1b[5n');
		expect(replies).toEqual(['\x1b[2;4R', '\x1b[?1;2c', '\x1b[0n']);
	});

	it('fires onChange after output is parsed', async () => {
		const emulator = make();
		let changes = 0;
		emulator.onChange(() => changes++);
		await feed(emulator, 'x');
		expect(changes).toBeGreaterThan(0);
	});

	it('unsubscribes listeners', async () => {
		const emulator = make();
		const replies: string[] = [];
		const off = emulator.onReply((data) => replies.push(data));
		off();
		await feed(emulator, '\x1b[6n');
		expect(replies).toEqual([]);
	});

	it('reads application cursor keys, bracketed paste, keypad and mouse tracking modes', async () => {
		const emulator = make();
		expect(emulator.modes).toMatchObject({
			applicationCursorKeys: false,
			bracketedPasteMode: false,
			mouseTracking: 'none',
			applicationKeypad: false,
		});
		await feed(emulator, '\x1b[?1h\x1b[?2004h\x1b[?1002h\x1b=');
		expect(emulator.modes).toMatchObject({
			applicationCursorKeys: true,
			bracketedPasteMode: true,
			mouseTracking: 'drag',
			applicationKeypad: true,
		});
		await feed(emulator, '\x1b[?1l\x1b[?2004l\x1b[?1002l\x1b>');
		expect(emulator.modes).toMatchObject({
			applicationCursorKeys: false,
			bracketedPasteMode: false,
			mouseTracking: 'none',
			applicationKeypad: false,
		});
	});

	it('keeps the window title set by OSC 0 and OSC 2', async () => {
		const emulator = make();
		const titles: string[] = [];
		emulator.onTitleChange((title) => titles.push(title));
		await feed(emulator, '\x1b]0;user@web-01: ~\x07');
		expect(emulator.title).toBe('user@web-01: ~');
		await feed(emulator, '\x1b]2;vim notes.txt\x1b\\');
		expect(emulator.modes.title).toBe('vim notes.txt');
		expect(titles).toEqual(['user@web-01: ~', 'vim notes.txt']);
		expect(screenText(emulator).join('')).toBe('');
	});

	it('reports the bell', async () => {
		const emulator = make();
		let bells = 0;
		emulator.onBell(() => bells++);
		await feed(emulator, 'a\x07b');
		expect(bells).toBe(1);
	});

	it('decodes UTF-8 split across byte chunks', async () => {
		const emulator = make(10, 1);
		const bytes = Buffer.from('é中😀', 'utf8');
		for (const byte of bytes) emulator.write(Uint8Array.of(byte));
		await emulator.flush();
		expect(emulator.snapshot().lines[0]).toBe('é中😀' + ' '.repeat(5));
	});

	it('reports synchronized output (DEC 2026) so rendering can wait for the frame', async () => {
		const emulator = make();
		await feed(emulator, '\x1b[?2026h');
		expect(emulator.modes.synchronizedOutput).toBe(true);
		await feed(emulator, '\x1b[?2026l');
		expect(emulator.modes.synchronizedOutput).toBe(false);
	});

	it('settles flush() when disposed with output still pending', async () => {
		const emulator = new TerminalEmulator({cols: 80, rows: 24});
		const chunk = 'y'.repeat(65_536);
		for (let i = 0; i < 100; i++) emulator.write(chunk);
		const flushed = emulator.flush();
		emulator.dispose();
		await expect(flushed).resolves.toBeUndefined();
	});

	it('ignores writes and resizes after dispose', () => {
		const emulator = new TerminalEmulator({cols: 10, rows: 2});
		emulator.dispose();
		expect(() => emulator.write('late')).not.toThrow();
		expect(() => emulator.resize(20, 5)).not.toThrow();
		expect(() => emulator.dispose()).not.toThrow();
	});
});

describe('TerminalEmulator flow control', () => {
	const CHUNK = 'x'.repeat(98) + '\r\n';
	const chunk64k = CHUNK.repeat(655);

	it('pauses above the high-water mark and resumes once drained, parsing everything', async () => {
		const emulator = make(100, 5);
		const events: boolean[] = [];
		emulator.onBackpressure((paused) => events.push(paused));
		let resume: (() => void) | undefined;
		emulator.onBackpressure((paused) => {
			if (!paused) resume?.();
		});

		// A well-behaved source (like an SSH channel) stops when asked and goes on when told.
		let written = 0;
		const total = 24 * 1024 * 1024;
		let maxPending = 0;
		while (written < total) {
			const ok = emulator.write(chunk64k);
			written += chunk64k.length;
			maxPending = Math.max(maxPending, emulator.pendingBytes);
			if (!ok) await new Promise<void>((resolve) => (resume = resolve));
		}
		emulator.write('\r\nEND-MARKER\r\n');
		await emulator.flush();

		expect(events[0]).toBe(true);
		expect(events.filter((paused) => paused).length).toBeGreaterThan(1);
		expect(events.at(-1)).toBe(false);
		expect(maxPending).toBeLessThan(2 * 1024 * 1024);
		expect(emulator.pendingBytes).toBe(0);
		expect(emulator.paused).toBe(false);
		expect(screenText(emulator)).toContain('END-MARKER');
	});

	it('loses nothing when the source ignores backpressure past xterm\'s 50 MB discard limit', async () => {
		const emulator = make(100, 5, 100);
		const pauses: boolean[] = [];
		emulator.onBackpressure((paused) => pauses.push(paused));
		// Each line is numbered so the last one proves every chunk before it was parsed in order.
		const chunks = 64 * 13; // 64 KiB each: ~54 MB in one synchronous burst
		let results = 0;
		for (let i = 0; i < chunks; i++) {
			if (emulator.write(chunk64k)) results++;
		}
		emulator.write('LAST LINE\r\n');
		expect(emulator.pendingBytes).toBeGreaterThan(50_000_000);
		expect(results).toBeLessThan(chunks);
		await emulator.flush();
		expect(pauses).toEqual([true, false]);
		expect(screenText(emulator)).toContain('LAST LINE');
	});
});
