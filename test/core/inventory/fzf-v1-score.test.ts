import {Fzf} from 'fzf';
import {describe, expect, test} from 'vitest';
import {fzfV1WindowScore} from '../../../source/core/inventory/fzf-v1-score.js';

// Seeded, so a failure names a case that can be replayed.
function randomSource(seed: number) {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
}

const ALPHABET = 'abcdeABCDE0129-_. \t:/@';

describe('fzf v1 window score', () => {
	test('equals fzf’s own v1 score on random ASCII texts and patterns (smart case, boundaries, digits, camelCase)', () => {
		const random = randomSource(20261202);
		const char = () => ALPHABET[Math.floor(random() * ALPHABET.length)]!;
		let compared = 0;
		for (let round = 0; round < 4000; round++) {
			const text = Array.from({length: 1 + Math.floor(random() * 40)}, char).join('');
			// Patterns drawn from the text (so most match), sometimes with a stray character (so some do not).
			let pattern = '';
			for (const ch of text) if (ch !== ' ' && ch !== '\t' && random() < 0.3) pattern += ch;
			if (random() < 0.1) pattern += char().trim();
			if (!pattern) continue;
			const [result] = new Fzf([text], {fuzzy: 'v1'}).find(pattern);
			if (!result) continue;
			const caseSensitive = pattern !== pattern.toLowerCase();
			const ours = fzfV1WindowScore(text, caseSensitive ? pattern : pattern.toLowerCase(), result.start, result.end - 1, caseSensitive);
			expect(ours, `text ${JSON.stringify(text)} pattern ${JSON.stringify(pattern)}`).toBe(result.score);
			compared++;
		}
		expect(compared).toBeGreaterThan(2000);
	});

	test('a match at the start of a word scores above one inside it', () => {
		expect(fzfV1WindowScore('prod-db', 'db', 5, 6, false)).toBeGreaterThan(fzfV1WindowScore('xxdbxx', 'db', 2, 3, false));
	});
});
