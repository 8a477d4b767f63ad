/**
 * Writes one asciicast v2 file as the session runs: events are gathered in a small buffer and written with
 * a synchronous write when it fills or a quarter second after the first one, so memory stays bounded however
 * fast the remote prints, and whatever was recorded is on disk soon after. A write that fails (disk full,
 * the file removed under a read-only mount) stops the writer and reports once; the session never sees it.
 */
import {closeSync, fchmodSync, writeSync} from 'node:fs';
import {eventLine, headerLine, resizeData, Utf8Stream, type CastHeader} from './asciicast.js';

/** Buffered text beyond which the writer writes at once. */
export const FLUSH_BYTES = 64 * 1024;
/** The longest recorded output waits in memory. */
export const FLUSH_DELAY_MS = 250;

export interface CastWriterOptions {
	/** An open file descriptor; the writer owns it (and closes it). */
	fd: number;
	header: CastHeader;
	/** Milliseconds, monotonic; event times are measured from the first call. Default performance.now. */
	now?: () => number;
	/** The writer stopped because a write failed; called once. */
	onError?: (error: NodeJS.ErrnoException) => void;
}

export class CastWriter {
	private readonly fd: number;
	private readonly now: () => number;
	private readonly start: number;
	private readonly onError: ((error: NodeJS.ErrnoException) => void) | undefined;
	private readonly output = new Utf8Stream();
	private readonly input = new Utf8Stream();
	private pending: string[] = [];
	private pendingLength = 0;
	private timer: NodeJS.Timeout | undefined;
	private closed = false;
	/** Bytes written to the file so far. */
	written = 0;
	/** Seconds of the last event. */
	lastTime = 0;

	constructor(options: CastWriterOptions) {
		this.fd = options.fd;
		this.now = options.now ?? (() => performance.now());
		this.start = this.now();
		this.onError = options.onError;
		try {
			// The file may hold what was typed: only its owner reads it, whatever the umask made of the open mode.
			fchmodSync(this.fd, 0o600);
		} catch {
			// Not every file system has modes (a FAT stick); the directory is private anyway.
		}
		this.append(headerLine(options.header));
		this.flush();
	}

	get stopped(): boolean {
		return this.closed;
	}

	/** Bytes the remote printed (or vmux wrote into the pane). */
	writeOutput(data: Buffer | string): void {
		this.event('o', this.output.decode(data));
	}

	/** Bytes sent to the remote as typed. */
	writeInput(data: Buffer | string): void {
		this.event('i', this.input.decode(data));
	}

	resize(cols: number, rows: number): void {
		this.event('r', resizeData(cols, rows), true);
	}

	/** Writes what is buffered and closes the file. */
	close(): void {
		if (this.closed) return;
		this.event('o', this.output.end());
		this.flush();
		this.stop();
	}

	private event(code: 'o' | 'i' | 'r', data: string, always = false): void {
		if (this.closed || (data === '' && !always)) return;
		const seconds = (this.now() - this.start) / 1000;
		this.lastTime = Math.max(this.lastTime, seconds);
		this.append(eventLine(this.lastTime, code, data));
		if (this.pendingLength >= FLUSH_BYTES) this.flush();
		else this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
	}

	private append(line: string): void {
		this.pending.push(line);
		this.pendingLength += line.length;
	}

	/** Writes the buffer now. */
	flush(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		if (this.closed || this.pending.length === 0) return;
		const data = Buffer.from(this.pending.join(''), 'utf8');
		this.pending = [];
		this.pendingLength = 0;
		try {
			let offset = 0;
			while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset);
			this.written += data.length;
		} catch (error) {
			this.stop();
			this.onError?.(error as NodeJS.ErrnoException);
		}
	}

	private stop(): void {
		if (this.closed) return;
		this.closed = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.pending = [];
		this.pendingLength = 0;
		try {
			closeSync(this.fd);
		} catch {
			// Already gone: nothing more to write anyway.
		}
	}
}
