import stripAnsi from 'strip-ansi';

/**
 * Makes text that came from outside vmux (Azure names and tags, cached inventory, profile files, server
 * banners and prompts, error messages from Azure or ssh2) safe to draw on the user's terminal.
 *
 * A terminal acts on control characters wherever they appear: `ESC ] 52 ; c ; … BEL` in a VM name would
 * set the user's clipboard, `ESC ] 0 ; … BEL` their window title, `ESC [ 2 J` would wipe the screen, and a
 * bidi override would make the name read as something else. So every such string passes through here
 * before it is drawn: whole escape sequences go first (strip-ansi, which also knows the 8-bit C1 forms), then
 * whatever control characters are left, one by one, so a broken or unterminated sequence cannot survive
 * as a lone ESC either.
 */

/** Everything a terminal might act on rather than print, apart from line breaks and tabs (handled below). */
// C0 except TAB/LF/CR, DEL, C1 (U+0080–U+009F), and the bidi controls: LRM/RLM, ALM, the embeddings and
// overrides (LRE RLE PDF LRO RLO) and the isolates (LRI RLI FSI PDI).
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

export interface DisplayTextOptions {
	/**
	 * Keep line breaks (as `\n`; `\r\n` and lone `\r` become `\n`) for text drawn as a block: server
	 * banners, multi-line error messages. Off by default: a name, a tag or a status line is one line, and
	 * a line break in it would split a table row, so every run of line breaks becomes one space.
	 */
	multiline?: boolean;
}

/** `text` with every escape sequence and control character removed; see the module comment. */
export function displayText(text: string, options: DisplayTextOptions = {}): string {
	// Fast path for the common case: ordinary printable text is returned as is.
	if (!ANY_CONTROL.test(text)) return text;
	const stripped = stripAnsi(text).replace(CONTROLS, '');
	const breaks = stripped.replace(/\t/g, ' ');
	return options.multiline ? breaks.replace(/\r\n?/g, '\n') : breaks.replace(/[\r\n]+/g, ' ');
}

/** Whether `text` would draw as is (nothing for `displayText` to remove); for tests and assertions. */
export function isDisplaySafe(text: string, options: DisplayTextOptions = {}): boolean {
	return displayText(text, options) === text;
}
