import {posix} from 'node:path';
import type {Client, FileEntryWithStats, SFTPWrapper, Stats} from 'ssh2';
import {displayText} from '../text/display-text.js';
import {describeFileError, FileError, SFTP_STATUS} from './sftp-errors.js';
import {channelOpen} from './sftp-io.js';

/** One entry of a remote directory listing. `name` is as the server sent it; `label` is safe to draw. */
export interface RemoteEntry {
	name: string;
	label: string;
	size: number;
	/** Full POSIX mode, type bits included. */
	mode: number;
	/** Seconds since the epoch. */
	mtime: number;
	kind: 'dir' | 'file' | 'link' | 'other';
}

export interface RemoteStat {
	size: number;
	mode: number;
	mtime: number;
	kind: RemoteEntry['kind'];
}

function kindOf(stats: Pick<Stats, 'isDirectory' | 'isFile' | 'isSymbolicLink'>): RemoteEntry['kind'] {
	if (stats.isDirectory()) return 'dir';
	if (stats.isFile()) return 'file';
	if (stats.isSymbolicLink()) return 'link';
	return 'other';
}

function toStat(stats: Stats): RemoteStat {
	return {size: stats.size, mode: stats.mode, mtime: stats.mtime, kind: kindOf(stats)};
}

/**
 * The remote file system through one SFTP channel on an already authenticated ssh2 Client: the channel is
 * multiplexed on the session's connection, so opening it needs no new login. Every method throws a
 * FileError that names the path and the reason.
 */
export class RemoteFs {
	private closed = false;

	private constructor(
		readonly sftp: SFTPWrapper,
		readonly client: Client,
	) {
		sftp.on('close', () => {
			this.closed = true;
		});
		sftp.on('error', () => {});
	}

	static open(client: Client): Promise<RemoteFs> {
		return new Promise((resolve, reject) => {
			client.sftp((error, sftp) => {
				if (error) reject(new FileError('sftp', 'failed', `the server refused the SFTP subsystem: ${error.message}`));
				else resolve(new RemoteFs(sftp, client));
			});
		});
	}

	get isClosed(): boolean {
		return this.closed || !channelOpen(this.sftp);
	}

	close(): void {
		this.closed = true;
		this.sftp.end();
	}

	private call<T>(path: string, run: (cb: (error: Error | undefined | null, value: T) => void) => void): Promise<T> {
		if (this.isClosed) return Promise.reject(new FileError(path, 'connection lost'));
		return new Promise((resolve, reject) => {
			run((error, value) => (error ? reject(describeFileError(error, path)) : resolve(value)));
		});
	}

	/** The absolute form of `path` (`.` is the login directory). */
	realpath(path: string): Promise<string> {
		return this.call(path, cb => this.sftp.realpath(path, cb));
	}

	stat(path: string): Promise<RemoteStat> {
		return this.call<Stats>(path, cb => this.sftp.stat(path, cb)).then(toStat);
	}

	lstat(path: string): Promise<RemoteStat> {
		return this.call<Stats>(path, cb => this.sftp.lstat(path, cb)).then(toStat);
	}

	/** Whether `path` exists (a missing file is false; every other error is thrown). */
	async exists(path: string): Promise<RemoteStat | undefined> {
		try {
			return await this.stat(path);
		} catch (error) {
			if (error instanceof FileError && error.reason === 'no such file or directory') return undefined;
			throw error;
		}
	}

	/** The directory's entries without `.` and `..`, directories first, then by name. */
	async list(dir: string): Promise<RemoteEntry[]> {
		const raw = await this.call<FileEntryWithStats[]>(dir, cb => this.sftp.readdir(dir, cb));
		const entries = raw
			.filter(entry => entry.filename !== '.' && entry.filename !== '..')
			.map(entry => ({
				name: entry.filename,
				label: displayText(entry.filename),
				size: entry.attrs.size,
				mode: entry.attrs.mode,
				mtime: entry.attrs.mtime,
				kind: kindOf(entry.attrs),
			}));
		return entries.sort((a, b) => Number(b.kind === 'dir') - Number(a.kind === 'dir') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	}

	mkdir(path: string, mode = 0o755): Promise<void> {
		return this.call(path, cb => this.sftp.mkdir(path, {mode}, error => cb(error, undefined)));
	}

	/** mkdir that accepts an existing directory (`mkdir -p` for one level). */
	async ensureDir(path: string, mode = 0o755): Promise<void> {
		const existing = await this.exists(path);
		if (existing?.kind === 'dir') return;
		if (existing) throw new FileError(path, 'not a directory');
		await this.mkdir(path, mode);
	}

	chmod(path: string, mode: number): Promise<void> {
		return this.call(path, cb => this.sftp.chmod(path, mode & 0o7777, error => cb(error, undefined)));
	}

	/**
	 * Renames `from` to `to`. With `replace`, an existing `to` is replaced atomically where the server offers
	 * posix-rename@openssh.com (plain SFTP v3 rename refuses an existing target).
	 */
	async rename(from: string, to: string, options: {replace?: boolean} = {}): Promise<void> {
		if (options.replace) {
			try {
				await this.call(from, cb => this.sftp.ext_openssh_rename(from, to, error => cb(error, undefined)));
				return;
			} catch {
				// No extension: remove the target first, then rename.
				if (await this.exists(to)) await this.unlink(to);
			}
		} else if (await this.exists(to)) {
			throw new FileError(to, 'already exists');
		}
		await this.call(from, cb => this.sftp.rename(from, to, error => cb(error, undefined)));
	}

	unlink(path: string): Promise<void> {
		return this.call(path, cb => this.sftp.unlink(path, error => cb(error, undefined)));
	}

	rmdir(path: string): Promise<void> {
		return this.call(path, cb => this.sftp.rmdir(path, error => cb(error, undefined)));
	}

	/** Deletes a file, a link, or a directory with everything in it (links are removed, never followed). */
	async remove(path: string): Promise<void> {
		const stat = await this.lstat(path);
		if (stat.kind !== 'dir') return this.unlink(path);
		for (const entry of await this.list(path)) await this.remove(posix.join(path, entry.name));
		await this.rmdir(path);
	}

	/** Free bytes for an unprivileged user on the file system holding `path`, when the server can tell. */
	async freeBytes(path: string): Promise<number | undefined> {
		try {
			// ssh2 names the fields as statvfs(3) does.
			const info = await this.call<{f_bavail: number | bigint; f_frsize: number | bigint}>(path, cb => this.sftp.ext_openssh_statvfs(path, cb));
			const free = Number(info.f_bavail) * Number(info.f_frsize);
			return Number.isFinite(free) ? free : undefined;
		} catch {
			return undefined;
		}
	}
}

export {SFTP_STATUS};
