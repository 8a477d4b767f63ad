/** What the guard needs of stdin: a terminal that can go raw. */
export interface RawTerminal {
	isTTY?: boolean;
	isRaw?: boolean;
	setRawMode?(mode: boolean): unknown;
}

/**
 * Puts the terminal in raw mode for a remote session (every key, Ctrl-C included, goes to the VM) and guarantees it
 * is put back: by `restore()`, and on any exit of the process (a signal, a crash, a dropped connection), since a
 * shell left in raw mode is unusable until `reset`.
 */
export function terminalGuard(stdin: RawTerminal): {restore(): void} {
	const wasRaw = stdin.isRaw === true;
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		process.off('exit', restore);
		try {
			stdin.setRawMode?.(wasRaw);
		} catch {
			// The terminal is gone (hangup): nothing left to restore.
		}
	};
	stdin.setRawMode?.(true);
	process.on('exit', restore);
	return {restore};
}
