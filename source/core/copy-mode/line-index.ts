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
	/** Where in `text` each of its rows starts (row k is absolute line firstLine + k). */
	rowStarts: number[];
	/**
	 * For each UTF-16 unit of `text`: the column of the cell it is in. Absent when every row is plain (one unit
	 * per column from column 0), as the compact history's lines mostly are: the column is the offset in the row.
	 */
	cols?: Int32Array;
}

/** Where unit `unit` of a logical line is in the buffer. */
export function pointAt(line: LogicalLine, unit: number): BufferPoint {
	const starts = line.rowStarts;
	let row = starts.length - 1;
	while (row > 0 && starts[row]! > unit) row--;
	return {line: line.firstLine + row, col: line.cols ? line.cols[unit]! : unit - starts[row]!};
}

/**
 * The buffer as searchable text: one entry per logical line, built once per buffer version, so searching
 * (and `n`/`N`) never re-renders or re-reads the screen. Unwritten cells at the end of a row are not text;
 * inside a row they count as spaces. Rows the buffer can give as plain text (the compact history's) are
 * taken whole, without a cell object per character.
 */
export class LineIndex {
	readonly lines: LogicalLine[] = [];

	constructor(
		buffer: BufferText,
		readonly version = buffer.version,
	) {
		let current: {firstLine: number; parts: string[]; length: number; rowStarts: number[]; cols: number[] | undefined} | undefined;
		const flush = () => {
			if (!current) return;
			const line: LogicalLine = {firstLine: current.firstLine, text: current.parts.join(''), rowStarts: current.rowStarts};
			if (current.cols) line.cols = Int32Array.from(current.cols);
			this.lines.push(line);
			current = undefined;
		};
		for (let line = 0; line < buffer.length; line++) {
			const plain = buffer.plainRow?.(line);
			const row = plain === undefined ? buffer.row(line) : undefined;
			if (plain === undefined && !row) break;
			const wrapped = plain !== undefined ? plain.wrapped : row!.wrapped;
			if (!wrapped || !current) {
				flush();
				current = {firstLine: line, parts: [], length: 0, rowStarts: [], cols: undefined};
			}
			current.rowStarts.push(current.length);
			if (plain !== undefined) {
				current.parts.push(plain.text);
				if (current.cols) for (let col = 0; col < plain.text.length; col++) current.cols.push(col);
				current.length += plain.text.length;
				continue;
			}
			const cells = writtenCells(row!);
			const isPlain = cells.every((cell, i) => cell.col === i && cell.width === 1 && cell.chars.length <= 1);
			if (!isPlain && !current.cols) {
				// The first row that is not plain: spell out the columns of everything before it.
				current.cols = [];
				for (let r = 0; r < current.rowStarts.length - 1; r++) {
					const end = current.rowStarts[r + 1]!;
					for (let unit = current.rowStarts[r]!; unit < end; unit++) current.cols.push(unit - current.rowStarts[r]!);
				}
			}
			for (const cell of cells) {
				const chars = cell.chars || ' ';
				current.parts.push(chars);
				current.length += chars.length;
				if (current.cols) for (let unit = 0; unit < chars.length; unit++) current.cols.push(cell.col);
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
