import type {BufferText, RowCells} from '../terminal/emulator.js';

/** A place in the buffer: an absolute line (history then screen) and a column. */
export interface BufferPoint {
	line: number;
	col: number;
}

/** One logical line: buffer rows joined where the remote's text wrapped, with where each character sits. */
export interface LogicalLine {
	/** The absolute line of its first row. */
	firstLine: number;
	text: string;
	/** For each UTF-16 unit of `text`: the absolute line and column of the cell it is in. */
	lines: Int32Array;
	cols: Int32Array;
}

/**
 * The buffer as searchable text: one entry per logical line, built once per buffer version, so searching
 * (and `n`/`N`) never re-renders or re-reads the screen. Unwritten cells at the end of a row are not text;
 * inside a row they count as spaces.
 */
export class LineIndex {
	readonly lines: LogicalLine[] = [];

	constructor(
		buffer: BufferText,
		readonly version = buffer.version,
	) {
		let current: {firstLine: number; text: string; lines: number[]; cols: number[]} | undefined;
		const flush = () => {
			if (!current) return;
			this.lines.push({firstLine: current.firstLine, text: current.text, lines: Int32Array.from(current.lines), cols: Int32Array.from(current.cols)});
			current = undefined;
		};
		for (let line = 0; line < buffer.length; line++) {
			const row = buffer.row(line);
			if (!row) break;
			if (!row.wrapped || !current) {
				flush();
				current = {firstLine: line, text: '', lines: [], cols: []};
			}
			for (const cell of writtenCells(row)) {
				const chars = cell.chars || ' ';
				current.text += chars;
				for (let unit = 0; unit < chars.length; unit++) {
					current.lines.push(line);
					current.cols.push(cell.col);
				}
			}
		}
		flush();
	}

	/** The logical line holding an absolute buffer line (binary search: lines are in order). */
	lineAt(line: number): number {
		let low = 0;
		let high = this.lines.length - 1;
		while (low < high) {
			const mid = (low + high + 1) >> 1;
			if (this.lines[mid]!.firstLine <= line) low = mid;
			else high = mid - 1;
		}
		return low;
	}
}

/** A row's cells up to its last written one (trailing never-written cells are not text). */
export function writtenCells(row: RowCells): RowCells['cells'] {
	let end = row.cells.length;
	while (end > 0 && row.cells[end - 1]!.chars === '') end--;
	return end === row.cells.length ? row.cells : row.cells.slice(0, end);
}
