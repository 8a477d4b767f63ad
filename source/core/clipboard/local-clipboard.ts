import {spawn} from 'node:child_process';
import {accessSync, constants} from 'node:fs';
import {delimiter, join} from 'node:path';

/** A program that takes text on stdin and puts it on the desktop's clipboard. */
export interface ClipboardProgram {
	command: string;
	args: string[];
}

/** The most text handed to a clipboard program (a copy of the whole scrollback stays well below). */
export const CLIPBOARD_PROGRAM_MAX_BYTES = 8 * 1024 * 1024;
/** A clipboard program that has not finished by then is stopped (xclip waits for X; nothing must hang on it). */
const PROGRAM_TIMEOUT_MS = 3000;

/**
 * The clipboard program for this desktop, found on PATH: `wl-copy` under Wayland, `xclip` under X11,
 * `pbcopy` on macOS. Undefined when none applies (a server over ssh: OSC 52 is the way there).
 */
export function findClipboardProgram(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): ClipboardProgram | undefined {
	const candidates: ClipboardProgram[] = [];
	if (platform === 'darwin') candidates.push({command: 'pbcopy', args: []});
	if (env.WAYLAND_DISPLAY) candidates.push({command: 'wl-copy', args: []});
	if (env.DISPLAY) candidates.push({command: 'xclip', args: ['-selection', 'clipboard']});
	for (const candidate of candidates) {
		const path = onPath(candidate.command, env.PATH ?? '');
		if (path) return {command: path, args: candidate.args};
	}
	return undefined;
}

function onPath(command: string, path: string): string | undefined {
	for (const dir of path.split(delimiter)) {
		if (!dir) continue;
		const file = join(dir, command);
		try {
			accessSync(file, constants.X_OK);
			return file;
		} catch {
			// Not here.
		}
	}
	return undefined;
}

/**
 * Hands `text` to the program without waiting for it: input never blocks on the clipboard. The result
 * (for the log) says whether it took the text; a program that hangs is killed after a few seconds.
 */
export function copyWithProgram(program: ClipboardProgram, text: string): Promise<{ok: true} | {ok: false; reason: string}> {
	const bytes = Buffer.from(text, 'utf8');
	if (bytes.length > CLIPBOARD_PROGRAM_MAX_BYTES) return Promise.resolve({ok: false, reason: `${bytes.length} bytes is more than ${CLIPBOARD_PROGRAM_MAX_BYTES} (the clipboard program's limit)`});
	return new Promise(resolve => {
		let settled = false;
		const done = (result: {ok: true} | {ok: false; reason: string}) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			resolve(result);
		};
		// Detached stdout/stderr: wl-copy and xclip keep running to serve the selection, and must not hold vmux's pipes.
		const child = spawn(program.command, program.args, {stdio: ['pipe', 'ignore', 'ignore']});
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			done({ok: false, reason: `${program.command} did not finish within ${PROGRAM_TIMEOUT_MS / 1000} s`});
		}, PROGRAM_TIMEOUT_MS);
		timer.unref();
		child.on('error', error => done({ok: false, reason: `${program.command}: ${error.message}`}));
		child.on('exit', code => done(code === 0 ? {ok: true} : {ok: false, reason: `${program.command} exited with status ${code}`}));
		child.stdin.on('error', () => {});
		child.stdin.end(bytes);
	});
}
