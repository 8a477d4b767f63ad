import {pathTo, sum, withWeights, type Direction, type LayoutNode} from './layout-tree.js';

/** A rectangle of screen cells, 0-based. */
export interface Rect {
	x: number;
	y: number;
	cols: number;
	rows: number;
}

export interface PanePlacement<P> {
	pane: P;
	/** The pane's whole rectangle: its title row (when titled) and its terminal. */
	rect: Rect;
	/** Where the pane's terminal is drawn, and the size its PTY gets. */
	content: Rect;
	/** Whether the pane has a title row (every pane does while the window shows more than one). */
	titled: boolean;
}

export interface LayoutGeometry<P> {
	panes: PanePlacement<P>[];
	/** One-column borders between side-by-side panes. */
	borders: Rect[];
}

/** The smallest terminal a pane keeps: a split that would leave less is refused. */
export const MIN_PANE_COLS = 2;
export const MIN_PANE_ROWS = 1;

type Split<P> = Extract<LayoutNode<P>, {kind: 'split'}>;

/** Where every pane and border goes when the tree fills `area`. */
export function layoutGeometry<P>(root: LayoutNode<P>, area: Rect): LayoutGeometry<P> {
	const geometry: LayoutGeometry<P> = {panes: [], borders: []};
	const titled = root.kind === 'split';
	const place = (node: LayoutNode<P>, rect: Rect): void => {
		if (node.kind === 'pane') {
			const title = titled ? 1 : 0;
			geometry.panes.push({pane: node.pane, rect, titled, content: {x: rect.x, y: rect.y + title, cols: rect.cols, rows: Math.max(0, rect.rows - title)}});
			return;
		}
		const rects = childRects(node, rect, titled);
		node.children.forEach((child, index) => {
			place(child, rects[index]!);
			// The border after each side-by-side child but the last.
			if (node.arrangement === 'side-by-side' && index < node.children.length - 1) {
				const {x, cols} = rects[index]!;
				geometry.borders.push({x: x + cols, y: rect.y, cols: 1, rows: rect.rows});
			}
		});
	};
	place(root, area);
	return geometry;
}

/** Where each child of a split goes in the split's rectangle: side by side with a border column between, or stacked. */
function childRects<P>(split: Split<P>, rect: Rect, titled: boolean): Rect[] {
	const sizes = childSizes(split, rect, titled);
	let offset = 0;
	return sizes.map(size => {
		const child: Rect = split.arrangement === 'side-by-side' ? {x: rect.x + offset, y: rect.y, cols: size, rows: rect.rows} : {x: rect.x, y: rect.y + offset, cols: rect.cols, rows: size};
		offset += size + (split.arrangement === 'side-by-side' ? 1 : 0);
		return child;
	});
}

/** The cells each child of a split gets along its axis, borders taken out first. */
function childSizes<P>(split: Split<P>, rect: Rect, titled: boolean): number[] {
	const sideBySide = split.arrangement === 'side-by-side';
	const total = sideBySide ? rect.cols - (split.children.length - 1) : rect.rows;
	const minimums = split.children.map(child => minimumSize(child, split.arrangement, titled));
	return distribute(Math.max(0, total), split.weights, minimums);
}

/** The fewest cells a subtree needs along one axis with every pane at its minimum. */
export function minimumSize<P>(node: LayoutNode<P>, axis: 'side-by-side' | 'stacked', titled: boolean): number {
	if (node.kind === 'pane') return axis === 'side-by-side' ? MIN_PANE_COLS : MIN_PANE_ROWS + (titled ? 1 : 0);
	const sizes = node.children.map(child => minimumSize(child, axis, titled));
	if (node.arrangement !== axis) return Math.max(...sizes);
	return sum(sizes) + (axis === 'side-by-side' ? node.children.length - 1 : 0);
}

/**
 * `total` cells shared in proportion to `weights` (largest remainders get the leftover cells), then cells
 * moved from the biggest to any below its minimum. When even the minimums do not fit, some get less.
 */
export function distribute(total: number, weights: readonly number[], minimums: readonly number[]): number[] {
	const weightSum = sum(weights) || 1;
	const exact = weights.map(weight => (total * weight) / weightSum);
	const sizes = exact.map(Math.floor);
	let left = total - sum(sizes);
	const byRemainder = exact.map((value, index) => ({index, remainder: value - Math.floor(value)})).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
	for (let i = 0; left > 0; i = (i + 1) % byRemainder.length, left--) sizes[byRemainder[i]!.index]! += 1;
	for (let index = 0; index < sizes.length; index++) {
		while (sizes[index]! < minimums[index]!) {
			let donor = -1;
			for (let other = 0; other < sizes.length; other++) {
				if (other === index || sizes[other]! <= minimums[other]!) continue;
				if (donor === -1 || sizes[other]! - minimums[other]! > sizes[donor]! - minimums[donor]!) donor = other;
			}
			if (donor === -1) break;
			sizes[donor]! -= 1;
			sizes[index]! += 1;
		}
	}
	return sizes;
}

/** Whether every pane keeps at least the minimum terminal in `area`. */
export function fits<P>(root: LayoutNode<P>, area: Rect): boolean {
	return layoutGeometry(root, area).panes.every(({content}) => content.cols >= MIN_PANE_COLS && content.rows >= MIN_PANE_ROWS);
}

/**
 * `prefix Ctrl-arrow`: moves the border nearest the pane in that direction by `cells` (tmux's resize-pane:
 * the border to the pane's right, or its left when it is the last one, moves left for `left`). Returns the
 * same tree when there is no such border or no room.
 */
export function resizePane<P>(root: LayoutNode<P>, pane: P, direction: Direction, cells: number, area: Rect): LayoutNode<P> {
	const arrangement = direction === 'left' || direction === 'right' ? 'side-by-side' : 'stacked';
	const path = pathTo(root, pane);
	if (!path) return root;
	const step = [...path].reverse().find(({split}) => split.arrangement === arrangement && split.children.length > 1);
	// In a window too small for the layout the sizes are squeezed, not chosen: nothing to move.
	if (!step || !fits(root, area)) return root;
	const {split, index} = step;
	const rect = rectOfSplit(root, split, area);
	if (!rect) return root;
	const titled = root.kind === 'split';
	const sizes = childSizes(split, rect, titled);
	const before = index < split.children.length - 1 ? index : index - 1;
	const after = before + 1;
	const grow = direction === 'right' || direction === 'down' ? cells : -cells;
	const minBefore = minimumSize(split.children[before]!, arrangement, titled);
	const minAfter = minimumSize(split.children[after]!, arrangement, titled);
	// Clamped so both sides keep their minimum.
	const moved = Math.max(minBefore - sizes[before]!, Math.min(sizes[after]! - minAfter, grow));
	if (moved === 0) return root;
	// The new sizes become the weights, so the split keeps these proportions when the window is resized.
	const weights = sizes.map(size => Math.max(1, size));
	weights[before]! += moved;
	weights[after]! -= moved;
	return withWeights(root, split, weights);
}

/** The rectangle a split fills when the tree fills `area`. */
function rectOfSplit<P>(root: LayoutNode<P>, target: LayoutNode<P>, area: Rect): Rect | undefined {
	const titled = root.kind === 'split';
	const find = (node: LayoutNode<P>, rect: Rect): Rect | undefined => {
		if (node === target) return rect;
		if (node.kind === 'pane') return undefined;
		const rects = childRects(node, rect, titled);
		for (let index = 0; index < node.children.length; index++) {
			const found = find(node.children[index]!, rects[index]!);
			if (found) return found;
		}
		return undefined;
	};
	return find(root, area);
}

/**
 * The pane `prefix` + arrow moves to: among the panes beyond this one's edge in that direction and
 * overlapping it across, the nearest, then the one with the most overlap; wrapping round to the far side
 * when there is none (as tmux does).
 */
export function neighbour<P>(geometry: LayoutGeometry<P>, pane: P, direction: Direction): P | undefined {
	const from = geometry.panes.find(placement => placement.pane === pane)?.rect;
	if (!from) return undefined;
	const horizontal = direction === 'left' || direction === 'right';
	const overlap = (rect: Rect) =>
		horizontal ? Math.min(from.y + from.rows, rect.y + rect.rows) - Math.max(from.y, rect.y) : Math.min(from.x + from.cols, rect.x + rect.cols) - Math.max(from.x, rect.x);
	/** How far past this pane's edge a rect starts, in the direction; negative when it is not beyond it. */
	const distance = (rect: Rect) => {
		switch (direction) {
			case 'left':
				return from.x - (rect.x + rect.cols);
			case 'right':
				return rect.x - (from.x + from.cols);
			case 'up':
				return from.y - (rect.y + rect.rows);
			case 'down':
				return rect.y - (from.y + from.rows);
		}
	};
	const candidates = geometry.panes.filter(placement => placement.pane !== pane && overlap(placement.rect) > 0);
	const beyond = candidates.filter(placement => distance(placement.rect) >= 0);
	const pool = beyond.length > 0 ? beyond : candidates.filter(placement => distance(placement.rect) < 0);
	if (pool.length === 0) return undefined;
	// Nearest beyond the edge; when wrapping, the farthest behind it (the other side of the window): both
	// are the smallest distance.
	pool.sort((a, b) => distance(a.rect) - distance(b.rect) || overlap(b.rect) - overlap(a.rect));
	return pool[0]!.pane;
}
