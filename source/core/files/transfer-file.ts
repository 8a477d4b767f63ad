import {createHash, type Hash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {chmod, open, rename, stat, unlink, utimes} from 'node:fs/promises';
import type {RemoteFs} from './remote-fs.js';
import {remoteSha256} from './remote-sha256.js';
import {describeFileError, FileError} from './sftp-errors.js';
import {abortError, DEFAULT_PIPELINE, pipelinedRead, pipelinedWrite, sftpClose, sftpOpen} from './sftp-io.js';

/** The suffix of a partial file; a later transfer of the same file resumes from its size. */
export const PART_SUFFIX = '.vmux-part';

export interface FileTransferOptions {
	fs: RemoteFs;
	signal: AbortSignal;
	/** Called with each batch of bytes moved (resumed bytes are reported once, at the start). */
	onBytes?: (bytes: number) => void;
	concurrency?: number;
	chunkSize?: number;
	/** Compare with `sha256sum` on the VM when it has one (default true). */
	checksum?: boolean;
}

export interface FileTransferResult {
	bytes: number;
	/** Bytes that were already there from an earlier, interrupted transfer. */
	resumedFrom: number;
	/** How the copy was checked: the size always, the SHA-256 when the VM has sha256sum. */
	verified: 'sha256' | 'size';
}

/** Hashes the first `length` bytes of a local file (the part an earlier transfer already wrote). */
async function hashPrefix(hash: Hash, path: string, length: number): Promise<void> {
	if (length === 0) return;
	for await (const chunk of createReadStream(path, {start: 0, end: length - 1})) hash.update(chunk as Buffer);
}

async function localStat(path: string) {
	try {
		return await stat(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

/**
 * Checks the copy against the source hash with sha256sum on the VM; 'size' when the VM has no sha256sum.
 * A mismatch throws.
 */
async function verifyChecksum(options: FileTransferOptions, remotePath: string, localHex: string, shown: string): Promise<'sha256' | 'size'> {
	if (options.checksum === false) return 'size';
	const remoteHex = await remoteSha256(options.fs.client, remotePath, options.signal);
	if (remoteHex === undefined) return 'size';
	if (remoteHex !== localHex) throw new FileError(shown, 'checksum mismatch', `local sha256 ${localHex.slice(0, 12)}…, remote ${remoteHex.slice(0, 12)}…`);
	return 'sha256';
}

/**
 * Downloads one remote file to `localPath`. Bytes go to `localPath.vmux-part` first; a cancelled or failed
 * download keeps it with the remote file's mtime, so the next download resumes from its size when the
 * remote file still has that mtime and is at least that long. The finished file gets the remote mode.
 */
export async function downloadFile(remotePath: string, localPath: string, options: FileTransferOptions): Promise<FileTransferResult> {
	return withFreshRetry(resume => downloadOnce(remotePath, localPath, options, resume), options);
}

/** Thrown when a resumed copy fails its checksum: the kept part was not what it seemed, so start again from 0. */
class ResumedCopyMismatch extends Error {
	constructor(readonly countedBytes: number) {
		super('resumed copy mismatch');
	}
}

async function withFreshRetry(run: (resume: boolean) => Promise<FileTransferResult>, options: FileTransferOptions): Promise<FileTransferResult> {
	try {
		return await run(true);
	} catch (error) {
		if (!(error instanceof ResumedCopyMismatch)) throw error;
		// The progress already counted the resumed bytes and the copied ones: count them back.
		options.onBytes?.(-error.countedBytes);
		return run(false);
	}
}

async function downloadOnce(remotePath: string, localPath: string, options: FileTransferOptions, resume: boolean): Promise<FileTransferResult> {
	const {fs, signal} = options;
	const source = await fs.stat(remotePath);
	if (source.kind === 'dir') throw new FileError(remotePath, 'is a directory', 'use a recursive copy');
	const part = localPath + PART_SUFFIX;
	const existing = await localStat(part).catch(() => undefined);
	// Resume only from a partial of this very version of the remote file.
	const start = resume && existing?.isFile() && Math.floor(existing.mtimeMs / 1000) === source.mtime && existing.size <= source.size ? existing.size : 0;
	const hash = createHash('sha256');
	let shown = localPath;
	let local: Awaited<ReturnType<typeof open>> | undefined;
	let handle: Buffer | undefined;
	let keepPart = true;
	try {
		if (signal.aborted) throw abortError();
		local = await open(part, start > 0 ? 'r+' : 'w', 0o600);
		await hashPrefix(hash, part, start);
		if (start > 0) options.onBytes?.(start);
		shown = remotePath;
		handle = await sftpOpen(fs.sftp, remotePath, 'r');
		let position = start;
		const file = local;
		await pipelinedRead(
			fs.sftp,
			handle,
			start,
			source.size,
			async chunk => {
				hash.update(chunk);
				let written = 0;
				while (written < chunk.length) written += (await file.write(chunk, written, chunk.length - written, position + written)).bytesWritten;
				position += chunk.length;
				options.onBytes?.(chunk.length);
			},
			{concurrency: options.concurrency ?? DEFAULT_PIPELINE.concurrency, chunkSize: options.chunkSize ?? DEFAULT_PIPELINE.chunkSize, signal},
		);
		await sftpClose(fs.sftp, handle).catch(() => {});
		handle = undefined;
		await local.truncate(source.size);
		await local.close();
		local = undefined;
		const after = await fs.stat(remotePath);
		if (after.size !== source.size || after.mtime !== source.mtime) {
			keepPart = false;
			throw new FileError(remotePath, 'changed during the transfer', 'copy it again');
		}
		const written = await stat(part);
		if (written.size !== source.size) throw new FileError(localPath, 'size mismatch', `${written.size} of ${source.size} bytes`);
		let verified: 'sha256' | 'size';
		try {
			verified = await verifyChecksum(options, remotePath, hash.digest('hex'), remotePath);
		} catch (error) {
			if (error instanceof FileError && error.reason === 'checksum mismatch') {
				keepPart = false;
				if (start > 0) throw new ResumedCopyMismatch(source.size);
			}
			throw error;
		}
		await chmod(part, source.mode & 0o7777);
		shown = localPath;
		await rename(part, localPath);
		keepPart = false;
		return {bytes: source.size, resumedFrom: start, verified};
	} catch (error) {
		if (error instanceof ResumedCopyMismatch) throw error;
		// A local file system error (an errno code such as ENOSPC) is about the local file.
		throw describeFileError(error, typeof (error as {code?: unknown}).code === 'string' ? localPath : shown);
	} finally {
		if (handle) await sftpClose(fs.sftp, handle).catch(() => {});
		await local?.close().catch(() => {});
		if (keepPart) await utimes(part, new Date(), new Date(source.mtime * 1000)).catch(() => {});
		else await unlink(part).catch(() => {});
	}
}

/** Yields a local file's bytes from 0, hashing all of them, handing on only those from `start`. */
async function* readFrom(path: string, start: number, hash: Hash, chunkSize: number): AsyncGenerator<Buffer> {
	let offset = 0;
	for await (const data of createReadStream(path, {highWaterMark: chunkSize})) {
		const chunk = data as Buffer;
		hash.update(chunk);
		const end = offset + chunk.length;
		if (end > start) yield offset >= start ? chunk : chunk.subarray(start - offset);
		offset = end;
	}
}

/**
 * Uploads one local file to `remotePath` through `remotePath.vmux-part`, which a cancelled or failed upload
 * leaves behind with the local file's mtime; the next upload resumes from its size when the local file still
 * has that mtime and is at least that long. The finished file gets the local mode and replaces any old one.
 */
export async function uploadFile(localPath: string, remotePath: string, options: FileTransferOptions): Promise<FileTransferResult> {
	return withFreshRetry(resume => uploadOnce(localPath, remotePath, options, resume), options);
}

async function uploadOnce(localPath: string, remotePath: string, options: FileTransferOptions, resume: boolean): Promise<FileTransferResult> {
	const {fs, signal} = options;
	let shown = localPath;
	let handle: Buffer | undefined;
	const part = remotePath + PART_SUFFIX;
	let keepPart = false;
	let mtime = 0;
	try {
		const source = await stat(localPath);
		if (source.isDirectory()) throw new FileError(localPath, 'is a directory', 'use a recursive copy');
		mtime = Math.floor(source.mtimeMs / 1000);
		shown = remotePath;
		const existing = await fs.exists(part);
		const start = resume && existing?.kind === 'file' && existing.mtime === mtime && existing.size <= source.size ? existing.size : 0;
		if (signal.aborted) throw abortError();
		handle = await sftpOpen(fs.sftp, part, start > 0 ? 'r+' : 'w', 0o600);
		keepPart = true;
		if (start > 0) options.onBytes?.(start);
		const hash = createHash('sha256');
		const chunkSize = options.chunkSize ?? DEFAULT_PIPELINE.chunkSize;
		try {
			await pipelinedWrite(fs.sftp, handle, start, readFrom(localPath, start, hash, chunkSize), bytes => options.onBytes?.(bytes), {
				concurrency: options.concurrency ?? DEFAULT_PIPELINE.concurrency,
				chunkSize,
				signal,
			});
		} catch (error) {
			// SFTP v3 reports a full disk as a bare "Failure": ask the server how much room is left.
			const e = error as {code?: unknown};
			if (e.code === 4) {
				const free = await fs.freeBytes(part.includes('/') ? part.slice(0, part.lastIndexOf('/')) || '/' : '.');
				if (free !== undefined && free < source.size - start) throw new FileError(remotePath, 'disk full or over quota');
			}
			if (typeof e.code === 'string') throw describeFileError(error, localPath);
			throw error;
		}
		await sftpClose(fs.sftp, handle);
		handle = undefined;
		const written = await fs.stat(part);
		if (written.size !== source.size) throw new FileError(remotePath, 'size mismatch', `${written.size} of ${source.size} bytes`);
		const after = await stat(localPath);
		if (after.size !== source.size || Math.floor(after.mtimeMs / 1000) !== mtime) {
			keepPart = false;
			await fs.unlink(part).catch(() => {});
			throw new FileError(localPath, 'changed during the transfer', 'copy it again');
		}
		let verified: 'sha256' | 'size';
		try {
			verified = await verifyChecksum(options, part, hash.digest('hex'), remotePath);
		} catch (error) {
			if (error instanceof FileError && error.reason === 'checksum mismatch') {
				keepPart = false;
				await fs.unlink(part).catch(() => {});
				if (start > 0) throw new ResumedCopyMismatch(source.size);
			}
			throw error;
		}
		await fs.chmod(part, source.mode & 0o7777);
		await fs.rename(part, remotePath, {replace: true});
		keepPart = false;
		return {bytes: source.size, resumedFrom: start, verified};
	} catch (error) {
		if (error instanceof ResumedCopyMismatch) throw error;
		throw describeFileError(error, shown);
	} finally {
		if (handle) await sftpClose(fs.sftp, handle).catch(() => {});
		// Stamp the partial with the source's mtime: the mark a later upload resumes by.
		if (keepPart && !fs.isClosed) {
			await new Promise<void>(resolve => fs.sftp.utimes(part, mtime, mtime, () => resolve()));
		}
	}
}
