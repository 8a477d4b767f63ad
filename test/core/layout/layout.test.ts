import {describe, expect, it} from 'vitest';
import {distribute, fits, layoutGeometry, MIN_PANE_COLS, MIN_PANE_ROWS, neighbour, resizePane, type LayoutGeometry, type Rect} from '../../../source/core/layout/layout-geometry.js';
import {leaf, panesOf, presetLayout, removePane, splitPane, type Direction, type LayoutNode} from '../../../source/core/layout/layout-tree.js';

const AREA: Rect = {x: 0, y: 0, cols: 120, rows: 38};

/** Which pane (or `|` for a border) owns each cell: every cell must be owned exactly once. */
function ownership<P extends string>(geometry: LayoutGeometry<P>, area: Rect): string[][] {
	const grid = Array.from({length: area.rows}, () => Array.from({length: area.cols}, () => ''));
	const claim = (rect: Rect, owner: string) => {
		for (let y = rect.y; y < rect.y + rect.rows; y++) {
			for (let x = rect.x; x < rect.x + rect.cols; x++) {
				// A plain check, not expect(): this runs for every cell of thousands of layouts.
				if (grid[y]?.[x] !== '') throw new Error(`cell ${x},${y} claimed by ${grid[y]?.[x] ?? 'nothing (outside the area)'} and ${owner}`);
				grid[y]![x] = owner;
			}
		}
	};
	for (const placement of geometry.panes) claim(placement.rect, placement.pane);
	for (const border of geometry.borders) claim(border, '|');
	return grid;
}

function expectTiles<P extends string>(root: LayoutNode<P>, area: Rect): LayoutGeometry<P> {
	const geometry = layoutGeometry(root, area);
	const grid = ownership(geometry, area);
	if (grid.some(row => row.includes(''))) throw new Error('a cell belongs to no pane and no border');
	expect(geometry.panes.map(p => p.pane).sort()).toEqual(panesOf(root).sort());
	return geometry;
}

describe('the layout tree', () => {
	it('splits a pane right and down as tmux does: a split in the same direction adds a sibling, not a staircase', () => {
		let tree: LayoutNode<string> = leaf('a');
		tree = splitPane(tree, 'a', 'b', 'side-by-side');
		tree = splitPane(tree, 'b', 'c', 'side-by-side');
		expect(tree).toMatchObject({kind: 'split', arrangement: 'side-by-side', weights: [1, 0.5, 0.5]});
		expect(panesOf(tree)).toEqual(['a', 'b', 'c']);
		tree = splitPane(tree, 'b', 'd', 'stacked');
		expect(panesOf(tree)).toEqual(['a', 'b', 'd', 'c']);
		const geometry = expectTiles(tree, AREA);
		const rect = (pane: string) => geometry.panes.find(p => p.pane === pane)!.rect;
		// a keeps half, b and c share the other half; d is below b.
		// 119 columns besides the border: a gets 59.5, b and c 29.75 each; the leftover cells go to the largest remainders.
		expect(rect('a')).toEqual({x: 0, y: 0, cols: 59, rows: 38});
		expect(rect('b').x).toBe(60);
		expect(rect('d')).toMatchObject({x: rect('b').x, cols: rect('b').cols, y: 19});
		expect(geometry.borders.map(b => b.x)).toEqual([59, rect('c').x - 1]);
	});

	it('titles every pane of a split window and no single pane; content is the rect below the title', () => {
		expect(layoutGeometry(leaf('a'), AREA).panes[0]).toMatchObject({titled: false, content: AREA});
		const [a, b] = layoutGeometry(splitPane(leaf('a'), 'a', 'b', 'stacked'), AREA).panes;
		expect(a).toMatchObject({titled: true, rect: {y: 0, rows: 19}, content: {y: 1, rows: 18}});
		expect(b).toMatchObject({titled: true, rect: {y: 19, rows: 19}, content: {y: 20, rows: 18}});
	});

	it('gives a removed pane’s space back and collapses splits left with one child', () => {
		let tree: LayoutNode<string> = splitPane(splitPane(leaf('a'), 'a', 'b', 'side-by-side'), 'b', 'c', 'stacked');
		tree = removePane(tree, 'c')!;
		expect(tree).toMatchObject({kind: 'split', arrangement: 'side-by-side', children: [{pane: 'a'}, {pane: 'b'}]});
		expect(removePane(removePane(tree, 'a')!, 'b')).toBeUndefined();
		expect(removePane(tree, 'a')).toEqual(leaf('b'));
		// A nested split in the same arrangement, left after a removal, merges into its parent with its share.
		let nested: LayoutNode<string> = splitPane(leaf('a'), 'a', 'b', 'side-by-side');
		nested = splitPane(nested, 'b', 'x', 'stacked');
		nested = splitPane(nested, 'x', 'y', 'side-by-side');
		const merged = removePane(nested, 'b')!;
		expect(merged).toMatchObject({kind: 'split', arrangement: 'side-by-side'});
		expect(panesOf(merged)).toEqual(['a', 'x', 'y']);
		expectTiles(merged, AREA);
	});

	it('builds the preset layouts: even-horizontal, even-vertical and tiled', () => {
		const panes = ['a', 'b', 'c', 'd', 'e'];
		const horizontal = expectTiles(presetLayout(panes, 'even-horizontal'), AREA);
		expect(new Set(horizontal.panes.map(p => p.rect.y))).toEqual(new Set([0]));
		const widths = horizontal.panes.map(p => p.rect.cols);
		expect(Math.max(...widths) - Math.min(...widths)).toBeLessThanOrEqual(1);
		const vertical = expectTiles(presetLayout(panes, 'even-vertical'), AREA);
		expect(new Set(vertical.panes.map(p => p.rect.x))).toEqual(new Set([0]));
		// Tiled: 3 columns (ceil sqrt 5), rows filled left to right.
		const tiled = expectTiles(presetLayout(panes, 'tiled'), AREA);
		expect(tiled.panes.map(p => [p.pane, p.rect.y === 0 ? 'top' : 'bottom'])).toEqual([
			['a', 'top'],
			['b', 'top'],
			['c', 'top'],
			['d', 'bottom'],
			['e', 'bottom'],
		]);
	});

	it('shares cells by weight, gives leftovers to the largest remainders, and lifts any pane below its minimum', () => {
		expect(distribute(10, [1, 1, 1], [1, 1, 1])).toEqual([4, 3, 3]);
		expect(distribute(100, [1, 3], [2, 2])).toEqual([25, 75]);
		expect(distribute(10, [1, 100], [3, 3])).toEqual([3, 7]);
		// Not enough room for the minimums: what there is, without going negative.
		expect(distribute(3, [1, 1, 1], [2, 2, 2]).every(size => size >= 0)).toBe(true);
		expect(distribute(3, [1, 1, 1], [2, 2, 2]).reduce((a, b) => a + b)).toBe(3);
	});

	it('refuses a split that would leave a pane below the minimum', () => {
		const narrow = {x: 0, y: 0, cols: 2 * MIN_PANE_COLS, rows: 10};
		expect(fits(splitPane(leaf('a'), 'a', 'b', 'side-by-side'), narrow)).toBe(false);
		expect(fits(splitPane(leaf('a'), 'a', 'b', 'side-by-side'), {...narrow, cols: 2 * MIN_PANE_COLS + 1})).toBe(true);
		const short = {x: 0, y: 0, cols: 80, rows: 2 * (MIN_PANE_ROWS + 1) - 1};
		expect(fits(splitPane(leaf('a'), 'a', 'b', 'stacked'), short)).toBe(false);
		expect(fits(splitPane(leaf('a'), 'a', 'b', 'stacked'), {...short, rows: short.rows + 1})).toBe(true);
	});

	it('moves the nearest border in the direction asked, from either side, and no further than the minimum', () => {
		const tree = splitPane(leaf('a'), 'a', 'b', 'side-by-side');
		const width = (t: LayoutNode<string>, pane: string) => layoutGeometry(t, AREA).panes.find(p => p.pane === pane)!.rect.cols;
		expect(width(tree, 'a')).toBe(60);
		// The border right of a moves left: a shrinks. From b (the last pane), the border on its left moves left: b grows.
		expect(width(resizePane(tree, 'a', 'left', 5, AREA), 'a')).toBe(55);
		expect(width(resizePane(tree, 'b', 'left', 5, AREA), 'b')).toBe(64);
		expect(width(resizePane(tree, 'a', 'right', 5, AREA), 'a')).toBe(65);
		expect(width(resizePane(tree, 'a', 'left', 1000, AREA), 'a')).toBe(MIN_PANE_COLS);
		expect(width(resizePane(tree, 'a', 'right', 1000, AREA), 'b')).toBe(MIN_PANE_COLS);
		// No stacked split: up and down change nothing.
		expect(resizePane(tree, 'a', 'up', 3, AREA)).toBe(tree);
		// A resize keeps its proportion when the window grows.
		const resized = resizePane(tree, 'a', 'left', 20, AREA);
		expect(layoutGeometry(resized, {...AREA, cols: 241}).panes[0]!.rect.cols).toBeOneOf([80, 81]);
	});

	it('finds the neighbour in each direction, and wraps round at the edge as tmux does', () => {
		// a | b over c | d
		let tree: LayoutNode<string> = splitPane(leaf('a'), 'a', 'b', 'side-by-side');
		tree = splitPane(tree, 'b', 'c', 'stacked');
		tree = splitPane(tree, 'c', 'd', 'side-by-side');
		const geometry = layoutGeometry(tree, AREA);
		const go = (from: string, direction: Direction) => neighbour(geometry, from, direction);
		expect(go('a', 'right')).toBe('b');
		expect(go('b', 'down')).toBe('c');
		expect(go('c', 'right')).toBe('d');
		expect(go('d', 'up')).toBe('b');
		expect(go('c', 'left')).toBe('a');
		// Wrapping: left of a is the far right pane overlapping its rows.
		expect(['b', 'd']).toContain(go('a', 'left'));
		expect(go('b', 'up')).toBe('c');
		expect(neighbour(layoutGeometry(leaf('a'), AREA), 'a', 'left')).toBeUndefined();
	});

	it('keeps its invariants through 2,000 random splits, removals, resizes and layouts (seeded)', () => {
		let seed = 0x5eed;
		const random = () => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return seed / 0x80000000;
		};
		const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
		const directions: Direction[] = ['left', 'right', 'up', 'down'];
		let tree: LayoutNode<string> = leaf('p0');
		let next = 1;
		for (let step = 0; step < 2000; step++) {
			const area = {x: 0, y: 0, cols: 40 + Math.floor(random() * 160), rows: 10 + Math.floor(random() * 50)};
			const panes = panesOf(tree);
			const roll = random();
			if (roll < 0.35 && panes.length < 12) {
				const candidate = splitPane(tree, pick(panes), `p${next}`, random() < 0.5 ? 'side-by-side' : 'stacked');
				// The manager only splits when it fits; a split that does not fit is refused there.
				if (fits(candidate, area)) {
					tree = candidate;
					next++;
				}
			} else if (roll < 0.55 && panes.length > 1) {
				tree = removePane(tree, pick(panes))!;
			} else if (roll < 0.9) {
				tree = resizePane(tree, pick(panes), pick(directions), 1 + Math.floor(random() * 30), area);
			} else if (panes.length > 1) {
				const preset = presetLayout(panes, pick(['even-horizontal', 'even-vertical', 'tiled'] as const));
				if (fits(preset, area)) tree = preset;
			}
			const geometry = expectTiles(tree, area);
			// Every pane appears once; every pane keeps at least the minimum where the layout fits.
			expect(new Set(geometry.panes.map(p => p.pane)).size).toBe(geometry.panes.length);
			if (fits(tree, area)) {
				for (const {content} of geometry.panes) {
					expect(content.cols).toBeGreaterThanOrEqual(MIN_PANE_COLS);
					expect(content.rows).toBeGreaterThanOrEqual(MIN_PANE_ROWS);
				}
			}
			// Splits never hold a single child or a weight that is not positive.
			const check = (node: LayoutNode<string>): void => {
				if (node.kind === 'pane') return;
				expect(node.children.length).toBeGreaterThan(1);
				expect(node.weights.every(weight => weight > 0)).toBe(true);
				node.children.forEach(check);
			};
			check(tree);
		}
		// Stays quick: this is the layout a keypress recomputes.
		expect(next).toBeGreaterThan(20);
	});
});
