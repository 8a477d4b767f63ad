/**
 * Which rows of a terminal's live screen changed, so a painter renders those rows only: an echoed key
 * changes one row, and rendering all of a 40-row screen for it cost about 0.35 ms of every keystroke
 * (bench/run.mjs, idle echo).
 *
 * The rows come from xterm's own bookkeeping, the one its browser renderers redraw from: after every parse
 * its input handler asks for a refresh of the rows it touched (printing, erasing, inserting; a scroll asks
 * for the whole scroll region; switching to or from the alternate screen, for all of them). That request
 * is not in the public API, so this is the one place that reaches in; without it every row counts as
 * changed, always (correct, only slower). A resize, a full reset (RIS) and a buffer switch count as all rows.
 */
import type {IDisposable, Terminal as XTerm} from '@xterm/headless';

/** A refresh request: rows `start`..`end` of the viewport, or undefined for all of them. */
type RefreshRequest = {start: number; end: number} | undefined;

interface XTermCoreInputHandler {
	_core?: {_inputHandler?: {onRequestRefreshRows?: (listener: (range: RefreshRequest) => void) => IDisposable}};
}

export class ScreenChanges {
	/** Bumped whenever some row changes; rows remember the version they last changed at. */
	private current = 1;
	private changedAt: number[] = [];
	/** False when xterm's refresh requests are unavailable: every row is always reported changed. */
	readonly tracked: boolean;
	private readonly subscriptions: IDisposable[] = [];

	constructor(private readonly term: XTerm) {
		this.changedAt = new Array<number>(term.rows).fill(this.current);
		const onRequestRefreshRows = (term as unknown as XTermCoreInputHandler)._core?._inputHandler?.onRequestRefreshRows;
		this.tracked = typeof onRequestRefreshRows === 'function';
		if (onRequestRefreshRows) {
			const inputHandler = (term as unknown as XTermCoreInputHandler)._core!._inputHandler!;
			this.subscriptions.push(onRequestRefreshRows.call(inputHandler, range => (range ? this.mark(range.start, range.end) : this.markAll())));
		}
		this.subscriptions.push(
			term.buffer.onBufferChange(() => this.markAll()),
			// A full reset makes new buffers; its refresh request alone is not relied on.
			term.parser.registerEscHandler({final: 'c'}, () => {
				this.markAll();
				return false;
			}),
		);
	}

	/** The version now: pass it to `changedSince` later. */
	get version(): number {
		return this.current;
	}

	/**
	 * Whether screen row `row` (0-based, of `term.rows`) changed after `version`. A version of 0 (nothing seen
	 * yet) is always before every change.
	 */
	changedSince(row: number, version: number): boolean {
		if (!this.tracked) return true;
		return (this.changedAt[row] ?? this.current) > version;
	}

	/** Every row changed (a resize, a reflow, a reset). */
	markAll(): void {
		this.current++;
		if (this.changedAt.length !== this.term.rows) this.changedAt = new Array<number>(this.term.rows);
		this.changedAt.fill(this.current);
	}

	dispose(): void {
		for (const subscription of this.subscriptions) subscription.dispose();
		this.subscriptions.length = 0;
	}

	private mark(start: number, end: number): void {
		this.current++;
		if (this.changedAt.length !== this.term.rows) return this.markAll();
		const from = Math.max(0, Math.min(start, end));
		const to = Math.min(this.term.rows - 1, Math.max(start, end));
		for (let row = from; row <= to; row++) this.changedAt[row] = this.current;
	}
}
