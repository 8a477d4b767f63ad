import xterm from '@xterm/headless';
import {afterEach, describe, expect, it} from 'vitest';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';
import {installLineCopy} from '../../../source/core/terminal/xterm-line-copy.js';
import {feed, stripSgr} from './helpers.js';

const {Terminal} = xterm;

interface Lines {
	_core: {buffer: {lines: {length: number; get(index: number): {_combined: object; _extendedAttrs: object}}}};
}

describe("xterm's line recycling without garbage", () => {
	const emulators: TerminalEmulator[] = [];
	afterEach(() => {
		for (const emulator of emulators.splice(0)) emulator.dispose();
	});
	const make = () => {
		const emulator = new TerminalEmulator({cols: 20, rows: 4, scrollback: 6});
		emulators.push(emulator);
		return emulator;
	};
	const withExtendedAttributes = (emulator: TerminalEmulator) => {
		const lines = (emulator as unknown as {term: Lines}).term._core.buffer.lines;
		return Array.from({length: lines.length}, (_, i) => lines.get(i)._extendedAttrs).filter(attrs => Object.keys(attrs).length > 0).length;
	};
	const all = (emulator: TerminalEmulator) => emulator.renderLines(0, emulator.text.length).map(line => stripSgr(line).trimEnd());

	it('is installed on the xterm this project ships', () => {
		const term = new Terminal({cols: 10, rows: 2, allowProposedApi: true});
		expect(installLineCopy(term)).toBe(true);
		term.dispose();
	});

	it('keeps the recycled lines’ own empty objects when plain text scrolls through a full scrollback', async () => {
		const emulator = make();
		await feed(emulator, Array.from({length: 30}, (_, i) => `plain ${i}`).join('\r\n'));
		const lines = (emulator as unknown as {term: Lines}).term._core.buffer.lines;
		const before = new Set(Array.from({length: lines.length}, (_, i) => lines.get(i)._combined));
		await feed(emulator, `\r\n${Array.from({length: 30}, (_, i) => `more ${i}`).join('\r\n')}`);
		const after = new Set(Array.from({length: lines.length}, (_, i) => lines.get(i)._combined));
		// The same objects (by identity), not merely equal ones.
		expect([...after].filter(combined => !before.has(combined))).toHaveLength(0);
	});

	it('still carries combining characters and extended underline styles through recycling, and drops them from lines reused for plain text', async () => {
		const emulator = make();
		await feed(emulator, Array.from({length: 12}, (_, i) => `cafe\u0301 \x1b[4:3;58;5;1mwavy\x1b[0m ${i}`).join('\r\n'));
		const text = all(emulator);
		expect(text.filter(line => line.startsWith('caf\u00e9') || line.startsWith('cafe\u0301'))).toHaveLength(10);
		// The wavy underline's style and colour live in the line's extended attributes (not drawn by vmux's rows).
		expect(withExtendedAttributes(emulator)).toBe(10);
		await feed(emulator, `\r\n${Array.from({length: 12}, (_, i) => `plain ${i}`).join('\r\n')}`);
		expect(all(emulator)).toEqual(Array.from({length: 10}, (_, i) => `plain ${i + 2}`));
		expect(withExtendedAttributes(emulator)).toBe(0);
	});
});
