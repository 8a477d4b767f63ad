/**
 * Owns the user's terminal modes for the life of the app: alternate screen, hidden cursor, bracketed paste
 * and raw mode on start, and the exact reverse on every way out (quit, SIGINT/SIGTERM/SIGHUP, crash), so a
 * shell is never left in raw mode on the alternate screen.
 */

export const ENTER_SEQUENCE = '\x1b[?1049h\x1b[?2004h\x1b[?25l\x1b[H\x1b[2J';
/**
 * Leaves bracketed paste and mouse modes, resets attributes, puts the cursor back in the terminal's own
 * shape (DECSCUSR 0: the pane gave it the remote's) and shows it, returns to the main screen.
 */
export const RESTORE_SEQUENCE = '\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1006l\x1b[0m\x1b[0 q\x1b[?25h\x1b[?1049l';

/**
 * Asks the user's terminal for mouse reports (settings.json "mouse"): presses and releases (1000), drags with a
 * button held (1002), in SGR form (1006: no coordinate limit, says which button was released). Not 1003: vmux
 * has no use for every move of the pointer. RESTORE_SEQUENCE turns all three off.
 */
export const MOUSE_ON_SEQUENCE = '\x1b[?1000h\x1b[?1002h\x1b[?1006h';

export interface FullScreen {
	restore(): void;
	/** Turns mouse reporting on until restore (called once settings are read: the splash comes first). */
	enableMouse(): void;
	readonly active: boolean;
}

export function enterFullScreen(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): FullScreen {
	let active = true;
	stdout.write(ENTER_SEQUENCE);
	if (stdin.isTTY) stdin.setRawMode(true);
	return {
		get active() {
			return active;
		},
		enableMouse() {
			if (active) stdout.write(MOUSE_ON_SEQUENCE);
		},
		restore() {
			if (!active) return;
			active = false;
			try {
				if (stdin.isTTY) stdin.setRawMode(false);
			} catch {
				// stdin may already be gone (SIGHUP); the escape sequences below still matter.
			}
			try {
				stdout.write(RESTORE_SEQUENCE);
			} catch {
				// Nothing left to restore on a closed terminal.
			}
		},
	};
}
