/**
 * One channel's terminal: a headless xterm-256color emulator fed by the remote, with flow control,
 * replies to the remote's queries, the modes the input translator needs, and styled snapshots.
 */
import xterm from '@xterm/headless';
import type {IDisposable, Terminal as XTerm} from '@xterm/headless';
import {DEFAULT_SINK_LIMIT, FlowControl, type Chunk, type FlowControlOptions} from './flow-control.js';
import {RowRenderer, snapshotBuffer, type BufferView, type CellMark, type RenderableLine, type ScreenSnapshot, type SnapshotOptions} from './snapshot.js';
import {CompactLineEncoder} from './compact-line.js';
import {CompactScrollback} from './compact-scrollback.js';
import {XTermTrimTap} from './xterm-trim-tap.js';
import {createUnicodeProvider, UNICODE_VERSION} from './unicode-width.js';
import {MOUSE_ENCODING_MODES, type MouseEncoding, type MouseTrackingMode} from './mouse.js';

/** How much a background terminal parses per turn of the event loop (see setBackground). */
const BACKGROUND_SINK_LIMIT = 64 * 1024;

/**
 * History lines xterm itself keeps above the screen; older ones move to the compact history (12 bytes a cell in
 * xterm, about one byte a character there). This tail is what reflows when a pane is resized: older history keeps
 * the width it was written at (longer rows are cut at the pane's edge, as a narrower pane shows them).
 */
export const XTERM_HISTORY_TAIL = 200;

// The package is CommonJS: its named exports only exist under bundlers, not plain Node (DESIGN §7).
const {Terminal} = xterm;

export type {MouseTrackingMode} from './mouse.js';

export interface TerminalModes {
	/** DECCKM: cursor keys send `ESC O x` instead of `ESC [ x`. */
	applicationCursorKeys: boolean;
	/** DECKPAM: keypad sends application sequences. */
	applicationKeypad: boolean;
	/** The remote wants pastes wrapped in `ESC[200~` ... `ESC[201~`. */
	bracketedPasteMode: boolean;
	mouseTracking: MouseTrackingMode;
	/** How mouse reports are encoded (DECSET 1005/1006/1015; `default` the X10 bytes). */
	mouseEncoding: MouseEncoding;
	/** DECTCEM: false after `ESC[?25l`. */
	cursorVisible: boolean;
	altScreen: boolean;
	/** DEC 2026: the remote is drawing a frame; rendering can wait until it ends. */
	synchronizedOutput: boolean;
	/** The window title the remote set (OSC 0/2); it stays here and never reaches the user's terminal. */
	title: string;
}

/** The cursor shape the remote asked for with DECSCUSR (`CSI n SP q`); `undefined` style = never asked (or `CSI 0 SP q`). */
export interface CursorShape {
	style: 'block' | 'underline' | 'bar' | undefined;
	blink: boolean;
}

/** The DECSCUSR parameter that asks a terminal for `shape`: 0 (its own default), 1/2 block, 3/4 underline, 5/6 bar; odd blinks. */
export function decscusrParam(shape: CursorShape): number {
	if (!shape.style) return 0;
	const steady = {block: 2, underline: 4, bar: 6}[shape.style];
	return shape.blink ? steady - 1 : steady;
}

/**
 * xterm keeps DECSCUSR's result in its core service's private modes (`cursorStyle`/`cursorBlink`, both
 * undefined until the remote asks and again after `CSI 0 SP q` or a reset); the public API only has the
 * options a renderer was started with. This is the one place that reaches in, and a test pins it.
 */
interface XTermCorePrivateModes {
	_core?: {coreService?: {decPrivateModes?: {cursorStyle?: 'block' | 'underline' | 'bar'; cursorBlink?: boolean}}};
}

export interface TerminalEmulatorOptions extends FlowControlOptions {
	cols: number;
	rows: number;
	/** Lines of history kept above the screen. Default 5000. */
	scrollback?: number;
	/** Lines of that history xterm keeps itself (XTERM_HISTORY_TAIL); the rest is kept compactly. For tests. */
	xtermHistoryTail?: number;
}

/** One cell of a buffer row as copy mode reads it: where it starts, how wide it is, what it holds ('' never written). */
export interface RowCell {
	col: number;
	width: 1 | 2;
	chars: string;
}

/** One buffer row's cells (the right halves of wide characters left out). */
export interface RowCells {
	/** The row continues the one above (the remote's line wrapped here). */
	wrapped: boolean;
	cells: RowCell[];
}

/** The whole active buffer (history and screen) by absolute line, read for copy mode (core/copy-mode). */
export interface BufferText {
	/** Lines in the buffer: history then screen. */
	readonly length: number;
	/** The line at the top of the live screen (= lines of history). */
	readonly baseY: number;
	readonly cols: number;
	readonly rows: number;
	/** Bumped on every parse and resize: what was read before may have moved. */
	readonly version: number;
	/** The remote's cursor, as an absolute line. */
	readonly cursor: {line: number; col: number};
	row(line: number): RowCells | undefined;
	/**
	 * The row as text when it is plain (one UTF-16 unit per column from column 0, every cell written up to the
	 * text's end), without a cell object per character; undefined when it is not (then read `row`).
	 */
	plainRow?(line: number): {text: string; wrapped: boolean} | undefined;
}

type Listener<T> = (value: T) => void;

class Listeners<T> {
	private readonly set = new Set<Listener<T>>();

	add(listener: Listener<T>): () => void {
		this.set.add(listener);
		return () => this.set.delete(listener);
	}

	emit(value: T): void {
		for (const listener of [...this.set]) listener(value);
	}

	clear(): void {
		this.set.clear();
	}
}

export class TerminalEmulator {
	private readonly term: XTerm;
	private readonly flow: FlowControl;
	private readonly sinkLimit: number;
	private background = false;
	private readonly renderer: RowRenderer;
	private readonly subscriptions: IDisposable[] = [];
	private readonly replyListeners = new Listeners<string>();
	private readonly changeListeners = new Listeners<void>();
	private readonly titleListeners = new Listeners<string>();
	private readonly bellListeners = new Listeners<void>();
	private cursorHidden = false;
	private mouseEncoding: MouseEncoding = 'default';
	private currentTitle = '';
	private disposed = false;
	private changes = 0;
	/** History older than xterm's tail, oldest first (empty when xterm keeps it all). */
	private readonly history: CompactScrollback;
	private readonly trimTap: XTermTrimTap | undefined;

	constructor(options: TerminalEmulatorOptions) {
		const {cols, rows} = validSize(options.cols, options.rows);
		const scrollback = Math.max(0, Math.floor(options.scrollback ?? 5000));
		const tail = Math.min(scrollback, Math.max(0, Math.floor(options.xtermHistoryTail ?? XTERM_HISTORY_TAIL)));
		this.term = new Terminal({
			cols,
			rows,
			scrollback: tail,
			// Needed to read the buffer and register the width provider.
			allowProposedApi: true,
		});
		this.history = new CompactScrollback(scrollback - tail);
		if (scrollback > tail) {
			const nullCell = this.term.buffer.normal.getNullCell();
			// A cell object of its own: xterm's null cell may be in use by xterm itself when a line is dropped.
			const encoder = new CompactLineEncoder(new (nullCell.constructor as new () => typeof nullCell)());
			const tap = new XTermTrimTap(
				this.term,
				(line) => this.history.push(encoder.encode(line)),
				() => this.history.clear(),
			);
			if (tap.attach()) this.trimTap = tap;
			// Without the internals the tap needs (another xterm version), xterm keeps the whole history as before.
			else this.term.options.scrollback = scrollback;
		}
		this.term.unicode.register(createUnicodeProvider());
		this.term.unicode.activeVersion = UNICODE_VERSION;
		this.flow = new FlowControl((data, done) => {
			// In the background, hand over the next slice only after a turn of the event loop: xterm would
			// otherwise parse it in the same 12 ms burst, and the focused session would wait behind it.
			this.term.write(data, this.background ? () => setImmediate(done) : done);
		}, options);
		this.sinkLimit = options.sinkLimit ?? DEFAULT_SINK_LIMIT;
		this.renderer = new RowRenderer(this.term.buffer.active.getNullCell());

		this.subscriptions.push(
			// Headless xterm has no keyboard: onData carries only replies to the remote's queries.
			this.term.onData((data) => {
				// Empty data is our own user-input marker (noteUserInput), not a reply.
				if (data.length > 0) this.replyListeners.emit(data);
			}),
			this.term.onWriteParsed(() => {
				this.changes++;
				this.changeListeners.emit();
			}),
			this.term.onTitleChange((title) => {
				this.currentTitle = title;
				this.titleListeners.emit(title);
			}),
			this.term.onBell(() => this.bellListeners.emit()),
			...this.trackPrivateModes(),
		);
	}

	get cols(): number {
		return this.term.cols;
	}

	get rows(): number {
		return this.term.rows;
	}

	get title(): string {
		return this.currentTitle;
	}

	get modes(): TerminalModes {
		const modes = this.term.modes;
		return {
			applicationCursorKeys: modes.applicationCursorKeysMode,
			applicationKeypad: modes.applicationKeypadMode,
			bracketedPasteMode: modes.bracketedPasteMode,
			mouseTracking: modes.mouseTrackingMode,
			mouseEncoding: this.mouseEncoding,
			cursorVisible: !this.cursorHidden,
			altScreen: this.term.buffer.active.type === 'alternate',
			synchronizedOutput: modes.synchronizedOutputMode,
			title: this.currentTitle,
		};
	}

	/** The cursor shape the remote asked for (DECSCUSR); the pane painter gives the user's cursor that shape. */
	get cursorShape(): CursorShape {
		const modes = (this.term as unknown as XTermCorePrivateModes)._core?.coreService?.decPrivateModes;
		return {style: modes?.cursorStyle, blink: modes?.cursorBlink ?? false};
	}

	/** Bytes written but not yet parsed. */
	get pendingBytes(): number {
		return this.flow.pending;
	}

	/** True while the source should stay paused (see onBackpressure). */
	get paused(): boolean {
		return this.flow.paused;
	}

	/**
	 * Feeds output from the remote. Returns false when the caller should pause its source; it is
	 * told to resume through onBackpressure. Nothing written is ever dropped.
	 */
	write(data: Chunk): boolean {
		if (this.disposed) return true;
		return this.flow.write(data);
	}

	/** Resolves once everything written so far has been parsed. */
	flush(): Promise<void> {
		return this.flow.drained();
	}

	/**
	 * Tells xterm the user just typed. xterm then parses the next write at once instead of on a timer
	 * (its own rule for user input), which takes about a millisecond off every echoed keystroke.
	 */
	noteUserInput(): void {
		this.term.input('', true);
	}

	/**
	 * A terminal nobody is looking at parses in small slices (64 KiB), so a flood in a background session
	 * costs the focused one at most a millisecond or so of latency per slice instead of xterm's 12 ms budget.
	 * Its channel is paused by flow control meanwhile, so nothing is lost, only deferred.
	 */
	setBackground(background: boolean): void {
		this.background = background;
		this.flow.setSinkLimit(background ? BACKGROUND_SINK_LIMIT : this.sinkLimit);
	}

	/** Whether it parses in small slices (see setBackground). */
	get parsesInSlices(): boolean {
		return this.background;
	}

	/** `listener(true)` above the high-water mark (pause the channel), `listener(false)` once drained. */
	onBackpressure(listener: (paused: boolean) => void): () => void {
		return this.flow.onBackpressure(listener);
	}

	/** Bytes the emulator must send back to the remote (answers to DSR, DA, ...). */
	onReply(listener: (data: string) => void): () => void {
		return this.replyListeners.add(listener);
	}

	/** The screen may have changed: re-render. Fires after output is parsed and after a resize. */
	onChange(listener: () => void): () => void {
		return this.changeListeners.add(listener);
	}

	onTitleChange(listener: (title: string) => void): () => void {
		return this.titleListeners.add(listener);
	}

	onBell(listener: () => void): () => void {
		return this.bellListeners.add(listener);
	}

	resize(cols: number, rows: number): void {
		if (this.disposed) return;
		const size = validSize(cols, rows);
		if (size.cols === this.term.cols && size.rows === this.term.rows) return;
		this.trimTap?.beforeResize();
		this.term.resize(size.cols, size.rows);
		this.changes++;
		this.changeListeners.emit();
	}

	/** The text on the cursor's row left of the cursor (what a prompt the remote is waiting at says). */
	textBeforeCursor(): string {
		if (this.disposed) return '';
		const buffer = this.term.buffer.active;
		return buffer.getLine(buffer.baseY + buffer.cursorY)?.translateToString(true, 0, buffer.cursorX) ?? '';
	}

	snapshot(options: SnapshotOptions = {}): ScreenSnapshot {
		return snapshotBuffer(this.view(), this.term.cols, this.term.rows, !this.cursorHidden, this.renderer, options);
	}

	/** Where the normal buffer's history lines are: in the compact history, and in xterm's own tail. */
	get historyLines(): {compact: number; xterm: number} {
		return {compact: this.history.length, xterm: this.term.buffer.normal.baseY};
	}

	/** Lines of the compact history in front of the active buffer's own (none on the alternate screen). */
	private get compactLines(): number {
		return this.term.buffer.active.type === 'normal' ? this.history.length : 0;
	}

	/** The line at absolute position `line`: compact history, then xterm's tail and screen. */
	private lineAt(line: number): RenderableLine | undefined {
		const compact = this.compactLines;
		if (line < compact) return this.history.view(line, this.term.cols);
		return this.term.buffer.active.getLine(line - compact);
	}

	private view(): BufferView {
		const buffer = this.term.buffer.active;
		return {
			baseY: this.compactLines + buffer.baseY,
			cursorX: buffer.cursorX,
			cursorY: buffer.cursorY,
			type: buffer.type,
			getLine: (line) => this.lineAt(line),
		};
	}

	/** The active buffer as text cells by absolute line (copy mode's motions, search and selection read it). */
	get text(): BufferText {
		const emulator = this;
		const buffer = () => this.term.buffer.active;
		const cell = buffer().getNullCell();
		return {
			get length() {
				return emulator.compactLines + buffer().length;
			},
			get baseY() {
				return emulator.compactLines + buffer().baseY;
			},
			get cols() {
				return emulator.term.cols;
			},
			get rows() {
				return emulator.term.rows;
			},
			get version() {
				return emulator.changes;
			},
			get cursor() {
				const active = buffer();
				return {line: emulator.compactLines + active.baseY + active.cursorY, col: Math.min(active.cursorX, emulator.term.cols - 1)};
			},
			plainRow(line: number): {text: string; wrapped: boolean} | undefined {
				const compact = emulator.compactLines;
				if (line >= compact) return undefined;
				const stored = emulator.history.get(line);
				return typeof stored === 'string' ? {text: stored, wrapped: false} : undefined;
			},
			row(line: number): RowCells | undefined {
				const row = emulator.lineAt(line);
				if (!row) return undefined;
				const cells: RowCell[] = [];
				for (let x = 0; x < row.length; x++) {
					const loaded = row.getCell(x, cell);
					if (!loaded) break;
					const width = loaded.getWidth();
					if (width === 0) continue;
					cells.push({col: x, width: width === 2 ? 2 : 1, chars: loaded.getChars()});
				}
				return {wrapped: row.isWrapped, cells};
			},
		};
	}

	/**
	 * `count` rows from absolute line `top` (history and screen alike), styled like a snapshot, with copy
	 * mode's marks (`marksOf(line)`) drawn over them. No cursor: copy mode draws its own.
	 */
	renderLines(top: number, count: number, marksOf?: (line: number) => readonly CellMark[] | undefined): string[] {
		const lines: string[] = new Array(count);
		for (let i = 0; i < count; i++) lines[i] = this.renderer.render(this.lineAt(top + i), this.term.cols, -1, marksOf?.(top + i));
		return lines;
	}

	dispose(): void {
		if (this.disposed) return;
		this.disposed = true;
		this.flow.dispose();
		this.trimTap?.dispose();
		this.history.clear();
		for (const subscription of this.subscriptions) subscription.dispose();
		this.replyListeners.clear();
		this.changeListeners.clear();
		this.titleListeners.clear();
		this.bellListeners.clear();
		this.term.dispose();
	}

	/**
	 * The public API exposes no DECTCEM state, and xterm.js no longer implements the UTF-8 (1005) and URXVT
	 * (1015) mouse encodings at all, so watch the sequences that set them. Each hook returns false so xterm's
	 * own handler still runs.
	 */
	private trackPrivateModes(): IDisposable[] {
		const parser = this.term.parser;
		const setMode = (set: boolean) => (params: (number | number[])[]) => {
			for (const param of params) {
				if (param === 25) this.cursorHidden = !set;
				const encoding = typeof param === 'number' ? MOUSE_ENCODING_MODES[param] : undefined;
				// As in XTerm, one encoding at a time: the last one set wins, and resetting it goes back to the X10 bytes.
				if (encoding && set) this.mouseEncoding = encoding;
				else if (encoding && this.mouseEncoding === encoding) this.mouseEncoding = 'default';
			}
			return false;
		};
		const softReset = () => {
			this.cursorHidden = false;
			return false;
		};
		const fullReset = () => {
			this.cursorHidden = false;
			this.mouseEncoding = 'default';
			return false;
		};
		return [
			parser.registerCsiHandler({prefix: '?', final: 'h'}, setMode(true)),
			parser.registerCsiHandler({prefix: '?', final: 'l'}, setMode(false)),
			// DECSTR (soft reset) shows the cursor again; RIS (full reset) also ends mouse reporting.
			parser.registerCsiHandler({intermediates: '!', final: 'p'}, softReset),
			parser.registerEscHandler({final: 'c'}, fullReset),
		];
	}
}

function validSize(cols: number, rows: number): {cols: number; rows: number} {
	// xterm refuses fewer than 2 columns or 1 row.
	const clean = (n: number, min: number) => (Number.isFinite(n) ? Math.max(min, Math.floor(n)) : min);
	return {cols: clean(cols, 2), rows: clean(rows, 1)};
}
