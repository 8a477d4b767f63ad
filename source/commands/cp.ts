/**
 * `vmux cp [-r] <profile>:<remote> <local>` and `vmux cp [-r] <local> <profile>:<remote>`: copies files over SFTP
 * on a connection opened through a saved profile (cli-session: the browser's connection, Bastion tunnels, Key
 * Vault secrets, Entra certificates), with the file view's engine (core/files): resume of a partial copy, modes
 * kept, size and sha256sum checks. A progress line on stderr when it is a terminal; quiet otherwise.
 */
import {formatBytes, formatEta, formatRate} from '../core/files/file-format.js';
import {RemoteFs} from '../core/files/remote-fs.js';
import {TransferQueue, type TransferSnapshot} from '../core/files/transfer-queue.js';
import {displayText} from '../core/text/display-text.js';
import {ConnectFailure, openProfileConnection, type CliGlobals, type CliIo} from './cli-session.js';
import {demoProgress, parseVerbArgs} from './verb-args.js';

export const CP_USAGE = `Usage
  vmux cp [-r] <profile>:<remote path> <local path>    download from the VM
  vmux cp [-r] <local path> <profile>:<remote path>    upload to the VM
    <profile>   a profile name, or a VM name (one fuzzy match, as the browser's / filter)
    -r          copy directories recursively
  A relative remote path starts in the login directory; <profile>: alone is that directory.
  An interrupted copy resumes when run again (the partial file is <name>.vmux-part).
`;

export interface CpCommandIo extends CliIo {
	stderr: CliIo['stderr'] & NodeJS.WritableStream & {isTTY?: boolean; columns?: number};
}

/** `web-01:/etc/hosts` -> {profile, path}; a local path (no colon before the first slash) -> undefined. */
export function parseRemoteSpec(arg: string): {profile: string; path: string} | undefined {
	const colon = arg.indexOf(':');
	if (colon <= 0) return undefined;
	const slash = arg.indexOf('/');
	if (slash !== -1 && slash < colon) return undefined;
	return {profile: arg.slice(0, colon), path: arg.slice(colon + 1)};
}

/** The progress line: `↓ name [#####-----] 12 MB/100 MB 8 MB/s ETA 11s`. */
export function progressLine(t: TransferSnapshot, width: number): string {
	const arrow = t.direction === 'upload' ? '↑' : '↓';
	const total = t.bytesTotal ?? 0;
	const tail = ` ${formatBytes(t.bytesDone)}/${t.bytesTotal === undefined ? '?' : formatBytes(total)} ${formatRate(t.rate)} ETA ${formatEta(t.etaSeconds)}`;
	const name = t.label.slice(0, 30);
	const barWidth = Math.max(10, Math.min(40, width - name.length - tail.length - 5));
	const inner = barWidth - 2;
	const full = total > 0 ? Math.round(Math.min(1, t.bytesDone / total) * inner) : 0;
	return `${arrow} ${name} [${'#'.repeat(full)}${'-'.repeat(inner - full)}]${tail}`;
}

/** `argv`: what follows `vmux cp`. Resolves to the exit status (0 copied, 1 the copy failed, 2 usage, 255 no connection). */
export async function runCpCommand(argv: string[], globals: CliGlobals, io: CpCommandIo, options: {signal?: AbortSignal} = {}): Promise<number> {
	const args = parseVerbArgs(argv, io, {verb: 'cp', usage: CP_USAGE, options: {recursive: {type: 'boolean', short: 'r'}}});
	if (args.exit !== undefined) return args.exit;
	if (args.positionals.length !== 2) return args.usage('give a source and a destination, one of them <profile>:<path>.');
	const [first, second] = args.positionals as [string, string];
	const from = parseRemoteSpec(first);
	const to = parseRemoteSpec(second);
	if ((from && to) || (!from && !to)) {
		return args.refuse(
			from
				? 'both paths are on VMs; copy through this machine in two steps.'
				: `neither path names a VM; write the remote one as <profile>:<path>, e.g. vmux cp ${displayText(first)} web-01:${displayText(second)}`,
		);
	}
	const remote = (from ?? to)!;
	const direction = from ? 'download' : 'upload';
	const localPath = from ? second : first;
	if (remote.profile.trim() === '') return args.refuse('the profile before ":" is empty.');
	const tty = io.stderr.isTTY === true;
	let connection;
	try {
		connection = await openProfileConnection({
			globals,
			target: remote.profile,
			io,
			...(options.signal ? {signal: options.signal} : {}),
			...demoProgress(globals, io.stderr),
		});
	} catch (error) {
		io.stderr.write(`vmux cp: ${error instanceof ConnectFailure ? error.message : displayText(String((error as Error).message ?? error))}\n`);
		return error instanceof ConnectFailure ? error.exitCode : 255;
	}
	let fs: RemoteFs | undefined;
	try {
		fs = await RemoteFs.open(connection.client);
		const queue = new TransferQueue(fs, {concurrency: 1, progressIntervalMs: tty ? 200 : 1000});
		const width = () => Math.max(40, (io.stderr.columns ?? 80) - 1);
		if (tty) {
			queue.on('change', () => {
				const t = queue.list()[0];
				if (t?.state === 'running' && t.bytesTotal !== undefined) io.stderr.write(`\r\x1b[K${progressLine(t, width())}`);
			});
		}
		const added = queue.add({direction, localPath, remotePath: remote.path === '' ? '.' : remote.path, recursive: args.values.recursive === true});
		const onAbort = () => queue.cancel(added.id);
		// Ctrl-C may have come while connecting: cancel at once then.
		if (options.signal?.aborted) onAbort();
		else options.signal?.addEventListener('abort', onAbort, {once: true});
		const result = await added.done;
		options.signal?.removeEventListener('abort', onAbort);
		if (tty) io.stderr.write('\r\x1b[K');
		if (result.state === 'done') {
			if (tty) {
				const files = result.filesDone === 1 ? '' : ` in ${result.filesDone} files`;
				const check = result.verified === 'sha256' ? 'size and sha256 checked' : 'size checked';
				const resumed = result.resumedBytes > 0 ? `, resumed at ${formatBytes(result.resumedBytes)}` : '';
				io.stderr.write(`${direction === 'upload' ? '↑' : '↓'} ${result.label}: ${formatBytes(result.bytesDone)}${files} (${check}${resumed})\n`);
			}
			for (const skipped of result.skipped) io.stderr.write(`vmux cp: skipped ${skipped} (not a regular file or directory)\n`);
			return 0;
		}
		if (result.state === 'cancelled') {
			io.stderr.write(`vmux cp: cancelled; run the same command again to resume ${result.label}.\n`);
			return 130;
		}
		io.stderr.write(`vmux cp: ${result.error ?? 'the copy failed.'}\n`);
		return 1;
	} catch (error) {
		io.stderr.write(`vmux cp: ${displayText((error as Error).message)}\n`);
		return 1;
	} finally {
		fs?.close();
		await connection.close();
	}
}
