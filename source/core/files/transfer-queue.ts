import {EventEmitter} from 'node:events';
import {basename} from 'node:path';
import {posix} from 'node:path';
import {displayText} from '../text/display-text.js';
import type {RemoteFs} from './remote-fs.js';
import {describeFileError} from './sftp-errors.js';
import {downloadFile, uploadFile} from './transfer-file.js';
import {absoluteRemote, makeDirs, planTransfer, type TransferDirection} from './transfer-plan.js';

export interface TransferRequest {
	direction: TransferDirection;
	localPath: string;
	/** Absolute, or relative to the login directory. */
	remotePath: string;
	recursive?: boolean;
}

export type TransferState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface TransferSnapshot {
	id: number;
	direction: TransferDirection;
	/** What the user asked to copy, safe to draw (`report.txt`, `logs/`). */
	label: string;
	state: TransferState;
	bytesDone: number;
	/** Known once the source has been listed. */
	bytesTotal: number | undefined;
	filesDone: number;
	filesTotal: number | undefined;
	/** Bytes per second over the last few seconds. */
	rate: number;
	etaSeconds: number | undefined;
	/** One sentence naming the file and the reason, safe to draw. */
	error?: string;
	/** How the files were checked: 'sha256' when every file was compared with sha256sum on the VM. */
	verified?: 'sha256' | 'size';
	resumedBytes: number;
	skipped: string[];
}

export interface TransferQueueOptions {
	/** Transfers that run at once; more wait in the queue. */
	concurrency?: number;
	checksum?: boolean;
	pipeline?: {concurrency?: number; chunkSize?: number};
	/** How often progress events may fire. */
	progressIntervalMs?: number;
}

/** The window the rate is measured over: long enough to be steady, short enough to follow a change. */
const RATE_WINDOW_MS = 3000;

interface Job {
	snapshot: TransferSnapshot;
	request: TransferRequest;
	abort: AbortController;
	samples: Array<{at: number; bytes: number}>;
	done: Promise<TransferSnapshot>;
	resolve(snapshot: TransferSnapshot): void;
}

/**
 * Background transfers over one SFTP channel: a queue with a concurrency limit; each transfer (a file or a
 * whole tree) reports bytes, rate and ETA, can be cancelled, and ends done, failed (with a sentence naming
 * the file and the reason) or cancelled. 'change' fires on every state change and, throttled, on progress.
 */
export class TransferQueue extends EventEmitter<{change: []}> {
	private readonly jobs: Job[] = [];
	private nextId = 1;
	private running = 0;
	private readonly concurrency: number;
	private lastEmit = 0;
	private emitTimer: NodeJS.Timeout | undefined;

	constructor(
		private readonly fs: RemoteFs,
		private readonly options: TransferQueueOptions = {},
	) {
		super();
		this.concurrency = Math.max(1, options.concurrency ?? 3);
	}

	add(request: TransferRequest): {id: number; done: Promise<TransferSnapshot>} {
		const source = request.direction === 'upload' ? basename(request.localPath) : posix.basename(request.remotePath);
		let resolve!: (snapshot: TransferSnapshot) => void;
		const done = new Promise<TransferSnapshot>(r => (resolve = r));
		const job: Job = {
			snapshot: {
				id: this.nextId++,
				direction: request.direction,
				label: displayText(source || request.remotePath),
				state: 'queued',
				bytesDone: 0,
				bytesTotal: undefined,
				filesDone: 0,
				filesTotal: undefined,
				rate: 0,
				etaSeconds: undefined,
				resumedBytes: 0,
				skipped: [],
			},
			request,
			abort: new AbortController(),
			samples: [],
			done,
			resolve,
		};
		this.jobs.push(job);
		this.changed(true);
		this.startMore();
		return {id: job.snapshot.id, done};
	}

	/** Cancels a queued or running transfer; a running download keeps its partial file for a later resume. */
	cancel(id: number): boolean {
		const job = this.jobs.find(j => j.snapshot.id === id);
		if (!job || (job.snapshot.state !== 'queued' && job.snapshot.state !== 'running')) return false;
		job.abort.abort();
		if (job.snapshot.state === 'queued') this.finish(job, 'cancelled');
		return true;
	}

	cancelAll(): void {
		for (const job of this.jobs) this.cancel(job.snapshot.id);
	}

	list(): TransferSnapshot[] {
		return this.jobs.map(job => ({...job.snapshot}));
	}

	get active(): number {
		return this.jobs.filter(j => j.snapshot.state === 'queued' || j.snapshot.state === 'running').length;
	}

	/** Forgets finished transfers (the view's list keeps only what still matters). */
	clearFinished(): void {
		for (let i = this.jobs.length - 1; i >= 0; i--) {
			const state = this.jobs[i]!.snapshot.state;
			if (state !== 'queued' && state !== 'running') this.jobs.splice(i, 1);
		}
		this.changed(true);
	}

	dispose(): void {
		this.cancelAll();
		clearTimeout(this.emitTimer);
	}

	private changed(now: boolean): void {
		const interval = this.options.progressIntervalMs ?? 100;
		if (now || Date.now() - this.lastEmit >= interval) {
			clearTimeout(this.emitTimer);
			this.emitTimer = undefined;
			this.lastEmit = Date.now();
			this.emit('change');
		} else if (!this.emitTimer) {
			this.emitTimer = setTimeout(() => this.changed(true), interval);
			this.emitTimer.unref?.();
		}
	}

	private startMore(): void {
		while (this.running < this.concurrency) {
			const job = this.jobs.find(j => j.snapshot.state === 'queued');
			if (!job) return;
			this.running += 1;
			job.snapshot.state = 'running';
			this.changed(true);
			void this.run(job).finally(() => {
				this.running -= 1;
				this.startMore();
			});
		}
	}

	private progress(job: Job, bytes: number): void {
		const s = job.snapshot;
		s.bytesDone += bytes;
		const now = Date.now();
		job.samples.push({at: now, bytes: s.bytesDone});
		while (job.samples.length > 2 && now - job.samples[1]!.at > RATE_WINDOW_MS) job.samples.shift();
		const first = job.samples[0]!;
		const seconds = (now - first.at) / 1000;
		if (seconds >= 0.05) s.rate = (s.bytesDone - first.bytes) / seconds;
		s.etaSeconds = s.bytesTotal !== undefined && s.rate > 0 ? (s.bytesTotal - s.bytesDone) / s.rate : undefined;
		this.changed(false);
	}

	private async run(job: Job): Promise<void> {
		const {request} = job;
		const signal = job.abort.signal;
		const s = job.snapshot;
		try {
			const remote = await absoluteRemote(this.fs, request.remotePath);
			const [source, destination] = request.direction === 'upload' ? [request.localPath, remote] : [remote, request.localPath];
			const plan = await planTransfer(request.direction, this.fs, source, destination, request.recursive ?? false);
			s.bytesTotal = plan.totalBytes;
			s.filesTotal = plan.files.length;
			s.skipped = plan.skipped.map(path => displayText(path));
			this.changed(true);
			await makeDirs(request.direction, this.fs, plan.dirs);
			let allSha = plan.files.length > 0;
			job.samples.push({at: Date.now(), bytes: 0});
			for (const file of plan.files) {
				if (signal.aborted) break;
				const options = {
					fs: this.fs,
					signal,
					onBytes: (bytes: number) => this.progress(job, bytes),
					...(this.options.checksum === undefined ? {} : {checksum: this.options.checksum}),
					...this.options.pipeline,
				};
				const result =
					request.direction === 'upload' ? await uploadFile(file.source, file.destination, options) : await downloadFile(file.source, file.destination, options);
				s.resumedBytes += result.resumedFrom;
				if (result.verified !== 'sha256') allSha = false;
				s.filesDone += 1;
				this.changed(true);
			}
			if (signal.aborted) return this.finish(job, 'cancelled');
			s.verified = allSha ? 'sha256' : 'size';
			this.finish(job, 'done');
		} catch (error) {
			if (signal.aborted) return this.finish(job, 'cancelled');
			s.error = describeFileError(error, request.direction === 'upload' ? request.localPath : request.remotePath).message;
			this.finish(job, 'failed');
		}
	}

	private finish(job: Job, state: TransferState): void {
		job.snapshot.state = state;
		job.snapshot.etaSeconds = undefined;
		this.changed(true);
		job.resolve({...job.snapshot});
	}
}
