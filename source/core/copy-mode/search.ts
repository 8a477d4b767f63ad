import {pointAt, type BufferPoint, type LineIndex} from './line-index.js';

/** One match: its first cell and its last cell (a wide character's left column), which may be on a later row. */
export interface Match {
	start: BufferPoint;
	end: BufferPoint;
}

export interface ParsedQuery {
	pattern: RegExp;
	/** How the status line names the search: `"error"` or `/err.r/i`. */
	label: string;
}

/** The most matches kept: the count says "1000+" beyond it, and a search over a huge scrollback stays quick. */
export const MAX_MATCHES = 1000;

/**
 * What a copy-mode query means. Plain text by default, found case-insensitively unless it holds a capital
 * (vi's smartcase); written `/like this/` (optionally `/…/i`) it is a JavaScript regular expression.
 * Returns a sentence instead when the expression does not compile.
 */
export function parseQuery(query: string): ParsedQuery | string {
	const regex = /^\/(.+)\/(i?)$/s.exec(query);
	if (regex) {
		try {
			return {pattern: new RegExp(regex[1]!, `g${regex[2]}`), label: query};
		} catch (error) {
			return `"${query}" is not a regular expression vmux can read (${(error as Error).message.replace(/^Invalid regular expression: /, '')}); fix it, or search for plain text without the slashes.`;
		}
	}
	const escaped = query.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
	return {pattern: new RegExp(escaped, query === query.toLowerCase() ? 'gi' : 'g'), label: `"${query}"`};
}

/** Every match in the index, in buffer order (at most MAX_MATCHES); empty matches are skipped. */
export function findMatches(index: LineIndex, query: ParsedQuery): Match[] {
	const matches: Match[] = [];
	const pattern = new RegExp(query.pattern.source, query.pattern.flags.includes('g') ? query.pattern.flags : `${query.pattern.flags}g`);
	for (const line of index.lines) {
		if (line.text.length === 0) continue;
		pattern.lastIndex = 0;
		for (let found = pattern.exec(line.text); found; found = pattern.exec(line.text)) {
			if (found[0].length === 0) {
				pattern.lastIndex++;
				continue;
			}
			const first = found.index;
			const last = found.index + found[0].length - 1;
			matches.push({start: pointAt(line, first), end: pointAt(line, last)});
			if (matches.length >= MAX_MATCHES) return matches;
		}
	}
	return matches;
}

/** -1, 0 or 1: how two buffer points are ordered. */
export function comparePoints(a: BufferPoint, b: BufferPoint): number {
	return a.line !== b.line ? Math.sign(a.line - b.line) : Math.sign(a.col - b.col);
}
