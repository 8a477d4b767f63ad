import {charWidth} from '../../../source/core/terminal/unicode-width.js';
import type {TerminalEmulator} from '../../../source/core/terminal/emulator.js';

const SGR = /\x1b\[[0-9;]*m/g;

export function stripSgr(line: string): string {
	return line.replace(SGR, '');
}

/** Display width of unstyled text, as the emulator counts cells. */
export function cellWidth(text: string): number {
	let width = 0;
	for (const ch of text) width += charWidth(ch.codePointAt(0)!);
	return width;
}

/** Writes and waits until xterm has parsed it. */
export async function feed(emulator: TerminalEmulator, data: string | Uint8Array): Promise<void> {
	emulator.write(data);
	await emulator.flush();
}

/** The screen as plain text rows with trailing blanks removed. */
export function screenText(emulator: TerminalEmulator): string[] {
	return emulator.snapshot().lines.map((line) => stripSgr(line).trimEnd());
}
