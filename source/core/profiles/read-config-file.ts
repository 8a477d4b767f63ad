/**
 * Reads a file people hand-edit (profiles.json, settings.json) without trusting it: it may be missing, a
 * directory, a FIFO that would block forever, unreadable, huge, not UTF-8, or start with a byte order mark.
 * Every refusal is one sentence naming the file and the fix; nothing here writes or changes the file.
 */
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs';
import {printable} from './printable.js';

/** Larger than any real profiles file (150,000 profiles are ~25 MB); above it, reading would only exhaust memory. */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024 * 1024;

export type ConfigFileRead =
	| {kind: 'missing'}
	/** `bytes` are exactly the file's; `text` is them decoded, without a leading byte order mark. */
	| {kind: 'text'; bytes: Buffer; text: string}
	/** The file exists but cannot be used; `bytes` when it could be read (so callers can compare later). */
	| {kind: 'problem'; problem: string; bytes?: Buffer};

export function readConfigFile(path: string, maxBytes: number = MAX_CONFIG_FILE_BYTES): ConfigFileRead {
	let fd: number;
	try {
		// O_NONBLOCK: opening a FIFO put in the file's place must not wait for a writer.
		fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return {kind: 'missing'};
		return {kind: 'problem', problem: openProblem(path, code, error as Error)};
	}
	try {
		const stat = fstatSync(fd);
		if (stat.isDirectory()) return {kind: 'problem', problem: `${path} is a directory, not a file: move it out of the way (vmux creates the file when it saves).`};
		if (!stat.isFile()) return {kind: 'problem', problem: `${path} is not a regular file (a device, socket or pipe): replace it with a JSON file, or remove it.`};
		if (stat.size > maxBytes) {
			return {kind: 'problem', problem: `${path} is ${megabytes(stat.size)}, larger than the ${megabytes(maxBytes)} vmux reads: it cannot be a file vmux wrote; move it away and restore a backup.`};
		}
		const bytes = readAll(fd, stat.size, maxBytes);
		if (bytes === undefined) return {kind: 'problem', problem: `${path} grew past ${megabytes(maxBytes)} while being read: move it away and restore a backup.`};
		let text: string;
		try {
			// fatal: invalid UTF-8 would otherwise become U+FFFD and be saved back, silently changing names.
			text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
		} catch {
			return {kind: 'problem', problem: `${path} is not valid UTF-8 (${invalidUtf8Where(bytes)}): save it as UTF-8 in your editor.`, bytes};
		}
		// TextDecoder drops a leading BOM (ignoreBOM defaults to false), as editors on Windows write one.
		return {kind: 'text', bytes, text};
	} finally {
		closeSync(fd);
	}
}

function openProblem(path: string, code: string | undefined, error: Error): string {
	switch (code) {
		case 'EACCES':
		case 'EPERM':
			return `${path} cannot be read (permission denied): make it readable by you, e.g. chmod 600 ${path}.`;
		case 'ELOOP':
			return `${path} is a symbolic link that loops: point it at a real file, or remove it.`;
		case 'ENOTDIR':
			return `${path} cannot be opened because part of its path is not a directory: fix the config directory.`;
		default:
			return `${path} cannot be read (${printable(code ?? error.message, 80)}): check the file and its directory.`;
	}
}

/** Reads up to `maxBytes` (the size may change under us); undefined when the file is longer than that. */
function readAll(fd: number, expected: number, maxBytes: number): Buffer | undefined {
	const chunks: Buffer[] = [];
	let total = 0;
	let chunk = Buffer.allocUnsafe(Math.max(64 * 1024, Math.min(expected + 1, maxBytes + 1)));
	for (;;) {
		let read: number;
		try {
			read = readSync(fd, chunk, 0, chunk.length, null);
		} catch (error) {
			// A FIFO with no writer: nothing to read.
			if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
			throw error;
		}
		if (read === 0) break;
		chunks.push(chunk.subarray(0, read));
		total += read;
		if (total > maxBytes) return undefined;
		chunk = Buffer.allocUnsafe(64 * 1024);
	}
	return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/** "line 3, near byte 41" for the first byte sequence that is not UTF-8. */
function invalidUtf8Where(bytes: Buffer): string {
	const decoder = new TextDecoder('utf-8', {fatal: true});
	// Line by line (a line break never sits inside a multi-byte character), then a binary search in the bad line.
	let line = 1;
	let lineStart = 0;
	for (let index = 0; index < bytes.length; index++) {
		if (bytes[index] !== 0x0a) continue;
		try {
			decoder.decode(bytes.subarray(lineStart, index));
		} catch {
			return `line ${line}, near byte ${lineStart + firstBadByte(bytes.subarray(lineStart, index)) + 1}`;
		}
		line++;
		lineStart = index + 1;
	}
	return `line ${line}, near byte ${lineStart + firstBadByte(bytes.subarray(lineStart)) + 1}`;
}

function firstBadByte(line: Buffer): number {
	let low = 0;
	let high = line.length;
	// The longest prefix that decodes (an incomplete last character is allowed by stream: true) ends near the bad byte.
	while (low < high) {
		const middle = (low + high + 1) >> 1;
		try {
			new TextDecoder('utf-8', {fatal: true}).decode(line.subarray(0, middle), {stream: true});
			low = middle;
		} catch {
			high = middle - 1;
		}
	}
	return low;
}

function megabytes(bytes: number): string {
	return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
