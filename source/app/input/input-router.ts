import type {Writable} from 'node:stream';
import {PASTE_END, PASTE_START} from '../../core/terminal/input.js';

/** Parses a prefix setting such as `C-b` or `C-a` into the control byte the terminal sends for it. */
export function parsePrefixKey(spec: string): number {
	const match = /^(?:C-|\^|ctrl-|ctrl\+)([a-z@[\]\\^_])$/i.exec(spec.trim());
	if (!match) throw new Error(`The prefix key "${spec}" is not a Ctrl combination; use e.g. C-b or C-a.`);
	return match[1]!.toUpperCase().charCodeAt(0) & 0x1f;
}

export function describePrefixKey(byte: number): string {
	return `Ctrl-${String.fromCharCode(byte | 0x60)}`;
}

/** Where the focused session's keystrokes go (the session translates cursor keys and paste markers). */
export interface KeystrokeSink {
	sendInput(data: Buffer): void;
}

/** Where keys go right now: read from the app's one Focus (app/focus) for every run of bytes. */
export interface RouteTarget {
	/** The session that receives typed bytes; undefined while the app's views have the keyboard. */
	inputSession: KeystrokeSink | undefined;
	/** When false (a text field has focus), the prefix is not intercepted while the views have the keyboard. */
	prefixInAppMode: boolean;
}

const APP_ONLY: RouteTarget = {inputSession: undefined, prefixInAppMode: true};

/**
 * The one place raw stdin is read. While a session has the keyboard every byte goes to it except the
 * prefix key, whose following key becomes a command; otherwise bytes go to Ink (the browser, dialogs),
 * still watching for the prefix so session switching works from anywhere. Bytes inside a bracketed paste
 * are never taken as a prefix.
 *
 * The target is not stored here: it is asked of `target()` before every run of bytes, so a command that
 * switches sessions (`Ctrl-b p`) sends the rest of the same chunk to the session it switched to, and a
 * key the views act on (a digit in the session picker) sends the keys after it to the session it chose.
 */
export class InputRouter {
	private target: () => RouteTarget = () => APP_ONLY;
	/** Typed bytes not routed yet (latin1, one char per byte): waits while the views digest a key. */
	private backlog = '';
	private awaitingCommand = false;
	/** The session that had the keyboard when the prefix was typed: a different one cancels the prefix. */
	private prefixSession: KeystrokeSink | undefined;
	private inPaste = false;
	/** A key was handed to the views and React has not rendered since: the next byte waits for it. */
	private viewsBusy = false;

	constructor(
		private readonly appInput: Writable,
		private readonly prefixByte: number,
		private readonly onCommand: (key: string) => void,
	) {}

	/** Reads where keys go from this function from now on (the app's FocusSource). */
	follow(target: () => RouteTarget): void {
		this.target = target;
	}

	get prefixPending(): boolean {
		return this.awaitingCommand;
	}

	feed(chunk: Buffer): void {
		this.backlog += chunk.toString('latin1');
		this.drain();
	}

	private take(length: number): string {
		const taken = this.backlog.slice(0, length);
		this.backlog = this.backlog.slice(length);
		return taken;
	}

	/**
	 * Routes the backlog. A session takes runs of bytes at once; the views take one key per turn of the
	 * event loop, so React renders between keys and every key handler sees the state the previous key
	 * left ("/jump⏎" or "j␣⏎" typed in one burst), and where the next key goes is decided after that.
	 */
	private drain(): void {
		while (this.backlog.length > 0 && !this.viewsBusy) {
			const target = this.target();
			const session = target.inputSession;
			if (this.awaitingCommand && session !== this.prefixSession) {
				// A dialog or another view took the keyboard between the prefix and this key (a host-key
				// question from a reconnect): the key belongs to it, not to a command.
				this.awaitingCommand = false;
			}
			if (this.awaitingCommand) {
				this.awaitingCommand = false;
				const key = this.take(firstKey(this.backlog).length);
				// Prefix twice sends one literal prefix byte.
				if (key.length === 1 && key.charCodeAt(0) === this.prefixByte) this.deliver(session, key);
				else this.onCommand(keyName(key));
				continue;
			}
			if (this.inPaste) {
				const end = this.backlog.indexOf(PASTE_END);
				if (end === 0) {
					this.inPaste = false;
					this.deliver(session, this.take(PASTE_END.length));
					continue;
				}
				// Pasted text up to the end marker: all of it for a session, one key at a time for the views.
				const run = end === -1 ? this.backlog.length : end;
				this.deliver(session, this.take(session ? run : Math.min(run, firstKey(this.backlog).length)));
				continue;
			}
			const intercept = session !== undefined || target.prefixInAppMode;
			if (intercept && this.backlog.charCodeAt(0) === this.prefixByte) {
				this.take(1);
				this.awaitingCommand = true;
				this.prefixSession = session;
				continue;
			}
			if (this.backlog.startsWith(PASTE_START)) {
				this.inPaste = true;
				this.deliver(session, this.take(PASTE_START.length));
				continue;
			}
			if (!session) {
				this.deliver(undefined, this.take(firstKey(this.backlog).length));
				continue;
			}
			// A session takes everything up to the next prefix or paste.
			const prefixAt = intercept ? this.backlog.indexOf(String.fromCharCode(this.prefixByte)) : -1;
			const pasteAt = this.backlog.indexOf(PASTE_START);
			const stops = [prefixAt, pasteAt].filter(at => at > 0);
			this.deliver(session, this.take(stops.length > 0 ? Math.min(...stops) : this.backlog.length));
		}
	}

	private deliver(session: KeystrokeSink | undefined, raw: string): void {
		if (session) return session.sendInput(Buffer.from(raw, 'latin1'));
		// Ink's own key parser does not understand paste markers; it gets the pasted text alone.
		if (raw === PASTE_START || raw === PASTE_END) return;
		this.appInput.write(Buffer.from(raw, 'latin1').toString('utf8'));
		this.viewsBusy = true;
		// A timer, not setImmediate: React schedules its render with setImmediate while handling this key,
		// and the next key must come after that render.
		setTimeout(() => {
			this.viewsBusy = false;
			this.drain();
		}, 0);
	}
}

/** The first key in a chunk: an escape sequence, a UTF-8 character, or one byte. */
function firstKey(text: string): string {
	if (text[0] === '\x1b') {
		const csi = /^\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O[@-~]|.)?/s.exec(text);
		return csi ? csi[0] : '\x1b';
	}
	// Latin1 text (one char per byte): a UTF-8 lead byte takes its continuation bytes along.
	const lead = text.charCodeAt(0);
	const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return text.slice(0, length);
}

function keyName(key: string): string {
	switch (key) {
		case '\x1b':
			return 'escape';
		case '\r':
		case '\n':
			return 'enter';
		case '\x1b[A':
		case '\x1bOA':
			return 'up';
		case '\x1b[B':
		case '\x1bOB':
			return 'down';
		case '\x1b[5~':
			return 'pageup';
		case '\x1b[6~':
			return 'pagedown';
		default:
			return key.startsWith('\x1b') ? 'unknown' : Buffer.from(key, 'latin1').toString('utf8');
	}
}
