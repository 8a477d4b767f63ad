import {afterEach, describe, expect, it} from 'vitest';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {feed} from './helpers.js';

/** The live screen's rows as the painter renders them (styled). */
function rows(emulator: TerminalEmulator): string[] {
	return emulator.renderLines(emulator.text.baseY, emulator.rows);
}

/** The rows reported changed after `version`. */
function changedRows(emulator: TerminalEmulator, version: number): number[] {
	const out: number[] = [];
	for (let row = 0; row < emulator.rows; row++) if (emulator.screenChanges.changedSince(row, version)) out.push(row);
	return out;
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// What remotes send: text, line ends at the bottom (scrolling), erases, inserts and deletes, scroll regions,
// reverse index, the alternate screen, full reset, wide characters, styles, cursor moves.
const PIECES = [
	'hello',
	'x',
	'\u4e16\u754c',
	'\r\n',
	'\n',
	'\r',
	'\b',
	'\t',
	'\x1b[K',
	'\x1b[1K',
	'\x1b[2K',
	'\x1b[J',
	'\x1b[1J',
	'\x1b[2J',
	'\x1b[3J',
	'\x1b[2L',
	'\x1b[M',
	'\x1b[2@',
	'\x1b[3P',
	'\x1b[4X',
	'\x1b[2S',
	'\x1b[T',
	'\x1b[3;6r',
	'\x1b[r',
	'\x1bM',
	'\x1bD',
	'\x1bE',
	'\x1b[?1049h',
	'\x1b[?1049l',
	'\x1b[?47h',
	'\x1b[?47l',
	'\x1bc',
	'\x1b#8',
	'\x1b[31;1m',
	'\x1b[0m',
	'\x1b[44m',
	'a\x1b[3b',
	'\x1b[H',
	'\x1b[5;3H',
	'\x1b[8;1H',
	'\x1b[A',
	'\x1b[2B',
	'\x1b[3C',
	'\x1b[G',
	'\x1b[?7l',
	'\x1b[?7h',
	'\x1b[?6h',
	'\x1b[?6l',
	'y'.repeat(45),
];

describe('ScreenChanges', () => {
	const emulators: TerminalEmulator[] = [];
	const make = (cols = 40, rowCount = 8) => {
		const emulator = new TerminalEmulator({cols, rows: rowCount, scrollback: 50});
		emulators.push(emulator);
		return emulator;
	};
	afterEach(() => {
		for (const emulator of emulators.splice(0)) emulator.dispose();
	});

	it("follows xterm's own record of the rows a parse touched", () => {
		expect(make().screenChanges.tracked).toBe(true);
	});

	it('reports only the row an echoed key changed', async () => {
		const emulator = make();
		await feed(emulator, 'one\r\ntwo\r\n$ ');
		const version = emulator.screenChanges.version;
		await feed(emulator, 'l');
		expect(changedRows(emulator, version)).toEqual([2]);
		expect(changedRows(emulator, emulator.screenChanges.version)).toEqual([]);
	});

	it('reports every row when the screen scrolls, resizes or switches to the alternate screen', async () => {
		const emulator = make();
		await feed(emulator, '1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8');
		let version = emulator.screenChanges.version;
		await feed(emulator, '\r\n9');
		expect(changedRows(emulator, version)).toHaveLength(8);
		version = emulator.screenChanges.version;
		emulator.resize(30, 8);
		expect(changedRows(emulator, version)).toHaveLength(8);
		version = emulator.screenChanges.version;
		await feed(emulator, '\x1b[?1049h');
		expect(changedRows(emulator, version)).toHaveLength(8);
	});

	it('never misses a row that changed, over thousands of random writes', async () => {
		for (const seed of [1, 2, 3]) {
			const next = random(seed);
			const emulator = make(40, 8);
			let before = rows(emulator);
			for (let step = 0; step < 800; step++) {
				let data = '';
				const pieces = 1 + Math.floor(next() * 4);
				for (let i = 0; i < pieces; i++) data += PIECES[Math.floor(next() * PIECES.length)];
				const version = emulator.screenChanges.version;
				if (next() < 0.01) emulator.resize(30 + Math.floor(next() * 20), 5 + Math.floor(next() * 6));
				await feed(emulator, data);
				const after = rows(emulator);
				const reported = new Set(changedRows(emulator, version));
				for (let row = 0; row < after.length; row++) {
					if (after[row] !== before[row] && !reported.has(row)) {
						throw new Error(`seed ${seed}, step ${step}: row ${row} changed after ${JSON.stringify(data)} but was not reported\nbefore: ${before[row]}\nafter:  ${after[row]}`);
					}
				}
				before = after;
			}
		}
	});
});
