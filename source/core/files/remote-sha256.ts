import type {Client} from 'ssh2';

/** A POSIX shell single-quoted word: nothing in `text` is interpreted by the remote shell. */
export function shellQuote(text: string): string {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Exit status the command below uses for "sha256sum is not installed" (the shell's own for not found). */
const NOT_INSTALLED = 127;
/** The output of one sha256sum line is 64 hex digits, a space, a mode char and the name: never more than this. */
const MAX_OUTPUT = 64 * 1024;

/**
 * The SHA-256 of the remote file, computed on the VM by `sha256sum` over an exec channel on the same
 * connection; `undefined` when the VM has no sha256sum (the transfer then checks the size only).
 * Throws when the command ran and failed (unreadable file) or the channel could not be opened.
 */
export function remoteSha256(client: Client, absolutePath: string, signal?: AbortSignal, timeoutMs = 120_000): Promise<string | undefined> {
	const command = `command -v sha256sum >/dev/null 2>&1 || exit ${NOT_INSTALLED}; exec sha256sum -b -- ${shellQuote(absolutePath)}`;
	return new Promise((resolve, reject) => {
		client.exec(command, (error, channel) => {
			if (error) return reject(error);
			let out = '';
			let err = '';
			const timer = setTimeout(() => finish(new Error(`sha256sum did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
			const onAbort = () => finish(Object.assign(new Error('cancelled'), {name: 'AbortError'}));
			signal?.addEventListener('abort', onAbort, {once: true});
			let done = false;
			function finish(failure?: Error, value?: string): void {
				if (done) return;
				done = true;
				clearTimeout(timer);
				signal?.removeEventListener('abort', onAbort);
				if (failure) {
					channel.close();
					reject(failure);
				} else resolve(value);
			}
			channel.on('data', (chunk: Buffer) => {
				if (out.length < MAX_OUTPUT) out += chunk.toString('utf8');
			});
			channel.stderr.on('data', (chunk: Buffer) => {
				if (err.length < MAX_OUTPUT) err += chunk.toString('utf8');
			});
			let code: number | null | undefined;
			channel.on('exit', (status: number | null) => {
				code = status;
			});
			channel.on('close', () => {
				if (code === undefined) return finish(new Error('the channel closed before sha256sum finished'));
				if (code === NOT_INSTALLED) return finish(undefined, undefined);
				const match = /^\\?([0-9a-f]{64})\b/.exec(out);
				if (code === 0 && match) return finish(undefined, match[1]);
				finish(new Error(err.trim().split('\n')[0] || `sha256sum exited with status ${code}`));
			});
		});
	});
}
