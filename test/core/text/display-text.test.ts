import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {displayText, isDisplaySafe} from '../../../source/core/text/display-text.js';

/** Anything a terminal would act on instead of printing: C0 (incl. ESC), DEL, C1, and the bidi controls. */
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const UNSAFE_ONE_LINE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

const ESC = '\x1b';
const BEL = '\x07';

/** Strings built from the pieces attacks are made of, so the generator finds the interesting cases. */
const hostilePiece = fc.constantFrom(
	`${ESC}]52;c;SGVsbG8=${BEL}`,
	`${ESC}]0;PWNED${BEL}`,
	`${ESC}]0;PWNED${ESC}\\`,
	`${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`,
	`${ESC}[2J`,
	`${ESC}[31m`,
	`${ESC}[?1049l`,
	`${ESC}P1$qm${ESC}\\`,
	`${ESC}_apc payload${ESC}\\`,
	`${ESC}^pm${ESC}\\`,
	`${ESC}Xsos${ESC}\\`,
	'\x9b2J',
	'\x9d0;title\x9c',
	'\x90dcs\x9c',
	ESC,
	`${ESC}]`,
	`${ESC}[`,
	BEL,
	'\x00',
	'\x7f',
	'\x85',
	'\r',
	'\n',
	'\r\n',
	'\t',
	'\u202e',
	'\u2066',
	'\u2069',
	'\u200e',
	'\u200f',
	'\u061c',
	'web-01',
	' ',
	'日本語',
	'👩‍💻',
);
const hostileString = fc.array(fc.oneof(hostilePiece, fc.string({unit: 'binary', maxLength: 8})), {maxLength: 12}).map(parts => parts.join(''));
const anyString = fc.oneof(hostileString, fc.string({unit: 'binary'}), fc.string({unit: 'grapheme'}));

/** Printable text: letters, digits, punctuation, CJK, emoji (incl. ZWJ sequences) — never a control. */
const printable = fc.string({unit: 'grapheme', maxLength: 40}).filter(text => !UNSAFE_ONE_LINE.test(text));

describe('displayText', () => {
	it('leaves no escape, C0/C1 control or bidi control in anything (single line)', () => {
		fc.assert(
			fc.property(anyString, text => {
				const shown = displayText(text);
				expect(shown).not.toMatch(UNSAFE_ONE_LINE);
				expect(shown).not.toContain(ESC);
			}),
			{seed: 42, numRuns: 2000},
		);
	});

	it('keeps only \\n as a control when asked for multiple lines', () => {
		fc.assert(
			fc.property(anyString, text => {
				const shown = displayText(text, {multiline: true});
				expect(shown).not.toMatch(UNSAFE);
				expect(shown).not.toContain('\r');
				expect(shown).not.toContain('\t');
			}),
			{seed: 42, numRuns: 2000},
		);
	});

	it('keeps printable text exactly, CJK and emoji included', () => {
		fc.assert(
			fc.property(printable, text => {
				expect(displayText(text)).toBe(text);
				expect(displayText(text, {multiline: true})).toBe(text);
				expect(isDisplaySafe(text)).toBe(true);
			}),
			{seed: 42, numRuns: 2000},
		);
	});

	it('keeps the printable text around a removed sequence or control', () => {
		// Not a lone ESC or an unfinished introducer: ESC + a printable character is itself a sequence
		// (ESC 7 saves the cursor), so what follows those is rightly eaten.
		const complete = hostilePiece.filter(piece => !piece.endsWith(ESC) && !piece.endsWith(`${ESC}[`) && !piece.endsWith(`${ESC}]`) && !/\s/.test(piece));
		fc.assert(
			fc.property(printable, complete, printable, (before, attack, after) => {
				const shown = displayText(before + attack + after);
				expect(shown.startsWith(before)).toBe(true);
				expect(shown.endsWith(after)).toBe(true);
			}),
			{seed: 42, numRuns: 1000},
		);
	});

	it('is idempotent: made-safe text stays as it is', () => {
		fc.assert(
			fc.property(anyString, fc.boolean(), (text, multiline) => {
				const once = displayText(text, {multiline});
				expect(displayText(once, {multiline})).toBe(once);
			}),
			{seed: 42, numRuns: 1000},
		);
	});

	it('removes whole sequences, not just their ESC, so no payload is left behind', () => {
		expect(displayText(`evil${ESC}]52;c;SGVsbG8=${BEL}${ESC}]0;PWNED${BEL}`)).toBe('evil');
		expect(displayText(`a${ESC}[2Jb`)).toBe('ab');
		expect(displayText(`a\x9b2Jb`)).toBe('ab');
		expect(displayText(`a${ESC}P1$qm${ESC}\\b`)).toBe('ab');
		expect(displayText(`a${ESC}_payload${ESC}\\b`)).toBe('ab');
		expect(displayText('web\u202e10-bew')).toBe('web10-bew');
		expect(displayText(`x\x00y${BEL}z\x7f`)).toBe('xyz');
	});

	it('an unterminated sequence loses its ESC, so the rest is harmless text', () => {
		expect(displayText(`name${ESC}]0;still typing`)).toBe('name]0;still typing');
		expect(displayText(`trailing${ESC}`)).toBe('trailing');
	});

	it('flattens line breaks and tabs to spaces on one line, keeps them as \\n on several', () => {
		expect(displayText('a\r\nb\nc\td')).toBe('a b c d');
		expect(displayText('a\r\nb\rc\nd\te', {multiline: true})).toBe('a\nb\nc\nd e');
	});

	it('takes bounded time on a huge hostile string', () => {
		const huge = `${ESC}]52;c;${'A'.repeat(1_000_000)}${ESC}[${'9;'.repeat(100_000)}${'\u202e'.repeat(100_000)}`;
		const started = performance.now();
		const shown = displayText(huge);
		expect(performance.now() - started).toBeLessThan(2000);
		expect(shown).not.toMatch(UNSAFE_ONE_LINE);
	});
});
