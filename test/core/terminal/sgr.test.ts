import xterm from '@xterm/headless';
import type {IBufferCell} from '@xterm/headless';
import {describe, expect, it} from 'vitest';
import {
	Attr,
	colorParams,
	DEFAULT_COLOR,
	defaultStyle,
	readCellStyle,
	RESET,
	rgbColor,
	sgrTransition,
	styleToSgr,
	type CellStyle,
} from '../../../source/core/terminal/sgr.js';

const {Terminal} = xterm;

function style(fg = DEFAULT_COLOR, bg = DEFAULT_COLOR, flags = 0): CellStyle {
	return {fg, bg, flags};
}

/** The first cell of a real xterm after parsing `data`. */
async function firstCell(data: string): Promise<IBufferCell> {
	const term = new Terminal({cols: 10, rows: 1, allowProposedApi: true});
	await new Promise<void>((resolve) => term.write(data, resolve));
	const cell = term.buffer.active.getLine(0)!.getCell(0)!;
	term.dispose();
	return cell;
}

describe('colorParams', () => {
	it('uses the short forms for the 16 base colours', () => {
		expect(colorParams(DEFAULT_COLOR, 30)).toBe('39');
		expect(colorParams(DEFAULT_COLOR, 40)).toBe('49');
		expect(colorParams(0, 30)).toBe('30');
		expect(colorParams(7, 40)).toBe('47');
		expect(colorParams(8, 30)).toBe('90');
		expect(colorParams(15, 40)).toBe('107');
	});

	it('uses 38;5 / 48;5 for the 256-colour palette', () => {
		expect(colorParams(16, 30)).toBe('38;5;16');
		expect(colorParams(255, 40)).toBe('48;5;255');
	});

	it('uses 38;2 / 48;2 for truecolor', () => {
		expect(colorParams(rgbColor(255, 128, 0), 30)).toBe('38;2;255;128;0');
		expect(colorParams(rgbColor(0, 0, 0), 40)).toBe('48;2;0;0;0');
	});
});

describe('styleToSgr', () => {
	it('is empty for the default style', () => {
		expect(styleToSgr(defaultStyle())).toBe('');
	});

	it.each([
		[Attr.bold, '1'],
		[Attr.dim, '2'],
		[Attr.italic, '3'],
		[Attr.underline, '4'],
		[Attr.blink, '5'],
		[Attr.inverse, '7'],
		[Attr.invisible, '8'],
		[Attr.strikethrough, '9'],
		[Attr.overline, '53'],
	])('sets attribute %i with SGR %s', (flag, code) => {
		expect(styleToSgr(style(DEFAULT_COLOR, DEFAULT_COLOR, flag))).toBe(`\x1b[${code}m`);
	});

	it('combines attributes and colours in one sequence', () => {
		expect(styleToSgr(style(1, rgbColor(1, 2, 3), Attr.bold | Attr.underline))).toBe('\x1b[1;4;31;48;2;1;2;3m');
	});
});

describe('sgrTransition', () => {
	it('emits nothing between equal styles', () => {
		expect(sgrTransition(style(3, 4, Attr.bold), style(3, 4, Attr.bold))).toBe('');
	});

	it('resets when going back to the default style', () => {
		expect(sgrTransition(style(3, 4, Attr.bold), defaultStyle())).toBe(RESET);
	});

	it('changes only the colour that differs', () => {
		expect(sgrTransition(style(1, 4), style(2, 4))).toBe('\x1b[32m');
		expect(sgrTransition(style(1, 4), style(1, 200))).toBe('\x1b[48;5;200m');
		expect(sgrTransition(style(1, 2, Attr.bold), style(DEFAULT_COLOR, 5, Attr.bold))).toBe('\x1b[39;45m');
		// `0;45` beats `39;45`.
		expect(sgrTransition(style(1), style(DEFAULT_COLOR, 5))).toBe('\x1b[0;45m');
	});

	it('adds attributes without repeating kept ones', () => {
		expect(sgrTransition(style(1, DEFAULT_COLOR, Attr.bold), style(1, DEFAULT_COLOR, Attr.bold | Attr.italic))).toBe('\x1b[3m');
	});

	it('turns single attributes off when that is shorter than a reset', () => {
		const rich = style(rgbColor(10, 20, 30), DEFAULT_COLOR, Attr.italic | Attr.underline);
		expect(sgrTransition(rich, style(rich.fg, DEFAULT_COLOR, Attr.italic))).toBe('\x1b[24m');
		expect(sgrTransition(rich, style(rich.fg, DEFAULT_COLOR, Attr.underline))).toBe('\x1b[23m');
	});

	it('restores dim after SGR 22 turns off bold (22 clears both)', () => {
		const from = style(rgbColor(1, 1, 1), DEFAULT_COLOR, Attr.bold | Attr.dim | Attr.italic);
		expect(sgrTransition(from, style(from.fg, DEFAULT_COLOR, Attr.dim | Attr.italic))).toBe('\x1b[22;2m');
		expect(sgrTransition(from, style(from.fg, DEFAULT_COLOR, Attr.bold | Attr.italic))).toBe('\x1b[22;1m');
	});

	it('resets when that is shorter than listing the changes', () => {
		expect(sgrTransition(style(1, 2, Attr.bold | Attr.italic), style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.underline))).toBe(
			'\x1b[0;4m',
		);
	});
});

describe('readCellStyle on real xterm cells', () => {
	it.each([
		['\x1b[31mX', style(1)],
		['\x1b[97mX', style(15)],
		['\x1b[44mX', style(DEFAULT_COLOR, 4)],
		['\x1b[103mX', style(DEFAULT_COLOR, 11)],
		['\x1b[38;5;123mX', style(123)],
		['\x1b[48;5;16mX', style(DEFAULT_COLOR, 16)],
		['\x1b[38;2;255;0;128mX', style(rgbColor(255, 0, 128))],
		['\x1b[48;2;0;0;0mX', style(DEFAULT_COLOR, rgbColor(0, 0, 0))],
		['\x1b[1mX', style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.bold)],
		['\x1b[2mX', style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.dim)],
		['\x1b[3mX', style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.italic)],
		['\x1b[4mX', style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.underline)],
		['\x1b[5mX', style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.blink)],
		['\x1b[7mX', style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.inverse)],
		['\x1b[8mX', style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.invisible)],
		['\x1b[9mX', style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.strikethrough)],
		['\x1b[53mX', style(DEFAULT_COLOR, DEFAULT_COLOR, Attr.overline)],
		['X', defaultStyle()],
	])('reads %j', async (data, expected) => {
		expect(readCellStyle(await firstCell(data), defaultStyle())).toEqual(expected);
	});

	it('round-trips: the SGR written for a read style reproduces it', async () => {
		const original = '\x1b[1;3;9;38;5;99;48;2;9;8;7mX';
		const read = readCellStyle(await firstCell(original), defaultStyle());
		const again = readCellStyle(await firstCell(`${styleToSgr(read)}X`), defaultStyle());
		expect(again).toEqual(read);
	});
});
