import type {ShellSession} from '../../core/session/shell-session.js';
import {decscusrParam} from '../../core/terminal/emulator.js';
import type {CellMark} from '../../core/terminal/snapshot.js';
import type {PaneHit, PaneHitTest} from '../mouse/mouse-flow.js';

/** What copy mode draws instead of the live screen: its view of the buffer and the marks on each line. */
export interface PaneOverlay {
	/** Called at every paint with the pane's rows: the absolute buffer line drawn at the top. */
	layout(rows: number): number;
	/** Matches, selection and cursor on one absolute line. */
	marksOf(line: number): readonly CellMark[] | undefined;
}

export interface PaneRegion {
	/** 0-based screen row of the pane's first line. */
	top: number;
	cols: number;
	rows: number;
}

/** Output smaller than this since the last paint counts as interactive (echoes, prompts, status lines). */
const INTERACTIVE_BYTES = 4096;
/** A paint this long after the previous one may run synchronously; closer ones are coalesced. */
const SYNC_PAINT_QUIET_MS = 8;
const SYNC_START = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';
// DECSC/DECRC: Ink moves the cursor relative to where it left it, so every paint must put it back.
const SAVE_CURSOR = '\x1b7';
const RESTORE_CURSOR = '\x1b8';
const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';

/** Where the user's real cursor stands in the pane: 0-based screen row and column, and its DECSCUSR shape. */
interface PlacedCursor {
	row: number;
	col: number;
	shape: number;
}

/**
 * Draws the focused session's screen straight onto the terminal, row by row, only the rows that changed,
 * while Ink draws the chrome around it (DESIGN §7: an Ink frame of a full pane costs tens of ms, which
 * shows as keystroke latency). A change is painted at once when the last paint is older than a frame,
 * otherwise at the next frame boundary, so a flood costs at most `maxFps` paints a second.
 *
 * The snapshot's rows hold text and SGR sequences only (core/terminal), so nothing the remote sent other
 * than styled text reaches the user's terminal.
 */
export class PanePainter implements PaneHitTest {
	private session: ShellSession | undefined;
	private region: PaneRegion = {top: 1, cols: 0, rows: 0};
	private scrollOffset = 0;
	private painted: string[] = [];
	/** Whether pane rows are on screen (in `drawnRegion`) that Ink believes are blank. */
	private drawn = false;
	private drawnRegion: PaneRegion = {top: 1, cols: 0, rows: 0};
	private lastPaint = 0;
	private paintedBytes = 0;
	private timer: NodeJS.Timeout | undefined;
	private immediate: NodeJS.Immediate | undefined;
	private readonly frameMs: number;
	private readonly onChange = () => this.schedule();
	private visible = false;
	private overlay: PaneOverlay | undefined;
	private unfollow: (() => void) | undefined;
	/**
	 * Where the user's cursor is shown in the pane, or undefined while it is hidden at Ink's position. While
	 * placed, Ink's position is in the terminal's DECSC slot, and `releaseCursor` must put it back before Ink writes.
	 */
	private placed: PlacedCursor | undefined;
	/** The DECSCUSR shape last sent to the user's terminal (0: its own default, as vmux found it). */
	private shapeSent = 0;

	private readonly onResize = () => this.invalidate();

	constructor(
		private readonly out: NodeJS.WriteStream,
		maxFps: number,
	) {
		this.frameMs = 1000 / Math.max(1, maxFps);
		// Ink clears the whole screen when the window changes size.
		out.on('resize', this.onResize);
	}

	/**
	 * Paints what `focus` says, from now on: the pane's session and whether it is on screen follow every
	 * focus change at once (synchronously, so the pane is blanked before Ink draws a dialog over it).
	 */
	follow(focus: {
		current(): {paneSession: ShellSession | undefined; paneVisible: boolean};
		on(event: 'change', listener: () => void): unknown;
		off(event: 'change', listener: () => void): unknown;
	}): void {
		this.unfollow?.();
		const apply = () => {
			const now = focus.current();
			this.setSession(now.paneSession);
			this.setVisible(now.paneVisible);
		};
		focus.on('change', apply);
		this.unfollow = () => focus.off('change', apply);
		apply();
	}

	/** The session whose screen is painted. */
	setSession(session: ShellSession | undefined): void {
		if (session === this.session) return;
		this.session?.off('change', this.onChange);
		session?.on('change', this.onChange);
		this.session = session;
		this.invalidate();
	}

	/** Where the pane is (from the layout being rendered) and how far it is scrolled back. */
	setRegion(region: PaneRegion, scrollOffset = 0): void {
		const moved = region.top !== this.region.top || region.cols !== this.region.cols || region.rows !== this.region.rows;
		if (moved || scrollOffset !== this.scrollOffset) this.invalidate();
		this.region = region;
		this.scrollOffset = scrollOffset;
		if (this.session) this.schedule();
	}

	/**
	 * Draws copy mode's view (or, with undefined, the live screen again). Only rows whose text or marks
	 * changed are written, as for output.
	 */
	setOverlay(overlay: PaneOverlay | undefined): void {
		this.overlay = overlay;
		this.refresh();
	}

	/** The overlay moved (a motion, a search): paint what changed. */
	refresh(): void {
		if (this.session) this.schedule();
	}

	/**
	 * Whether the pane is on screen at all. Follows the focus (see `follow`), which changes before Ink
	 * writes the next frame, so a paint already scheduled can never land on top of a dialog or another view.
	 */
	setVisible(visible: boolean): void {
		if (visible === this.visible) return;
		this.visible = visible;
		this.painted = [];
		if (!visible) {
			this.cancel();
			this.releaseCursor();
			this.erase();
		} else this.schedule();
	}

	/**
	 * The mouse's hit test for the one pane painted (app/mouse): the cell under (x, y) of the user's screen.
	 * Rows count as `paint` draws them: the bottom of the remote's screen when the region is shorter, copy
	 * mode's view from its top line.
	 */
	paneAt(x: number, y: number, clampTo?: ShellSession): PaneHit | undefined {
		const session = this.session;
		const {top, cols, rows} = this.region;
		if (!session || !this.visible || rows <= 0 || cols <= 0 || (clampTo && clampTo !== session)) return undefined;
		const width = Math.min(cols, session.terminal.cols);
		const beyond = y < top ? -1 : y >= top + rows ? 1 : 0;
		if (!clampTo && (beyond !== 0 || x < 0 || x >= width)) return undefined;
		const viewRow = Math.max(0, Math.min(rows - 1, y - top));
		const skipped = this.overlay ? 0 : Math.max(0, session.terminal.rows - rows);
		return {session, col: Math.max(0, Math.min(width - 1, x)), row: viewRow + skipped, viewRow, beyond};
	}

	/** Forgets what is on screen (Ink redrew, the window resized): the next paint rewrites every row. */
	invalidate(): void {
		this.painted = [];
		if (this.session) this.schedule();
	}

	/**
	 * Hides the user's cursor and puts it back where Ink left it (DECRC). Called before every write Ink makes
	 * (screen/watched-stdout): Ink moves the cursor relative to where it left it. The paint that follows
	 * Ink's frame places the cursor in the pane again.
	 */
	releaseCursor(): void {
		if (!this.placed) return;
		this.placed = undefined;
		this.out.write(RESTORE_CURSOR + HIDE_CURSOR);
	}

	dispose(): void {
		this.releaseCursor();
		this.unfollow?.();
		this.unfollow = undefined;
		this.out.off('resize', this.onResize);
		this.session?.off('change', this.onChange);
		this.session = undefined;
		this.cancel();
	}

	private cancel(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		if (this.immediate) clearImmediate(this.immediate);
		this.immediate = undefined;
	}

	/**
	 * Blanks the rows this painter drew. Ink diffs each frame against its own last frame, in which the
	 * pane was blank rows: rows the next view leaves blank would otherwise keep the pane's old text.
	 */
	private erase(): void {
		if (!this.drawn) return;
		this.drawn = false;
		const {top, rows} = this.drawnRegion;
		let out = '';
		for (let i = 0; i < rows; i++) out += `\x1b[${top + i + 1};1H\x1b[2K`;
		this.out.write(SYNC_START + SAVE_CURSOR + out + RESTORE_CURSOR + SYNC_END);
	}

	private schedule(): void {
		if (this.timer || this.immediate || !this.session || !this.visible) return;
		// Little output since the last paint (an echo, a prompt) is painted at once: typing must not wait
		// for a frame. Bulk output waits for the frame boundary, so a flood costs at most maxFps paints.
		const interactive = this.session.receivedBytes - this.paintedBytes < INTERACTIVE_BYTES;
		// An echo right after a quiet spell is painted in this very turn: every hop costs typing latency.
		if (interactive && performance.now() - this.lastPaint > SYNC_PAINT_QUIET_MS) return this.paint();
		const wait = interactive ? 0 : this.lastPaint + this.frameMs - performance.now();
		if (wait <= 0) {
			// setImmediate, not a direct paint: lets the emulator finish the batch of data that arrived together.
			this.immediate = setImmediate(() => {
				this.immediate = undefined;
				this.paint();
			});
		} else {
			this.timer = setTimeout(() => {
				this.timer = undefined;
				this.paint();
			}, wait);
		}
	}

	private paint(): void {
		const session = this.session;
		const {top, cols, rows} = this.region;
		if (!session || !this.visible || rows <= 0 || cols <= 0) return;
		// Right after a shrink the region is still the old size until the App re-renders (which shows the
		// pane again and so paints): rows wider than the window would wrap and smear the screen.
		if (this.out.columns && (cols > this.out.columns || top + rows > (this.out.rows ?? Infinity))) return;
		this.lastPaint = performance.now();
		this.paintedBytes = session.receivedBytes;
		// Mid-resize the emulator can be wider than the region; a too-long row would wrap into the next one.
		// The session's resize emits a change, which paints again once both agree.
		const terminalCols = session.terminal.cols;
		if (terminalCols > cols) return;
		let lines: string[];
		/** The remote's cursor in the region's rows, when the live screen is shown and the cursor is visible. */
		let cursor: {row: number; col: number} | undefined;
		const overlay = this.overlay;
		if (overlay) {
			// Copy mode draws its own cursor among its marks: the user's cursor stays hidden.
			lines = session.terminal.renderLines(overlay.layout(rows), rows, line => overlay.marksOf(line));
		} else {
			// No painted block: the user's own cursor is placed at the remote's (below), in the shape it asked for.
			const snapshot = session.terminal.snapshot({scrollOffset: this.scrollOffset});
			// When fewer rows are free than the remote has (a status line below), keep the bottom: the prompt.
			const skipped = Math.max(0, snapshot.lines.length - rows);
			lines = snapshot.lines.slice(skipped);
			if (snapshot.cursor.visible) cursor = {row: snapshot.cursor.y - skipped, col: snapshot.cursor.x};
		}
		let out = '';
		for (let i = 0; i < rows; i++) {
			const line = fitLine(lines[i] ?? '', cols, terminalCols);
			if (this.painted[i] === line) continue;
			this.painted[i] = line;
			out += `\x1b[${top + i + 1};1H${line}\x1b[0m`;
		}
		const want: PlacedCursor | undefined =
			cursor && cursor.row >= 0 && cursor.row < rows && cursor.col < cols ? {row: top + cursor.row, col: cursor.col, shape: decscusrParam(session.terminal.cursorShape)} : undefined;
		const cursorMoves = want?.row !== this.placed?.row || want?.col !== this.placed?.col || want?.shape !== this.placed?.shape;
		if (!out && !cursorMoves) return;
		// While the cursor is placed, Ink's position is already in the DECSC slot: saving again would lose it.
		let write = SYNC_START + (this.placed ? '' : SAVE_CURSOR) + out;
		if (want) {
			write += `\x1b[${want.row + 1};${want.col + 1}H`;
			if (want.shape !== this.shapeSent) write += `\x1b[${want.shape} q`;
			this.shapeSent = want.shape;
			if (!this.placed) write += SHOW_CURSOR;
		} else {
			write += RESTORE_CURSOR;
			if (this.placed) write += HIDE_CURSOR;
		}
		this.placed = want;
		this.out.write(write + SYNC_END);
		if (!out) return;
		// The union of what was drawn: a region that moved or shrank still has old rows to blank.
		const was = this.drawn ? this.drawnRegion : this.region;
		const drawnTop = Math.min(was.top, top);
		const drawnBottom = Math.max(was.top + was.rows, top + rows);
		this.drawnRegion = {top: drawnTop, cols, rows: drawnBottom - drawnTop};
		this.drawn = true;
	}
}

/** Rows are exactly the emulator's width; pad or blank the rest of the region so old content never shows through. */
function fitLine(line: string, regionCols: number, lineCols: number): string {
	if (lineCols >= regionCols) return line;
	return line + ' '.repeat(regionCols - lineCols);
}
