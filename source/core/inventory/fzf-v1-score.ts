/**
 * fzf's v1 score of one match window, for ASCII text: the `calculateScore` of fzf (the Go original's
 * algo.go, and the fzf npm port this project uses elsewhere), read from a string instead of a rune array.
 *
 * Why not fzf's own v1: the npm port's `fuzzyMatchV1` first re-finds the window (its `asciiFuzzyIndex` copies the
 * rest of the rune array once per pattern character) and needs a rune array per call; over 10,000 VMs that was most
 * of a keystroke. The browser's filter already finds the window with native string search (fuzzy.ts, v1Window),
 * so only the scoring is left, done here without allocating. test/core/inventory/fzf-v1-score.test.ts checks it
 * against fzf's v1 on random texts and patterns, and fuzzy.test.ts checks whole searches against fzf.
 */

// fzf's constants (algo.go): a match is worth 16; gaps cost 3, then 1 per further character; bonuses for a
// match at a word boundary, after a camelCase or letter-digit change, and on consecutive matches.
const SCORE_MATCH = 16;
const SCORE_GAP_START = -3;
const SCORE_GAP_EXTENSION = -1;
const BONUS_BOUNDARY = SCORE_MATCH / 2;
const BONUS_NON_WORD = SCORE_MATCH / 2;
const BONUS_CAMEL_123 = BONUS_BOUNDARY + SCORE_GAP_EXTENSION;
const BONUS_CONSECUTIVE = -(SCORE_GAP_START + SCORE_GAP_EXTENSION);
const BONUS_FIRST_CHAR_MULTIPLIER = 2;

// fzf's character classes.
const NON_WORD = 0;
const LOWER = 1;
const UPPER = 2;
const NUMBER = 4;

function classOf(code: number): number {
	if (code >= 97 && code <= 122) return LOWER;
	if (code >= 65 && code <= 90) return UPPER;
	if (code >= 48 && code <= 57) return NUMBER;
	return NON_WORD;
}

function bonusFor(previous: number, current: number): number {
	if (previous === NON_WORD && current !== NON_WORD) return BONUS_BOUNDARY;
	if ((previous === LOWER && current === UPPER) || (previous !== NUMBER && current === NUMBER)) return BONUS_CAMEL_123;
	if (current === NON_WORD) return BONUS_NON_WORD;
	return 0;
}

/**
 * The score fzf's v1 gives `pattern` matched in `text` over the window [first, last] (inclusive), the window being
 * v1's: the greedy forward match's end, and the latest start from there backwards. `pattern` is lower-case unless
 * `caseSensitive`; `text` is the original (case matters for the character classes).
 */
export function fzfV1WindowScore(text: string, pattern: string, first: number, last: number, caseSensitive: boolean): number {
	let score = 0;
	let patternIndex = 0;
	let inGap = false;
	let consecutive = 0;
	let firstBonus = 0;
	let previousClass = first > 0 ? classOf(text.charCodeAt(first - 1)) : NON_WORD;
	for (let index = first; index <= last; index++) {
		let code = text.charCodeAt(index);
		const charClass = classOf(code);
		if (!caseSensitive && charClass === UPPER) code += 32;
		if (code === pattern.charCodeAt(patternIndex)) {
			score += SCORE_MATCH;
			let bonus = bonusFor(previousClass, charClass);
			if (consecutive === 0) {
				firstBonus = bonus;
			} else {
				if (bonus === BONUS_BOUNDARY) firstBonus = bonus;
				bonus = Math.max(bonus, firstBonus, BONUS_CONSECUTIVE);
			}
			score += patternIndex === 0 ? bonus * BONUS_FIRST_CHAR_MULTIPLIER : bonus;
			inGap = false;
			consecutive++;
			patternIndex++;
		} else {
			score += inGap ? SCORE_GAP_EXTENSION : SCORE_GAP_START;
			inGap = true;
			consecutive = 0;
			firstBonus = 0;
		}
		previousClass = charClass;
	}
	return score;
}
