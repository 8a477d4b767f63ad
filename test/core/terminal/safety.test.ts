import {afterEach, describe, expect, it} from 'vitest';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {feed, stripSgr} from './helpers.js';

// Anything in a snapshot besides SGR could act on the user's own terminal: set its clipboard or
// title, switch its screen, move its cursor, or ring its bell.
const ONLY_SGR_ESCAPES = /\x1b(?!\[[0-9;]*m)/;
const CONTROL = /[\x00-\x1a\x1c-\x1f\x7f-\x9f]/;

const HOSTILE: Array<[string, string]> = [
	['OSC 52 clipboard write (BEL)', '\x1b]52;c;aGVsbG8=\x07'],
	['OSC 52 clipboard write (ST)', '\x1b]52;c;aGVsbG8=\x1b\\'],
	['OSC 52 clipboard query', '\x1b]52;c;?\x07'],
	['OSC 0 title', '\x1b]0;pwned\x07'],
	['OSC 2 title', '\x1b]2;pwned\x1b\\'],
	['OSC 8 hyperlink', '\x1b]8;;https://example.com\x07link\x1b]8;;\x07'],
	['OSC 4 palette change', '\x1b]4;1;rgb:ff/00/00\x07'],
	['DCS', '\x1bP1$qm\x1b\\'],
	['DCS sixel', '\x1bPq#0;2;0;0;0#1!6~-\x1b\\'],
	['APC', '\x1b_Gf=100;AAAA\x1b\\'],
	['PM and SOS', '\x1b^private\x1b\\\x1bXstring\x1b\\'],
	['alternate screen', '\x1b[?1049h'],
	['bell', '\x07'],
	['clear screen', '\x1b[2J'],
	['cursor movement', '\x1b[10;10H\x1b[3A\x1b[2C\x1b7\x1b8\x1bM\x1bD\x1bE'],
	['scroll region', '\x1b[2;4r\x1b[S\x1b[T'],
	['mode changes', '\x1b[?1h\x1b[?2004h\x1b[?1000h\x1b[?1006h\x1b[?25l\x1b[4h\x1b='],
	['window ops', '\x1b[8;100;200t\x1b[21t\x1b[14t'],
	['charset switch', '\x1b(0lqk\x1b(B\x0e\x0f'],
	['C1 controls as UTF-8', '\u009b31m\u009d0;c1\u009c\u0090x\u009c'],
	['raw C1 bytes', Buffer.from([0x9b, 0x33, 0x31, 0x6d, 0x9d]).toString('latin1')],
	['backspace, tab, CR, LF, VT, FF, DEL', 'ab\x08c\td\r\ne\x0bf\x0cg\x7fh'],
	['reset', '\x1bc\x1b[!p'],
	['bidi controls', 'a\u202eevil\u202c\u2067b\u2069\u200f'],
	['unterminated OSC', '\x1b]52;c;aGVsbG8='],
];

const emulators: TerminalEmulator[] = [];
afterEach(() => {
	for (const emulator of emulators.splice(0)) emulator.dispose();
});

function assertSafe(lines: string[]): void {
	for (const line of lines) {
		expect(line, JSON.stringify(line)).not.toMatch(ONLY_SGR_ESCAPES);
		expect(line, JSON.stringify(line)).not.toMatch(CONTROL);
		expect(stripSgr(line)).not.toMatch(/\x1b/);
		expect(line).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
	}
}

describe('snapshots never carry control sequences', () => {
	it.each(HOSTILE)('%s', async (_name, sequence) => {
		const emulator = new TerminalEmulator({cols: 40, rows: 6});
		emulators.push(emulator);
		await feed(emulator, `\x1b[1;31mbefore\x1b[0m ${sequence} after\r\n`);
		for (const drawCursor of [false, true]) {
			assertSafe(emulator.snapshot({drawCursor}).lines);
			assertSafe(emulator.snapshot({scrollOffset: 3, drawCursor}).lines);
		}
	});

	it('all of them at once, as text and as bytes', async () => {
		const all = HOSTILE.map(([, sequence]) => `x${sequence}y`).join('\r\n');
		for (const data of [all, Buffer.from(all, 'latin1'), Buffer.from(all, 'utf8')]) {
			const emulator = new TerminalEmulator({cols: 30, rows: 8, scrollback: 100});
			emulators.push(emulator);
			await feed(emulator, data);
			await feed(emulator, '\x1b[?1049l\x1b[?25h');
			assertSafe(emulator.snapshot({drawCursor: true}).lines);
			assertSafe(emulator.snapshot({scrollOffset: 50}).lines);
		}
	});

	it('keeps the title and clipboard payload off the screen', async () => {
		const emulator = new TerminalEmulator({cols: 40, rows: 3});
		emulators.push(emulator);
		await feed(emulator, '\x1b]0;pwned-title\x07\x1b]52;c;aGVsbG8=\x07');
		const text = emulator.snapshot().lines.join('');
		expect(text).not.toContain('pwned');
		expect(text).not.toContain('aGVsbG8');
		expect(emulator.title).toBe('pwned-title');
	});
});
