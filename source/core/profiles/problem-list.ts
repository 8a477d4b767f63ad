/**
 * Problems found in a file, kept bounded: a file with 20,000 broken profiles must not become 12 MB of
 * sentences (or minutes of work to describe them). The first few are kept as sentences, the rest counted.
 */
export const SHOWN_PROBLEMS = 8;
/** One sentence never needs more; longer ones come from hostile input (huge names, thousands of keys). */
const MAX_SENTENCE = 300;

export class ProblemList {
	readonly shown: string[] = [];
	count = 0;
	/** Set when checking stopped early: where, and why. */
	stoppedAfter: string | undefined;

	constructor(readonly limit: number = SHOWN_PROBLEMS) {}

	/** True when further problems are only counted, so callers can skip describing them. */
	get full(): boolean {
		return this.shown.length >= this.limit;
	}

	add(sentence: string): void {
		this.count++;
		if (!this.full) this.shown.push(sentence.length > MAX_SENTENCE ? `${sentence.slice(0, MAX_SENTENCE - 3)}...` : sentence);
	}

	/** Counts `count` problems, describing them (lazily) only while there is room to show them. */
	addLazily(count: number, describe: () => readonly string[]): void {
		if (this.full) {
			this.count += count;
			return;
		}
		const sentences = describe();
		for (const sentence of sentences) this.add(sentence);
		this.count += Math.max(0, count - sentences.length);
	}

	/** "(and 19,995 more problems not listed)" when some were only counted; empty otherwise. */
	get moreNote(): string {
		return moreProblemsNote(this.shown.length, this.count, this.stoppedAfter);
	}
}

export function moreProblemsNote(shown: number, count: number, stoppedAfter?: string): string {
	const more = count - shown;
	const parts = [more > 0 ? `and ${thousands(more)} more problem${more === 1 ? '' : 's'} not listed` : '', stoppedAfter ?? ''].filter(Boolean);
	return parts.length === 0 ? '' : `(${parts.join('; ')})`;
}

// Not toLocaleString: loading ICU's locale data costs ~100 ms at start-up.
function thousands(n: number): string {
	return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
