import {lstat, mkdir, readdir, stat} from 'node:fs/promises';
import {basename, join} from 'node:path';
import {posix} from 'node:path';
import type {RemoteFs} from './remote-fs.js';
import {describeFileError, FileError} from './sftp-errors.js';

export type TransferDirection = 'upload' | 'download';

/** What one transfer will do: directories to make (parents first) and files to copy. */
export interface TransferPlan {
	dirs: Array<{path: string; mode: number}>;
	files: Array<{source: string; destination: string; size: number}>;
	/** Entries left out (symbolic links and special files inside a tree), by source path. */
	skipped: string[];
	totalBytes: number;
}

/** Remote `path` made absolute against the login directory (SFTP's `.`). */
export async function absoluteRemote(fs: RemoteFs, path: string): Promise<string> {
	if (path.startsWith('/')) return posix.normalize(path);
	const home = await fs.realpath('.');
	return posix.join(home, path === '' || path === '~' ? '.' : path.replace(/^~\//, ''));
}

/**
 * Where `source` lands: like scp, into `destination` when that is an existing directory (under the source's
 * own name), else at `destination` itself.
 */
async function plan(
	direction: TransferDirection,
	fs: RemoteFs,
	source: string,
	destination: string,
	recursive: boolean,
): Promise<TransferPlan> {
	const result: TransferPlan = {dirs: [], files: [], skipped: [], totalBytes: 0};
	if (direction === 'download') {
		const top = await fs.stat(source);
		const into = await localKind(destination);
		const target = into === 'dir' ? join(destination, posix.basename(source)) : destination;
		if (top.kind === 'dir') {
			if (!recursive) throw new FileError(source, 'is a directory', 'copy it with -r');
			await walkRemote(fs, source, target, top.mode, result);
		} else {
			result.files.push({source, destination: target, size: top.size});
			result.totalBytes += top.size;
		}
		return result;
	}
	let top: Awaited<ReturnType<typeof stat>>;
	try {
		top = await stat(source);
	} catch (error) {
		throw describeFileError(error, source);
	}
	const into = await fs.exists(destination);
	const target = into?.kind === 'dir' ? posix.join(destination, basename(source)) : destination;
	if (top.isDirectory()) {
		if (!recursive) throw new FileError(source, 'is a directory', 'copy it with -r');
		await walkLocal(source, target, top.mode, result);
	} else {
		result.files.push({source, destination: target, size: top.size});
		result.totalBytes += top.size;
	}
	return result;
}

async function localKind(path: string): Promise<'dir' | 'file' | undefined> {
	try {
		return (await stat(path)).isDirectory() ? 'dir' : 'file';
	} catch {
		return undefined;
	}
}

async function walkRemote(fs: RemoteFs, dir: string, target: string, mode: number, result: TransferPlan): Promise<void> {
	result.dirs.push({path: target, mode: mode & 0o7777});
	for (const entry of await fs.list(dir)) {
		const source = posix.join(dir, entry.name);
		// A name that could climb out of the target (the server chose it) is never followed.
		if (entry.name.includes('/') || entry.name === '.' || entry.name === '..') {
			result.skipped.push(source);
			continue;
		}
		if (entry.kind === 'dir') await walkRemote(fs, source, join(target, entry.name), entry.mode, result);
		else if (entry.kind === 'file') {
			result.files.push({source, destination: join(target, entry.name), size: entry.size});
			result.totalBytes += entry.size;
		} else result.skipped.push(source);
	}
}

async function walkLocal(dir: string, target: string, mode: number, result: TransferPlan): Promise<void> {
	result.dirs.push({path: target, mode: mode & 0o7777});
	let names: string[];
	try {
		names = (await readdir(dir)).sort();
	} catch (error) {
		throw describeFileError(error, dir);
	}
	for (const name of names) {
		const source = join(dir, name);
		const info = await lstat(source);
		if (info.isDirectory()) await walkLocal(source, posix.join(target, name), info.mode, result);
		else if (info.isFile()) {
			result.files.push({source, destination: posix.join(target, name), size: info.size});
			result.totalBytes += info.size;
		} else result.skipped.push(source);
	}
}

/** Makes the plan's directories (existing ones are kept), on the destination side. */
export async function makeDirs(direction: TransferDirection, fs: RemoteFs, dirs: TransferPlan['dirs']): Promise<void> {
	for (const dir of dirs) {
		if (direction === 'upload') await fs.ensureDir(dir.path, dir.mode | 0o700);
		else {
			try {
				await mkdir(dir.path, {recursive: true, mode: dir.mode | 0o700});
			} catch (error) {
				throw describeFileError(error, dir.path);
			}
		}
	}
}

export {plan as planTransfer};
