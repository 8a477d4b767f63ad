import {firstKeyText} from './help-rows.js';
import type {Keymap} from './keymap.js';

/**
 * How messages name the keys of the few commands they suggest ("Ctrl-b r reconnects now"). Those messages
 * are made deep in core (a dropped connection's text is written into its pane), far from the keymap, so the
 * app sets these once at start from the keymap in force: a user whose prefix is C-a reads `Ctrl-a r`, and a
 * command rebound elsewhere is named by its new key. Until then (the CLI, tests) they are the defaults.
 */
export interface HintKeys {
	reconnect: string;
	close: string;
	detach: string;
	newWindow: string;
	record: string;
	/** Back to the sessions from the browser (next-window). */
	sessions: string;
}

const DEFAULTS: HintKeys = {reconnect: 'Ctrl-b r', close: 'Ctrl-b x', detach: 'Ctrl-b d', newWindow: 'Ctrl-b c', record: 'Ctrl-b R', sessions: 'Ctrl-b n'};

let current: HintKeys = DEFAULTS;

export function hintKeys(): HintKeys {
	return current;
}

/** Names the keys after `keymap`; a command with no key is named by its name (`"reconnect" (no key)`). */
export function setHintKeys(keymap: Keymap | undefined): void {
	if (!keymap) {
		current = DEFAULTS;
		return;
	}
	const label = (name: string) => firstKeyText(keymap, name) ?? `"${name}" (no key)`;
	current = {reconnect: label('reconnect'), close: label('kill-pane'), detach: label('detach-to-browser'), newWindow: label('new-window'), record: label('record'), sessions: label('next-window')};
}
