import type {OpenMode, SFTPWrapper} from 'ssh2';

/**
 * Pipelined SFTP reads and writes: many requests in flight at once, as ssh2's fastGet/fastPut do (one
 * request at a time would wait a round trip per 32 KB, which through a Bastion tunnel is slow), but in
 * order at the consumer so a hash can be computed while streaming and a transfer can start at an offset
 * (resume). Measured against fastGet/fastPut in bench/transfer.mjs.
 */

export interface PipelineOptions {
	/** Requests in flight. */
	concurrency: number;
	/** Bytes per request; ssh2 splits larger ones to the server's limits. */
	chunkSize: number;
	signal: AbortSignal;
}

export const DEFAULT_PIPELINE = {concurrency: 64, chunkSize: 32 * 1024} as const;

export function abortError(): Error {
	return Object.assign(new Error('cancelled'), {name: 'AbortError'});
}

/**
 * Whether the SFTP channel can still carry requests. ssh2 queues a request made after the channel closed and
 * never answers it, so every request checks this first and fails at once as a lost connection.
 */
export function channelOpen(sftp: SFTPWrapper): boolean {
	// A connection that died leaves an SFTP channel's outgoing side 'open' (ssh2 only marks incoming closed).
	const channel = sftp as unknown as {outgoing?: {state?: string}; incoming?: {state?: string}};
	return channel.outgoing?.state === 'open' && channel.incoming?.state !== 'closed';
}

export function connectionLost(): Error {
	return Object.assign(new Error('connection lost'), {code: 7});
}

export function sftpOpen(sftp: SFTPWrapper, path: string, flags: OpenMode, mode?: number): Promise<Buffer> {
	if (!channelOpen(sftp)) return Promise.reject(connectionLost());
	return new Promise((resolve, reject) => {
		const cb = (error: Error | undefined, handle: Buffer) => (error ? reject(error) : resolve(handle));
		if (mode === undefined) sftp.open(path, flags, cb);
		else sftp.open(path, flags, {mode}, cb);
	});
}

export function sftpClose(sftp: SFTPWrapper, handle: Buffer): Promise<void> {
	if (!channelOpen(sftp)) return Promise.resolve();
	return new Promise((resolve, reject) => sftp.close(handle, error => (error ? reject(error) : resolve())));
}

/** Reads exactly `length` bytes at `position` (repeating short reads); EOF before that is an error. */
function readFully(sftp: SFTPWrapper, handle: Buffer, position: number, length: number, done: (error: Error | undefined, data?: Buffer) => void): void {
	const buffer = Buffer.allocUnsafe(length);
	let got = 0;
	const next = () => {
		if (!channelOpen(sftp)) return done(connectionLost());
		sftp.read(handle, buffer, got, length - got, position + got, (error, bytesRead) => {
			if (error) return done(error);
			if (bytesRead === 0) return done(Object.assign(new Error('the file ended early'), {code: 'SHRUNK'}));
			got += bytesRead;
			if (got < length) next();
			else done(undefined, buffer);
		});
	};
	next();
}

/**
 * Reads [start, end) of an open remote file, handing each chunk to `consume` in file order. `consume` may
 * be async (a local write): no more than `concurrency` chunks wait for it, so memory stays bounded.
 */
export function pipelinedRead(
	sftp: SFTPWrapper,
	handle: Buffer,
	start: number,
	end: number,
	consume: (chunk: Buffer) => Promise<void> | void,
	options: PipelineOptions,
): Promise<void> {
	const {concurrency, chunkSize, signal} = options;
	return new Promise((resolve, reject) => {
		let nextIssue = start;
		let nextCommit = start;
		let inFlight = 0;
		let committing = false;
		let settled = false;
		const ready = new Map<number, Buffer>();
		const fail = (error: Error) => {
			if (settled) return;
			settled = true;
			signal.removeEventListener('abort', onAbort);
			reject(error);
		};
		const onAbort = () => fail(abortError());
		if (signal.aborted) return fail(abortError());
		signal.addEventListener('abort', onAbort, {once: true});
		const pump = () => {
			if (settled) return;
			// Reads go on while earlier chunks are being written: at most `concurrency` in flight plus as many waiting.
			while (inFlight < concurrency && ready.size < concurrency && nextIssue < end) {
				const position = nextIssue;
				const length = Math.min(chunkSize, end - position);
				nextIssue += length;
				inFlight += 1;
				readFully(sftp, handle, position, length, (error, data) => {
					inFlight -= 1;
					if (error) return fail(error);
					ready.set(position, data!);
					pump();
					void commit();
				});
			}
			if (nextCommit >= end && inFlight === 0 && !committing) {
				settled = true;
				signal.removeEventListener('abort', onAbort);
				resolve();
			}
		};
		const commit = async () => {
			if (committing) return;
			committing = true;
			try {
				for (let chunk = ready.get(nextCommit); chunk && !settled; chunk = ready.get(nextCommit)) {
					ready.delete(nextCommit);
					nextCommit += chunk.length;
					await consume(chunk);
				}
			} catch (error) {
				committing = false;
				return fail(error as Error);
			}
			committing = false;
			pump();
		};
		pump();
	});
}

/**
 * Writes a stream of chunks (in file order, from `chunks`) to an open remote file starting at `start`,
 * with up to `concurrency` writes in flight; `onWritten` counts bytes the server acknowledged.
 */
export async function pipelinedWrite(
	sftp: SFTPWrapper,
	handle: Buffer,
	start: number,
	chunks: AsyncIterable<Buffer>,
	onWritten: (bytes: number) => void,
	options: PipelineOptions,
): Promise<void> {
	const {concurrency, signal} = options;
	let position = start;
	let inFlight = 0;
	let failure: Error | undefined;
	let wake: (() => void) | undefined;
	const waitForRoom = () => new Promise<void>(resolve => (wake = resolve));
	const onAbort = () => {
		failure ??= abortError();
		wake?.();
	};
	signal.addEventListener('abort', onAbort, {once: true});
	try {
		if (signal.aborted) throw abortError();
		for await (const chunk of chunks) {
			while (inFlight >= concurrency && !failure) await waitForRoom();
			if (failure) throw failure;
			const length = chunk.length;
			if (!channelOpen(sftp)) throw connectionLost();
			inFlight += 1;
			sftp.write(handle, chunk, 0, length, position, error => {
				inFlight -= 1;
				if (error) failure ??= error;
				else onWritten(length);
				const w = wake;
				wake = undefined;
				w?.();
			});
			position += length;
		}
		while (inFlight > 0 && !failure) await waitForRoom();
		if (failure) throw failure;
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
