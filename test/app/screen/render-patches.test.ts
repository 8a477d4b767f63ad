import {diffAnsiCodes, styledCharsFromTokens, styledCharsToString, tokenize} from '@alcalzone/ansi-tokenize';
import stringWidth from 'string-width';
import {readFileSync} from 'node:fs';
import stripAnsi from 'strip-ansi';
import {describe, expect, test} from 'vitest';
// Ink's frame builder is not in its package exports; the test reads the patched file itself.
import Output from '../../../node_modules/ink/build/output.js';

/**
 * The speed patches under Ink (patches/: string-width, @alcalzone/ansi-tokenize, ink's output.js) must not change
 * a single cell: each fast path is checked here against the general path it skips (issue 14: a filter keystroke
 * over 1,000 VMs cost ~40 ms of frame building before them).
 */

/** SGR styles as chalk writes them (Ink's own colouring), without depending on chalk here. */
const sgr = (open: string, close: string) => (text: string) => `\u001B[${open}m${text}\u001B[${close}m`;
const colour = {
	red: sgr('31', '39'),
	green: sgr('32', '39'),
	bold: sgr('1', '22'),
	dim: sgr('2', '22'),
	inverse: sgr('7', '27'),
	bgBlue: sgr('44', '49'),
	underlineYellow: (text: string) => sgr('4', '24')(sgr('33', '39')(text)),
	reset: sgr('0', '0'),
};
// A CJK character is never in the fast paths: appended to a text, it sends the whole text down the general path.
const WIDE = '日';

function randomSource(seed: number) {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
}

function narrowCodePoints(): number[] {
	const {NARROW_RANGES} = (stringWidthModule as {NARROW_RANGES?: string});
	expect(NARROW_RANGES, 'string-width carries the vmux patch (npm ci runs patch-package)').toBeTypeOf('string');
	const points: number[] = [];
	for (const [, from, to] of NARROW_RANGES!.matchAll(/(.)(?:-(.))?/gsu)) {
		const first = from!.codePointAt(0)!;
		const last = (to ?? from)!.codePointAt(0)!;
		for (let point = first; point <= last; point++) points.push(point);
	}
	return points;
}
const stringWidthModule: unknown = await import('string-width');

describe('string-width fast path (patch)', () => {
	test('every character it counts as 1 column is 1 column on the general path, alone and together', () => {
		const points = narrowCodePoints();
		expect(points.length).toBeGreaterThan(1000);
		for (const point of points) {
			const char = String.fromCodePoint(point);
			expect(stringWidth(char), `U+${point.toString(16)}`).toBe(1);
			expect(stringWidth(char + WIDE), `U+${point.toString(16)} on the general path`).toBe(3);
		}
		const all = String.fromCodePoint(...points);
		expect(stringWidth(all)).toBe(points.length);
		expect(stringWidth(all + WIDE)).toBe(points.length + 2);
	});

	test('wide, emoji and combining characters still take the general path', () => {
		expect(stringWidth('⌚')).toBe(2);
		expect(stringWidth('◽')).toBe(2);
		expect(stringWidth('e\u0301')).toBe(1);
		expect(stringWidth('✓\uFE0F')).toBe(stringWidth(`✓\uFE0F${WIDE}`) - 2);
		expect(stringWidth(colour.red('a·b'))).toBe(3);
	});
});

describe('ansi-tokenize fast paths (patch)', () => {
	test('its simple text is string-width\'s narrow set plus ESC: the two patches keep one list of characters', () => {
		const source = readFileSync(new URL('../../../node_modules/@alcalzone/ansi-tokenize/build/tokenize.js', import.meta.url), 'utf8');
		const literal = /const simpleText = \/\^\[(.*)\]\*\$\/;/.exec(source)?.[1];
		expect(literal, 'ansi-tokenize carries the vmux patch').toBeTypeOf('string');
		const simple = new RegExp(`^[${literal}]$`);
		const narrow = new Set(narrowCodePoints());
		for (let point = 0; point <= 0x2fff; point++) {
			expect(simple.test(String.fromCharCode(point)), `U+${point.toString(16)}`).toBe(narrow.has(point) || point === 0x1b);
		}
	});

	const random = randomSource(14);
	const pieces = ['a', 'Z', '0', ' ', '·', '…', '▸', '⇄', '✓', '─', '│', '⏎', '↑', 'é'];
	const styles = [colour.red, colour.bold, colour.inverse, colour.underlineYellow, colour.dim, colour.bgBlue, (text: string) => text];
	const styledText = () =>
		Array.from({length: 1 + Math.floor(random() * 12)}, () => {
			const text = Array.from({length: 1 + Math.floor(random() * 6)}, () => pieces[Math.floor(random() * pieces.length)]!).join('');
			return styles[Math.floor(random() * styles.length)]!(text);
		}).join('');

	test('tokenize walks simple text by code unit with the same tokens as the grapheme segmenter', () => {
		for (let round = 0; round < 500; round++) {
			const text = styledText();
			const fast = tokenize(text);
			const general = tokenize(text + WIDE);
			expect(fast, JSON.stringify(text)).toEqual(general.slice(0, -1));
		}
	});

	test('styled characters survive a round trip, and equal styles need no codes between them', () => {
		for (let round = 0; round < 500; round++) {
			const text = styledText();
			const chars = styledCharsFromTokens(tokenize(text));
			const again = styledCharsFromTokens(tokenize(styledCharsToString(chars)));
			expect(again.map(char => [char.value, char.styles.map(code => code.code).sort()]), JSON.stringify(text)).toEqual(
				chars.map(char => [char.value, char.styles.map(code => code.code).sort()]),
			);
			for (let i = 1; i < chars.length; i++) {
				const same = JSON.stringify(chars[i - 1]!.styles) === JSON.stringify(chars[i]!.styles);
				if (same) expect(diffAnsiCodes(chars[i - 1]!.styles, chars[i]!.styles)).toEqual([]);
			}
		}
	});
});

describe('Ink frame rows (output.js patch)', () => {
	const random = randomSource(1402);
	const words = ['web-01', 'running', 'bas-hub · Premium ⇄', '✓', '日本', 'rg-Données', '▸ ', '…'];
	type Write = {x: number; y: number; text: string};
	const randomFrame = (width: number, height: number): Write[] =>
		Array.from({length: Math.floor(random() * 14)}, () => ({
			x: Math.floor(random() * (width - 2)),
			y: Math.floor(random() * height),
			text: [colour.green, colour.bold, colour.reset, colour.inverse][Math.floor(random() * 4)]!(words[Math.floor(random() * words.length)]!),
		}));
	const build = (width: number, height: number, writes: Write[]) => {
		const output = new Output({width, height});
		for (const write of writes) output.write(write.x, write.y, write.text, {transformers: []});
		return output.get().output;
	};
	/** The same frame laid out as plain text, cell by cell: the placement every row must show. */
	const plain = (width: number, height: number, writes: Write[]) => {
		const grid = Array.from({length: height}, () => Array.from({length: width}, () => ' '));
		for (const {x, y, text} of writes) {
			let column = x;
			for (const char of stripAnsi(text)) {
				const cells = stringWidth(char);
				grid[y]![column] = char;
				for (let extra = 1; extra < cells; extra++) grid[y]![column + extra] = '';
				column += Math.max(1, cells);
			}
		}
		return grid.map(row => row.join('').slice(0, width * 2).trimEnd()).join('\n');
	};

	test('each row is placed as written, and a row built from the cache equals the same row built cold', () => {
		const width = 40;
		const height = 6;
		const frames = Array.from({length: 300}, () => randomFrame(width, height));
		const first = frames.map(frame => build(width, height, frame));
		frames.forEach((frame, i) => {
			expect(stripAnsi(first[i]!).split('\n').map(row => row.trimEnd()).join('\n'), `frame ${i}`).toBe(plain(width, height, frame));
		});
		// Again, in another order: every row now comes from the cache, and must be the same string.
		for (let i = frames.length - 1; i >= 0; i--) expect(build(width, height, frames[i]!)).toBe(first[i]);
		// The width is part of a row's identity: the same writes in a narrower frame are cut, not reused.
		const wide = [{x: 30, y: 0, text: colour.red('web-01')}];
		expect(stripAnsi(build(40, 1, wide))).toBe(`${' '.repeat(30)}web-01`);
		expect(stripAnsi(build(33, 1, wide)).length).toBeLessThanOrEqual(36);
	});
});
