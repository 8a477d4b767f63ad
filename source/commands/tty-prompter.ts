import type {HostKeyDecision, Prompter} from '../core/session/types.js';
import {displayText} from '../core/text/display-text.js';

/**
 * The CLI verbs' answers to the core's questions (host key, password, passphrase, device-code sign-in): on the
 * terminal when stdin and stderr are one (the way OpenSSH asks), one question at a time (`vmux exec` connects to
 * several VMs at once); without a terminal every question is declined at once, so a script fails fast with the
 * connection's sentence instead of hanging on a prompt nobody sees.
 */

export interface TtyLike {
	isTTY?: boolean;
	setRawMode?(mode: boolean): unknown;
	isRaw?: boolean;
	on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
	resume(): unknown;
	pause(): unknown;
}

export interface TtyPrompterIo {
	stdin: TtyLike;
	stderr: {isTTY?: boolean; write(text: string): unknown};
}

export interface CliPrompter extends Prompter {
	/** Whether a person can answer (stdin and stderr are a terminal). */
	readonly interactive: boolean;
	/**
	 * How many questions were put to the user so far. A connection whose handshake timed out while questions were
	 * asked (they queue, one at a time) waited for the user, not for the network: `vmux exec` tries it again.
	 */
	readonly questionsAsked: number;
}

/** Longest answer read from the terminal: a paste of a whole file into a password prompt stops here. */
const MAX_ANSWER = 4096;

export function ttyPrompter(io: TtyPrompterIo): CliPrompter {
	const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY);
	let queue: Promise<unknown> = Promise.resolve();
	/** One question at a time: the next waits until the one before is answered. */
	const serial = <T>(ask: () => Promise<T>): Promise<T> => {
		const next = queue.then(ask, ask);
		queue = next.catch(() => {});
		return next;
	};
	const say = (text: string) => io.stderr.write(text);
	let asked = 0;
	return {
		interactive,
		get questionsAsked() {
			return asked;
		},
		confirmUnknownHostKey: info =>
			interactive
				? serial(async (): Promise<HostKeyDecision> => {
						asked += 1;
						const where = info.port === 22 ? info.host : `[${info.host}]:${info.port}`;
						say(`The authenticity of host '${displayText(where)}' can't be established.\n${info.keyType} key fingerprint is ${info.fingerprint}.\n`);
						for (;;) {
							const answer = await readLine(io, 'Are you sure you want to continue connecting (yes = and save it / once / no)? ', false);
							if (answer === undefined) return 'reject';
							const word = answer.trim().toLowerCase();
							if (word === 'yes' || word === 'y') return 'accept-save';
							if (word === 'once') return 'accept-once';
							if (word === 'no' || word === 'n' || word === '') return 'reject';
							say(`Please type 'yes', 'once' or 'no'.\n`);
						}
					})
				: Promise.resolve('reject'),
		askSecret: request =>
			interactive
				? serial(async () => {
						asked += 1;
						say(`${displayText(request.title)}\n`);
						return readLine(io, `${displayText(request.prompt)} `, true);
					})
				: Promise.resolve(undefined),
		showSignIn: (prompt, onCancel) => {
			if (!interactive) {
				queueMicrotask(onCancel);
				return () => {};
			}
			asked += 1;
			// After any question on screen, not in the middle of it.
			void serial(async () => say(`${displayText(prompt.message || `To sign in, open ${prompt.url} and enter the code ${prompt.code}.`)}\nWaiting for the sign-in (Ctrl-C cancels)…\n`));
			return () => {};
		},
	};
}

/**
 * Reads one line from the terminal in raw mode: echoed, or not at all for secrets (like OpenSSH); Backspace edits,
 * Enter ends, Ctrl-C / Ctrl-D (on an empty line) / Esc cancel (undefined). The terminal mode is put back after.
 */
function readLine(io: TtyPrompterIo, prompt: string, secret: boolean): Promise<string | undefined> {
	const {stdin} = io;
	io.stderr.write(prompt);
	return new Promise(resolve => {
		const wasRaw = stdin.isRaw === true;
		stdin.setRawMode?.(true);
		let answer = '';
		const finish = (value: string | undefined) => {
			stdin.off('data', onData);
			stdin.setRawMode?.(wasRaw);
			stdin.pause();
			io.stderr.write('\n');
			resolve(value);
		};
		const onData = (chunk: Buffer | string) => {
			for (const char of chunk.toString()) {
				if (char === '\r' || char === '\n') return finish(answer);
				if (char === '\x03' || char === '\x1b' || (char === '\x04' && answer === '')) return finish(undefined);
				if (char === '\x7f' || char === '\b') {
					if (answer.length > 0) {
						answer = answer.slice(0, -1);
						if (!secret) io.stderr.write('\b \b');
					}
					continue;
				}
				if (char === '\x15') {
					if (!secret) io.stderr.write('\b \b'.repeat(answer.length));
					answer = '';
					continue;
				}
				if (char < ' ' || answer.length >= MAX_ANSWER) continue;
				answer += char;
				if (!secret) io.stderr.write(displayText(char));
			}
		};
		stdin.on('data', onData);
		stdin.resume();
	});
}
