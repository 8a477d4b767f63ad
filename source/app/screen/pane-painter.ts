import type {LayoutGeometry, PanePlacement} from '../../core/layout/layout-geometry.js';
import type {ShellSession} from '../../core/session/shell-session.js';
import {decscusrParam} from '../../core/terminal/emulator.js';
import type {CellMark} from '../../core/terminal/snapshot.js';
import {chromeSegments, type PaneTitleInfo} from './pane-chrome.js';
import type {PaneHit, PaneHitTest} from '../mouse/mouse-flow.js';

/** What copy mode draws instead of the live screen: its view of the buffer and the marks on each line. */
export interface PaneOverlay {
	/** Called at every paint with the pane's rows: the absolute buffer line drawn at the top. */
	layout(rows: number): number;
	/** Matches, selection and cursor on one absolute line. */
	marksOf(line: number): readonly CellMark[] | undefined;
}

export interface PaneRegion {
	/** 0-based screen row of the pane area's first line. */
	top: number;
	cols: number;
	/** The rows drawn (a status line below may take the area's last one). */
	rows: number;
	/** The rows the panes are laid out in (the PTYs' sizes come from them); `rows` when absent. */
	layoutRows?: number;
}

/** Where the painter learns the active tab's panes and their places (the session manager). */
export interface PaneSource {
	activeGeometry(area: {x: number; y: number; cols: number; rows: number}): LayoutGeometry<ShellSession> | undefined;
	on(event: 'change', listener: () => void): unknown;
	off(event: 'change', listener: () => void): unknown;
}

/** How the painter titles a pane of a split tab (its number, whether it is active, broadcast). */
export type TitleInfo = (session: ShellSession, number: number) => PaneTitleInfo;

/** Per pane: what was painted, and when. */
interface PaneState {
	lastPaint: number;
	paintedBytes: number;
	/** Output arrived since its last paint. */
	dirty: boolean;
	/**
	 * The terminal's screen-change version (core/terminal/screen-changes) its live rows were last rendered at:
	 * the next live paint renders only rows changed since. 0 when all must be rendered (nothing painted yet,
	 * the screen forgotten, or the last paint showed copy mode or history instead).
	 */
	liveVersion: number;
	onChange: () => void;
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
 * Draws the active tab's panes straight onto the terminal, row by row, only the rows that changed, while
 * Ink draws the chrome around them (DESIGN §7: an Ink frame of a full pane costs tens of ms, which shows as
 * keystroke latency). A split tab's title rows and borders are drawn here too (./pane-chrome.ts).
 *
 * Each pane is scheduled on its own: a little output (an echo, a prompt) after a quiet spell is painted at
 * once, that pane alone; bulk output waits for the frame boundary, so a flood costs at most `maxFps` paints a
 * second and never delays the echo in the pane beside it.
 *
 * The snapshot's rows hold text and SGR sequences only (core/terminal), so nothing the remote sent other
 * than styled text reaches the user's terminal.
 */
export class PanePainter implements PaneHitTest {
	/** The focused session: its pane gets the user's cursor and copy mode's overlay. */
	private session: ShellSession | undefined;
	private source: PaneSource | undefined;
	private titleInfo: TitleInfo = (_session, number) => ({number, active: false, receiving: false});
	private region: PaneRegion = {top: 1, cols: 0, rows: 0};
	private scrollOffset = 0;
	/** What each screen segment ("row;col") shows now. */
	private painted = new Map<string, string>();
	/** Whether pane rows are on screen (in `drawnRegion`) that Ink believes are blank. */
	private drawn = false;
	private drawnRegion: PaneRegion = {top: 1, cols: 0, rows: 0};
	private panes = new Map<ShellSession, PaneState>();
	/** The drawn panes and their places, as of the last `syncPanes`. */
	private layout: LayoutGeometry<ShellSession> | undefined;
	/** The layout painted last, as text: a different one repaints everything. */
	private layoutKey = '';
	private chromeDirty = true;
	private timer: NodeJS.Timeout | undefined;
	private immediate: NodeJS.Immediate | undefined;
	private readonly frameMs: number;
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
	private readonly onSourceChange = () => this.syncPanes();

	constructor(
		private readonly out: NodeJS.WriteStream,
		maxFps: number,
	) {
		this.frameMs = 1000 / Math.max(1, maxFps);
		// Ink clears the whole screen when the window changes size.
		out.on('resize', this.onResize);
	}

	/**
	 * Paints what `focus` says, from now on: the focused session and whether the panes are on screen follow
	 * every focus change at once (synchronously, so the panes are blanked before Ink draws a dialog over them).
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
			// Titles show the view and broadcast too: compared segment by segment, so mostly nothing is written.
			this.chromeDirty = true;
			this.schedule();
		};
		focus.on('change', apply);
		this.unfollow = () => focus.off('change', apply);
		apply();
	}

	/**
	 * Takes the active tab's panes from `source` (the session manager): every pane of a split tab is painted,
	 * with titles from `titleInfo`. Without a source only the focused session is painted, filling the region.
	 */
	setPaneSource(source: PaneSource, titleInfo?: TitleInfo): void {
		this.source?.off('change', this.onSourceChange);
		this.source = source;
		if (titleInfo) this.titleInfo = titleInfo;
		source.on('change', this.onSourceChange);
		this.syncPanes();
	}

	/** The focused session (the one with the cursor). */
	setSession(session: ShellSession | undefined): void {
		if (session === this.session) return;
		this.session = session;
		this.syncPanes();
		// The cursor and the active title move: titles and borders are repainted, and the newly focused pane
		// is looked at again (its rows are compared, so only the cursor moves when nothing else changed).
		const state = session && this.panes.get(session);
		if (state) state.dirty = true;
		this.chromeDirty = true;
		this.schedule();
	}

	/** Where the pane area is (from the layout being rendered) and how far the focused pane is scrolled back. */
	setRegion(region: PaneRegion, scrollOffset = 0): void {
		const r = this.region;
		const moved = region.top !== r.top || region.cols !== r.cols || region.rows !== r.rows || region.layoutRows !== r.layoutRows;
		this.region = region;
		if (moved || scrollOffset !== this.scrollOffset) {
			this.scrollOffset = scrollOffset;
			this.syncPanes();
			this.invalidate();
		}
		this.schedule();
	}

	/**
	 * Draws copy mode's view over the focused pane (or, with undefined, the live screen again). Only rows
	 * whose text or marks changed are written, as for output.
	 */
	setOverlay(overlay: PaneOverlay | undefined): void {
		this.overlay = overlay;
		this.refresh();
	}

	/** The overlay moved (a motion, a search): paint what changed. */
	refresh(): void {
		const state = this.session && this.panes.get(this.session);
		if (state) state.dirty = true;
		this.schedule();
	}

	/**
	 * Whether the panes are on screen at all. Follows the focus (see `follow`), which changes before Ink
	 * writes the next frame, so a paint already scheduled can never land on top of a dialog or another view.
	 */
	setVisible(visible: boolean): void {
		if (visible === this.visible) return;
		this.visible = visible;
		this.painted.clear();
		for (const state of this.panes.values()) state.liveVersion = 0;
		if (!visible) {
			this.cancel();
			this.releaseCursor();
			this.erase();
		} else this.invalidate();
	}

	/**
	 * The mouse's hit test (app/mouse): the pane under (x, y) of the user's screen and the cell of its
	 * terminal there. Rows count as `paint` draws them: the bottom of the remote's screen when fewer rows are
	 * shown, copy mode's view from its top line. A pane's title row counts as its first row.
	 */
	paneAt(x: number, y: number, clampTo?: ShellSession): PaneHit | undefined {
		const {top, rows} = this.region;
		const geometry = this.visible ? this.layout : undefined;
		if (!geometry || rows <= 0) return undefined;
		const ry = y - top;
		const placement = clampTo
			? geometry.panes.find(p => p.pane === clampTo)
			: geometry.panes.find(({rect}) => x >= rect.x && x < rect.x + rect.cols && ry >= rect.y && ry < Math.min(rect.y + rect.rows, rows));
		if (!placement) return undefined;
		const session = placement.pane;
		const {content} = placement;
		const shown = Math.max(1, Math.min(content.rows, rows - content.y));
		const width = Math.max(1, Math.min(content.cols, session.terminal.cols));
		const beyond = ry < content.y ? -1 : ry >= content.y + shown ? 1 : 0;
		const viewRow = Math.max(0, Math.min(shown - 1, ry - content.y));
		const overlaid = session === this.session && this.overlay !== undefined;
		const skipped = overlaid ? 0 : Math.max(0, session.terminal.rows - shown);
		return {session, col: Math.max(0, Math.min(width - 1, x - content.x)), row: viewRow + skipped, viewRow, beyond: clampTo ? beyond : 0};
	}

	/** Forgets what is on screen (Ink redrew, the window resized): the next paint rewrites every row. */
	invalidate(): void {
		this.painted.clear();
		this.chromeDirty = true;
		for (const state of this.panes.values()) {
			state.dirty = true;
			state.liveVersion = 0;
		}
		this.schedule();
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
		this.source?.off('change', this.onSourceChange);
		for (const [session, state] of this.panes) session.off('change', state.onChange);
		this.panes.clear();
		this.session = undefined;
		this.cancel();
	}

	/** The drawn panes and where they go, relative to the pane area (kept in `layout` by `syncPanes`). */
	private computeLayout(): LayoutGeometry<ShellSession> | undefined {
		const {cols, rows, layoutRows} = this.region;
		const area = {x: 0, y: 0, cols, rows: layoutRows ?? rows};
		if (this.source) return this.source.activeGeometry(area);
		if (!this.session) return undefined;
		return {panes: [{pane: this.session, rect: area, content: area, titled: false}], borders: []};
	}

	/**
	 * Follows the set of drawn panes: listens to each one's output, and repaints everything when the layout
	 * (which panes, where, which is active) changed; a state change alone repaints the titles.
	 */
	private syncPanes(): void {
		// Everything that moves a pane (the source's changes, the region, the focused session without a source)
		// comes through here, so paints read `layout` instead of laying the tab out again for every echo.
		const geometry = this.computeLayout();
		this.layout = geometry;
		const drawn = new Set(geometry?.panes.map(placement => placement.pane));
		for (const [session, state] of this.panes) {
			if (drawn.has(session)) continue;
			session.off('change', state.onChange);
			this.panes.delete(session);
		}
		for (const session of drawn) {
			if (this.panes.has(session)) continue;
			const state: PaneState = {lastPaint: 0, paintedBytes: session.receivedBytes, dirty: true, liveVersion: 0, onChange: () => this.paneChanged(session)};
			session.on('change', state.onChange);
			this.panes.set(session, state);
		}
		const key = geometry ? geometry.panes.map(({pane, rect}) => `${pane.id}@${rect.x},${rect.y},${rect.cols}x${rect.rows}`).join(' ') : '';
		if (key !== this.layoutKey) {
			this.layoutKey = key;
			this.invalidate();
			return;
		}
		this.chromeDirty = true;
		this.schedule();
	}

	private paneChanged(session: ShellSession): void {
		const state = this.panes.get(session);
		if (!state) return;
		state.dirty = true;
		if (!this.visible) return;
		// Little output since the pane's last paint (an echo, a prompt) right after a quiet spell is painted
		// in this very turn, that pane alone, even while a frame for a flooding neighbour is pending: every
		// hop costs typing latency.
		if (this.interactive(session, state) && performance.now() - state.lastPaint > SYNC_PAINT_QUIET_MS) return this.paint(session);
		this.schedule();
	}

	private interactive(session: ShellSession, state: PaneState): boolean {
		return session.receivedBytes - state.paintedBytes < INTERACTIVE_BYTES;
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

	/**
	 * Paints the panes that are due at the next opportunity: interactive output at once (after the batch
	 * of data that arrived together, hence setImmediate), bulk output at the pane's next frame boundary.
	 */
	private schedule(): void {
		if (this.timer || this.immediate || !this.visible) return;
		const now = performance.now();
		let wait = Number.POSITIVE_INFINITY;
		if (this.chromeDirty) wait = 0;
		for (const [session, state] of this.panes) {
			if (!state.dirty) continue;
			wait = Math.min(wait, this.interactive(session, state) ? 0 : state.lastPaint + this.frameMs - now);
		}
		if (wait === Number.POSITIVE_INFINITY) return;
		if (wait <= 0) {
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

	/** Paints `only` that pane, or every pane that is due, and the titles and borders when they changed. */
	private paint(only?: ShellSession): void {
		const {top, cols, rows} = this.region;
		if (!this.visible || rows <= 0 || cols <= 0) return;
		// Right after a shrink the region is still the old size until the App re-renders (which shows the
		// pane again and so paints): rows wider than the window would wrap and smear the screen.
		if (this.out.columns && (cols > this.out.columns || top + rows > (this.out.rows ?? Infinity))) return;
		const geometry = this.layout;
		if (!geometry) return;
		const now = performance.now();
		let out = '';
		let cursor: PlacedCursor | undefined;
		let later = false;
		for (const placement of geometry.panes) {
			const session = placement.pane;
			const state = this.panes.get(session);
			if (!state) continue;
			const due = only ? session === only : state.dirty && (this.interactive(session, state) || now - state.lastPaint >= this.frameMs - 1);
			if (!due) {
				if (state.dirty) later = true;
				// The focused pane's cursor is placed even when its rows are not repainted now.
				if (session === this.session && this.placed) cursor = this.placed;
				continue;
			}
			state.dirty = false;
			state.lastPaint = now;
			state.paintedBytes = session.receivedBytes;
			const painted = this.paintPane(placement, state, session === this.session);
			out += painted.out;
			if (painted.cursor) cursor = painted.cursor;
		}
		if (this.chromeDirty && !only) {
			this.chromeDirty = false;
			for (const segment of chromeSegments(geometry, {top}, this.titleInfo, rows)) out += this.segment(segment.x, segment.y, segment.text);
		}
		this.writeFrame(out, cursor);
		if (later) this.schedule();
	}

	/** One pane's changed rows, and where the cursor goes when it is the focused one. */
	private paintPane(placement: PanePlacement<ShellSession>, state: PaneState, focused: boolean): {out: string; cursor?: PlacedCursor} {
		const session = placement.pane;
		const {content} = placement;
		const top = this.region.top;
		// Rows the area shows of this pane (a status line may cover the area's last row).
		const rows = Math.max(0, Math.min(content.rows, this.region.rows - content.y));
		const cols = content.cols;
		// Mid-resize the emulator can be wider than the pane; a too-long row would spill into the next pane.
		// The session's resize emits a change, which paints again once both agree.
		const terminalCols = session.terminal.cols;
		if (rows <= 0 || terminalCols > cols) return {out: ''};
		/** The rows to draw; an empty slot is a row unchanged since the last paint (already on screen). */
		let lines: Array<string | undefined>;
		/** The remote's cursor in the pane's rows, when the live screen is shown and the cursor is visible. */
		let cursorAt: {row: number; col: number} | undefined;
		const overlay = focused ? this.overlay : undefined;
		if (overlay) {
			// Copy mode draws its own cursor among its marks: the user's cursor stays hidden.
			lines = session.terminal.renderLines(overlay.layout(rows), rows, line => overlay.marksOf(line));
			state.liveVersion = 0;
		} else if (focused && this.scrollOffset > 0) {
			// Scrolled back into history (no painted block, no cursor).
			const snapshot = session.terminal.snapshot({scrollOffset: this.scrollOffset});
			lines = snapshot.lines.slice(Math.max(0, snapshot.lines.length - rows));
			state.liveVersion = 0;
		} else {
			const live = liveRows(session, rows, state.liveVersion);
			lines = live.lines;
			state.liveVersion = live.version;
			// No painted block: the user's own cursor is placed at the remote's, in the shape it asked for.
			if (focused) cursorAt = live.cursor;
		}
		let out = '';
		for (let i = 0; i < rows; i++) {
			const line = lines[i];
			if (line !== undefined) out += this.segment(content.x, top + content.y + i, fitLine(line, cols, terminalCols));
		}
		const cursor =
			cursorAt && cursorAt.row >= 0 && cursorAt.row < rows && cursorAt.col < cols
				? {row: top + content.y + cursorAt.row, col: content.x + cursorAt.col, shape: decscusrParam(session.terminal.cursorShape)}
				: undefined;
		return {out, cursor};
	}

	/** The escape sequence that writes `text` at (x, y), or nothing when that is already on screen. */
	private segment(x: number, y: number, text: string): string {
		const key = `${y};${x}`;
		if (this.painted.get(key) === text) return '';
		this.painted.set(key, text);
		return `\x1b[${y + 1};${x + 1}H${text}\x1b[0m`;
	}

	/**
	 * Writes the changed rows in one synchronized update and puts the user's cursor at the focused pane's
	 * cursor (or back at Ink's position, hidden).
	 */
	private writeFrame(out: string, want: PlacedCursor | undefined): void {
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
		const {top, cols, rows} = this.region;
		const was = this.drawn ? this.drawnRegion : this.region;
		const drawnTop = Math.min(was.top, top);
		const drawnBottom = Math.max(was.top + was.rows, top + rows);
		this.drawnRegion = {top: drawnTop, cols, rows: drawnBottom - drawnTop};
		this.drawn = true;
	}
}

/** Rows are exactly the emulator's width; pad or blank the rest of the pane so old content never shows through. */
function fitLine(line: string, regionCols: number, lineCols: number): string {
	if (lineCols >= regionCols) return line;
	return line + ' '.repeat(regionCols - lineCols);
}

/**
 * The live screen's bottom `rows` rows (fewer rows free than the remote has, e.g. a status line below: the
 * prompt stays in view), rendered only where they changed after `since` (0: all of them); and the remote's
 * cursor in those rows when it is visible. An echo renders one row instead of the whole screen.
 */
function liveRows(session: ShellSession, rows: number, since: number): {lines: Array<string | undefined>; version: number; cursor?: {row: number; col: number}} {
	const terminal = session.terminal;
	const changes = terminal.screenChanges;
	const version = changes.version;
	const text = terminal.text;
	const baseY = text.baseY;
	const skipped = Math.max(0, terminal.rows - rows);
	const shown = Math.min(rows, terminal.rows);
	const lines = new Array<string | undefined>(rows);
	let row = 0;
	while (row < shown) {
		if (since !== 0 && !changes.changedSince(skipped + row, since)) {
			row++;
			continue;
		}
		// A run of changed rows is rendered in one call.
		let end = row + 1;
		while (end < shown && (since === 0 || changes.changedSince(skipped + end, since))) end++;
		const rendered = terminal.renderLines(baseY + skipped + row, end - row);
		for (let i = row; i < end; i++) lines[i] = rendered[i - row];
		row = end;
	}
	// Rows below the terminal's (it is shorter than the pane for a moment while it resizes) are blank.
	for (let i = shown; i < rows; i++) lines[i] = '';
	const cursor = text.cursor;
	const visible = terminal.modes.cursorVisible;
	return {lines, version, cursor: visible ? {row: cursor.line - baseY - skipped, col: cursor.col} : undefined};
}
