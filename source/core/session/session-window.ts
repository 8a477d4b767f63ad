import {fits, layoutGeometry, neighbour, resizePane, type LayoutGeometry, type Rect} from '../layout/layout-geometry.js';
import {PRESET_LAYOUTS, leaf, panesOf, presetLayout, removePane, splitPane, type Arrangement, type Direction, type LayoutNode, type PresetLayout} from '../layout/layout-tree.js';

let nextWindowId = 1;

/**
 * A tab (tmux's window): one or more panes in a layout tree, one of them active. The pane objects are
 * opaque here (the session manager's shells), so the rules are tested without connections.
 */
export class SessionWindow<P> {
	readonly id = nextWindowId++;
	/** The name `prefix ,` gave it; undefined: the tab shows its active pane's name. */
	name: string | undefined;
	zoomed = false;
	private tree: LayoutNode<P>;
	private activePane: P;
	/** Panes most recently active first: closing the active pane goes back to the one before, as in tmux. */
	private recent: P[];
	private preset = -1;

	constructor(first: P) {
		this.tree = leaf(first);
		this.activePane = first;
		this.recent = [first];
	}

	get root(): LayoutNode<P> {
		return this.tree;
	}

	get active(): P {
		return this.activePane;
	}

	/** The panes in reading order (left to right, top to bottom). */
	get panes(): P[] {
		return panesOf(this.tree);
	}

	/** The panes drawn: all of them, or only the active one while zoomed. */
	get visiblePanes(): P[] {
		return this.zoomed ? [this.activePane] : this.panes;
	}

	has(pane: P): boolean {
		return this.panes.includes(pane);
	}

	activate(pane: P): void {
		if (!this.has(pane)) return;
		this.activePane = pane;
		this.recent = [pane, ...this.recent.filter(p => p !== pane)];
	}

	/**
	 * Where each pane goes in `area`. While zoomed the active pane fills it alone, untitled; `unzoomed` gives
	 * the layout the other panes keep meanwhile (their PTYs keep that size, as tmux's do).
	 */
	geometry(area: Rect, unzoomed = false): LayoutGeometry<P> {
		if (this.zoomed && !unzoomed) return {panes: [{pane: this.activePane, rect: area, content: area, titled: false}], borders: []};
		return layoutGeometry(this.tree, area);
	}

	/**
	 * Puts `added` beside `from` (right of it or below it) and makes it active. False, with nothing changed,
	 * when a pane would be smaller than the minimum in `area`.
	 */
	split(from: P, added: P, arrangement: Arrangement, area: Rect): boolean {
		const tree = splitPane(this.tree, from, added, arrangement);
		if (!fits(tree, area)) return false;
		this.tree = tree;
		this.zoomed = false;
		this.activate(added);
		return true;
	}

	/** Takes a pane out; true when it was the last one (the window is then empty). */
	remove(pane: P): boolean {
		const tree = removePane(this.tree, pane);
		this.recent = this.recent.filter(p => p !== pane);
		if (!tree) return true;
		this.tree = tree;
		if (this.activePane === pane) this.activePane = this.recent[0] ?? panesOf(tree)[0]!;
		if (panesOf(tree).length === 1) this.zoomed = false;
		return false;
	}

	/** `prefix` + arrow: the neighbour in that direction becomes active (leaves zoom, as tmux does). */
	selectDirection(direction: Direction, area: Rect): boolean {
		const next = neighbour(layoutGeometry(this.tree, area), this.activePane, direction);
		if (next === undefined || next === this.activePane) return false;
		this.zoomed = false;
		this.activate(next);
		return true;
	}

	/** `prefix o`: the next pane in reading order. */
	nextPane(): boolean {
		const panes = this.panes;
		if (panes.length < 2) return false;
		this.zoomed = false;
		this.activate(panes[(panes.indexOf(this.activePane) + 1) % panes.length]!);
		return true;
	}

	/** `prefix Ctrl-arrow`: moves the nearest border in that direction. */
	resize(direction: Direction, cells: number, area: Rect): boolean {
		const tree = resizePane(this.tree, this.activePane, direction, cells, area);
		if (tree === this.tree) return false;
		this.tree = tree;
		this.zoomed = false;
		return true;
	}

	/** `prefix z`: the active pane fills the window, or the layout comes back. Nothing to zoom in a one-pane window. */
	toggleZoom(): boolean {
		if (this.panes.length < 2) return false;
		this.zoomed = !this.zoomed;
		return true;
	}

	/** `prefix Space`: the next preset layout, every pane the same size. Returns its name. */
	nextLayout(area: Rect): PresetLayout | undefined {
		const panes = this.panes;
		if (panes.length < 2) return undefined;
		// A preset that leaves a pane below the minimum is skipped (tiled fits where a row of 8 does not).
		for (let tried = 0; tried < PRESET_LAYOUTS.length; tried++) {
			this.preset = (this.preset + 1) % PRESET_LAYOUTS.length;
			const name = PRESET_LAYOUTS[this.preset]!;
			const tree = presetLayout(panes, name);
			if (!fits(tree, area)) continue;
			this.tree = tree;
			this.zoomed = false;
			return name;
		}
		return undefined;
	}
}
