/**
 * A window's panes as a tree of splits, as tmux's layout cells are: a leaf is a pane, a split lays its
 * children side by side (left to right) or stacked (top to bottom), each child with a weight. Pure and
 * generic over what a pane is, so it is tested without sessions.
 *
 * Geometry (./layout-geometry.ts) turns a tree and an area into rectangles: side-by-side children are
 * separated by a one-column border; stacked children need none, because every pane of a split window has
 * a title row on top (tmux's `pane-border-status top`), which separates it from the pane above.
 */

export type Arrangement = 'side-by-side' | 'stacked';

export type LayoutNode<P> = {kind: 'pane'; pane: P} | {kind: 'split'; arrangement: Arrangement; children: LayoutNode<P>[]; weights: number[]};

export type Direction = 'left' | 'right' | 'up' | 'down';

/** Preset layouts `prefix Space` cycles through, in tmux's names. */
export const PRESET_LAYOUTS = ['even-horizontal', 'even-vertical', 'tiled'] as const;
export type PresetLayout = (typeof PRESET_LAYOUTS)[number];

export function leaf<P>(pane: P): LayoutNode<P> {
	return {kind: 'pane', pane};
}

/** The panes in reading order (depth first): `prefix o` cycles in this order. */
export function panesOf<P>(node: LayoutNode<P>): P[] {
	if (node.kind === 'pane') return [node.pane];
	return node.children.flatMap(child => panesOf(child));
}

export function contains<P>(node: LayoutNode<P>, pane: P): boolean {
	return node.kind === 'pane' ? node.pane === pane : node.children.some(child => contains(child, pane));
}

/**
 * Splits `target` in two: `added` goes after it (right of it or below it), and the two share the space
 * `target` had. A split in the same arrangement as the parent adds a sibling instead of nesting, as tmux
 * does, so three `%` in a row are three columns, not a staircase.
 */
export function splitPane<P>(root: LayoutNode<P>, target: P, added: P, arrangement: Arrangement): LayoutNode<P> {
	const replace = (node: LayoutNode<P>): LayoutNode<P> => {
		if (node.kind === 'pane') {
			if (node.pane !== target) return node;
			return {kind: 'split', arrangement, children: [node, leaf(added)], weights: [1, 1]};
		}
		const index = node.children.findIndex(child => child.kind === 'pane' && child.pane === target);
		if (index !== -1 && node.arrangement === arrangement) {
			// The target's share is halved between it and the new pane.
			const half = node.weights[index]! / 2;
			const weights = [...node.weights.slice(0, index), half, half, ...node.weights.slice(index + 1)];
			const children = [...node.children.slice(0, index + 1), leaf(added), ...node.children.slice(index + 1)];
			return {...node, children, weights};
		}
		return {...node, children: node.children.map(replace)};
	};
	return replace(root);
}

/**
 * The tree without `pane`; its space goes to its neighbours (a split left with one child becomes that
 * child). Undefined when it was the last pane.
 */
export function removePane<P>(root: LayoutNode<P>, pane: P): LayoutNode<P> | undefined {
	if (root.kind === 'pane') return root.pane === pane ? undefined : root;
	const children: LayoutNode<P>[] = [];
	const weights: number[] = [];
	root.children.forEach((child, index) => {
		const kept = removePane(child, pane);
		if (kept) {
			children.push(kept);
			weights.push(root.weights[index]!);
		}
	});
	if (children.length === 0) return undefined;
	if (children.length === 1) return children[0];
	// A child split with the same arrangement as this one (left after a removal) merges into it.
	const flatChildren: LayoutNode<P>[] = [];
	const flatWeights: number[] = [];
	children.forEach((child, index) => {
		if (child.kind === 'split' && child.arrangement === root.arrangement) {
			const total = sum(child.weights);
			child.children.forEach((grandchild, i) => {
				flatChildren.push(grandchild);
				flatWeights.push((weights[index]! * child.weights[i]!) / total);
			});
		} else {
			flatChildren.push(child);
			flatWeights.push(weights[index]!);
		}
	});
	return {...root, children: flatChildren, weights: flatWeights};
}

/** One of the preset layouts over `panes`, in their order, every pane the same size. */
export function presetLayout<P>(panes: readonly P[], preset: PresetLayout): LayoutNode<P> {
	if (panes.length === 0) throw new Error('A layout needs at least one pane.');
	if (panes.length === 1) return leaf(panes[0]!);
	const even = (arrangement: Arrangement, nodes: LayoutNode<P>[]): LayoutNode<P> =>
		nodes.length === 1 ? nodes[0]! : {kind: 'split', arrangement, children: nodes, weights: nodes.map(() => 1)};
	switch (preset) {
		case 'even-horizontal':
			return even('side-by-side', panes.map(leaf));
		case 'even-vertical':
			return even('stacked', panes.map(leaf));
		case 'tiled': {
			// tmux's tiled: as many columns as the square root rounds up to, rows filled left to right.
			const columns = Math.ceil(Math.sqrt(panes.length));
			const rows: LayoutNode<P>[] = [];
			for (let start = 0; start < panes.length; start += columns) rows.push(even('side-by-side', panes.slice(start, start + columns).map(leaf)));
			return even('stacked', rows);
		}
	}
}

/** The path from the root to the pane's leaf: each split and the index of the child taken. */
export function pathTo<P>(root: LayoutNode<P>, pane: P): {split: Extract<LayoutNode<P>, {kind: 'split'}>; index: number}[] | undefined {
	if (root.kind === 'pane') return root.pane === pane ? [] : undefined;
	for (let index = 0; index < root.children.length; index++) {
		const rest = pathTo(root.children[index]!, pane);
		if (rest) return [{split: root, index}, ...rest];
	}
	return undefined;
}

/** A copy of the tree with one split's weights replaced (splits are compared by identity). */
export function withWeights<P>(root: LayoutNode<P>, split: LayoutNode<P>, weights: number[]): LayoutNode<P> {
	if (root === split && root.kind === 'split') return {...root, weights};
	if (root.kind === 'pane') return root;
	return {...root, children: root.children.map(child => withWeights(child, split, weights))};
}

export function sum(values: readonly number[]): number {
	let total = 0;
	for (const value of values) total += value;
	return total;
}
