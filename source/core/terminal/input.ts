/**
 * The user's keystrokes -> bytes for the remote, adjusted to the modes the remote asked for.
 *
 * vmux owns the user's terminal, so what arrives on stdin follows vmux's settings, not the remote's:
 * cursor keys come in normal mode (`ESC[A`) and pastes always come bracketed (vmux turns bracketed
 * paste on). The remote may want application cursor keys (`ESC O A`) or no paste brackets at all.
 *
 * Bytes are handled as latin1 strings so that any input, valid UTF-8 or not, passes byte for byte.
 */

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

export interface InputModes {
	applicationCursorKeys: boolean;
	bracketedPasteMode: boolean;
}

// Only the unmodified forms: `ESC[1;5A` (Ctrl-Up) keeps its meaning in both modes.
const NORMAL_CURSOR_KEY = /\x1b\[([ABCDHF])/g;

/** Rewrites unmodified cursor keys and Home/End for application cursor mode. */
export function translateCursorKeys(keys: string, applicationCursorKeys: boolean): string {
	if (!applicationCursorKeys || !keys.includes('\x1b[')) return keys;
	return keys.replace(NORMAL_CURSOR_KEY, '\x1bO$1');
}

/** What the remote should receive for pasted `text`. */
export function pasteForRemote(text: string, bracketedPasteMode: boolean): string {
	return bracketedPasteMode ? PASTE_START + text + PASTE_END : text;
}

/**
 * Length of the longest proper prefix of `marker`, at least `minLength` long, that `data` ends
 * with: the part of a marker that a chunk boundary may have cut off.
 */
export function partialMarkerLength(data: string, marker: string, minLength = 1): number {
	for (let length = Math.min(marker.length - 1, data.length); length >= minLength; length--) {
		if (data.endsWith(marker.slice(0, length))) return length;
	}
	return 0;
}

// Outside a paste a trailing lone `ESC` or `ESC[` is far more likely a key (Escape, Alt-[) than a
// cut marker, and holding it back would stall that key until the next one; `ESC[2` and longer are
// incomplete sequences anyway, so holding those costs nothing.
const MIN_HELD_OUTSIDE_PASTE = 3;

function unheldMarkerStart(keys: string): string {
	if (keys.endsWith('\x1b[')) return '\x1b[';
	return keys.endsWith('\x1b') ? '\x1b' : '';
}

export function toBinaryString(chunk: Uint8Array | string): string {
	const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * Stateful stdin -> remote translator: remembers whether a paste is open and holds back a paste
 * marker cut by a chunk boundary until the rest arrives.
 */
export class InputTranslator {
	private held = '';
	private inPaste = false;
	// Decided at the paste's start so a paste is never left with an opening bracket and no closing one.
	private pasteBracketed = false;
	// A trailing `ESC` or `ESC[` sent on at once (see MIN_HELD_OUTSIDE_PASTE), in case it began a marker.
	private sentTail = '';

	/** True between a paste's start and end markers. */
	get pasting(): boolean {
		return this.inPaste;
	}

	/** Bytes held back waiting for the rest of a possible marker. */
	get heldBytes(): number {
		return this.held.length;
	}

	translate(chunk: Uint8Array | string, modes: InputModes): Buffer {
		// Typed text (no ESC, so no cursor key or paste marker) outside a paste, with nothing held back, goes
		// through as it is: the path of every echoed key, kept short.
		if (this.held === '' && this.sentTail === '' && !this.inPaste && typeof chunk !== 'string' && !chunk.includes(0x1b)) {
			return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		}
		const data = this.held + toBinaryString(chunk);
		this.held = '';
		let out = '';
		let at = 0;
		const sentTail = this.sentTail;
		this.sentTail = '';
		const rest = PASTE_START.slice(sentTail.length);
		if (sentTail && data.startsWith(rest)) {
			// The previous chunk ended in `ESC` or `ESC[` and this one completes a start marker. The
			// first bytes are already on their way, so complete the marker and its pair as sent: an
			// unknown but well-formed sequence is safer for a remote than a stray Escape before text.
			this.inPaste = true;
			this.pasteBracketed = true;
			out += rest;
			at = rest.length;
		} else if (sentTail && rest.startsWith(data)) {
			// Still possibly a marker: hold what is an incomplete sequence anyway, send the rest on.
			this.sentTail = sentTail;
			if (sentTail.length + data.length >= MIN_HELD_OUTSIDE_PASTE) {
				this.held = data;
				return Buffer.alloc(0);
			}
			this.sentTail += data;
			return Buffer.from(data, 'latin1');
		}
		while (at < data.length) {
			if (this.inPaste) {
				const end = data.indexOf(PASTE_END, at);
				if (end < 0) {
					const cut = partialMarkerLength(data, PASTE_END);
					out += data.slice(at, data.length - cut);
					this.held = data.slice(data.length - cut);
					break;
				}
				out += data.slice(at, end);
				if (this.pasteBracketed) out += PASTE_END;
				this.inPaste = false;
				at = end + PASTE_END.length;
				continue;
			}
			const start = data.indexOf(PASTE_START, at);
			// An end marker without a start (its start was cut off where it could not be held) is
			// dropped like any other bracket the remote did not ask for.
			const strayEnd = data.indexOf(PASTE_END, at);
			const next = start < 0 ? strayEnd : strayEnd < 0 ? start : Math.min(start, strayEnd);
			if (next < 0) {
				const cut = Math.max(
					partialMarkerLength(data, PASTE_START, MIN_HELD_OUTSIDE_PASTE),
					partialMarkerLength(data, PASTE_END, MIN_HELD_OUTSIDE_PASTE),
				);
				const keys = data.slice(at, data.length - cut);
				out += translateCursorKeys(keys, modes.applicationCursorKeys);
				this.held = data.slice(data.length - cut);
				if (cut === 0) this.sentTail = unheldMarkerStart(keys);
				break;
			}
			out += translateCursorKeys(data.slice(at, next), modes.applicationCursorKeys);
			if (next === start) {
				this.inPaste = true;
				this.pasteBracketed = modes.bracketedPasteMode;
				if (this.pasteBracketed) out += PASTE_START;
			} else if (modes.bracketedPasteMode) {
				out += PASTE_END;
			}
			at = next + PASTE_START.length;
		}
		return Buffer.from(out, 'latin1');
	}

	/** Releases held bytes unchanged (e.g. when input goes quiet or focus moves to another pane). */
	flush(): Buffer {
		const held = this.held;
		this.held = '';
		this.sentTail = '';
		return Buffer.from(held, 'latin1');
	}

	/** Forgets any open paste and held bytes. */
	reset(): void {
		this.held = '';
		this.inPaste = false;
		this.pasteBracketed = false;
		this.sentTail = '';
	}
}
