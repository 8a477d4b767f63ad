import {readdirSync} from 'node:fs';
import {join, relative} from 'node:path';
import * as fzf from 'fzf';
import {displayText} from '../text/display-text.js';

/** One local file or directory the upload picker offers, relative to the picker's root. */
export interface LocalCandidate {
	path: string;
	relative: string;
	label: string;
	dir: boolean;
}

export interface LocalTreeLimits {
	/** Entries listed at most: a home directory can hold millions. */
	maxEntries?: number;
	maxDepth?: number;
}

/** Directories that are huge and never what one uploads whole. */
const SKIPPED = new Set(['.git', 'node_modules', '.cache', '.npm', '__pycache__']);

/**
 * The local tree under `root`, breadth first (near files first), bounded by entries and depth; `truncated`
 * says the bound was hit. Unreadable directories are skipped.
 */
export function listLocalTree(root: string, limits: LocalTreeLimits = {}): {entries: LocalCandidate[]; truncated: boolean} {
	const maxEntries = limits.maxEntries ?? 5000;
	const maxDepth = limits.maxDepth ?? 6;
	const entries: LocalCandidate[] = [];
	let queue: string[] = [root];
	for (let depth = 0; depth < maxDepth && queue.length > 0; depth++) {
		const next: string[] = [];
		for (const dir of queue) {
			let items: import('node:fs').Dirent[];
			try {
				items = readdirSync(dir, {withFileTypes: true});
			} catch {
				continue;
			}
			items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
			for (const item of items) {
				if (entries.length >= maxEntries) return {entries, truncated: true};
				const path = join(dir, item.name);
				const isDir = item.isDirectory();
				if (!isDir && !item.isFile()) continue;
				const rel = relative(root, path);
				entries.push({path, relative: rel, label: displayText(rel) + (isDir ? '/' : ''), dir: isDir});
				if (isDir && !SKIPPED.has(item.name)) next.push(path);
			}
		}
		queue = next;
	}
	return {entries, truncated: false};
}

/** fzf's ranking over the candidates' relative paths; an empty query keeps the tree's order. */
export function searchLocalTree(entries: readonly LocalCandidate[], query: string, limit = 200): LocalCandidate[] {
	if (query.trim() === '') return entries.slice(0, limit);
	const finder = new fzf.Fzf(entries as LocalCandidate[], {selector: (entry: LocalCandidate) => entry.relative, limit});
	return finder.find(query).map((result: {item: LocalCandidate}) => result.item);
}
