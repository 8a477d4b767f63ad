/**
 * Buffer rows -> text rows styled with SGR only. Everything else the remote sent (titles, clipboard
 * writes, cursor movement) has already been interpreted by the emulator, so a row can be printed
 * inside a pane without any way to reach the user's own terminal.
 */
import type {IBufferCell} from '@xterm/headless';
import {Attr, copyStyle, defaultStyle, isDefaultStyle, readCellStyle, RESET, sgrTransition, type CellStyle, type StyledCell} from './sgr.js';

/** A cell as the renderer reads it: xterm's own, or one of the compact history's (compact-line.ts). */
export interface RenderableCell extends StyledCell {
	getWidth(): number;
	getChars(): string;
}

/** A row as the renderer reads it: one of xterm's lines, or a line of the compact history. */
export interface RenderableLine {
	readonly length: number;
	readonly isWrapped: boolean;
	/** `cell` is scratch space an xterm line loads into; a compact line fills its own. */
	getCell(x: number, cell: IBufferCell): RenderableCell | undefined;
}

/** The active buffer as the snapshot reads it: history (compact and xterm's) then the screen, by absolute line. */
export interface BufferView {
	/** Lines of history above the screen (= the absolute line at the top of the screen). */
	readonly baseY: number;
	readonly cursorX: number;
	readonly cursorY: number;
	readonly type: 'normal' | 'alternate';
	getLine(line: number): RenderableLine | undefined;
}

export interface ScreenSnapshot {
	cols: number;
	rows: number;
	/** One entry per row: exactly `cols` cells, styled only with `ESC[...m`, ending in the default style. */
	lines: string[];
	/** Where the remote put the cursor on its screen (0-based; x clamped to the last column). */
	cursor: {x: number; y: number; visible: boolean};
	/** How many lines the view is scrolled back (after clamping to the scrollback available). */
	scrollOffset: number;
	/** Lines of history above the screen. Always 0 on the alternate screen. */
	scrollbackLength: number;
	altScreen: boolean;
}

/** How a copy-mode mark draws its cells (later marks in a row's list win where they overlap). */
export type MarkKind = 'match' | 'current-match' | 'selection' | 'cursor';

/** Cells of one row drawn differently: columns `from` up to (not including) `to`. */
export interface CellMark {
	from: number;
	to: number;
	kind: MarkKind;
}

export interface SnapshotOptions {
	/** Lines to scroll back into history; clamped to [0, scrollbackLength]. */
	scrollOffset?: number;
	/** Draw the cursor as an inverse-video cell when it is visible. */
	drawCursor?: boolean;
}

const DEFAULT_STYLE: Readonly<CellStyle> = defaultStyle();
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const BIDI_CONTROLS_ALL = new RegExp(BIDI_CONTROLS.source, 'g');

/** Scratch state reused across rows and snapshots so rendering a screen allocates only strings. */
export class RowRenderer {
	private readonly style: CellStyle = defaultStyle();
	private readonly current: CellStyle = defaultStyle();
	private readonly cursorStyle: CellStyle = defaultStyle();

	constructor(private readonly cell: IBufferCell) {}

	/**
	 * One row as text exactly `cols` cells wide. `cursorX` (or -1) is drawn inverted.
	 * A missing line (beyond the buffer) renders as blanks.
	 */
	render(line: RenderableLine | undefined, cols: number, cursorX = -1, marks?: readonly CellMark[]): string {
		const cell = this.cell;
		const style = this.style;
		const current = copyStyle(DEFAULT_STYLE, this.current);
		let out = '';
		let x = 0;
		while (x < cols) {
			const loaded = line?.getCell(x, cell);
			let chars = ' ';
			let width = 1;
			if (loaded) {
				width = loaded.getWidth();
				if (width === 0) {
					// The right half of a wide character already printed: nothing to emit.
					x++;
					continue;
				}
				readCellStyle(loaded, style);
				chars = loaded.getChars() || ' ';
				// Zero-width characters join the previous cell; bidi controls among them could reorder
				// the rest of the row in a terminal that does bidi, so they go.
				if (chars.length > 1 && BIDI_CONTROLS.test(chars)) chars = chars.replace(BIDI_CONTROLS_ALL, '') || ' ';
				if (x + width > cols) {
					// A wide character cut by the right edge (possible right after a resize) would
					// overflow the row; show the visible half as a blank.
					chars = ' ';
					width = 1;
				}
			} else {
				copyStyle(DEFAULT_STYLE, style);
			}
			let target = style;
			if (cursorX >= x && cursorX < x + width) {
				target = copyStyle(style, this.cursorStyle);
				target.flags ^= Attr.inverse;
			}
			if (marks) {
				for (const mark of marks) {
					// A wide character is marked when either of its halves is.
					if (mark.from < x + width && mark.to > x) target = markStyle(mark.kind, target, this.cursorStyle);
				}
			}
			out += sgrTransition(current, target);
			copyStyle(target, current);
			out += chars;
			x += width;
		}
		if (!isDefaultStyle(current)) out += RESET;
		return out;
	}
}

/**
 * Copy mode's colours (tmux's defaults): matches on cyan, the current match on magenta, the selection on
 * yellow, the copy cursor in inverse video. Written into `scratch` (the renderer's spare style).
 */
function markStyle(kind: MarkKind, base: CellStyle, scratch: CellStyle): CellStyle {
	const style = copyStyle(base, scratch);
	switch (kind) {
		case 'match':
			style.fg = 0;
			style.bg = 6;
			style.flags &= ~Attr.inverse;
			break;
		case 'current-match':
			style.fg = 15;
			style.bg = 5;
			style.flags = (style.flags & ~Attr.inverse) | Attr.bold;
			break;
		case 'selection':
			style.fg = 0;
			style.bg = 3;
			style.flags &= ~Attr.inverse;
			break;
		case 'cursor':
			style.flags ^= Attr.inverse;
			break;
	}
	return style;
}

/** The screen (or a view scrolled back into history) of `buffer`. */
export function snapshotBuffer(
	buffer: BufferView,
	cols: number,
	rows: number,
	cursorVisible: boolean,
	renderer: RowRenderer,
	options: SnapshotOptions = {},
): ScreenSnapshot {
	const scrollbackLength = buffer.baseY;
	const requested = Math.floor(options.scrollOffset ?? 0);
	const scrollOffset = Math.max(0, Math.min(Number.isFinite(requested) ? requested : 0, scrollbackLength));
	const top = buffer.baseY - scrollOffset;
	const visible = cursorVisible && scrollOffset === 0;
	const cursor = {x: Math.min(buffer.cursorX, cols - 1), y: buffer.cursorY, visible};
	const lines: string[] = new Array(rows);
	for (let y = 0; y < rows; y++) {
		const cursorX = options.drawCursor && visible && y === cursor.y ? cursor.x : -1;
		lines[y] = renderer.render(buffer.getLine(top + y), cols, cursorX);
	}
	return {
		cols,
		rows,
		lines,
		cursor,
		scrollOffset,
		scrollbackLength,
		altScreen: buffer.type === 'alternate',
	};
}
