/**
 * asciicast v2, the format `asciinema rec` writes (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header
 * line, then one JSON array per event, `[seconds, "o" | "i" | "r", data]`. Pure functions, no I/O.
 */
import {StringDecoder} from 'node:string_decoder';

export interface CastHeader {
	width: number;
	height: number;
	/** When the recording started, in seconds since the epoch (whole seconds, as asciinema writes it). */
	timestamp: number;
	title?: string;
	env?: Record<string, string>;
}

export type CastEventCode = 'o' | 'i' | 'r';

export function headerLine(header: CastHeader): string {
	const {width, height, timestamp, title, env} = header;
	return `${JSON.stringify({version: 2, width, height, timestamp, ...(title === undefined ? {} : {title}), ...(env === undefined ? {} : {env})})}\n`;
}

/** One event line. Time is rounded to microseconds, as asciinema does. */
export function eventLine(seconds: number, code: CastEventCode, data: string): string {
	const time = Math.round(Math.max(0, seconds) * 1e6) / 1e6;
	return `${JSON.stringify([time, code, data])}\n`;
}

/** The data of a resize event: `COLSxROWS`. */
export function resizeData(cols: number, rows: number): string {
	return `${cols}x${rows}`;
}

/**
 * Bytes to text the way asciinema's recorder does (Python's incremental UTF-8 decoder with `errors="replace"`):
 * a character split across two reads is kept whole, and a byte that cannot be UTF-8 becomes U+FFFD. One decoder
 * per stream (output, input), so the two never mix halves of a character.
 */
export class Utf8Stream {
	private readonly decoder = new StringDecoder('utf8');

	decode(data: Buffer | string): string {
		return typeof data === 'string' ? data : this.decoder.write(data);
	}

	/** What is left at the end (an incomplete character becomes U+FFFD). */
	end(): string {
		return this.decoder.end();
	}
}

export interface ParsedCast {
	header: CastHeader;
	/** Seconds from the start to the last event (0 when there is none). */
	duration: number;
}

/** Reads the header line of a cast; undefined when it is not asciicast v2. */
export function parseHeader(line: string): CastHeader | undefined {
	try {
		const value = JSON.parse(line) as Record<string, unknown>;
		if (value.version !== 2 || typeof value.width !== 'number' || typeof value.height !== 'number') return undefined;
		const title = typeof value.title === 'string' ? value.title : undefined;
		const timestamp = typeof value.timestamp === 'number' ? value.timestamp : 0;
		return {width: value.width, height: value.height, timestamp, ...(title === undefined ? {} : {title})};
	} catch {
		return undefined;
	}
}

/** The time of an event line, or undefined when it is not one (e.g. a line cut short by a full disk). */
export function eventTime(line: string): number | undefined {
	try {
		const value = JSON.parse(line) as unknown;
		return Array.isArray(value) && typeof value[0] === 'number' ? value[0] : undefined;
	} catch {
		return undefined;
	}
}
