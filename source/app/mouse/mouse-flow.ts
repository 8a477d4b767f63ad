import type {BufferPoint} from '../../core/copy-mode/line-index.js';
import type {ShellSession} from '../../core/session/shell-session.js';
import {encodeMouseEvent, type MouseEvent} from '../../core/terminal/mouse.js';
import type {View} from '../focus/derive-focus.js';

/** The cell of a pane under the pointer. */
export interface PaneHit {
	session: ShellSession;
	/** 0-based cell of the session's screen, as the remote counts it in mouse reports. */
	col: number;
	row: number;
	/** 0-based row of the pane as drawn (copy mode's view counts from its own top line). */
	viewRow: number;
	/** With `clampTo`: -1 when the pointer is above the pane, 1 below it, else 0. */
	beyond: -1 | 0 | 1;
}

/**
 * Which pane is where on the user's screen. Today the pane painter's one region; with split panes, every pane
 * of the active window: the flow below only asks this question.
 */
export interface PaneHitTest {
	/**
	 * The pane under (x, y) of the user's screen (0-based), or undefined. With `clampTo`, a point outside that
	 * pane counts as its nearest cell (a drag or release that left the pane where the button went down).
	 */
	paneAt(x: number, y: number, clampTo?: ShellSession): PaneHit | undefined;
}

/** Which tab is where on the tab bar (app/mouse/tab-hits, filled in by the TabBar as it draws). */
export interface TabHitTest {
	tabAt(x: number, y: number): number | undefined;
}

/** Copy mode as the mouse drives it (app/copy-mode/copy-mode-flow). */
export interface MouseCopyMode {
	/** Copy mode's state while it is on (compared by identity: the same object until it ends). */
	readonly active: object | undefined;
	readonly searching: boolean;
	readonly atBottom: boolean;
	enter(at?: BufferPoint): void;
	cancel(): void;
	cancelSearch(): void;
	copy(): void;
	cellAt(viewRow: number, col: number): BufferPoint | undefined;
	scrollLines(delta: number): void;
	pointAt(point: BufferPoint): void;
	dragTo(anchor: BufferPoint, point: BufferPoint): void;
}

export interface MouseFlowOptions {
	ui: {readonly view: View; readonly dialog: unknown};
	manager: {readonly focused: ShellSession | undefined; readonly activeWindowIndex: number; focusSession(session: ShellSession): void};
	/** Focuses the tab at `index` (today a session; with split panes a window). */
	focusTab(index: number): void;
	copyMode: MouseCopyMode;
	panes: PaneHitTest;
	tabs: TabHitTest;
	/** The VM list, while it is on screen: the wheel moves its selection. */
	browser?: {move(delta: number): void};
}

/** Lines one wheel notch scrolls (copy mode) or cursor keys it sends (a full-screen program that did not ask for the mouse). */
export const WHEEL_LINES = 3;

const CURSOR_UP = '\x1b[A';
const CURSOR_DOWN = '\x1b[B';

/** What the button that went down is doing until it comes up. */
type Press =
	/** Over a pane whose remote asked for the mouse: its drags and release go there too, wherever the pointer goes. */
	| {kind: 'forward'; session: ShellSession}
	/** Over a pane in copy mode or with a remote that did not ask: a drag selects from `anchor`. */
	| {kind: 'select'; session: ShellSession; anchor: BufferPoint; dragged: boolean}
	/** On the tab bar or with another button: nothing follows. */
	| {kind: 'none'};

/**
 * What the mouse does (issue 11 §4), tmux's default bindings where tmux has one:
 * - a click on a tab focuses it; a click in a pane focuses the pane, and reaches its remote when the remote
 *   asked for the mouse (translated to the pane's cells, in the remote's tracking mode and encoding);
 * - the wheel goes to a remote that asked for the mouse; otherwise it scrolls copy mode, entering it on the
 *   way up and leaving it at the bottom when the wheel entered it (tmux's `copy-mode -e`). A full-screen
 *   program on the alternate screen that did not ask (less, man) gets cursor keys instead, as xterm's
 *   alternate-scroll mode and most terminals send, since copy mode there has no history to show;
 * - a drag with the left button selects characters in copy mode (entering it when the remote did not ask for
 *   the mouse), and the release copies the selection and leaves copy mode, as tmux's `copy-pipe-and-cancel`
 *   (to the paste buffer and the clipboard, like `y`).
 * Views other than the sessions take no clicks; the wheel moves the VM list's selection.
 */
export class MouseFlow {
	private press: Press = {kind: 'none'};
	/** Copy mode that the wheel entered (the same object while it lasts): the wheel leaves it at the bottom. */
	private wheelEntered: object | undefined;

	constructor(private readonly options: MouseFlowOptions) {}

	handle(event: MouseEvent): void {
		const {ui} = this.options;
		if (ui.dialog) {
			this.press = {kind: 'none'};
			return;
		}
		if (ui.view === 'browser') {
			if (event.kind === 'wheel-up' || event.kind === 'wheel-down') this.options.browser?.move(event.kind === 'wheel-up' ? -1 : 1);
			return;
		}
		if (ui.view !== 'sessions' && ui.view !== 'copy-mode') return;
		switch (event.kind) {
			case 'press':
				return this.pressed(event);
			case 'drag':
				return this.dragged(event);
			case 'release':
				return this.released(event);
			case 'wheel-up':
			case 'wheel-down':
				return this.wheel(event);
			case 'move': {
				// Only reported while a remote asks for every move (1003); vmux's own terminal mode does not send these today.
				const hit = this.options.panes.paneAt(event.x, event.y);
				if (hit && hit.session === this.options.manager.focused && !this.inCopyMode(hit.session)) this.forward(hit, event);
				return;
			}
		}
	}

	private pressed(event: MouseEvent): void {
		const {manager, copyMode, panes, tabs} = this.options;
		this.press = {kind: 'none'};
		const tab = tabs.tabAt(event.x, event.y);
		if (tab !== undefined) {
			if (tab !== manager.activeWindowIndex) {
				// Copy mode belongs to the tab being left.
				if (copyMode.active) copyMode.cancel();
				this.options.focusTab(tab);
			}
			return;
		}
		const hit = panes.paneAt(event.x, event.y);
		if (!hit) return;
		this.focusPane(hit.session);
		if (this.inCopyMode(hit.session)) {
			if (copyMode.searching) copyMode.cancelSearch();
			const point = copyMode.cellAt(hit.viewRow, hit.col);
			if (event.button === 'left' && point) {
				copyMode.pointAt(point);
				this.press = {kind: 'select', session: hit.session, anchor: point, dragged: false};
			}
			return;
		}
		if (wantsMouse(hit.session)) {
			// tmux's MouseDown1Pane: select-pane, then send the click on.
			this.forward(hit, event);
			this.press = {kind: 'forward', session: hit.session};
			return;
		}
		if (event.button === 'left') {
			// A drag from here enters copy mode and selects from this cell (tmux's MouseDrag1Pane: copy-mode -M).
			this.press = {kind: 'select', session: hit.session, anchor: {line: hit.session.terminal.text.baseY + hit.row, col: hit.col}, dragged: false};
		}
	}

	private dragged(event: MouseEvent): void {
		const press = this.press;
		if (press.kind === 'none') return;
		const hit = this.options.panes.paneAt(event.x, event.y, press.session);
		if (!hit) return;
		if (press.kind === 'forward') return this.forward(hit, event);
		const {copyMode} = this.options;
		if (!this.inCopyMode(press.session)) {
			if (press.dragged || press.session !== this.options.manager.focused) return;
			// From the cell the button went down on: the view stays where the live screen was, under the pointer.
			copyMode.enter(press.anchor);
			if (!this.inCopyMode(press.session)) return;
		}
		press.dragged = true;
		// Past the top or bottom of the pane the view follows the pointer.
		if (hit.beyond !== 0) copyMode.scrollLines(hit.beyond);
		const point = copyMode.cellAt(hit.viewRow, hit.col);
		if (point) copyMode.dragTo(press.anchor, point);
	}

	private released(event: MouseEvent): void {
		const press = this.press;
		this.press = {kind: 'none'};
		if (press.kind === 'forward') {
			const hit = this.options.panes.paneAt(event.x, event.y, press.session);
			if (hit) this.forward(hit, event);
			return;
		}
		// tmux's MouseDragEnd1Pane in copy mode: copy-pipe-and-cancel.
		if (press.kind === 'select' && press.dragged && this.inCopyMode(press.session)) this.options.copyMode.copy();
	}

	private wheel(event: MouseEvent): void {
		const {copyMode, panes} = this.options;
		const hit = panes.paneAt(event.x, event.y);
		if (!hit) return;
		const up = event.kind === 'wheel-up';
		this.focusPane(hit.session);
		if (this.inCopyMode(hit.session)) {
			copyMode.scrollLines(up ? -WHEEL_LINES : WHEEL_LINES);
			if (!up && copyMode.atBottom && copyMode.active === this.wheelEntered) copyMode.cancel();
			return;
		}
		if (wantsMouse(hit.session)) return this.forward(hit, event);
		const modes = hit.session.terminal.modes;
		if (modes.altScreen) {
			hit.session.sendInput(Buffer.from((up ? CURSOR_UP : CURSOR_DOWN).repeat(WHEEL_LINES), 'latin1'));
			return;
		}
		if (!up || hit.session !== this.options.manager.focused) return;
		copyMode.enter();
		if (!this.inCopyMode(hit.session)) return;
		this.wheelEntered = copyMode.active;
		copyMode.scrollLines(-WHEEL_LINES);
	}

	private focusPane(session: ShellSession): void {
		const {manager, copyMode} = this.options;
		if (session === manager.focused) return;
		if (copyMode.active) copyMode.cancel();
		manager.focusSession(session);
	}

	/** Copy mode is on, over this session (copy mode follows the focused session). */
	private inCopyMode(session: ShellSession): boolean {
		const {ui, copyMode, manager} = this.options;
		return ui.view === 'copy-mode' && copyMode.active !== undefined && manager.focused === session;
	}

	/** The event, at the pane's cell, in the remote's mouse mode and encoding (nothing when its mode leaves it out). */
	private forward(hit: PaneHit, event: MouseEvent): void {
		const modes = hit.session.terminal.modes;
		const bytes = encodeMouseEvent({...event, x: hit.col, y: hit.row}, {tracking: modes.mouseTracking, encoding: modes.mouseEncoding});
		if (bytes) hit.session.sendInput(bytes);
	}
}

function wantsMouse(session: ShellSession): boolean {
	return session.terminal.modes.mouseTracking !== 'none';
}
