import {describe, expect, it} from 'vitest';
import {bindingSpec, canonicalKey, displayBinding, keyNameOfInput, KeySpecError, parseKeySpec, prefixKeyName} from '../../../source/core/commands/key-spec.js';

describe('key names from what the terminal sends', () => {
	it.each([
		['c', 'c'],
		['D', 'D'],
		['%', '%'],
		['"', '"'],
		[' ', 'Space'],
		['\r', 'Enter'],
		['\t', 'Tab'],
		['\x1b', 'Escape'],
		['\x7f', 'BSpace'],
		['\x02', 'C-b'],
		['\x01', 'C-a'],
		['\x00', 'C-@'],
		['\x1d', 'C-]'],
		['\x1b[A', 'Up'],
		['\x1bOA', 'Up'],
		['\x1b[5~', 'PageUp'],
		['\x1b[6~', 'PageDown'],
		['\x1b[Z', 'BTab'],
		['\x1bOP', 'F1'],
		['\x1b[15~', 'F5'],
		['\x1b[1;5A', 'C-Up'],
		['\x1b[1;3D', 'M-Left'],
		['\x1b[1;2C', 'S-Right'],
		['\x1bx', 'M-x'],
		['\x1b\x01', 'M-C-a'],
		[Buffer.from('é', 'utf8').toString('latin1'), 'é'],
	])('%j is %s', (raw, name) => {
		expect(keyNameOfInput(raw)).toBe(name);
	});

	it('has no name for a sequence it does not know', () => {
		expect(keyNameOfInput('\x1b[99~')).toBeUndefined();
		expect(keyNameOfInput('')).toBeUndefined();
	});
});

describe('keys as settings.json writes them', () => {
	it.each([
		['c', 'c'],
		['C', 'C'],
		['Space', 'Space'],
		[' ', 'Space'],
		['enter', 'Enter'],
		['Return', 'Enter'],
		['Esc', 'Escape'],
		['pgdn', 'PageDown'],
		['NPage', 'PageDown'],
		['C-a', 'C-a'],
		['Ctrl-A', 'C-a'],
		['ctrl+a', 'C-a'],
		['^a', 'C-a'],
		['C-m', 'Enter'],
		['Alt-x', 'M-x'],
		['M-Up', 'M-Up'],
		['C-M-a', 'M-C-a'],
		['M-C-a', 'M-C-a'],
		['S-C-Up', 'C-S-Up'],
		['C-S-Up', 'C-S-Up'],
		['f12', 'F12'],
	])('%j is %s', (spec, name) => {
		expect(canonicalKey(spec)).toBe(name);
	});

	it('names what is wrong with a key it cannot read', () => {
		for (const [spec, says] of [
			['', 'an empty key'],
			['Ctrl+Shift+Q', 'Shift combines only with arrows'],
			['C-1', 'no Ctrl form of "1"'],
			['Hyper-x', 'is not a key vmux knows'],
			['C-F5', 'no Ctrl form of F5'],
			['\x01', 'control character'],
		] as const) {
			expect(() => canonicalKey(spec), spec).toThrow(KeySpecError);
			expect(() => canonicalKey(spec), spec).toThrow(says);
		}
	});

	it('agrees with what the terminal sends for the same key', () => {
		for (const [spec, raw] of [
			['C-b', '\x02'],
			['Enter', '\r'],
			['Up', '\x1b[A'],
			['C-Up', '\x1b[1;5A'],
			['M-x', '\x1bx'],
			['Space', ' '],
			['BSpace', '\x7f'],
		]) {
			expect(canonicalKey(spec!)).toBe(keyNameOfInput(raw!));
		}
	});

	it('reads "prefix <key>" as the prefix table and a lone key as the root table, and round-trips', () => {
		expect(parseKeySpec('prefix c', 'C-b')).toEqual({table: 'prefix', key: 'c'});
		expect(parseKeySpec('Prefix  %', 'C-b')).toEqual({table: 'prefix', key: '%'});
		expect(parseKeySpec('prefix prefix', 'C-a')).toEqual({table: 'prefix', key: 'C-a'});
		expect(parseKeySpec('!', 'C-b')).toEqual({table: 'root', key: '!'});
		expect(parseKeySpec(' ', 'C-b')).toEqual({table: 'root', key: 'Space'});
		expect(() => parseKeySpec('C-b c', 'C-b')).toThrow('more than one key');
		for (const spec of ['prefix c', 'o', 'Enter', 'prefix C-Up']) expect(bindingSpec(parseKeySpec(spec, 'C-b'))).toBe(spec);
	});

	it('shows bindings the way help does', () => {
		expect(displayBinding({table: 'prefix', key: 'c'}, 'C-b')).toBe('Ctrl-b c');
		expect(displayBinding({table: 'prefix', key: 'C-a'}, 'C-a')).toBe('Ctrl-a Ctrl-a');
		expect(displayBinding({table: 'root', key: 'Escape'}, 'C-b')).toBe('Esc');
		expect(displayBinding({table: 'root', key: 'C-Up'}, 'C-b')).toBe('Ctrl-↑');
		expect(prefixKeyName(0x02)).toBe('C-b');
		expect(prefixKeyName(0x01)).toBe('C-a');
	});
});
