import * as fzf from 'fzf';
import type {VmRecord} from './model.js';

/**
 * The browser's `/` filter: fzf's algorithms and ranking (the fzf npm port; extended syntax: several terms,
 * `'exact`, `^prefix`, `suffix$`, `!not`, `a | b`) over name, resource group, subscription, IPs and tags.
 * Matches carry positions per field so the browser can highlight them in the name column.
 *
 * Speed (10,000 VMs, a keystroke within a frame): the fzf finder is built once per list; each keystroke searches
 * only the previous keystroke's matches when the query grew; ASCII-only lists are pre-screened with native string
 * search before fzf scores them; and fzf's v2 (optimal alignment) runs only when its matrix fits a frame's
 * budget, otherwise fzf's v1 — the same fallback fzf itself makes for inputs too large for v2. Match positions
 * for highlighting are computed only for the rows the browser reads.
 */

// fzf's .d.ts re-exports its matchers and result type with extensionless paths that NodeNext resolution cannot
// follow, so the pieces used here are typed locally (they are exported at run time and public in its types).
interface FzfResultItem<U> {
	item: U;
	score: number;
	start: number;
	end: number;
	positions: Set<number>;
}
type Runes = number[];
/** fzf's algorithm signature: (caseSensitive, normalize, forward, text, pattern, withPos, slab). */
type AlgoFn = (caseSensitive: boolean, normalize: boolean, forward: boolean, text: Runes, pattern: Runes, withPos: boolean, slab: null) => [{start: number; end: number; score: number}, Set<number> | null];
/** The finder fzf passes to a custom `match` function as `this` (public fields of its BaseFinder). */
interface FzfFinder<U> {
	items: readonly U[];
	runesList: Runes[];
	algoFn: AlgoFn;
}
type FzfMatch<U> = (this: FzfFinder<U>, query: string) => Array<FzfResultItem<U>>;
type FzfConstructor = new <U>(
	list: readonly U[],
	options: {
		selector: (item: U) => string;
		match: FzfMatch<U>;
		fuzzy?: 'v1' | 'v2';
		sort?: boolean;
	},
) => {find(query: string): Array<FzfResultItem<U>>};
const Fzf = fzf.Fzf as unknown as FzfConstructor;
const extendedMatch = (fzf as unknown as {extendedMatch: FzfMatch<unknown>}).extendedMatch;
const basicMatch = (fzf as unknown as {basicMatch: FzfMatch<unknown>}).basicMatch;

let v1Algo: AlgoFn | undefined;
/** fzf's v1 algorithm, as its finder exposes it (`algoFn`) to custom matchers. */
function fzfV1(): AlgoFn {
	if (!v1Algo) {
		new Fzf(['x'], {
			selector: (item: string) => item,
			fuzzy: 'v1',
			match() {
				v1Algo = this.algoFn;
				return [];
			},
		}).find('x');
	}
	return v1Algo!;
}

export type VmField = 'name' | 'resourceGroup' | 'subscription' | 'ip' | 'tags';

export interface VmMatch {
	vm: VmRecord;
	score: number;
	/** Matched character positions in `vm.name` (sorted), for highlighting. */
	readonly namePositions: number[];
	/** Matched positions per field, in that field's own text (see `vmFieldText`). */
	readonly positions: Partial<Record<VmField, number[]>>;
}

export interface VmFilter {
	/** VMs matching `query`, best first; an empty query returns all in their given order. */
	filter(query: string): VmMatch[];
}

const FIELDS: readonly VmField[] = ['name', 'resourceGroup', 'subscription', 'ip', 'tags'];
// fzf gives a bonus right after a delimiter, so each field starts a fresh word.
const SEPARATOR = '\t';
/** v2 fills a pattern-length x text-length matrix per candidate; above this many cells in total, use v1. */
export const V2_CELL_BUDGET = 400_000;

/** The text each field contributes to the search, in the order searched. */
export function vmFieldText(vm: VmRecord, field: VmField): string {
	switch (field) {
		case 'name':
			return vm.name;
		case 'resourceGroup':
			return vm.resourceGroup;
		case 'subscription':
			return vm.subscriptionName;
		case 'ip':
			return [vm.privateIp, vm.publicIp].filter(Boolean).join(' ');
		case 'tags':
			return Object.entries(vm.tags)
				.map(([key, value]) => (value ? `${key}:${value}` : key))
				.join(' ');
	}
}

interface Entry {
	vm: VmRecord;
	index: number;
	text: string;
	lower: string;
	/** Start offset of each field in `text`, in FIELDS order. */
	starts: number[];
}

function entryOf(vm: VmRecord, index: number): Entry {
	const starts: number[] = [];
	let text = '';
	FIELDS.forEach((field, i) => {
		if (i > 0) text += SEPARATOR;
		starts.push(text.length);
		text += vmFieldText(vm, field);
	});
	return {vm, index, text, lower: text.toLowerCase(), starts};
}

/** How positions are found for a result that was scored without them. */
interface PositionSource {
	algo: AlgoFn;
	patterns: Array<{caseSensitive: boolean; pattern: Runes}>;
	runesList: Runes[];
}

interface PlainTerm {
	text: string;
	caseSensitive: boolean;
}

/**
 * The query's terms when all are plain fuzzy terms in ASCII (fzf's extended syntax otherwise: `'`, `^`, `$`, `!`,
 * `|`, escaped spaces), each with fzf's smart case: case-sensitive only if it has an upper-case letter.
 */
function plainTerms(query: string): PlainTerm[] | undefined {
	if (!ASCII.test(query) || /['^$!|\\]/.test(query)) return undefined;
	const terms = query.split(/ +/).filter(Boolean);
	return terms.map(text => {
		const caseSensitive = text !== text.toLowerCase();
		return {text, caseSensitive};
	});
}

/**
 * A filter over a fixed list. It remembers the last result: when the user types one more character the new
 * query can only match a subset of the old one's matches, so only those are searched again (fzf does the same).
 */
export function createVmFilter(vms: readonly VmRecord[]): VmFilter {
	const entries = vms.map(entryOf);
	const ascii = entries.every(entry => ASCII.test(entry.text));
	const averageLength = entries.reduce((sum, entry) => sum + entry.text.length, 0) / Math.max(1, entries.length);

	let pool: number[] | undefined;
	let lastPositions: PositionSource | undefined;
	const allIndices = entries.map(entry => entry.index);

	/** fzf's own matcher over a subset (extended syntax, v2, non-ASCII lists). */
	const packageMatch = (finder: FzfFinder<Entry>, subset: readonly number[], query: string, matcher: FzfMatch<unknown>, algo: AlgoFn): Array<FzfResultItem<Entry>> => {
		const view: FzfFinder<Entry> = Object.create(finder as object) as FzfFinder<Entry>;
		view.items = subset.map(index => finder.items[index]!);
		view.runesList = subset.map(index => finder.runesList[index]!);
		view.algoFn = algo;
		return matcher.call(view, query) as Array<FzfResultItem<Entry>>;
	};

	const matchInPool: FzfMatch<Entry> = function (query) {
		// biome-ignore lint/complexity/noUselessThisAlias: named for the reader: `this` is fzf's finder.
		const finder = this;
		const source = pool ?? allIndices;
		const patternLength = query.replace(/[\s'^$!|]/g, '').length;
		const algoFor = (count: number): AlgoFn => (count * averageLength * patternLength <= V2_CELL_BUDGET ? finder.algoFn : fzfV1());
		// Plain terms (no operators) over ASCII text: fzf's Unicode normalisation is the identity there and native
		// string search decides exactly which candidates can match at all.
		const terms = ascii ? plainTerms(query) : undefined;
		if (!terms) return packageMatch(finder, source, query, extendedMatch, algoFor(source.length));

		// Pre-screen, remembering where each term's v1 match window starts and ends.
		const kept: number[] = [];
		const spans = new Int32Array(source.length * terms.length * 2);
		let written = 0;
		candidates: for (const index of source) {
			const entry = entries[index]!;
			const mark = written;
			for (const term of terms) {
				if (!v1Window(term.caseSensitive ? entry.text : entry.lower, term.text, spans, written)) {
					written = mark;
					continue candidates;
				}
				written += 2;
			}
			kept.push(index);
		}
		const algo = algoFor(kept.length);
		if (algo === finder.algoFn) return packageMatch(finder, kept, query, terms.length === 1 ? basicMatch : extendedMatch, algo);

		// Large candidate sets: fzf's v1 scores each term (as its extended matcher does: every term must match,
		// scores add up) without collecting positions; positions follow on demand for the rows shown. v1 reads only
		// from the character before its greedy match to the match's end, so it is given just that window of the
		// text: same match, same score, a fraction of the work on long rows.
		const patterns = terms.map(term => ({caseSensitive: term.caseSensitive, pattern: Array.from(term.text, char => char.charCodeAt(0))}));
		lastPositions = {algo, patterns, runesList: finder.runesList};
		const results: Array<FzfResultItem<Entry>> = [];
		let cursor = 0;
		for (const index of kept) {
			const runes = finder.runesList[index]!;
			let score = 0;
			let matched = true;
			for (const {caseSensitive, pattern} of patterns) {
				const from = spans[cursor]! > 0 ? spans[cursor]! - 1 : 0;
				const match = algo(caseSensitive, false, true, runes.slice(from, spans[cursor + 1]! + 1), pattern, false, null)[0];
				cursor += 2;
				if (match.start < 0) matched = false;
				else score += match.score;
			}
			// start/end are not used by vmux; positions are filled in on demand.
			if (matched) results.push({item: entries[index]!, score, start: -1, end: -1, positions: NO_POSITIONS});
		}
		return results;
	};

	// Ranking is done below in one numeric sort (fzf's comparator sort costs a frame on its own at 10,000).
	const finder = new Fzf(entries, {selector: entry => entry.text, match: matchInPool, sort: false});
	let last: {query: string; indices: number[]} | undefined;
	const slots = new Array<FzfResultItem<Entry> | undefined>(entries.length);

	return {
		filter(rawQuery) {
			const query = rawQuery.trim();
			if (query === '') {
				last = undefined;
				return entries.map(entry => new Match(entry, 0, NO_POSITIONS, undefined));
			}
			pool = last && canNarrow(last.query, query) ? last.indices : undefined;
			lastPositions = undefined;
			const results = finder.find(query);
			pool = undefined;
			const source = lastPositions;
			// fzf's order: score, highest first; equal scores by length (here the name's, the column people read),
			// then list order — packed into one number per result so a typed-array sort does it without a comparator.
			const count = entries.length;
			const keys = new Float64Array(results.length);
			// Among equal scores, VMs whose name holds every term come first: "legacy" means legacy-01 before a
			// VM that merely sits in rg-legacy.
			const words = query.toLowerCase().split(/\s+/).map(word => word.replace(/^[!'^]+|[$]+$/g, '')).filter(Boolean);
			for (let i = 0; i < results.length; i++) {
				const {score, item} = results[i]!;
				slots[item.index] = results[i];
				// fzf's scores are int16 per term; clamp so sums of many terms still pack into 2^53.
				const rank = Math.min(Math.max(32_767 - score, 0), 99_999);
				const name = item.vm.name.toLowerCase();
				const outsideName = words.every(word => name.includes(word)) ? 0 : 1;
				keys[i] = ((rank * 2 + outsideName) * 1000 + Math.min(item.vm.name.length, 999)) * count + item.index;
			}
			keys.sort();
			const matches = new Array<VmMatch>(keys.length);
			const indices = new Array<number>(keys.length);
			for (let i = 0; i < keys.length; i++) {
				const index = keys[i]! % count;
				const result = slots[index]!;
				slots[index] = undefined;
				indices[i] = index;
				matches[i] = new Match(result.item, result.score, result.positions, result.positions === NO_POSITIONS ? source : undefined);
			}
			last = {query, indices};
			return matches;
		},
	};
}

/** One-off filtering (for callers without a long-lived list). */
export function filterVms(vms: readonly VmRecord[], query: string): VmMatch[] {
	return createVmFilter(vms).filter(query);
}

const NO_POSITIONS: Set<number> = new Set();
const ASCII = /^[\x00-\x7f]*$/;

/**
 * fzf v1's match window, found with native string search: scan left to right until the pattern completes
 * (greedy), then right to left from there to the latest start. v1 computes exactly this window and scores only
 * inside it (plus the character before it, for the word-boundary bonus). Writes [first, last] at `out[at]`.
 */
function v1Window(haystack: string, needle: string, out: Int32Array, at: number): boolean {
	let from = 0;
	for (let i = 0; i < needle.length; i++) {
		const found = haystack.indexOf(needle[i]!, from);
		if (found < 0) return false;
		from = found + 1;
	}
	const last = from - 1;
	let first = last;
	for (let i = needle.length - 1; i >= 0; i--) {
		first = haystack.lastIndexOf(needle[i]!, first);
		if (i > 0) first -= 1;
	}
	out[at] = first;
	out[at + 1] = last;
	return true;
}

/**
 * Whether every match of `next` is also a match of `previous`: true when `next` extends it, unless negation or
 * OR is involved (`!a` -> `!ab` matches more, not less).
 */
function canNarrow(previous: string, next: string): boolean {
	return next.startsWith(previous) && !/[!|]/.test(next);
}

/** A result; positions are split into fields only when read (the browser reads them for visible rows only). */
class Match implements VmMatch {
	readonly vm: VmRecord;
	readonly score: number;
	private readonly entry: Entry;
	private raw: Set<number>;
	private readonly source: PositionSource | undefined;
	private split: Partial<Record<VmField, number[]>> | undefined;

	constructor(entry: Entry, score: number, raw: Set<number>, source: PositionSource | undefined) {
		this.entry = entry;
		this.vm = entry.vm;
		this.score = score;
		this.raw = raw;
		this.source = source;
	}

	get positions(): Partial<Record<VmField, number[]>> {
		if (this.split) return this.split;
		if (this.source) {
			const {algo, patterns, runesList} = this.source;
			const all = new Set<number>();
			for (const {caseSensitive, pattern} of patterns) {
				const runes = runesList[this.entry.index]!;
				for (const position of algo(caseSensitive, false, true, runes, pattern, true, null)[1] ?? []) all.add(position);
			}
			this.raw = all;
		}
		const {starts} = this.entry;
		const positions: Partial<Record<VmField, number[]>> = {};
		for (const position of this.raw) {
			let field = 0;
			while (field + 1 < starts.length && position >= starts[field + 1]!) field++;
			const offset = position - starts[field]!;
			// A position on a separator (never matched in practice) would fall past its field's end.
			if (offset >= vmFieldText(this.vm, FIELDS[field]!).length) continue;
			// biome-ignore lint/suspicious/noAssignInExpressions: create-on-first-use, the ??= idiom.
			(positions[FIELDS[field]!] ??= []).push(offset);
		}
		for (const list of Object.values(positions)) list.sort((a, b) => a - b);
		this.split = positions;
		return positions;
	}

	get namePositions(): number[] {
		return this.positions.name ?? [];
	}
}
