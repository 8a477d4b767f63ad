import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import xterm from '@xterm/headless';
import {separatorBlock, wrap} from '../../../source/core/session/separator.js';

const {Terminal} = xterm;

/** Writes `data` into a real headless xterm of `cols` columns and returns its lines, trimmed. */
async function render(data: string, cols: number): Promise<string[]> {
	const term = new Terminal({cols, rows: 60, allowProposedApi: true});
	await new Promise<void>(resolve => term.write(data, resolve));
	const lines: string[] = [];
	for (let i = 0; i < term.buffer.active.length; i++) lines.push(term.buffer.active.getLine(i)?.translateToString(true) ?? '');
	term.dispose();
	return lines.filter(line => line !== '');
}

describe('the notes written into a pane', () => {
	it('wrap: every line fits, and the words come back in order (generated)', () => {
		fc.assert(
			fc.property(fc.array(fc.stringMatching(/^[A-Za-z0-9:+/().,'-]{1,60}$/), {maxLength: 40}), fc.integer({min: 1, max: 200}), (words, width) => {
				const lines = wrap(words.join(' '), width);
				for (const line of lines) expect([...line].length).toBeLessThanOrEqual(width);
				expect(lines.join('').replace(/ /g, '')).toBe(words.join(''));
			}),
			{seed: 42, numRuns: 200},
		);
	});

	it('a block drawn in a real terminal never leaves a line of nothing but "────", at any width (generated)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.string({minLength: 1, maxLength: 300}), fc.integer({min: 8, max: 160}), async (reason, cols) => {
				const lines = await render(separatorBlock({title: 'disconnected 12:00:00', body: [reason, 'Ctrl-b r reconnects now.'], style: '33', cols}), cols);
				expect(lines.filter(line => /^[\s─]+$/.test(line) && line.includes('─'))).toEqual([]);
				// Nothing lost at the end either (narrow panes cut long words, so compare without spaces).
				expect(lines.join('').replace(/ /g, '')).toMatch(/Ctrl-brreconnectsnow\.$/);
			}),
			{seed: 42, numRuns: 60},
		);
	});

	it('control characters from a server message are shown as spaces, never sent to the terminal', () => {
		const block = separatorBlock({title: 't', body: ['bad \x1b]52;c;AAAA\x07 text'], style: '31', cols: 80});
		expect(block).not.toContain('\x07');
		expect(block.replace(/\x1b\[[0-9;]*m/g, '')).not.toContain('\x1b');
	});
});
