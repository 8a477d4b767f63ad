import {afterEach, describe, expect, it} from 'vitest';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {stripSgr} from './helpers.js';

/** Numbered lines in chunks of about 4 KiB, as an SSH channel delivers a flood. */
function floodChunks(lines: number): string[] {
	const text = Array.from({length: lines}, (_, i) => `line ${String(i).padStart(6, '0')} ${'.'.repeat(60)}\r\n`).join('');
	const chunks: string[] = [];
	for (let at = 0; at < text.length; at += 4095) chunks.push(text.slice(at, at + 4095));
	return chunks;
}

/** Every `line NNNNNN` in the buffer, history and screen, in order. */
function numbersInBuffer(emulator: TerminalEmulator): number[] {
	const text = emulator.text;
	const rendered = emulator.renderLines(0, text.length);
	return rendered.map(line => /line (\d{6})/.exec(stripSgr(line))?.[1]).filter(n => n !== undefined).map(Number);
}

describe('a terminal parsing in the background', () => {
	const emulators: TerminalEmulator[] = [];
	afterEach(() => {
		for (const emulator of emulators.splice(0)) emulator.dispose();
	});

	it('parses at its turns, never inside the write (the socket handler returns at once)', async () => {
		const emulator = new TerminalEmulator({cols: 80, rows: 10, scrollback: 5000});
		emulators.push(emulator);
		emulator.setBackground(true);
		const chunks = floodChunks(200);
		for (const chunk of chunks) emulator.write(chunk);
		expect(emulator.pendingBytes).toBe(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
		await emulator.flush();
		expect(numbersInBuffer(emulator)).toEqual(Array.from({length: 200}, (_, i) => i));
	});

	it('keeps every line in order when it comes to the foreground, and goes back, mid-flood', async () => {
		const terminals = Array.from({length: 3}, () => new TerminalEmulator({cols: 80, rows: 10, scrollback: 5000}));
		emulators.push(...terminals);
		for (const terminal of terminals) terminal.setBackground(true);
		const chunks = floodChunks(3000);
		for (const [i, chunk] of chunks.entries()) {
			for (const terminal of terminals) terminal.write(chunk);
			// The first one is focused and left again while slices of it wait for their turn.
			if (i % 40 === 10) terminals[0]!.setBackground(false);
			if (i % 40 === 30) terminals[0]!.setBackground(true);
			if (i % 7 === 0) await new Promise(resolve => setImmediate(resolve));
		}
		await Promise.all(terminals.map(terminal => terminal.flush()));
		for (const terminal of terminals) expect(numbersInBuffer(terminal)).toEqual(Array.from({length: 3000}, (_, i) => i));
	});
});
