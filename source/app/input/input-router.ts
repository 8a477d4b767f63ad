import type {Writable} from 'node:stream';

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/** Parses a prefix setting such as `C-b` or `C-a` into the control byte the terminal sends for it. */
export function parsePrefixKey(spec: string): number {
	const match = /^(?:C-|\^|ctrl-|ctrl\+)([a-z@[\]\\^_])$/i.exec(spec.trim());
	if (!match) throw new Error(`The prefix key "${spec}" is not a Ctrl combination; use e.g. C-b or C-a.`);
	return match[1]!.toUpperCase().charCodeAt(0) & 0x1f;
}

export function describePrefixKey(byte: number): string {
	return `Ctrl-${String.fromCharCode(byte | 0x60)}`;
}

export type RouterMode = 'app' | 'session';

/** Where the focused session's keystrokes go (the session translates cursor keys and paste markers). */
export interface KeystrokeSink {
	sendInput(data: Buffer): void;
}

/**
 * The one place raw stdin is read. In `session` mode every byte goes to the focused session except the
 * prefix key, whose following key becomes a command; in `app` mode bytes go to Ink (the browser, dialogs),
 * still watching for the prefix so session switching works from anywhere. Bytes inside a bracketed paste
 * are never taken as a prefix.
 */
export class InputRouter {
	mode: RouterMode = 'app';
	/** When false (e.g. a text field has focus), the prefix is not intercepted in app mode. */
	prefixInAppMode = true;
	private sink: KeystrokeSink | undefined;
	private awaitingCommand = false;
	private inPaste = false;
	private readonly appKeys: string[] = [];
	private pumping = false;

	constructor(
		private readonly appInput: Writable,
		private readonly prefixByte: number,
		private readonly onCommand: (key: string) => void,
	) {}

	setSession(sink: KeystrokeSink | undefined): void {
		// Called on every render: only a change of target resets a pending prefix.
		if (sink === this.sink) return;
		this.sink = sink;
		this.mode = sink ? 'session' : 'app';
		this.awaitingCommand = false;
	}

	get prefixPending(): boolean {
		return this.awaitingCommand;
	}

	feed(chunk: Buffer): void {
		let text = chunk.toString('latin1');
		let pending = '';
		const flush = () => {
			if (pending) this.forward(pending);
			pending = '';
		};
		while (text.length > 0) {
			if (this.awaitingCommand) {
				this.awaitingCommand = false;
				const key = firstKey(text);
				text = text.slice(key.length);
				if (key.charCodeAt(0) === this.prefixByte && key.length === 1) {
					// Prefix twice sends one literal prefix byte.
					pending += key;
					continue;
				}
				flush();
				this.onCommand(keyName(key));
				continue;
			}
			if (this.inPaste) {
				const end = text.indexOf(PASTE_END);
				if (end === -1) {
					pending += text;
					text = '';
				} else {
					pending += text.slice(0, end + PASTE_END.length);
					text = text.slice(end + PASTE_END.length);
					this.inPaste = false;
				}
				continue;
			}
			const interceptPrefix = this.mode === 'session' || this.prefixInAppMode;
			const prefixAt = interceptPrefix ? text.indexOf(String.fromCharCode(this.prefixByte)) : -1;
			const pasteAt = text.indexOf(PASTE_START);
			if (pasteAt !== -1 && (prefixAt === -1 || pasteAt < prefixAt)) {
				pending += text.slice(0, pasteAt + PASTE_START.length);
				text = text.slice(pasteAt + PASTE_START.length);
				this.inPaste = true;
				continue;
			}
			if (prefixAt === -1) {
				pending += text;
				text = '';
				continue;
			}
			pending += text.slice(0, prefixAt);
			text = text.slice(prefixAt + 1);
			this.awaitingCommand = true;
		}
		flush();
	}

	/**
	 * Hands the views one key per turn of the event loop, so React renders between keys and every key
	 * handler sees the state the previous key left ("/jump⏎" or "j␣⏎" typed in one burst).
	 */
	private pumpAppKeys(): void {
		if (this.pumping) return;
		const next = this.appKeys.shift();
		if (next === undefined) return;
		this.pumping = true;
		this.appInput.write(next);
		// A timer, not setImmediate: React schedules its render with setImmediate while handling this key,
		// and the next key must come after that render.
		setTimeout(() => {
			this.pumping = false;
			this.pumpAppKeys();
		}, 0);
	}

	private forward(data: string): void {
		const bytes = Buffer.from(data, 'latin1');
		if (this.mode === 'session' && this.sink) {
			this.sink.sendInput(bytes);
			return;
		}
		// Ink's own key parser does not understand paste markers; it gets the pasted text alone.
		let plain = Buffer.from(data.split(PASTE_START).join('').split(PASTE_END).join(''), 'latin1').toString('utf8');
		while (plain.length > 0) {
			const key = plain.startsWith('\x1b') ? firstKey(plain) : String.fromCodePoint(plain.codePointAt(0)!);
			this.appKeys.push(key);
			plain = plain.slice(key.length);
		}
		this.pumpAppKeys();
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
