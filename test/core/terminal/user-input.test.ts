import {describe, expect, it} from 'vitest';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';

describe('TerminalEmulator.noteUserInput', () => {
	it('sends nothing to the remote and makes the next write parse at once', async () => {
		const term = new TerminalEmulator({cols: 20, rows: 3});
		const replies: string[] = [];
		term.onReply(data => replies.push(data));
		term.noteUserInput();
		term.write('echo');
		// Parsed synchronously after user input: visible before any timer runs.
		expect(term.snapshot().lines[0]).toContain('echo');
		term.write('\x1b[6n');
		await term.flush();
		expect(replies).toEqual(['\x1b[1;5R']);
		term.dispose();
	});
});
