import {firstKeyText} from '../../core/commands/help-rows.js';
import type {Keymap} from '../../core/commands/keymap.js';
import type {Hint} from '../components/HintBar.js';

/** A command's first key as hints and status lines show it (`o`, `⏎`, `Ctrl-b n`), or undefined when unbound. */
export function keyLabel(keymap: Keymap, name: string): string | undefined {
	const binding = keymap.bindingsOf(name)[0];
	return binding?.table === 'root' && binding.key === 'Enter' ? '⏎' : firstKeyText(keymap, name);
}

/** The browser's hint bar, most useful first (it drops hints from the end when narrow); unbound commands are left out. */
const BROWSER_HINTS: Array<[names: string[], label: string]> = [
	[['connect'], 'connect'],
	[['move-down', 'move-up'], 'move'],
	[['filter'], 'filter'],
	[['sort'], 'sort'],
	[['edit-profile'], 'edit profile'],
	[['new-profile'], 'new'],
	[['refresh'], 'refresh'],
	[['help'], 'help'],
	[['quit'], 'quit'],
];

export function browserHints(keymap: Keymap): Hint[] {
	return BROWSER_HINTS.flatMap(([names, label]) => {
		const keys = names.map(name => keyLabel(keymap, name)).filter(key => key !== undefined);
		return keys.length > 0 ? [{keys: keys.join('/'), label}] : [];
	});
}
