import * as fzf from 'fzf';
import {fzfV1WindowScore} from './fzf-v1-score.js';
import type {VmRecord} from './model.js';

/**
 * The browser's `/` filter: fzf's algorithms and ranking (the fzf npm port; extended syntax: several terms,
 * `'exact`, `^prefix`, `suffix$`, `!not`, `a | b`) over name, resource group, subscription, IPs and tags.
 * Matches carry positions per field so the browser can highlight them in the name column.
 *
 * Speed (a keystroke within a frame, issue 14: 1,000 and 10,000 VMs): the fzf finder is built once per list; each
 * keystroke searches only the previous keystroke's matches when the query grew; plain ASCII terms are matched with
 * native string search and scored by fzf's v1 on that window (fzf-v1-score.ts), without fzf's per-call
 * allocations; fzf's v2 (optimal alignment) runs only when its matrices fit V2_CELL_BUDGET, otherwise v1, the same
 * fallback fzf itself makes for inputs too large for v2. Match positions for highlighting are computed only for
 * the rows the browser reads.
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
/**
 * v2 fills a pattern-length x text-length matrix per candidate; above this many cells in total, use v1. fzf's npm
 * port allocates those matrices per candidate and its v2 code runs cold in the browser (most keys take the v1
 * path): 30,000 cells cost up to 15-30 ms on a cold path here, 8,000 at most 5-14 ms, and v2 still ranks the
 * narrowest results (a dozen VMs for a 10-character query), the ones that all fit on screen. The former 400,000
 * cost 20-25 ms a keystroke at 1,000 VMs.
 */
export const V2_CELL_BUDGET = 8_000;

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
	/** The VM's name, lower-cased (ranking prefers VMs whose name holds every term). */
	nameLower: string;
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
	return {vm, index, text, lower: text.toLowerCase(), nameLower: vm.name.toLowerCase(), starts};
}

/** How positions are found for a result that was scored without them: fzf's v1, for the rows shown. */
interface PositionSource {
	patterns: Array<{caseSensitive: boolean; pattern: Runes}>;
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

/** The matches of one search, unranked: list indices, fzf scores, and positions where the search found them. */
interface Scored {
	count: number;
	indices: Int32Array;
	scores: Float64Array;
	positions: Array<Set<number> | undefined>;
	source: PositionSource | undefined;
}

/**
 * A filter over a fixed list. It remembers the last result: when the user types one more character the new
 * query can only match a subset of the old one's matches, so only those are searched again (fzf does the same).
 */
export function createVmFilter(vms: readonly VmRecord[]): VmFilter {
	const entries = vms.map(entryOf);
	const ascii = entries.every(entry => ASCII.test(entry.text));
	const averageLength = entries.reduce((sum, entry) => sum + entry.text.length, 0) / Math.max(1, entries.length);
	const allIndices = entries.map(entry => entry.index);
	/** The candidates fzf's finder searches (see matchInPool); set just around each `finder.find`. */
	let pool: readonly number[] = allIndices;

	const v2Fits = (count: number, patternLength: number) => count * averageLength * patternLength <= V2_CELL_BUDGET;

	/** fzf's own matcher over the pool: extended syntax, v2 where it fits the budget, non-ASCII lists. */
	const matchInPool: FzfMatch<Entry> = function (query) {
		const view: FzfFinder<Entry> = Object.create(this as object) as FzfFinder<Entry>;
		view.items = pool.map(index => this.items[index]!);
		view.runesList = pool.map(index => this.runesList[index]!);
		if (!v2Fits(pool.length, query.replace(/[\s'^$!|]/g, '').length)) view.algoFn = fzfV1();
		const matcher = ascii && plainTerms(query)?.length === 1 ? basicMatch : extendedMatch;
		return matcher.call(view, query) as Array<FzfResultItem<Entry>>;
	};
	// Ranking is done below in one numeric sort (fzf's comparator sort costs a frame on its own at 10,000).
	const finder = new Fzf(entries, {selector: entry => entry.text, match: matchInPool, sort: false});

	const byFzf = (candidates: readonly number[], query: string): Scored => {
		pool = candidates;
		let results: Array<FzfResultItem<Entry>>;
		try {
			results = finder.find(query);
		} finally {
			pool = allIndices;
		}
		const scored: Scored = {count: results.length, indices: new Int32Array(results.length), scores: new Float64Array(results.length), positions: new Array(results.length), source: undefined};
		results.forEach((result, i) => {
			scored.indices[i] = result.item.index;
			scored.scores[i] = result.score;
			scored.positions[i] = result.positions;
		});
		return scored;
	};

	/**
	 * Plain ASCII terms over a large candidate set: native string search decides exactly which candidates match
	 * (fzf's Unicode normalisation is the identity on ASCII) and where v1's window lies; fzf's v1 score of that
	 * window follows (every term must match, scores add up, as in fzf's extended matcher). Positions are left for
	 * the rows shown. Small candidate sets go to fzf's v2 instead, as fzf itself prefers.
	 */
	const byWindows = (candidates: readonly number[], terms: PlainTerm[], query: string): Scored => {
		const needles = terms.map(term => (term.caseSensitive ? term.text : term.text.toLowerCase()));
		const indices = new Int32Array(candidates.length);
		const scores = new Float64Array(candidates.length);
		const window = new Int32Array(2);
		let count = 0;
		next: for (const index of candidates) {
			const entry = entries[index]!;
			let score = 0;
			for (let t = 0; t < terms.length; t++) {
				const caseSensitive = terms[t]!.caseSensitive;
				if (!v1Window(caseSensitive ? entry.text : entry.lower, needles[t]!, window, 0)) continue next;
				score += fzfV1WindowScore(entry.text, needles[t]!, window[0]!, window[1]!, caseSensitive);
			}
			indices[count] = index;
			scores[count] = score;
			count++;
		}
		const patternLength = needles.reduce((sum, needle) => sum + needle.length, 0);
		if (v2Fits(count, patternLength)) return byFzf(Array.from(indices.subarray(0, count)), query);
		const patterns = terms.map((term, t) => ({caseSensitive: term.caseSensitive, pattern: Array.from(needles[t]!, char => char.charCodeAt(0))}));
		return {count, indices, scores, positions: [], source: {patterns}};
	};

	let last: {query: string; indices: number[]} | undefined;

	return {
		filter(rawQuery) {
			const query = rawQuery.trim();
			if (query === '') {
				last = undefined;
				return entries.map(entry => new Match(entry, 0, NO_POSITIONS, undefined));
			}
			const candidates = last && canNarrow(last.query, query) ? last.indices : allIndices;
			const terms = ascii ? plainTerms(query) : undefined;
			const scored = terms ? byWindows(candidates, terms, query) : byFzf(candidates, query);
			// fzf's order: score, highest first; equal scores by length (here the name's, the column people read),
			// then list order — packed into one number per result so a typed-array sort does it without a comparator.
			const total = entries.length;
			const keys = new Float64Array(scored.count);
			// Among equal scores, VMs whose name holds every term come first: "legacy" means legacy-01 before a
			// VM that merely sits in rg-legacy.
			const words = query
				.toLowerCase()
				.split(/\s+/)
				.map(word => word.replace(/^[!'^]+|[$]+$/g, ''))
				.filter(Boolean);
			const slotOf = new Int32Array(total);
			for (let i = 0; i < scored.count; i++) {
				const index = scored.indices[i]!;
				const entry = entries[index]!;
				slotOf[index] = i;
				// fzf's scores are int16 per term; clamp so sums of many terms still pack into 2^53.
				const rank = Math.min(Math.max(32_767 - scored.scores[i]!, 0), 99_999);
				let outsideName = 0;
				for (const word of words) {
					if (!entry.nameLower.includes(word)) {
						outsideName = 1;
						break;
					}
				}
				keys[i] = ((rank * 2 + outsideName) * 1000 + Math.min(entry.vm.name.length, 999)) * total + index;
			}
			keys.sort();
			const matches = new Array<VmMatch>(keys.length);
			const indices = new Array<number>(keys.length);
			for (let i = 0; i < keys.length; i++) {
				const index = keys[i]! % total;
				const slot = slotOf[index]!;
				indices[i] = index;
				const positions = scored.positions[slot];
				matches[i] = new Match(entries[index]!, scored.scores[slot]!, positions ?? NO_POSITIONS, positions ? undefined : scored.source);
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
			const all = new Set<number>();
			const runes = Array.from(this.entry.text, char => char.codePointAt(0)!);
			for (const {caseSensitive, pattern} of this.source.patterns) {
				for (const position of fzfV1()(caseSensitive, false, true, runes, pattern, true, null)[1] ?? []) all.add(position);
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
