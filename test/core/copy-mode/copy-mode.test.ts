import {afterEach, describe, expect, it} from 'vitest';
import {CopyMode} from '../../../source/core/copy-mode/copy-mode.js';
import {LineIndex} from '../../../source/core/copy-mode/line-index.js';
import {findMatches, parseQuery, type ParsedQuery} from '../../../source/core/copy-mode/search.js';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';

const emulators: TerminalEmulator[] = [];
afterEach(() => {
	for (const emulator of emulators.splice(0)) emulator.dispose();
});

/** A real emulator (xterm headless) fed `text`, as the remote would. */
async function terminal(text: string, cols = 20, rows = 5): Promise<TerminalEmulator> {
	const emulator = new TerminalEmulator({cols, rows, scrollback: 1000});
	emulators.push(emulator);
	emulator.write(text);
	await emulator.flush();
	return emulator;
}

const lines = (...rows: string[]) => rows.join('\r\n');
const parsed = (query: string) => parseQuery(query) as ParsedQuery;

describe('copy mode over the buffer', () => {
	it('starts at the remote cursor with the live screen in view, and moves with h j k l 0 $ g G', async () => {
		const emulator = await terminal(lines('one', 'two words', 'three', 'four', 'five', 'six', 'seven'));
		const mode = new CopyMode(emulator.text, 5);
		expect(mode.cursor).toEqual({line: 6, col: 5});
		expect(mode.top).toBe(2);
		mode.lineStart();
		mode.up();
		mode.up();
		expect(mode.cursor).toEqual({line: 4, col: 0});
		mode.right();
		mode.right();
		expect(mode.cursor.col).toBe(2);
		mode.left();
		expect(mode.cursor.col).toBe(1);
		mode.left();
		mode.left();
		expect(mode.cursor.col).toBe(0);
		mode.historyTop();
		expect(mode.cursor).toEqual({line: 0, col: 0});
		expect(mode.top).toBe(0);
		mode.down();
		mode.lineEnd();
		expect(mode.cursor).toEqual({line: 1, col: 8});
		mode.historyBottom();
		expect(mode.cursor.line).toBe(emulator.text.length - 1);
		expect(mode.top).toBe(emulator.text.length - 5);
	});

	it('moves by words with w and b (word characters, punctuation and blanks are separate runs), across lines', async () => {
		const emulator = await terminal(lines('alpha beta-gamma', '  delta'));
		const mode = new CopyMode(emulator.text, 5);
		mode.historyTop();
		const starts: number[][] = [];
		for (let i = 0; i < 5; i++) {
			mode.wordForward();
			starts.push([mode.cursor.line, mode.cursor.col]);
		}
		expect(starts).toEqual([
			[0, 6],
			[0, 10],
			[0, 11],
			[1, 2],
			// No word after the last one: w stops at the buffer's last character, as in vi.
			[1, 6],
		]);
		mode.wordBack();
		expect(mode.cursor).toEqual({line: 1, col: 2});
		mode.wordBack();
		expect(mode.cursor).toEqual({line: 0, col: 11});
		mode.wordBack();
		mode.wordBack();
		expect(mode.cursor).toEqual({line: 0, col: 6});
		mode.right();
		mode.wordBack();
		expect(mode.cursor).toEqual({line: 0, col: 6});
	});

	it('scrolls half a page with Ctrl-u / Ctrl-d, the view following the cursor', async () => {
		const emulator = await terminal(Array.from({length: 40}, (_, i) => `line ${i}`).join('\r\n'), 20, 10);
		const mode = new CopyMode(emulator.text, 10);
		const bottomTop = mode.top;
		mode.scroll(-1, 'half');
		expect(mode.top).toBe(bottomTop - 5);
		expect(mode.cursor.line).toBe(39 - 5);
		mode.scroll(-1, 'page');
		expect(mode.top).toBe(bottomTop - 14);
		mode.scroll(1, 'half');
		expect(mode.top).toBe(bottomTop - 9);
		for (let i = 0; i < 20; i++) mode.scroll(-1, 'half');
		expect(mode.top).toBe(0);
		expect(mode.cursor.line).toBe(0);
	});

	it('searches the whole scrollback forward and back, wrapping, and counts the matches', async () => {
		const emulator = await terminal(Array.from({length: 300}, (_, i) => String(i + 1)).join('\r\n'), 20, 10);
		const mode = new CopyMode(emulator.text, 10);
		expect(mode.search('99', 1)).toBeUndefined();
		expect(mode.searchStatus).toBe('match 1 of 3 for "99"');
		expect(mode.cursor).toEqual({line: 98, col: 0});
		// The view moved to the match, far above the screen.
		expect(mode.top).toBeLessThanOrEqual(98);
		expect(mode.top + 10).toBeGreaterThan(98);
		mode.next();
		expect(mode.cursor).toEqual({line: 198, col: 1});
		mode.next();
		mode.next();
		expect(mode.searchStatus).toBe('match 1 of 3 for "99"');
		mode.next(true);
		expect(mode.searchStatus).toBe('match 3 of 3 for "99"');
		expect(mode.search('250', -1)).toBeUndefined();
		expect(mode.cursor.line).toBe(249);
		expect(mode.search('nowhere', 1)).toBe('Nothing matches "nowhere".');
		expect(mode.searchStatus).toBe('no match for "nowhere"');
		expect(mode.next()).toBe('Nothing matches "nowhere".');
	});

	it('finds matches that wrap across rows and after wide characters, in the cells they occupy', async () => {
		// 10 columns: "0123456789" fills a row, "needle" wraps after "nee".
		const emulator = await terminal(lines('0123456nee' + 'dle tail', '日本語 needle'), 10, 5);
		const index = new LineIndex(emulator.text);
		expect(index.lines.map(line => line.text)).toEqual(['0123456needle tail', '日本語 needle', '']);
		const matches = findMatches(index, parsed('needle'));
		expect(matches).toEqual([
			{start: {line: 0, col: 7}, end: {line: 1, col: 2}},
			// Each wide character is two cells: "needle" starts in column 7.
			{start: {line: 2, col: 7}, end: {line: 3, col: 2}},
		]);
		expect(findMatches(index, parsed('本'))).toEqual([{start: {line: 2, col: 2}, end: {line: 2, col: 2}}]);
	});

	it('reads queries as plain text (smartcase) or /regex/, and explains a broken expression', async () => {
		const emulator = await terminal(lines('Error: a.b', 'error a+b', 'ERROR axb'));
		const index = new LineIndex(emulator.text);
		expect(findMatches(index, parsed('error'))).toHaveLength(3);
		expect(findMatches(index, parsed('Error'))).toHaveLength(1);
		expect(findMatches(index, parsed('a.b'))).toHaveLength(1);
		expect(findMatches(index, parsed('/a.b/'))).toHaveLength(3);
		expect(findMatches(index, parsed('/^error/i'))).toHaveLength(3);
		expect(findMatches(index, parsed('/^error/'))).toHaveLength(1);
		const broken = parseQuery('/a(b/');
		expect(typeof broken).toBe('string');
		expect(broken).toMatch(/"\/a\(b\/" is not a regular expression vmux can read .*; fix it, or search for plain text without the slashes\./);
		const mode = new CopyMode(emulator.text, 5);
		expect(mode.search('/a(b/', 1)).toBe(broken);
	});

	it('extracts a character selection across a wrapped line without a break, and trims trailing blanks', async () => {
		const emulator = await terminal(lines('0123456nee' + 'dle tail', 'next   ', 'last'), 10, 6);
		const mode = new CopyMode(emulator.text, 6);
		mode.historyTop();
		expect(mode.selectedText()).toBeUndefined();
		for (let i = 0; i < 7; i++) mode.right();
		mode.toggleSelection('char');
		mode.down();
		mode.lineStart();
		mode.right();
		mode.right();
		expect(mode.selectedText()).toBe('needle'.slice(0, 6));
		mode.down();
		mode.lineEnd();
		expect(mode.selectedText()).toBe('needle tail\nnext');
		// Backwards from the anchor works too.
		mode.historyTop();
		expect(mode.selectedText()).toBe('0123456n');
		mode.toggleSelection('char');
		expect(mode.selection).toBeUndefined();
	});

	it('selects whole lines with V, and wide characters whole', async () => {
		const emulator = await terminal(lines('first line', '日本語 text', 'third'), 20, 5);
		const mode = new CopyMode(emulator.text, 5);
		mode.historyTop();
		mode.right();
		mode.toggleSelection('line');
		mode.down();
		expect(mode.selectedText()).toBe('first line\n日本語 text');
		mode.toggleSelection('char');
		expect(mode.selection?.kind).toBe('char');
		// From column 1 of line 0 to the start of 本 (column 2: l skips the wide character's right half).
		mode.lineStart();
		mode.right();
		expect(mode.cursor.col).toBe(2);
		expect(mode.selectedText()).toBe('irst line\n日本');
	});

	it('marks matches, the current match, the selection and the cursor for the painter', async () => {
		const emulator = await terminal(lines('ab ab', 'ab'));
		const mode = new CopyMode(emulator.text, 5);
		mode.search('ab', 1);
		expect(mode.currentMatch).toBe(0);
		expect(mode.marksOf(0)).toEqual([
			{from: 0, to: 2, kind: 'match'},
			{from: 3, to: 5, kind: 'match'},
			{from: 0, to: 2, kind: 'current-match'},
			{from: 0, to: 1, kind: 'cursor'},
		]);
		mode.toggleSelection('char');
		mode.right();
		expect(mode.marksOf(0)).toContainEqual({from: 0, to: 2, kind: 'selection'});
		expect(mode.marksOf(1)).toEqual([{from: 0, to: 2, kind: 'match'}]);
		expect(mode.marksOf(3)).toBeUndefined();
	});

	it('searches again after new output, finding the new matches', async () => {
		const emulator = await terminal(lines('one match'));
		const mode = new CopyMode(emulator.text, 5);
		mode.search('match', 1);
		expect(mode.searchStatus).toBe('match 1 of 1 for "match"');
		emulator.write('\r\nanother match');
		await emulator.flush();
		mode.next();
		expect(mode.searchStatus).toMatch(/of 2 for "match"/);
	});
});

describe('copy mode under the mouse', () => {
	it('the wheel moves the view by lines with the cursor on the same screen row, and knows the bottom', async () => {
		const emulator = await terminal(lines(...Array.from({length: 20}, (_, i) => `row ${i}`)));
		const mode = new CopyMode(emulator.text, 5);
		expect(mode.top).toBe(15);
		expect(mode.atBottom).toBe(true);
		mode.scrollLines(-3);
		expect(mode.top).toBe(12);
		expect(mode.cursor.line).toBe(16);
		expect(mode.atBottom).toBe(false);
		mode.scrollLines(-100);
		expect(mode.top).toBe(0);
		expect(mode.cursor.line).toBe(4);
		mode.scrollLines(100);
		expect(mode.top).toBe(15);
		expect(mode.atBottom).toBe(true);
	});

	it('a click puts the cursor on a cell (the start of a wide character), a drag selects from where it began', async () => {
		const emulator = await terminal(lines('abc 漢字 def', 'second'));
		const mode = new CopyMode(emulator.text, 5);
		mode.pointAt({line: 0, col: 5});
		expect(mode.cursor).toEqual({line: 0, col: 4});
		mode.selectFrom({line: 0, col: 0});
		mode.pointAt({line: 1, col: 2});
		expect(mode.selectedText()).toBe('abc 漢字 def\nsec');
		mode.clearSelection();
		expect(mode.selection).toBeUndefined();
		// Past the buffer: clamped.
		mode.pointAt({line: 99, col: 99});
		expect(mode.cursor).toEqual({line: emulator.text.length - 1, col: 19});
	});
});
