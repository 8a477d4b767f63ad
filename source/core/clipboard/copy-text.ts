import type {ClipboardSetting} from '../profiles/schema.js';
import {copyWithProgram, type ClipboardProgram} from './local-clipboard.js';
import {osc52Sequence} from './osc52.js';

export interface ClipboardTargets {
	setting: ClipboardSetting;
	/** The desktop's clipboard program (wl-copy, xclip, pbcopy), when one is on PATH. */
	program: ClipboardProgram | undefined;
	/** The user's terminal, for OSC 52. */
	terminal: {write(data: string): unknown};
	log?: (message: string) => void;
}

/**
 * Puts text on the clipboard as settings.json "clipboard" says: OSC 52 to the user's terminal (works over ssh and
 * in tmux), the desktop's program, or both. Never waits on the program. Returns whether any way was tried.
 */
export function copyToClipboard(targets: ClipboardTargets, text: string): boolean {
	const {setting, program, terminal, log} = targets;
	let tried = false;
	if (setting === 'auto' || setting === 'osc52') {
		const sequence = osc52Sequence(text);
		if (sequence) {
			terminal.write(sequence);
			tried = true;
		} else log?.(`copy: ${Buffer.byteLength(text)} bytes is too long for OSC 52; kept in the paste buffer only`);
	}
	if ((setting === 'auto' || setting === 'program') && program) {
		tried = true;
		void copyWithProgram(program, text).then(result => {
			if (!result.ok) log?.(`copy: ${result.reason}`);
		});
	}
	return tried;
}
