import type {Writable} from 'node:stream';
import {keyNameOfInput, type KeyTable} from '../../core/commands/key-spec.js';
import {PASTE_END, PASTE_START} from '../../core/terminal/input.js';
import {isPartialMouseReport, matchMouseReport, nextMouseReportAt, type MouseEvent} from '../../core/terminal/mouse.js';

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
	/** The key table plain keys are offered to before the views see them (undefined: straight to the views). */
	plainKeys: KeyTable | undefined;
	/**
	 * Broadcast (`prefix b`): sessions that get a copy of every byte `inputSession` gets, typed or pasted,
	 * in this order, right after it. Never the prefix or a command key.
	 */
	broadcastTo?: readonly KeystrokeSink[];
}

/** Where keys that name commands go (app/commands' dispatcher, reading the command table). */
export interface KeyCommands {
	/** The key typed after the prefix, by name (`c`, `C-b`, `Up`; see core/commands/key-spec). */
	prefixKey(key: string): void;
	/** A plain key, looked up in the table the focus names (`root` while the VM list has the keyboard): true when a command took it. */
	plainKey(table: KeyTable, key: string): boolean;
}

/** Where the user's mouse goes (app/mouse's flow): every complete SGR report read from stdin, parsed. */
export type MouseHandler = (event: MouseEvent) => void;

const MOUSE_REPORT_START = '\x1b[<';
/** A terminal without SGR mouse mode sends the old X10 reports instead (core/terminal/mouse). */
const X10_REPORT_START = '\x1b[M';
/**
 * How long the start of a mouse report cut off at the end of a read waits for its rest. Terminals write a
 * report in one go, so the rest is normally in the next read; if it never comes the bytes were typed.
 */
const PARTIAL_REPORT_WAIT_MS = 50;

const APP_ONLY: RouteTarget = {inputSession: undefined, prefixInAppMode: true, plainKeys: undefined};
const NOBODY: readonly KeystrokeSink[] = [];
const NO_COMMANDS: KeyCommands = {prefixKey: () => {}, plainKey: () => false};

/**
 * The one place raw stdin is read and split into keys. While a session has the keyboard every byte goes to
 * it except the prefix key, whose following key is looked up in the command table; otherwise keys go to the
 * command table first when the focus names a table for plain keys (the VM list's), and the rest to Ink
 * (dialogs, text fields, views' own navigation), still watching for the prefix so session switching works from anywhere.
 * Bytes inside a bracketed paste are never taken as a prefix or a command.
 *
 * Mouse reports (once `mouseTo` names a handler) go to the handler whole, wherever they arrive: between typed
 * keys, while the prefix waits for its command key (a click cancels nothing), never inside a paste; they are
 * never typed into a session nor handed to Ink.
 *
 * The target is not stored here: it is asked of `target()` before every run of bytes, so a command that
 * switches sessions (`Ctrl-b p`) sends the rest of the same chunk to the session it switched to, and a
 * key the views act on (a digit in the session picker) sends the keys after it to the session it chose.
 */
export class InputRouter {
	private target: () => RouteTarget = () => APP_ONLY;
	private commands: KeyCommands = NO_COMMANDS;
	/** Typed bytes not routed yet (latin1, one char per byte): waits while the views digest a key. */
	private backlog = '';
	private awaitingCommand = false;
	/** The session that had the keyboard when the prefix was typed: a different one cancels the prefix. */
	private prefixSession: KeystrokeSink | undefined;
	private inPaste = false;
	/** A key was handed to the views and React has not rendered since: the next byte waits for it. */
	private viewsBusy = false;
	private mouse: MouseHandler | undefined;
	/** The start of a mouse report at the end of the backlog, waiting for its rest (see PARTIAL_REPORT_WAIT_MS). */
	private partialTimer: NodeJS.Timeout | undefined;
	/** The wait is over: what looked like the start of a report is typed bytes. */
	private partialExpired = false;

	constructor(
		private readonly appInput: Writable,
		private readonly prefixByte: number,
	) {}

	/** Reads where keys go from this function from now on (the app's FocusSource). */
	follow(target: () => RouteTarget): void {
		this.target = target;
	}

	/** Sends command keys here from now on (the app's command dispatcher). */
	dispatchTo(commands: KeyCommands): void {
		this.commands = commands;
	}

	/** Sends mouse reports here from now on (undefined: mouse reports are not recognised, as before the mouse). */
	mouseTo(handler: MouseHandler | undefined): void {
		this.mouse = handler;
	}

	get prefixPending(): boolean {
		return this.awaitingCommand;
	}

	feed(chunk: Buffer): void {
		if (this.backlog.length === 0 && this.typedText(chunk)) return;
		this.backlog += chunk.toString('latin1');
		if (this.partialTimer) {
			clearTimeout(this.partialTimer);
			this.partialTimer = undefined;
		}
		this.drain();
	}

	/**
	 * The common case, kept short since every echoed key takes it: plain typed bytes (no prefix, no escape
	 * sequence, so no paste marker or mouse report either) while a session has the keyboard go to it as they
	 * are, without the backlog. False when the chunk needs the full routing of `drain`.
	 */
	private typedText(chunk: Buffer): boolean {
		if (this.awaitingCommand || this.inPaste || this.viewsBusy) return false;
		if (chunk.includes(0x1b) || chunk.includes(this.prefixByte)) return false;
		const target = this.target();
		const session = target.inputSession;
		if (!session) return false;
		session.sendInput(chunk);
		// Each receiver gets its own buffer: a session may keep it (type-ahead) while the next is written.
		for (const copy of target.broadcastTo ?? NOBODY) if (copy !== session) copy.sendInput(Buffer.from(chunk));
		return true;
	}

	/** Stops waiting for the rest of a cut mouse report (the app is closing). */
	dispose(): void {
		clearTimeout(this.partialTimer);
		this.partialTimer = undefined;
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
			const copies = session ? (target.broadcastTo ?? NOBODY) : NOBODY;
			if (this.awaitingCommand && session !== this.prefixSession) {
				// A dialog or another view took the keyboard between the prefix and this key (a host-key
				// question from a reconnect): the key belongs to it, not to a command.
				this.awaitingCommand = false;
			}
			if (this.mouse && !this.inPaste && (this.backlog.startsWith(MOUSE_REPORT_START) || this.backlog.startsWith(X10_REPORT_START))) {
				const report = matchMouseReport(this.backlog);
				if (report.length > 0) {
					this.take(report.length);
					if (report.event) this.mouse(report.event);
					// A click that focused another pane keeps the prefix pending, for the pane it focused.
					if (this.awaitingCommand) this.prefixSession = this.target().inputSession;
					this.afterCommand();
					continue;
				}
				if (isPartialMouseReport(this.backlog) && !this.partialExpired) {
					this.partialTimer ??= setTimeout(() => {
						this.partialTimer = undefined;
						this.partialExpired = true;
						this.drain();
						this.partialExpired = false;
					}, PARTIAL_REPORT_WAIT_MS);
					return;
				}
			}
			if (this.awaitingCommand) {
				this.awaitingCommand = false;
				const name = keyNameOfInput(this.take(firstKey(this.backlog).length));
				// The prefix typed twice is a command too (send-prefix), so it can be rebound like the others.
				if (name) this.commands.prefixKey(name);
				this.afterCommand();
				continue;
			}
			if (this.inPaste) {
				const end = this.backlog.indexOf(PASTE_END);
				if (end === 0) {
					this.inPaste = false;
					this.deliver(session, this.take(PASTE_END.length), copies);
					continue;
				}
				// Pasted text up to the end marker: all of it for a session, one key at a time for the views.
				const run = end === -1 ? this.backlog.length : end;
				this.deliver(session, this.take(session ? run : Math.min(run, firstKey(this.backlog).length)), copies);
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
				this.deliver(session, this.take(PASTE_START.length), copies);
				continue;
			}
			if (!session) {
				const key = this.take(firstKey(this.backlog).length);
				const name = target.plainKeys ? keyNameOfInput(key) : undefined;
				if (name && this.commands.plainKey(target.plainKeys!, name)) this.afterCommand();
				else this.deliver(undefined, key);
				continue;
			}
			// A session takes everything up to the next prefix, paste or mouse report.
			const prefixAt = intercept ? this.backlog.indexOf(String.fromCharCode(this.prefixByte)) : -1;
			const pasteAt = this.backlog.indexOf(PASTE_START);
			const mouseAt = this.mouse ? nextMouseReportAt(this.backlog, 1) : -1;
			const stops = [prefixAt, pasteAt, mouseAt].filter(at => at > 0);
			this.deliver(session, this.take(stops.length > 0 ? Math.min(...stops) : this.backlog.length), copies);
		}
	}

	private deliver(session: KeystrokeSink | undefined, raw: string, copies: readonly KeystrokeSink[] = NOBODY): void {
		if (session) {
			session.sendInput(Buffer.from(raw, 'latin1'));
			// Each receiver gets its own buffer: a session may keep it (type-ahead) while the next is written.
			for (const copy of copies) if (copy !== session) copy.sendInput(Buffer.from(raw, 'latin1'));
			return;
		}
		// Ink's own key parser does not understand paste markers; it gets the pasted text alone.
		if (raw === PASTE_START || raw === PASTE_END) return;
		this.appInput.write(Buffer.from(raw, 'latin1').toString('utf8'));
		this.waitForRender();
	}

	/**
	 * A command ran: when the views have the keyboard next, the next key waits for React to draw what the
	 * command opened (a dialog's or a view's key handler exists only once it is drawn). A session takes the
	 * next bytes at once (`Ctrl-b p` then a tag, in one read).
	 */
	private afterCommand(): void {
		if (this.target().inputSession === undefined) this.waitForRender();
	}

	private waitForRender(): void {
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
