import {describe, expect, it} from 'vitest';
import {charWidth, createUnicodeProvider, UNICODE_VERSION} from '../../../source/core/terminal/unicode-width.js';

const cp = (ch: string) => ch.codePointAt(0)!;

describe('charWidth', () => {
	it.each([
		['a', 1],
		['é', 1],
		['Ж', 1],
		['→', 1],
		['☺', 1], // text presentation by default
		['─', 1],
		['中', 2],
		['한', 2],
		['あ', 2],
		['Ａ', 2], // fullwidth Latin
		['😀', 2],
		['🚀', 2],
		['⚡', 2],
		['𠀀', 2], // CJK extension B
		['\u0301', 0], // combining acute
		['\u200d', 0], // zero-width joiner
		['\ufe0f', 0], // variation selector
		['\u200b', 0],
		['\u00ad', 1],
		['\u{1f1e9}', 1], // a regional indicator alone; a flag is two of them
	])('%j is %i cells', (ch, width) => {
		expect(charWidth(cp(ch))).toBe(width);
	});

	it('gives C0 and C1 controls no width', () => {
		expect(charWidth(0x1b)).toBe(0);
		expect(charWidth(0x9b)).toBe(0);
	});
});

describe('createUnicodeProvider', () => {
	it('joins a zero-width character to the preceding cell, keeping that cell\'s width', () => {
		const provider = createUnicodeProvider();
		expect(provider.version).toBe(UNICODE_VERSION);
		const wide = provider.charProperties(cp('😀'), 0);
		const joined = provider.charProperties(0xfe0f, wide);
		// Packed as width << 1 | shouldJoin.
		expect(wide).toBe(2 << 1);
		expect(joined).toBe((2 << 1) | 1);
		expect(provider.charProperties(0x301, 0)).toBe(0);
	});
});
