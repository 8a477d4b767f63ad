/**
 * Cell attributes -> SGR (`ESC[...m`) text. Styles are packed into three numbers so the snapshot
 * can compare neighbouring cells with `===` and emit a sequence only where the style changes.
 */
import type {IBufferCell} from '@xterm/headless';

/**
 * A colour: DEFAULT_COLOR, a palette index 0-255, or RGB_COLOR | 0xRRGGBB.
 * One number per colour keeps style comparison allocation-free.
 */
export const DEFAULT_COLOR = -1;
export const RGB_COLOR = 0x1000000;

export const Attr = {
	bold: 1,
	dim: 2,
	italic: 4,
	underline: 8,
	blink: 16,
	inverse: 32,
	invisible: 64,
	strikethrough: 128,
	overline: 256,
} as const;

export interface CellStyle {
	fg: number;
	bg: number;
	/** Bit set of Attr values. */
	flags: number;
}

export const RESET = '\x1b[0m';

export function defaultStyle(): CellStyle {
	return {fg: DEFAULT_COLOR, bg: DEFAULT_COLOR, flags: 0};
}

export function rgbColor(r: number, g: number, b: number): number {
	return RGB_COLOR | ((r & 0xff) << 16) | ((g & 0xff) << 8) | (b & 0xff);
}

export function isDefaultStyle(style: CellStyle): boolean {
	return style.fg === DEFAULT_COLOR && style.bg === DEFAULT_COLOR && style.flags === 0;
}

export function copyStyle(from: CellStyle, to: CellStyle): CellStyle {
	to.fg = from.fg;
	to.bg = from.bg;
	to.flags = from.flags;
	return to;
}

/** The subset of IBufferCell the style reader needs (lets tests and callers pass any cell view). */
export type StyledCell = Pick<
	IBufferCell,
	| 'isAttributeDefault'
	| 'isFgDefault'
	| 'isBgDefault'
	| 'isFgRGB'
	| 'isBgRGB'
	| 'getFgColor'
	| 'getBgColor'
	| 'isBold'
	| 'isDim'
	| 'isItalic'
	| 'isUnderline'
	| 'isBlink'
	| 'isInverse'
	| 'isInvisible'
	| 'isStrikethrough'
	| 'isOverline'
>;

/** Reads a cell's style into `out` (reused by the caller so a whole screen allocates nothing). */
export function readCellStyle(cell: StyledCell, out: CellStyle): CellStyle {
	// Most cells of a typical screen are unstyled: one call instead of fifteen.
	if (cell.isAttributeDefault()) {
		out.fg = DEFAULT_COLOR;
		out.bg = DEFAULT_COLOR;
		out.flags = 0;
		return out;
	}
	out.fg = cell.isFgDefault() ? DEFAULT_COLOR : cell.isFgRGB() ? RGB_COLOR | cell.getFgColor() : cell.getFgColor();
	out.bg = cell.isBgDefault() ? DEFAULT_COLOR : cell.isBgRGB() ? RGB_COLOR | cell.getBgColor() : cell.getBgColor();
	out.flags =
		(cell.isBold() ? Attr.bold : 0) |
		(cell.isDim() ? Attr.dim : 0) |
		(cell.isItalic() ? Attr.italic : 0) |
		(cell.isUnderline() ? Attr.underline : 0) |
		(cell.isBlink() ? Attr.blink : 0) |
		(cell.isInverse() ? Attr.inverse : 0) |
		(cell.isInvisible() ? Attr.invisible : 0) |
		(cell.isStrikethrough() ? Attr.strikethrough : 0) |
		(cell.isOverline() ? Attr.overline : 0);
	return out;
}

// Palette parameters are asked for once per style change on every cell of a coloured screen.
const PALETTE_PARAMS: Record<30 | 40, string[]> = {
	30: Array.from({length: 256}, (_, n) => paletteParams(n, 30)),
	40: Array.from({length: 256}, (_, n) => paletteParams(n, 40)),
};

function paletteParams(color: number, base: 30 | 40): string {
	// The 16 base colours use their short forms, which every terminal understands.
	if (color < 8) return String(base + color);
	if (color < 16) return String(base + 60 + color - 8);
	return `${base + 8};5;${color}`;
}

/** SGR parameters selecting a colour; `base` is 30 for foreground, 40 for background. */
export function colorParams(color: number, base: 30 | 40): string {
	if (color === DEFAULT_COLOR) return base === 30 ? '39' : '49';
	if (color >= RGB_COLOR) {
		return `${base + 8};2;${(color >> 16) & 0xff};${(color >> 8) & 0xff};${color & 0xff}`;
	}
	return PALETTE_PARAMS[base][color & 0xff];
}

const FLAG_ON: ReadonlyArray<readonly [number, string]> = [
	[Attr.bold, '1'],
	[Attr.dim, '2'],
	[Attr.italic, '3'],
	[Attr.underline, '4'],
	[Attr.blink, '5'],
	[Attr.inverse, '7'],
	[Attr.invisible, '8'],
	[Attr.strikethrough, '9'],
	[Attr.overline, '53'],
];

// Bold and dim share their "off" code (22), handled apart.
const FLAG_OFF: ReadonlyArray<readonly [number, string]> = [
	[Attr.italic, '23'],
	[Attr.underline, '24'],
	[Attr.blink, '25'],
	[Attr.inverse, '27'],
	[Attr.invisible, '28'],
	[Attr.strikethrough, '29'],
	[Attr.overline, '55'],
];

// Strings are built by appending `;param`; the leading `;` is dropped at the end. This runs for
// every style change of a snapshot, so it avoids arrays and joins.
function onParams(flags: number): string {
	let params = '';
	if (flags === 0) return params;
	for (const [flag, code] of FLAG_ON) {
		if (flags & flag) params += ';' + code;
	}
	return params;
}

/** Parameters (each preceded by `;`) that set `style` from the reset state. */
function fullParams(style: CellStyle): string {
	let params = onParams(style.flags);
	if (style.fg !== DEFAULT_COLOR) params += ';' + colorParams(style.fg, 30);
	if (style.bg !== DEFAULT_COLOR) params += ';' + colorParams(style.bg, 40);
	return params;
}

/** The SGR sequence that sets `style` from the reset state; empty for the default style. */
export function styleToSgr(style: CellStyle): string {
	const params = fullParams(style);
	return params === '' ? '' : `\x1b[${params.slice(1)}m`;
}

/**
 * The shortest SGR sequence that turns `from` into `to`: either the individual changes, or a reset
 * followed by `to`'s full parameters, whichever is shorter. Empty when the styles are equal.
 */
export function sgrTransition(from: CellStyle, to: CellStyle): string {
	if (from.fg === to.fg && from.bg === to.bg && from.flags === to.flags) return '';
	if (to.fg === DEFAULT_COLOR && to.bg === DEFAULT_COLOR && to.flags === 0) return RESET;

	if (from.flags === to.flags && to.fg !== DEFAULT_COLOR && to.bg !== DEFAULT_COLOR) {
		// The common change on a coloured screen: colours only, nothing turned off.
		if (from.fg === to.fg) return `\x1b[${colorParams(to.bg, 40)}m`;
		if (from.bg === to.bg) return `\x1b[${colorParams(to.fg, 30)}m`;
		return `\x1b[${colorParams(to.fg, 30)};${colorParams(to.bg, 40)}m`;
	}

	let delta = '';
	const removed = from.flags & ~to.flags;
	let added = to.flags & ~from.flags;
	if (removed !== 0) {
		if (removed & (Attr.bold | Attr.dim)) {
			// SGR 22 clears bold and dim together; put back whichever `to` keeps.
			delta += ';22';
			added |= to.flags & (Attr.bold | Attr.dim);
		}
		for (const [flag, code] of FLAG_OFF) {
			if (removed & flag) delta += ';' + code;
		}
	}
	delta += onParams(added);
	if (from.fg !== to.fg) delta += ';' + colorParams(to.fg, 30);
	if (from.bg !== to.bg) delta += ';' + colorParams(to.bg, 40);

	// Only a change that turns something off can be shorter as a reset; otherwise the delta is a
	// subset of the full parameters.
	const turnsOff = removed !== 0 || (from.fg !== to.fg && to.fg === DEFAULT_COLOR) || (from.bg !== to.bg && to.bg === DEFAULT_COLOR);
	if (turnsOff) {
		const reset = '0' + fullParams(to);
		if (reset.length < delta.length - 1) return `\x1b[${reset}m`;
	}
	return `\x1b[${delta.slice(1)}m`;
}
