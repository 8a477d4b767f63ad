import type {BufferText, RowCell} from '../terminal/emulator.js';
import type {CellMark} from '../terminal/snapshot.js';
import {LineIndex, writtenCells, type BufferPoint} from './line-index.js';
import {comparePoints, findMatches, MAX_MATCHES, parseQuery, type Match, type ParsedQuery} from './search.js';

export type SelectionKind = 'char' | 'line';
export type SearchDirection = 1 | -1;

interface SearchState {
	query: ParsedQuery;
	direction: SearchDirection;
	matches: Match[];
	/** Index into `matches` of the current one, or -1. */
	current: number;
	/** Match marks by absolute line, so drawing a row looks its marks up instead of scanning every match. */
	marks: Map<number, CellMark[]>;
	version: number;
}

/** Character classes for `w` and `b` (vi's: blanks, word characters, everything else). */
const WORD = /[\p{L}\p{N}_]/u;
function classOf(chars: string): 0 | 1 | 2 {
	if (chars === '' || chars.trim() === '') return 0;
	return WORD.test(chars) ? 1 : 2;
}

/**
 * Copy mode over one terminal's buffer (history and screen): a cursor and a view that move with vi
 * motions, a character or line selection, and a search whose matches are all known (for highlighting and
 * "match 3 of 17"). Pure state over `BufferText`: the app turns keys into these calls and the painter
 * draws `top`, `marksOf` and the status.
 */
export class CopyMode {
	cursor: BufferPoint;
	/** The absolute line at the top of the view. */
	top: number;
	private selectionState: {kind: SelectionKind; anchor: BufferPoint} | undefined;
	private searchState: SearchState | undefined;
	private index: LineIndex | undefined;

	constructor(
		private readonly buffer: BufferText,
		/** Rows in the view (the pane's height). */
		public rows: number,
		/** Where the cursor starts (the mouse: where a drag began); the remote's cursor when not given. */
		start?: BufferPoint,
	) {
		const cursor = start ?? buffer.cursor;
		this.cursor = {line: cursor.line, col: cursor.col};
		this.top = Math.max(0, Math.min(buffer.baseY, buffer.length - rows));
		this.reveal();
	}

	get selection(): {kind: SelectionKind; start: BufferPoint; end: BufferPoint} | undefined {
		const state = this.selectionState;
		if (!state) return undefined;
		const [start, end] = comparePoints(state.anchor, this.cursor) <= 0 ? [state.anchor, this.cursor] : [this.cursor, state.anchor];
		return {kind: state.kind, start, end};
	}

	/** Lines in the buffer (history and screen), for "line 120 of 5300". */
	get rowsInBuffer(): number {
		return this.buffer.length;
	}

	setRows(rows: number): void {
		this.rows = Math.max(1, rows);
		this.reveal();
	}

	// Motions.

	left(): void {
		this.cursor = {line: this.cursor.line, col: Math.max(0, this.cellStart(this.cursor.line, this.cursor.col) - 1)};
		this.snap();
	}

	right(): void {
		const cell = this.cellAt(this.cursor.line, this.cursor.col);
		this.cursor = {line: this.cursor.line, col: Math.min(this.buffer.cols - 1, (cell ? cell.col + cell.width : this.cursor.col + 1))};
		this.snap();
	}

	down(count = 1): void {
		this.cursor = {line: this.clampLine(this.cursor.line + count), col: this.cursor.col};
		this.snap();
	}

	up(count = 1): void {
		this.down(-count);
	}

	/** Ctrl-d / Ctrl-u (half a page) and PgDn / PgUp (a page): the view moves with the cursor. */
	scroll(direction: 1 | -1, part: 'half' | 'page'): void {
		const amount = part === 'half' ? Math.max(1, Math.floor(this.rows / 2)) : Math.max(1, this.rows - 1);
		this.top = this.clampTop(this.top + direction * amount);
		this.down(direction * amount);
	}

	/**
	 * The mouse wheel: the view moves `delta` lines (negative: back into history) and the cursor keeps its
	 * row on screen, as tmux's scroll-up and scroll-down do.
	 */
	scrollLines(delta: number): void {
		const top = this.clampTop(this.top + delta);
		const moved = top - this.top;
		this.top = top;
		this.cursor = {line: this.clampLine(this.cursor.line + moved), col: this.cursor.col};
		this.snap();
	}

	/** Whether the view is as far down as it goes (the wheel leaves copy mode there, as tmux's `copy-mode -e`). */
	get atBottom(): boolean {
		return this.top >= this.clampTop(Number.MAX_SAFE_INTEGER);
	}

	/** A click: the cursor to a cell (clamped to the buffer, on the first column of a wide character). */
	pointAt(point: BufferPoint): void {
		this.cursor = {line: this.clampLine(point.line), col: Math.max(0, Math.min(this.buffer.cols - 1, point.col))};
		this.snap();
	}

	/** A drag: a character selection from `anchor` (where the button went down) to wherever the cursor goes. */
	selectFrom(anchor: BufferPoint): void {
		this.selectionState = {kind: 'char', anchor: {line: this.clampLine(anchor.line), col: Math.max(0, Math.min(this.buffer.cols - 1, anchor.col))}};
	}

	clearSelection(): void {
		this.selectionState = undefined;
	}

	lineStart(): void {
		this.cursor = {line: this.cursor.line, col: 0};
	}

	lineEnd(): void {
		const cells = writtenCells(this.row(this.cursor.line));
		this.cursor = {line: this.cursor.line, col: cells.length > 0 ? cells[cells.length - 1]!.col : 0};
	}

	historyTop(): void {
		this.cursor = {line: 0, col: 0};
		this.reveal();
	}

	historyBottom(): void {
		this.cursor = {line: this.buffer.length - 1, col: 0};
		this.reveal();
	}

	/** `w`: the start of the next word (a run of word characters, or of other non-blanks). */
	wordForward(): void {
		let point = this.cursor;
		let previous = classOf(this.cellAt(point.line, point.col)?.chars ?? '');
		for (;;) {
			const next = this.nextCell(point);
			if (!next) return this.moveTo(point);
			const kind = classOf(next.cell.chars);
			if (next.newLine) previous = 0;
			if (kind !== 0 && kind !== previous) return this.moveTo(next.point);
			previous = kind;
			point = next.point;
		}
	}

	/** `b`: the start of this word, or of the previous one when already at a start. */
	wordBack(): void {
		let point = this.cursor;
		// Blanks (and line breaks) before the cursor first.
		let previous = this.previousCell(point);
		while (previous && classOf(previous.cell.chars) === 0) {
			point = previous.point;
			previous = this.previousCell(point);
		}
		if (!previous) return this.moveTo(point);
		point = previous.point;
		const kind = classOf(previous.cell.chars);
		for (;;) {
			const before = this.previousCell(point);
			if (!before || before.newLine || classOf(before.cell.chars) !== kind) return this.moveTo(point);
			point = before.point;
		}
	}

	// Selection.

	/** `v` / `V`: starts a selection at the cursor; the same key again clears it, the other one changes its kind. */
	toggleSelection(kind: SelectionKind): void {
		if (this.selectionState?.kind === kind) this.selectionState = undefined;
		else this.selectionState = {kind, anchor: this.selectionState?.anchor ?? {...this.cursor}};
	}

	/**
	 * The selected text: rows joined by newlines except where the remote's line wrapped, trailing blanks of
	 * each line dropped (they are the screen's, not the text's). Undefined when nothing is selected.
	 */
	selectedText(): string | undefined {
		const selection = this.selection;
		if (!selection) return undefined;
		const {start, end, kind} = selection;
		let text = '';
		for (let line = start.line; line <= end.line; line++) {
			const from = kind === 'line' || line > start.line ? 0 : start.col;
			const to = kind === 'line' || line < end.line ? Number.MAX_SAFE_INTEGER : end.col + 1;
			const cells = (line < end.line || kind === 'line' ? writtenCells(this.row(line)) : this.row(line).cells).filter(cell => cell.col + cell.width > from && cell.col < to);
			const rowText = cells.map(cell => cell.chars || ' ').join('');
			const continues = line < end.line && this.buffer.row(line + 1)?.wrapped === true;
			text += continues ? rowText : rowText.replace(/[ \t]+$/, '');
			if (line < end.line && !continues) text += '\n';
		}
		return text;
	}

	// Search.

	/**
	 * `/` (forward) or `?` (back): finds every match in the buffer and moves to the nearest one in that
	 * direction from the cursor (wrapping around). Returns a sentence when the query cannot be used or
	 * nothing matches.
	 */
	search(query: string, direction: SearchDirection): string | undefined {
		const parsed = parseQuery(query);
		if (typeof parsed === 'string') return parsed;
		this.searchState = {query: parsed, direction, matches: [], current: -1, marks: new Map(), version: -1};
		this.refreshMatches();
		return this.step(direction);
	}

	/** `n` (same direction as the search) or `N` (the other way). */
	next(reverse = false): string | undefined {
		const state = this.searchState;
		if (!state) return 'No search yet: / searches forward, ? back.';
		this.refreshMatches();
		return this.step(reverse ? (-state.direction as SearchDirection) : state.direction);
	}

	/** "match 3 of 17", "no match for …" or undefined before a search. */
	get searchStatus(): string | undefined {
		const state = this.searchState;
		if (!state) return undefined;
		if (state.matches.length === 0) return `no match for ${state.query.label}`;
		const total = state.matches.length >= MAX_MATCHES ? `${MAX_MATCHES}+` : String(state.matches.length);
		return `match ${state.current + 1} of ${total} for ${state.query.label}`;
	}

	get matches(): readonly Match[] {
		return this.searchState?.matches ?? [];
	}

	get currentMatch(): number {
		return this.searchState?.current ?? -1;
	}

	/** How one buffer line is drawn in copy mode: matches, the current match, the selection, the cursor (later wins). */
	marksOf(line: number): CellMark[] | undefined {
		const marks: CellMark[] = [];
		const state = this.searchState;
		const found = state?.marks.get(line);
		if (found) marks.push(...found);
		if (state && state.current >= 0) {
			const current = state.matches[state.current]!;
			if (line >= current.start.line && line <= current.end.line) {
				marks.push({from: line === current.start.line ? current.start.col : 0, to: line === current.end.line ? current.end.col + 1 : this.buffer.cols, kind: 'current-match'});
			}
		}
		const selection = this.selection;
		if (selection && line >= selection.start.line && line <= selection.end.line) {
			const whole = selection.kind === 'line';
			marks.push({from: whole || line > selection.start.line ? 0 : selection.start.col, to: whole || line < selection.end.line ? this.buffer.cols : selection.end.col + 1, kind: 'selection'});
		}
		if (line === this.cursor.line) marks.push({from: this.cursor.col, to: this.cursor.col + 1, kind: 'cursor'});
		return marks.length > 0 ? marks : undefined;
	}

	private step(direction: SearchDirection): string | undefined {
		const state = this.searchState!;
		const {matches} = state;
		if (matches.length === 0) {
			state.current = -1;
			return `Nothing matches ${state.query.label}.`;
		}
		let index: number;
		if (direction === 1) {
			index = matches.findIndex(match => comparePoints(match.start, this.cursor) > 0);
			if (index === -1) index = 0;
		} else {
			index = -1;
			for (let i = matches.length - 1; i >= 0; i--) {
				if (comparePoints(matches[i]!.start, this.cursor) < 0) {
					index = i;
					break;
				}
			}
			if (index === -1) index = matches.length - 1;
		}
		state.current = index;
		this.cursor = {...matches[index]!.start};
		this.reveal();
		return undefined;
	}

	/** Searches again when the buffer changed since (new output); otherwise the known matches stand. */
	private refreshMatches(): void {
		const state = this.searchState;
		if (!state || state.version === this.buffer.version) return;
		if (!this.index || this.index.version !== this.buffer.version) this.index = new LineIndex(this.buffer);
		state.matches = findMatches(this.index, state.query);
		state.version = this.buffer.version;
		state.current = Math.min(state.current, state.matches.length - 1);
		state.marks = new Map();
		for (const match of state.matches) {
			for (let line = match.start.line; line <= match.end.line; line++) {
				const mark: CellMark = {from: line === match.start.line ? match.start.col : 0, to: line === match.end.line ? match.end.col + 1 : this.buffer.cols, kind: 'match'};
				const list = state.marks.get(line);
				if (list) list.push(mark);
				else state.marks.set(line, [mark]);
			}
		}
	}

	// Buffer reading.

	private row(line: number) {
		return this.buffer.row(line) ?? {wrapped: false, cells: []};
	}

	private cellAt(line: number, col: number): RowCell | undefined {
		return this.row(line).cells.find(cell => col >= cell.col && col < cell.col + cell.width);
	}

	private cellStart(line: number, col: number): number {
		return this.cellAt(line, col)?.col ?? col;
	}

	/** The cell after `point` (the next row's first one at the end of a row); `newLine` when that crosses a line break. */
	private nextCell(point: BufferPoint): {point: BufferPoint; cell: RowCell; newLine: boolean} | undefined {
		const cells = writtenCells(this.row(point.line));
		const next = cells.find(cell => cell.col > point.col);
		if (next) return {point: {line: point.line, col: next.col}, cell: next, newLine: false};
		for (let line = point.line + 1; line < this.buffer.length; line++) {
			const row = this.row(line);
			const first = writtenCells(row)[0];
			if (first) return {point: {line, col: first.col}, cell: first, newLine: !row.wrapped || line > point.line + 1};
		}
		return undefined;
	}

	private previousCell(point: BufferPoint): {point: BufferPoint; cell: RowCell; newLine: boolean} | undefined {
		const cells = writtenCells(this.row(point.line));
		const before = cells.filter(cell => cell.col < point.col).at(-1);
		if (before) return {point: {line: point.line, col: before.col}, cell: before, newLine: false};
		for (let line = point.line - 1; line >= 0; line--) {
			const last = writtenCells(this.row(line)).at(-1);
			if (last) return {point: {line, col: last.col}, cell: last, newLine: !this.row(point.line).wrapped || line < point.line - 1};
		}
		return undefined;
	}

	private moveTo(point: BufferPoint): void {
		this.cursor = {...point};
		this.reveal();
	}

	/** Puts the cursor on the first column of a wide character and keeps it in view. */
	private snap(): void {
		this.cursor = {line: this.cursor.line, col: this.cellStart(this.cursor.line, Math.min(this.cursor.col, this.buffer.cols - 1))};
		this.reveal();
	}

	private reveal(): void {
		this.cursor = {line: this.clampLine(this.cursor.line), col: this.cursor.col};
		if (this.cursor.line < this.top) this.top = this.cursor.line;
		if (this.cursor.line >= this.top + this.rows) this.top = this.cursor.line - this.rows + 1;
		this.top = this.clampTop(this.top);
	}

	private clampLine(line: number): number {
		return Math.max(0, Math.min(this.buffer.length - 1, line));
	}

	private clampTop(top: number): number {
		return Math.max(0, Math.min(Math.max(0, this.buffer.length - this.rows), top));
	}
}
