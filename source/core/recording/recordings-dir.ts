/**
 * The recordings directory: private (0700), files 0600 named `<vm>-<yyyymmdd-hhmmss>.cast`; listing them
 * (VM, start, duration, size) and deleting one.
 */
import {chmodSync, closeSync, mkdirSync, openSync, readdirSync, readSync, statSync, unlinkSync} from 'node:fs';
import {basename, join} from 'node:path';
import {eventTime, parseHeader} from './asciicast.js';

export interface RecordingFile {
	path: string;
	name: string;
	/** The VM as the header's title names it, else as the file name does. */
	vm: string;
	/** When recording started (ms since epoch). */
	startedAt: number;
	/** Seconds from the start to the last event. */
	duration: number;
	size: number;
}

/** Creates the directory private to the user: recordings hold whatever the sessions showed. */
export function ensureRecordingsDir(dir: string): void {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	chmodSync(dir, 0o700);
}

/** A VM name as a file name part: letters, digits, `.`, `_` and `-` kept, anything else `_`. */
export function fileSafe(name: string): string {
	const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 80);
	return safe === '' ? 'session' : safe;
}

/** `yyyymmdd-hhmmss` in local time. */
export function stamp(date: Date): string {
	const two = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}

/**
 * Creates a new recording file (0600, never an existing one) and returns its descriptor and path; a second
 * recording of the same VM in the same second gets `-2`, `-3`, …
 */
export function createRecordingFile(dir: string, vm: string, date: Date): {fd: number; path: string} {
	ensureRecordingsDir(dir);
	const base = `${fileSafe(vm)}-${stamp(date)}`;
	for (let n = 1; ; n++) {
		const path = join(dir, n === 1 ? `${base}.cast` : `${base}-${n}.cast`);
		try {
			return {fd: openSync(path, 'wx', 0o600), path};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw error;
		}
	}
}

/** Every `.cast` file in the directory, newest first; a missing directory has none. */
export function listRecordings(dir: string): RecordingFile[] {
	let names: string[];
	try {
		names = readdirSync(dir).filter(name => name.endsWith('.cast'));
	} catch {
		return [];
	}
	const files: RecordingFile[] = [];
	for (const name of names) {
		const file = readRecording(join(dir, name));
		if (file) files.push(file);
	}
	return files.sort((a, b) => b.startedAt - a.startedAt || a.name.localeCompare(b.name));
}

/** Deletes a recording; only `.cast` files in the directory. */
export function deleteRecording(file: RecordingFile): void {
	if (!file.name.endsWith('.cast')) throw new Error(`${file.name} is not a recording.`);
	unlinkSync(file.path);
}

function readRecording(path: string): RecordingFile | undefined {
	let fd: number;
	let size: number;
	let mtime: number;
	try {
		const stat = statSync(path);
		if (!stat.isFile()) return undefined;
		size = stat.size;
		mtime = stat.mtimeMs;
		fd = openSync(path, 'r');
	} catch {
		return undefined;
	}
	try {
		const name = basename(path);
		const head = readChunk(fd, 0, Math.min(size, 16 * 1024));
		const header = parseHeader(head.split('\n', 1)[0] ?? '');
		const start = Math.max(0, size - 64 * 1024);
		// The last complete event line holds the duration (a line cut short by a full disk is skipped).
		const tail = readChunk(fd, start, size - start).split('\n');
		let duration = 0;
		for (let i = tail.length - 1; i >= 0; i--) {
			const time = eventTime(tail[i]!);
			if (time !== undefined) {
				duration = time;
				break;
			}
		}
		return {
			path,
			name,
			vm: header?.title ?? name.replace(/-\d{8}-\d{6}(-\d+)?\.cast$/, ''),
			startedAt: header?.timestamp ? header.timestamp * 1000 : mtime,
			duration,
			size,
		};
	} finally {
		closeSync(fd);
	}
}

function readChunk(fd: number, position: number, length: number): string {
	const buffer = Buffer.alloc(length);
	const read = readSync(fd, buffer, 0, length, position);
	return buffer.subarray(0, read).toString('utf8');
}
