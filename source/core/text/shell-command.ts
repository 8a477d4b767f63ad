import {quote} from 'shell-quote';

/**
 * A command for the user to copy into a POSIX shell, with every argument quoted where the shell would split or
 * expand it: Azure names may hold spaces, parentheses, `$` or quotes (`rg-Données(dev)`), and an unquoted fix command
 * that breaks in bash is worse than none. Placeholders such as `<your sign-in>` are for the user to replace and are
 * passed through `placeholder()` so they stay readable.
 */
export function shellCommand(...args: Array<string | Placeholder>): string {
	return args.map(arg => (arg instanceof Placeholder ? arg.text : quoteArgument(arg))).join(' ');
}

/** Characters no POSIX shell treats specially anywhere in a word (Python's shlex.quote keeps the same set bare). */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Left bare when safe (so `alice@contoso.com` reads as written), else quoted by shell-quote. */
function quoteArgument(arg: string): string {
	return SAFE.test(arg) ? arg : quote([arg]);
}

/** A part of a command the user fills in (shown as written, never quoted). */
export class Placeholder {
	constructor(readonly text: string) {}
}

export function placeholder(text: string): Placeholder {
	return new Placeholder(text);
}
