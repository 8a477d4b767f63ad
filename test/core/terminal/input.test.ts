import {describe, expect, it} from 'vitest';
import {
	InputTranslator,
	PASTE_END,
	PASTE_START,
	partialMarkerLength,
	pasteForRemote,
	toBinaryString,
	translateCursorKeys,
	type InputModes,
} from '../../../source/core/terminal/input.js';

const NORMAL: InputModes = {applicationCursorKeys: false, bracketedPasteMode: false};
const APP_CURSOR: InputModes = {applicationCursorKeys: true, bracketedPasteMode: false};
const BRACKETED: InputModes = {applicationCursorKeys: false, bracketedPasteMode: true};
const BOTH: InputModes = {applicationCursorKeys: true, bracketedPasteMode: true};

/** Feeds chunks through one translator and joins what comes out, as text. */
function run(chunks: Array<string | Uint8Array>, modes: InputModes, translator = new InputTranslator()): string {
	return Buffer.concat(chunks.map((chunk) => translator.translate(chunk, modes))).toString('utf8');
}

/** Every way of cutting `data` into two chunks. */
function everySplit(data: string): Array<[string, string]> {
	return Array.from({length: data.length + 1}, (_, i) => [data.slice(0, i), data.slice(i)]);
}

describe('translateCursorKeys', () => {
	it('rewrites arrows, Home and End for application cursor mode', () => {
		expect(translateCursorKeys('\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F', true)).toBe('\x1bOA\x1bOB\x1bOC\x1bOD\x1bOH\x1bOF');
	});

	it('leaves keys alone in normal mode', () => {
		expect(translateCursorKeys('\x1b[A\x1b[H', false)).toBe('\x1b[A\x1b[H');
	});

	it('keeps modified forms and other sequences', () => {
		const keys = '\x1b[1;5A\x1b[1;2D\x1b[3~\x1b[5~\x1bOP\x1b[15~abc';
		expect(translateCursorKeys(keys, true)).toBe(keys);
	});

	it('translates keys mixed with text and Alt-prefixed arrows', () => {
		expect(translateCursorKeys('ls\x1b[Dx\x1b\x1b[A', true)).toBe('ls\x1bODx\x1b\x1bOA');
	});
});

describe('pasteForRemote', () => {
	it('wraps only when the remote enabled bracketed paste', () => {
		expect(pasteForRemote('hi', true)).toBe(`${PASTE_START}hi${PASTE_END}`);
		expect(pasteForRemote('hi', false)).toBe('hi');
	});
});

describe('partialMarkerLength', () => {
	it('finds a cut marker prefix at the end', () => {
		expect(partialMarkerLength('abc\x1b[20', PASTE_START)).toBe(4);
		expect(partialMarkerLength('abc\x1b', PASTE_START)).toBe(1);
		expect(partialMarkerLength('abc\x1b', PASTE_START, 3)).toBe(0);
		expect(partialMarkerLength('abc', PASTE_START)).toBe(0);
		expect(partialMarkerLength(PASTE_START, PASTE_START)).toBe(0);
	});
});

describe('toBinaryString', () => {
	it('keeps bytes one to one, valid UTF-8 or not', () => {
		const bytes = Uint8Array.of(0xe4, 0xb8, 0xad, 0xff, 0x00, 0x1b);
		expect(Buffer.from(toBinaryString(bytes), 'latin1')).toEqual(Buffer.from(bytes));
		expect(Buffer.from(toBinaryString('中'), 'latin1').toString('utf8')).toBe('中');
	});
});

describe('InputTranslator', () => {
	it('passes typed text and control keys through unchanged', () => {
		expect(run(['ls -la\r', '\x03', '\x1b', '\x1b[', 'é中'], NORMAL)).toBe('ls -la\r\x03\x1b\x1b[é中');
	});

	it('does not hold back a lone Escape or Alt-[ waiting for a possible paste marker', () => {
		const translator = new InputTranslator();
		expect(translator.translate('\x1b', NORMAL).toString()).toBe('\x1b');
		expect(translator.translate('\x1b[', NORMAL).toString()).toBe('\x1b[');
		expect(translator.heldBytes).toBe(0);
	});

	it('sends Escape followed by [ keys at once (vim motions after Esc are not delayed)', () => {
		const translator = new InputTranslator();
		expect(translator.translate('\x1b', NORMAL).toString()).toBe('\x1b');
		expect(translator.translate('[', NORMAL).toString()).toBe('[');
		expect(translator.translate('[', NORMAL).toString()).toBe('[');
		expect(translator.heldBytes).toBe(0);
	});

	it('applies application cursor mode to keys', () => {
		expect(run(['\x1b[A', '\x1b[1;5C', 'x\x1b[F'], APP_CURSOR)).toBe('\x1bOA\x1b[1;5Cx\x1bOF');
		expect(run(['\x1b[A'], NORMAL)).toBe('\x1b[A');
	});

	it('strips paste brackets when the remote did not ask for them', () => {
		expect(run([`a${PASTE_START}pasted\ntext${PASTE_END}b`], NORMAL)).toBe('apasted\ntextb');
	});

	it('passes paste brackets through when the remote enabled bracketed paste', () => {
		const data = `a${PASTE_START}pasted${PASTE_END}b`;
		expect(run([data], BRACKETED)).toBe(data);
	});

	it('never translates cursor keys inside a paste', () => {
		expect(run([`\x1b[A${PASTE_START}\x1b[A${PASTE_END}\x1b[A`], APP_CURSOR)).toBe('\x1bOA\x1b[A\x1bOA');
		expect(run([`${PASTE_START}\x1b[B${PASTE_END}`], BOTH)).toBe(`${PASTE_START}\x1b[B${PASTE_END}`);
	});

	it('handles markers split at every position, in both modes', () => {
		const data = `x${PASTE_START}p\x1b[Aq${PASTE_END}\x1b[Ay`;
		const tailKey = data.lastIndexOf('\x1b[A');
		for (const [first, second] of everySplit(data)) {
			const label = JSON.stringify([first, second]);
			// A key cut inside itself is sent as it came (translation needs the whole key in one chunk).
			const keyCut = first.length === tailKey + 1 || first.length === tailKey + 2;
			const tail = keyCut ? '\x1b[Ay' : '\x1bOAy';
			expect(run([first, second], BOTH), label).toBe(`x${PASTE_START}p\x1b[Aq${PASTE_END}${tail}`);
			// A start marker cut right after its ESC or ESC[ cannot be told from an Escape or Alt-[ key
			// until the rest arrives; by then those bytes are sent, so the paste keeps both brackets.
			const markerCut = first === 'x\x1b' || first === 'x\x1b[';
			const expected = markerCut ? `x${PASTE_START}p\x1b[Aq${PASTE_END}${tail}` : `xp\x1b[Aq${tail}`;
			expect(run([first, second], APP_CURSOR), label).toBe(expected);
		}
	});

	it('handles a paste cut into single bytes', () => {
		const data = `${PASTE_START}one\r\ntwo${PASTE_END}`;
		expect(run([...data], BRACKETED)).toBe(data);
		// Byte by byte, the start marker's ESC has left before the marker is recognisable.
		expect(run([...data], NORMAL)).toBe(data);
		expect(run(['\x1b[2', ...data.slice(3)], NORMAL)).toBe('one\r\ntwo');
	});

	it('passes a 1 MB paste through intact across 64 KiB chunks', () => {
		const text = Array.from({length: 1024 * 1024 / 64}, (_, i) => `${String(i).padStart(8, '0')}${'é'.repeat(27)}\x1b[A\r\n`)
			.join('')
			.slice(0, 1024 * 1024);
		const bytes = Buffer.from(`${PASTE_START}${text}${PASTE_END}`, 'utf8');
		const chunks: Uint8Array[] = [];
		// 64 KiB cuts also split UTF-8 sequences and, somewhere, likely a marker.
		for (let at = 0; at < bytes.length; at += 65_536) chunks.push(bytes.subarray(at, at + 65_536));
		const translator = new InputTranslator();
		const out = Buffer.concat(chunks.map((chunk) => translator.translate(chunk, NORMAL)));
		expect(out.toString('utf8')).toBe(text);
		expect(translator.pasting).toBe(false);

		const bracketed = new InputTranslator();
		const outBracketed = Buffer.concat(chunks.map((chunk) => bracketed.translate(chunk, BOTH)));
		expect(outBracketed.equals(bytes)).toBe(true);
	});

	it('closes a paste the way it opened even if the mode changes mid-paste', () => {
		const translator = new InputTranslator();
		const first = translator.translate(`${PASTE_START}abc`, BRACKETED).toString();
		const second = translator.translate(`def${PASTE_END}`, NORMAL).toString();
		expect(first + second).toBe(`${PASTE_START}abcdef${PASTE_END}`);
	});

	it('releases held bytes on flush and forgets state on reset', () => {
		const translator = new InputTranslator();
		expect(translator.translate('a\x1b[20', NORMAL).toString()).toBe('a');
		expect(translator.heldBytes).toBe(4);
		expect(translator.flush().toString()).toBe('\x1b[20');
		expect(translator.heldBytes).toBe(0);
		translator.translate(`${PASTE_START}abc`, NORMAL);
		expect(translator.pasting).toBe(true);
		translator.reset();
		expect(translator.pasting).toBe(false);
		expect(translator.translate('\x1b[A', APP_CURSOR).toString()).toBe('\x1bOA');
	});

	it('completes a held F-key-like sequence with the next chunk', () => {
		expect(run(['\x1b[20', '~'], NORMAL)).toBe('\x1b[20~');
		expect(run(['\x1b[2', '~'], NORMAL)).toBe('\x1b[2~');
	});

	it('keeps invalid UTF-8 bytes byte for byte', () => {
		const translator = new InputTranslator();
		const bytes = Uint8Array.of(0xff, 0xfe, 0x41, 0xc3);
		expect(translator.translate(bytes, NORMAL).equals(Buffer.from(bytes))).toBe(true);
	});
});

describe('InputTranslator with typed bytes (Buffers, as stdin reads them)', () => {
	it('gives what it gives for the same text, cut anywhere, in every mode: typed text passes through, markers and keys are still found', () => {
		const inputs = ['ls -l\r', 'caf\u00e9', `a${PASTE_START}pasted\r\ntext${PASTE_END}b`, 'x\x1b[Ay', '\x1b', `${PASTE_END}stray`, 'plain\x1b[1;5Cmore'];
		for (const modes of [NORMAL, APP_CURSOR, BRACKETED, BOTH]) {
			for (const input of inputs) {
				for (const [first, second] of everySplit(input)) {
					const asText = run([first, second], modes);
					const asBytes = run([Buffer.from(first, 'utf8'), Buffer.from(second, 'utf8')], modes);
					expect(asBytes, JSON.stringify([first, second])).toBe(asText);
				}
			}
		}
	});

	it('returns the very bytes it was given for typed text outside a paste', () => {
		const chunk = Buffer.from('echo hi\r');
		expect(new InputTranslator().translate(chunk, NORMAL)).toBe(chunk);
	});
});
