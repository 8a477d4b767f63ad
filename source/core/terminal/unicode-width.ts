/**
 * Character widths as a current remote (glibc wcwidth, Unicode 11+) and Ink's string-width see them.
 * xterm's built-in tables are Unicode 6, where emoji are one cell wide: the remote would move its
 * cursor two cells for an emoji and the emulator one, and every line after it would be misplaced.
 *
 * @xterm/addon-unicode11 does the same job; it is not a dependency of vmux, so this provider builds
 * its table from the Unicode properties that Node's regular expressions know.
 */
import type {IUnicodeVersionProvider} from '@xterm/headless';

export const UNICODE_VERSION = 'vmux-15';

// East Asian Wide/Fullwidth blocks (after Markus Kuhn's wcwidth, extended to current Unicode).
// Emoji come from Emoji_Presentation below.
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
	[0x1100, 0x115f],
	[0x2329, 0x232a],
	[0x2e80, 0x303e],
	[0x3041, 0x33ff],
	[0x3400, 0x4dbf],
	[0x4e00, 0x9fff],
	[0xa000, 0xa4cf],
	[0xa960, 0xa97f],
	[0xac00, 0xd7a3],
	[0xf900, 0xfaff],
	[0xfe10, 0xfe19],
	[0xfe30, 0xfe6f],
	[0xff00, 0xff60],
	[0xffe0, 0xffe6],
	[0x16fe0, 0x16fe4],
	[0x16ff0, 0x16ff1],
	[0x17000, 0x18cff],
	[0x18d00, 0x18d08],
	[0x1aff0, 0x1b2ff],
	[0x1f200, 0x1f202],
	[0x1f210, 0x1f23b],
	[0x1f240, 0x1f248],
	[0x1f250, 0x1f251],
	[0x1f260, 0x1f265],
];

const TABLE_END = 0x20000;
let table: Uint8Array | undefined;

/** Width per code point below TABLE_END; built once, on first use (~10 ms). */
function widthTable(): Uint8Array {
	if (table) return table;
	const widths = new Uint8Array(TABLE_END).fill(1);
	for (const [from, to] of WIDE_RANGES) widths.fill(2, from, Math.min(to, TABLE_END - 1) + 1);
	const wide = /^\p{Emoji_Presentation}$/u;
	const zero = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
	for (let cp = 0x300; cp < TABLE_END; cp++) {
		if (cp === 0xd800) cp = 0xe000;
		const ch = String.fromCodePoint(cp);
		if (zero.test(ch)) widths[cp] = 0;
		else if (wide.test(ch)) widths[cp] = 2;
	}
	// Hangul medial vowels and final consonants combine with the preceding initial consonant.
	widths.fill(0, 0x1160, 0x1200);
	widths.fill(0, 0xd7b0, 0xd800);
	// Regional indicators are Emoji_Presentation but East Asian Width neutral: glibc and Ink count
	// one cell each, and a flag (a pair) two.
	widths.fill(1, 0x1f1e6, 0x1f200);
	widths[0x200b] = 0;
	widths[0x00ad] = 1;
	table = widths;
	return widths;
}

export function charWidth(cp: number): 0 | 1 | 2 {
	if (cp < 0x300) return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 0 : 1;
	if (cp < TABLE_END) return widthTable()[cp] as 0 | 1 | 2;
	if ((cp >= 0x20000 && cp <= 0x2fffd) || (cp >= 0x30000 && cp <= 0x3fffd)) return 2;
	// Tags and variation selectors supplement.
	if (cp >= 0xe0000 && cp <= 0xe0fff) return 0;
	return 1;
}

// xterm packs a character's properties as (state << 3) | (width << 1) | shouldJoin; the provider
// interface hands the packed value back and forth, so it is reproduced here.
function propertyValue(width: number, shouldJoin: boolean): number {
	return ((width & 3) << 1) | (shouldJoin ? 1 : 0);
}

function widthOf(value: number): number {
	return (value >> 1) & 3;
}

const ONE_CELL = propertyValue(1, false);

export function createUnicodeProvider(): IUnicodeVersionProvider {
	return {
		version: UNICODE_VERSION,
		wcwidth: charWidth,
		charProperties(codepoint: number, preceding: number): number {
			// Printable ASCII and Latin-1: called for every character parsed, so answer at once.
			if ((codepoint >= 0x20 && codepoint < 0x7f) || (codepoint >= 0xa0 && codepoint < 0x300)) return ONE_CELL;
			// Same joining rule as xterm's own providers: a zero-width character after a printed one
			// joins that cell (combining marks, ZWJ, variation selectors).
			let width: number = charWidth(codepoint);
			let shouldJoin = width === 0 && preceding !== 0;
			if (shouldJoin) {
				const oldWidth = widthOf(preceding);
				if (oldWidth === 0) shouldJoin = false;
				else if (oldWidth > width) width = oldWidth;
			}
			return propertyValue(width, shouldJoin);
		},
	};
}
