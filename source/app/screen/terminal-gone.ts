/**
 * Recognises the terminal going away (its window closed, the ssh carrying it dropped) so it ends vmux
 * quietly instead of as a crash: from then on every read of the tty fails with EIO and every write with
 * EIO or EPIPE, and Node reports those as 'error' events, which with no listener become uncaught
 * exceptions — a crash log and a "vmux stopped" message nobody can see, every time.
 */

import {closeSync} from 'node:fs';
import {isatty} from 'node:tty';

/** The error codes a tty read or write fails with once nobody holds the other end. */
const GONE_CODES = new Set(['EIO', 'EPIPE']);

export function isTerminalGoneError(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	return typeof code === 'string' && GONE_CODES.has(code);
}

export interface TerminalWatch {
	/** Whether the terminal has gone (an EIO/EPIPE on one of its streams, or `markGone`). */
	readonly gone: boolean;
	/** Records that the terminal went away by other means (SIGHUP), without calling `onGone`. */
	markGone(): void;
	dispose(): void;
}

/**
 * Listens for errors on the terminal's streams. A "terminal gone" error calls `onGone` once; after that
 * every error on them is a consequence of it and is dropped. Any other error goes to `onOtherError`
 * (which is what would have happened without a listener: the crash handler).
 */
export function watchTerminal(streams: ReadonlyArray<NodeJS.EventEmitter>, onGone: () => void, onOtherError: (error: unknown) => void): TerminalWatch {
	let gone = false;
	const onError = (error: unknown) => {
		if (gone) return;
		if (!isTerminalGoneError(error)) return onOtherError(error);
		gone = true;
		onGone();
	};
	for (const stream of streams) stream.on('error', onError);
	return {
		get gone() {
			return gone;
		},
		markGone() {
			gone = true;
		},
		dispose() {
			for (const stream of streams) stream.off('error', onError);
		},
	};
}

/**
 * Closes the standard descriptors that were a terminal when `wasTerminal` was taken and are not one any
 * more (a hung-up tty fails every ioctl, so `isatty` turns false). Call it last, from process 'exit':
 * Node puts the tty's modes back after that event and aborts (SIGABRT or SIGSEGV instead of the exit
 * status) when it cannot, whereas it skips a descriptor the program closed. A live terminal is left alone.
 */
export function releaseDeadTerminal(wasTerminal: readonly boolean[]): void {
	for (const fd of [0, 1, 2]) {
		if (!wasTerminal[fd] || isatty(fd)) continue;
		try {
			closeSync(fd);
		} catch {
			// Already closed.
		}
	}
}

/** Which of stdin, stdout and stderr are a terminal now (for `releaseDeadTerminal` later). */
export function standardTerminals(): boolean[] {
	return [0, 1, 2].map(fd => isatty(fd));
}
