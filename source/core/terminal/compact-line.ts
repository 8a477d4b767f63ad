/**
 * One history line kept compactly: its text as a flat string plus, only where needed, its cell layout (wide
 * or combined characters) and its style runs. xterm keeps 12 bytes for every cell of every line, written or
 * not (1.4 KiB for a line of a 120-column screen); a plain 100-character line here is a string of about
 * 120 bytes, so a long scrollback costs what its text costs, as in tmux.
 *
 * Lines are encoded from xterm's own line objects as they leave its buffer (see xterm-trim-tap.ts) and read
 * back through CompactLineView, which offers the part of xterm's line API the renderer and copy mode use.
 */
import type {IBufferCell} from '@xterm/headless';
import {Attr, DEFAULT_COLOR, readCellStyle, type CellStyle} from './sgr.js';

/**
 * The part of xterm's internal BufferLine the encoder reads (xterm 6; pinned by a test). `_data` holds three
 * 32-bit words per cell: content (code point, combined flag, width), foreground and background attributes.
 */
export interface RawBufferLine {
	readonly _data: Uint32Array;
	readonly length: number;
	readonly isWrapped: boolean;
	loadCell(index: number, cell: IBufferCell): IBufferCell;
}

/** A line with wide or combined characters, styles, or that continues the line above. */
export interface RichLine {
	text: string;
	/** Per stored cell: its UTF-16 length << 1 (0 for a cell never written), | 1 when it is two columns wide. Absent: one unit, one column each. */
	cells?: number[];
	/** Style runs, four numbers each: first column, fg, bg, flags (sgr.ts's CellStyle). Absent: default style. */
	styles?: number[];
	wrapped: boolean;
}

/** A plain line (one column and one UTF-16 unit per cell, default style, not wrapped) is just its text. */
export type CompactLine = string | RichLine;

const CODE_POINT_MASK = 0x1fffff;
// The combined flag (bit 21) and the width (bits 22-23) of a content word: a plain cell is not combined, width 1.
const PLAIN_MASK = 0xe00000;
const PLAIN_BITS = 0x400000;
// The code point and the combined flag: a cell with either holds a character.
const USED_MASK = 0x3fffff;
const WIDTH_SHIFT = 22;

/**
 * Cell `x`'s code point when the cell is plain: default style (both attribute words 0), not combined, one column
 * wide, and written. -1 otherwise: a cell never written (a cursor move skipped it) is '' to copy mode, not a
 * space, and only the slow path keeps that.
 */
function plainCodePoint(data: Uint32Array, x: number): number {
	const word = x * 3;
	const content = data[word]!;
	if ((data[word + 1]! | data[word + 2]!) !== 0 || (content & PLAIN_MASK) !== PLAIN_BITS) return -1;
	const codePoint = content & CODE_POINT_MASK;
	return codePoint === 0 ? -1 : codePoint;
}

/**
 * Cells up to the last one holding a character or any attribute (a blank with a background colour or an
 * overline still draws something); xterm's own trimmed lengths look at the character, or the background only.
 */
function usedLength(line: RawBufferLine): number {
	const data = line._data;
	for (let x = line.length - 1; x >= 0; x--) {
		const word = x * 3;
		const content = data[word]!;
		if ((content & USED_MASK) !== 0 || (data[word + 1]! | data[word + 2]!) !== 0) return Math.min(line.length, x + Math.max(1, content >>> WIDTH_SHIFT));
	}
	return 0;
}

/** Turns xterm lines into CompactLines. Holds scratch space, so a flood of plain lines allocates only their strings. */
export class CompactLineEncoder {
	private latin1 = Buffer.alloc(256);
	private utf16 = Buffer.alloc(512);
	private readonly style: CellStyle = {fg: DEFAULT_COLOR, bg: DEFAULT_COLOR, flags: 0};

	/** `cell` is any xterm cell object (the buffer's null cell): the slow path loads cells into it. */
	constructor(private readonly cell: IBufferCell) {}

	encode(line: RawBufferLine): CompactLine {
		const end = usedLength(line);
		if (!line.isWrapped) {
			const plain = this.plainText(line._data, end);
			if (plain !== undefined) return plain;
		}
		return this.rich(line, end);
	}

	/** The text of a line whose cells are all plain, read straight from xterm's words; undefined if one is not. */
	private plainText(data: Uint32Array, end: number): string | undefined {
		if (end === 0) return '';
		if (this.latin1.length < end) this.latin1 = Buffer.alloc(Math.max(end, this.latin1.length * 2));
		const latin1 = this.latin1;
		for (let x = 0; x < end; x++) {
			const codePoint = plainCodePoint(data, x);
			if (codePoint < 0) return undefined;
			// Beyond Latin-1 (box drawing, most scripts): the line goes again as UTF-16.
			if (codePoint > 0xff) return this.plainUtf16(data, end);
			latin1[x] = codePoint;
		}
		// One native call making a flat one-byte string (a 100-character line in about half a microsecond; building
		// it with += made a rope of 100 pieces, and String.fromCharCode.apply took four times as long).
		return latin1.toString('latin1', 0, end);
	}

	private plainUtf16(data: Uint32Array, end: number): string | undefined {
		if (this.utf16.length < end * 2) this.utf16 = Buffer.alloc(Math.max(end * 2, this.utf16.length * 2));
		const utf16 = this.utf16;
		for (let x = 0; x < end; x++) {
			const codePoint = plainCodePoint(data, x);
			// Outside the BMP a character is two UTF-16 units in one cell: the slow path keeps the cell layout.
			if (codePoint < 0 || codePoint > 0xffff) return undefined;
			utf16.writeUInt16LE(codePoint, x * 2);
		}
		return utf16.toString('utf16le', 0, end * 2);
	}

	private rich(line: RawBufferLine, end: number): RichLine {
		const cell = this.cell;
		const style = this.style;
		const parts: string[] = [];
		const cells: number[] = [];
		const styles: number[] = [];
		let simpleCells = true;
		let styled = false;
		let fg = DEFAULT_COLOR;
		let bg = DEFAULT_COLOR;
		let flags = 0;
		for (let x = 0; x < end; ) {
			line.loadCell(x, cell);
			const width = cell.getWidth();
			if (width === 0) {
				// The right half of a wide character whose left half was overwritten: nothing of its own.
				x++;
				continue;
			}
			// '' for a cell never written: it renders as a blank and copy mode knows it held nothing.
			const chars = cell.getChars();
			readCellStyle(cell, style);
			if (style.fg !== fg || style.bg !== bg || style.flags !== flags || x === 0) {
				fg = style.fg;
				bg = style.bg;
				flags = style.flags;
				styles.push(x, fg, bg, flags);
				if (fg !== DEFAULT_COLOR || bg !== DEFAULT_COLOR || flags !== 0) styled = true;
			}
			parts.push(chars);
			cells.push((chars.length << 1) | (width === 2 ? 1 : 0));
			if (chars.length !== 1 || width !== 1) simpleCells = false;
			x += width;
		}
		const rich: RichLine = {text: parts.join(''), wrapped: line.isWrapped};
		if (!simpleCells) rich.cells = cells;
		if (styled) rich.styles = styles;
		return rich;
	}
}

/** A cell of a CompactLineView, with the methods of xterm's cell the renderer and copy mode call. */
export class CompactCell {
	chars = '';
	width = 1;
	fg = DEFAULT_COLOR;
	bg = DEFAULT_COLOR;
	flags = 0;

	getWidth(): number {
		return this.width;
	}
	getChars(): string {
		return this.chars;
	}
	getCode(): number {
		return this.chars.codePointAt(0) ?? 0;
	}
	isAttributeDefault(): boolean {
		return this.fg === DEFAULT_COLOR && this.bg === DEFAULT_COLOR && this.flags === 0;
	}
	isFgDefault(): boolean {
		return this.fg === DEFAULT_COLOR;
	}
	isBgDefault(): boolean {
		return this.bg === DEFAULT_COLOR;
	}
	isFgRGB(): boolean {
		return this.fg > 0xff;
	}
	isBgRGB(): boolean {
		return this.bg > 0xff;
	}
	getFgColor(): number {
		return this.fg > 0xff ? this.fg & 0xffffff : this.fg;
	}
	getBgColor(): number {
		return this.bg > 0xff ? this.bg & 0xffffff : this.bg;
	}
	isBold(): number {
		return this.flags & Attr.bold;
	}
	isDim(): number {
		return this.flags & Attr.dim;
	}
	isItalic(): number {
		return this.flags & Attr.italic;
	}
	isUnderline(): number {
		return this.flags & Attr.underline;
	}
	isBlink(): number {
		return this.flags & Attr.blink;
	}
	isInverse(): number {
		return this.flags & Attr.inverse;
	}
	isInvisible(): number {
		return this.flags & Attr.invisible;
	}
	isStrikethrough(): number {
		return this.flags & Attr.strikethrough;
	}
	isOverline(): number {
		return this.flags & Attr.overline;
	}
}

/**
 * A CompactLine read like one of xterm's lines: `length` columns, `getCell(x)` for each (width 0 for the right
 * half of a wide character, undefined past the end), `isWrapped`. As in xterm, a line is at least as long as the
 * screen is wide, and the cells after its text are blank ones never written (chars ''). A line written when the
 * screen was wider keeps its text past the edge, so copy mode can still copy it.
 */
export class CompactLineView {
	readonly length: number;
	readonly isWrapped: boolean;
	/** Columns holding the line's text; the cells after it up to `length` were never written. */
	private readonly written: number;
	private readonly text: string;
	private readonly styles: number[] | undefined;
	/** Per column: where its cell's text starts (-1 on a right half); absent for plain cells. */
	private readonly starts: Int32Array | undefined;
	private readonly units: Int32Array | undefined;
	private readonly cell = new CompactCell();

	constructor(line: CompactLine, cols: number) {
		if (typeof line === 'string') {
			this.text = line;
			this.written = line.length;
			this.length = Math.max(cols, this.written);
			this.isWrapped = false;
			return;
		}
		this.text = line.text;
		this.isWrapped = line.wrapped;
		this.styles = line.styles;
		if (!line.cells) {
			this.written = line.text.length;
			this.length = Math.max(cols, this.written);
			return;
		}
		let columns = 0;
		for (const packed of line.cells) columns += packed & 1 ? 2 : 1;
		this.written = columns;
		this.length = Math.max(cols, columns);
		this.starts = new Int32Array(columns);
		this.units = new Int32Array(columns);
		let column = 0;
		let offset = 0;
		for (const packed of line.cells) {
			const units = packed >> 1;
			this.starts[column] = offset;
			this.units[column] = units;
			if (packed & 1) {
				this.starts[column + 1] = -1;
				column++;
			}
			column++;
			offset += units;
		}
	}

	/** The cell at column `x` (the argument `_cell` is xterm's signature; this view fills its own). */
	getCell(x: number, _cell?: unknown): CompactCell | undefined {
		if (x < 0 || x >= this.length) return undefined;
		const cell = this.cell;
		if (x >= this.written) {
			cell.chars = '';
			cell.width = 1;
			cell.fg = DEFAULT_COLOR;
			cell.bg = DEFAULT_COLOR;
			cell.flags = 0;
			return cell;
		}
		if (this.starts && this.units) {
			const start = this.starts[x]!;
			if (start < 0) {
				cell.chars = '';
				cell.width = 0;
			} else {
				cell.chars = this.text.slice(start, start + this.units[x]!);
				cell.width = x + 1 < this.length && this.starts[x + 1] === -1 ? 2 : 1;
			}
		} else {
			cell.chars = this.text[x]!;
			cell.width = 1;
		}
		this.styleAt(x, cell);
		return cell;
	}

	private styleAt(x: number, cell: CompactCell): void {
		cell.fg = DEFAULT_COLOR;
		cell.bg = DEFAULT_COLOR;
		cell.flags = 0;
		const styles = this.styles;
		if (!styles) return;
		// Runs are few and in column order: the last one starting at or before x.
		for (let i = 0; i < styles.length && styles[i]! <= x; i += 4) {
			cell.fg = styles[i + 1]!;
			cell.bg = styles[i + 2]!;
			cell.flags = styles[i + 3]!;
		}
	}
}
