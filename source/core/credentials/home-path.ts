import {homedir} from 'node:os';
import {isAbsolute, join, relative, resolve, sep} from 'node:path';

/**
 * `~` in paths: users type `~/.ssh/id_ed25519` into profiles, and messages read better with it too. Only
 * the current user's `~` is understood (`~other/...` is left alone, as a path that will not be found).
 */

export function expandHome(path: string, home: string = homedir()): string {
	if (path === '~') return home;
	if (path.startsWith('~/') || (sep === '\\' && path.startsWith('~\\'))) return join(home, path.slice(2));
	return path;
}

/** The path as a user would write it: `~/…` when it is under the home directory. */
export function displayPath(path: string, home: string = homedir()): string {
	const absolute = resolve(path);
	const rest = relative(home, absolute);
	if (rest === '') return '~';
	if (rest.startsWith('..') || isAbsolute(rest)) return absolute;
	return `~/${rest.split(sep).join('/')}`;
}

/** A path as one shell word that still expands `~`: `~/'odd name'` rather than a quoted, dead `~`. */
export function shellPath(path: string, home: string = homedir()): string {
	const shown = displayPath(path, home);
	if (shown.startsWith('~/')) return `~/${shellWord(shown.slice(2))}`;
	return shellWord(shown);
}

/** Quotes a word for a POSIX shell only when it needs it. */
export function shellWord(word: string): string {
	if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
	return `'${word.replace(/'/g, `'\\''`)}'`;
}
