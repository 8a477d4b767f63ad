import {afterEach, describe, expect, it} from 'vitest';
import xterm from '@xterm/headless';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {CompactLineEncoder, CompactLineView, type RawBufferLine} from '../../../source/core/terminal/compact-line.js';
import {CompactScrollback} from '../../../source/core/terminal/compact-scrollback.js';
import {XTermTrimTap} from '../../../source/core/terminal/xterm-trim-tap.js';
import {LineIndex} from '../../../source/core/copy-mode/line-index.js';
import {findMatches, parseQuery} from '../../../source/core/copy-mode/search.js';
import {seededRandom} from '../../helpers/seeded-random.js';

const made: TerminalEmulator[] = [];
afterEach(() => {
	for (const emulator of made.splice(0)) emulator.dispose();
});

function emulator(cols: number, rows: number, scrollback: number, xtermHistoryTail?: number): TerminalEmulator {
	const created = new TerminalEmulator({cols, rows, scrollback, xtermHistoryTail});
	made.push(created);
	return created;
}

/** Everything copy mode and the painter can read of the history and screen: rendered rows and cells by line. */
function contents(terminal: TerminalEmulator) {
	const text = terminal.text;
	const rows = [];
	for (let line = 0; line < text.length; line++) rows.push(text.row(line));
	return {
		length: text.length,
		baseY: text.baseY,
		cursor: text.cursor,
		rendered: terminal.renderLines(0, text.length),
		rows,
		screen: terminal.snapshot().lines,
		scrolledBack: terminal.snapshot({scrollOffset: Math.floor(text.baseY / 2)}).lines,
	};
}

/** Random output of the kinds a shell session has: colours, attributes, wide and combined characters, wraps, cursor moves, erases. */
function randomOutput(random: () => number, pieces: number, {clears = true} = {}): string {
	let inAlt = false;
	const words = ['ls', 'total 48', 'drwxr-xr-x', 'Ünïcödé', '漢字テスト', '🙂ok', 'e\u0301', 'a\u200bb', '\t', 'x'.repeat(70), '─┼─'];
	let out = '';
	for (let i = 0; i < pieces; i++) {
		const pick = random();
		if (pick < 0.25) out += words[Math.floor(random() * words.length)];
		else if (pick < 0.35) out += `\x1b[${[1, 2, 3, 4, 7, 9, 53][Math.floor(random() * 7)]}m`;
		else if (pick < 0.45) out += `\x1b[${30 + Math.floor(random() * 8)};${40 + Math.floor(random() * 8)}m`;
		else if (pick < 0.5) out += `\x1b[38;5;${Math.floor(random() * 256)}m`;
		else if (pick < 0.55) out += `\x1b[48;2;${Math.floor(random() * 256)};${Math.floor(random() * 256)};${Math.floor(random() * 256)}m`;
		else if (pick < 0.62) out += '\x1b[0m';
		else if (pick < 0.78) out += '\r\n';
		else if (pick < 0.82) out += `\x1b[${1 + Math.floor(random() * 9)}C`;
		else if (pick < 0.85) out += '\x1b[K';
		else if (pick < 0.87) out += '\r';
		else if (pick < 0.9) out += `\x1b[${1 + Math.floor(random() * 4)}A`;
		// What else moves lines in and out of the history: a scroll region from the top (xterm inserts below it
		// with splice), inserted and deleted lines, the alternate screen, clearing the scrollback, a full reset.
		else if (pick < 0.91) out += `\x1b[1;${2 + Math.floor(random() * 3)}r${'\n'.repeat(1 + Math.floor(random() * 6))}\x1b[r`;
		else if (pick < 0.915) out += `\x1b[${1 + Math.floor(random() * 3)}${random() < 0.5 ? 'L' : 'M'}`;
		// In and out of the alternate screen in pairs: 1049l outside it is a bare DECRC, which xterm restores from an
		// absolute line (ybase + y) that scrolling a not-yet-full history moves; xterm's own full history (and a VT100)
		// restores the screen row, so the two sides would differ by xterm's quirk, not by what is kept.
		else if (pick < 0.92) {
			out += inAlt ? '\x1b[?1049l' : '\x1b[?1049h';
			inAlt = !inAlt;
		}
		else if (pick < 0.922 && clears) out += '\x1b[3J';
		else if (pick < 0.923 && clears) out += '\x1bc';
		else out += ` ${Math.floor(random() * 1e6)} `;
	}
	// Each piece ends on the normal screen, where the history is compared.
	return inAlt ? `${out}\x1b[?1049l` : out;
}

describe('compact scrollback (history outside xterm)', () => {
	it('shows exactly what xterm keeping the whole history shows, for random styled output written in random pieces (seeded)', async () => {
		for (const seed of [1, 2, 3]) {
			const random = seededRandom(seed);
			const compact = emulator(40, 6, 150, 8);
			const whole = emulator(40, 6, 150, 150);
			let deepest = 0;
			for (let step = 0; step < 40; step++) {
				const data = randomOutput(random, 20 + Math.floor(random() * 60));
				// The same bytes, cut at different places: parsing must not depend on where chunks end.
				const cut = Math.floor(random() * data.length);
				compact.write(data.slice(0, cut));
				compact.write(data.slice(cut));
				whole.write(data);
				await Promise.all([compact.flush(), whole.flush()]);
				expect(contents(compact), `seed ${seed}, step ${step}`).toEqual(contents(whole));
				deepest = Math.max(deepest, compact.historyLines.compact);
			}
			expect(deepest, 'the history really went past the tail').toBeGreaterThan(0);
		}
	});

	it('finds the same matches at the same places in copy mode as when xterm keeps the whole history (seeded)', async () => {
		const random = seededRandom(7);
		const compact = emulator(50, 6, 400, 10);
		const whole = emulator(50, 6, 400, 400);
		const data = randomOutput(random, 3000, {clears: false});
		compact.write(data);
		whole.write(data);
		await Promise.all([compact.flush(), whole.flush()]);
		expect(compact.historyLines.compact).toBeGreaterThan(100);
		for (const query of ['ls', 'total 48', 'x{5}', '/[0-9]+ /', '漢字', 'e\u0301', '🙂', 'Ünïcödé']) {
			const parsed = parseQuery(query);
			if (typeof parsed === 'string') throw new Error(parsed);
			const found = findMatches(new LineIndex(compact.text), parsed);
			expect(found, query).toEqual(findMatches(new LineIndex(whole.text), parsed));
		}
		expect(findMatches(new LineIndex(compact.text), parseQuery('drwxr') as Exclude<ReturnType<typeof parseQuery>, string>).length).toBeGreaterThan(5);
	});

	it('keeps as many lines as the scrollback setting, dropping the oldest, like xterm', async () => {
		const compact = emulator(30, 5, 100, 10);
		const whole = emulator(30, 5, 100, 100);
		let data = '';
		for (let i = 1; i <= 1000; i++) data += `line ${i}\r\n`;
		compact.write(data);
		whole.write(data);
		await Promise.all([compact.flush(), whole.flush()]);
		expect(compact.text.baseY).toBe(100);
		expect(compact.renderLines(0, 1)[0]!.trimEnd()).toBe('line 897');
		expect(contents(compact)).toEqual(contents(whole));
	});

	it('joins a wrapped line across the border between the compact history and xterm', async () => {
		const terminal = emulator(10, 3, 50, 2);
		terminal.write(`${'abcdefghij'.repeat(3)}XYZ\r\n${'n\r\n'.repeat(4)}`);
		await terminal.flush();
		const text = terminal.text;
		// The 33-character line is four rows, the first ones already in the compact history.
		const first = [0, 1, 2, 3].map(line => text.row(line)!);
		expect(first.map(row => row.wrapped)).toEqual([false, true, true, true]);
		expect(first.map(row => row.cells.map(cell => cell.chars).join('')).join('')).toMatch(/^(abcdefghij){3}XYZ/);
	});

	it('forgets the history when the remote clears the scrollback (CSI 3 J) or resets the terminal (RIS)', async () => {
		const terminal = emulator(20, 4, 100, 5);
		terminal.write('x\r\n'.repeat(60));
		await terminal.flush();
		expect(terminal.text.baseY).toBe(57);
		terminal.write('\x1b[H\x1b[2J\x1b[3J');
		await terminal.flush();
		expect(terminal.text.baseY).toBe(0);
		terminal.write('after\r\n'.repeat(30));
		await terminal.flush();
		expect(terminal.text.baseY).toBe(27);
		expect(terminal.renderLines(0, 1)[0]!.trimEnd()).toBe('after');
		terminal.write('\x1bc');
		await terminal.flush();
		expect(terminal.text.baseY).toBe(0);
		// The tap follows xterm's new buffer after a reset: history goes on being kept.
		terminal.write('again\r\n'.repeat(30));
		await terminal.flush();
		expect(terminal.text.baseY).toBe(27);
		expect(terminal.renderLines(0, 1)[0]!.trimEnd()).toBe('again');
	});

	it('shows no history on the alternate screen and all of it again after', async () => {
		const terminal = emulator(20, 4, 100, 5);
		terminal.write('h\r\n'.repeat(40));
		await terminal.flush();
		terminal.write('\x1b[?1049h\x1b[Hvim');
		await terminal.flush();
		expect(terminal.text.baseY).toBe(0);
		expect(terminal.text.length).toBe(4);
		expect(terminal.renderLines(0, 1)[0]!.trimEnd()).toBe('vim');
		terminal.write('\x1b[?1049l');
		await terminal.flush();
		expect(terminal.text.baseY).toBe(37);
	});

	it('keeps rows pushed up by a smaller screen, and the text of lines written wider than the pane is now', async () => {
		const compact = emulator(30, 10, 100, 3);
		const whole = emulator(30, 10, 100, 100);
		let data = '';
		for (let i = 1; i <= 40; i++) data += `row ${i}\r\n`;
		for (const terminal of [compact, whole]) {
			terminal.write(data);
			await terminal.flush();
			terminal.resize(30, 4);
		}
		expect(contents(compact)).toEqual(contents(whole));
		compact.write(`${'w'.repeat(28)}END\r\n`.repeat(10));
		await compact.flush();
		compact.resize(12, 4);
		const text = compact.text;
		const rows = Array.from({length: text.length}, (_, line) => text.row(line)!.cells.map(cell => cell.chars).join(''));
		// The compact history keeps the width it was written at (only xterm's tail reflows): no text is lost.
		expect(rows.join('\n')).toContain('row 1\n');
		expect(rows.filter(row => row.includes('END')).length).toBeGreaterThan(0);
		for (const rendered of compact.renderLines(0, text.length)) expect(rendered.replace(/\x1b\[[0-9;]*m/g, '')).toHaveLength(12);
	});

	it('keeps xterm to the screen and its tail, so a long history costs what its text costs', async () => {
		const terminal = emulator(120, 40, 5000, 200);
		let data = '';
		for (let i = 1; i <= 6000; i++) data += `${i} ${'x'.repeat(60)}\r\n`;
		terminal.write(data);
		await terminal.flush();
		expect(terminal.text.baseY).toBe(5000);
		expect(terminal.historyLines).toEqual({compact: 4800, xterm: 200});
	});
});

describe('compact lines', () => {
	const term = new xterm.Terminal({cols: 20, rows: 2, allowProposedApi: true});
	const nullCell = term.buffer.normal.getNullCell();
	const encoder = new CompactLineEncoder(new (nullCell.constructor as new () => typeof nullCell)());

	function rawLine(data: string): Promise<RawBufferLine> {
		return new Promise(done =>
			term.write(`\x1bc${data}`, () => {
				const lines = (term as unknown as {_core: {buffers: {normal: {lines: {get(i: number): RawBufferLine}}}}})._core.buffers.normal.lines;
				done(lines.get(0));
			}),
		);
	}

	it('keeps a plain line as a bare string and a styled or wide one with only what it needs', async () => {
		expect(encoder.encode(await rawLine('plain text'))).toBe('plain text');
		expect(encoder.encode(await rawLine('café ok'))).toBe('café ok');
		expect(encoder.encode(await rawLine('─┼─'))).toBe('─┼─');
		const styled = encoder.encode(await rawLine('a\x1b[1;31mb\x1b[0mc'));
		expect(styled).toEqual({text: 'abc', wrapped: false, styles: [0, -1, -1, 0, 1, 1, -1, 1, 2, -1, -1, 0]});
		const wide = encoder.encode(await rawLine('漢x'));
		expect(wide).toEqual({text: '漢x', wrapped: false, cells: [3, 2]});
		const view = new CompactLineView(wide, 20);
		expect([view.getCell(0)?.getWidth(), view.getCell(1)?.getWidth(), view.getCell(2)?.getChars(), view.getCell(3)?.getChars()]).toEqual([2, 0, 'x', '']);
		expect(view.length).toBe(20);
	});

	it('pins the xterm internals the tap and the encoder read (a new xterm version must be checked)', () => {
		const tap = new XTermTrimTap(
			new xterm.Terminal({cols: 10, rows: 2, scrollback: 1, allowProposedApi: true}),
			() => {},
			() => {},
		);
		expect(tap.attach()).toBe(true);
		tap.dispose();
	});

	it('drops the oldest line once the ring is full', () => {
		const ring = new CompactScrollback(3);
		for (const line of ['a', 'b', 'c', 'd', 'e']) ring.push(line);
		expect([ring.length, ring.get(0), ring.get(2), ring.get(3)]).toEqual([3, 'c', 'e', undefined]);
		ring.clear();
		ring.push('f');
		expect([ring.length, ring.get(0)]).toEqual([1, 'f']);
	});
});
