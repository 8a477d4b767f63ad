/**
 * Flow control between an SSH channel and an asynchronous parser (xterm's `write`).
 *
 * xterm parses in time slices and throws data away once ~50 MB are pending, while an SSH channel
 * delivers as fast as the network allows. This counts what is still unparsed, tells the caller to
 * pause above a high-water mark and to resume below a low-water mark, and, should the caller keep
 * writing anyway, holds the excess itself so the parser never sees more than `sinkLimit` at once.
 */

export type Chunk = Uint8Array | string;
/** Consumes a chunk and calls `done` once it has been fully processed. */
export type Sink = (data: Chunk, done: () => void) => void;

export interface FlowControlOptions {
	/** Pending bytes at which backpressure starts. Default 1 MiB. */
	highWaterMark?: number;
	/** Pending bytes at which backpressure ends. Default 256 KiB. */
	lowWaterMark?: number;
	/** Most bytes handed to the sink before it reports them done. Default 8 MiB. */
	sinkLimit?: number;
}

/** Where a paced FlowControl waits for its turn (see TurnPacer). */
export interface Pacer {
	/** Calls `turn` once, in a later turn of the event loop. */
	request(turn: () => void): void;
}

/**
 * Hands out turns to whoever asked, in order, inside `setImmediate` callbacks, for at most `budgetMs` of work
 * per turn of the event loop, then yields: stdin and sockets are read between two batches. Shared by every
 * terminal that parses in the background (TerminalEmulator.setBackground), so however many sessions flood,
 * a key typed waits for at most one batch, and each flooding terminal gets its turn in rotation.
 */
export class TurnPacer implements Pacer {
	private queue: Array<() => void> = [];
	private next = 0;
	private scheduled = false;

	constructor(private readonly budgetMs: number) {}

	request(turn: () => void): void {
		this.queue.push(turn);
		this.schedule();
	}

	/** Turns waiting. */
	get waiting(): number {
		return this.queue.length - this.next;
	}

	private schedule(): void {
		if (this.scheduled || this.waiting === 0) return;
		this.scheduled = true;
		setImmediate(this.runTurns);
	}

	private readonly runTurns = (): void => {
		this.scheduled = false;
		const start = performance.now();
		// Turns asked for while these run (the next slice of a terminal) wait for the next batch at the earliest.
		const end = this.queue.length;
		while (this.next < end) {
			const turn = this.queue[this.next]!;
			this.next++;
			try {
				turn();
			} catch (error) {
				queueMicrotask(() => {
					throw error;
				});
			}
			if (performance.now() - start >= this.budgetMs) break;
		}
		if (this.next === this.queue.length) {
			this.queue = [];
			this.next = 0;
		} else if (this.next > 1024) {
			this.queue = this.queue.slice(this.next);
			this.next = 0;
		}
		this.schedule();
	};
}

/**
 * The turns of every terminal parsing in the background: half a millisecond of parsing per turn of the
 * event loop, all of them together (bench/run.mjs: echo while one or three other sessions flood).
 */
export const BACKGROUND_TURNS = new TurnPacer(0.5);

export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
export const DEFAULT_LOW_WATER_MARK = 256 * 1024;
export const DEFAULT_SINK_LIMIT = 8 * 1024 * 1024;

export class FlowControl {
	private readonly highWaterMark: number;
	private readonly lowWaterMark: number;
	private sinkLimit: number;
	private readonly held: Chunk[] = [];
	private readonly listeners = new Set<(paused: boolean) => void>();
	private drainWaiters: Array<() => void> = [];
	private inSink = 0;
	private total = 0;
	private isPaused = false;
	private disposed = false;
	/** While set, each chunk waits for a turn from it before going to the sink (see setPacer). */
	private pacer: Pacer | undefined;
	/** A turn has been asked of the pacer and has not come yet. */
	private awaitingTurn = false;

	constructor(
		private readonly sink: Sink,
		options: FlowControlOptions = {},
	) {
		this.highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
		this.lowWaterMark = Math.min(options.lowWaterMark ?? DEFAULT_LOW_WATER_MARK, this.highWaterMark);
		this.sinkLimit = Math.max(options.sinkLimit ?? DEFAULT_SINK_LIMIT, 1);
	}

	/** Bytes (UTF-16 units for strings) written but not yet processed. */
	get pending(): number {
		return this.total;
	}

	get paused(): boolean {
		return this.isPaused;
	}

	/**
	 * Queues `data`. Returns false while the caller should pause its source (like a Node stream's
	 * `write`); data written while paused is still kept and processed.
	 */
	write(data: Chunk): boolean {
		if (this.disposed || data.length === 0) return !this.isPaused;
		this.total += data.length;
		if (this.held.length === 0 && !this.pacer && this.fitsInSink(data.length)) this.send(data);
		else {
			this.held.push(data);
			this.pump();
		}
		if (!this.isPaused && this.total >= this.highWaterMark) this.setPaused(true);
		return !this.isPaused;
	}

	/** `listener(true)`: pause the source; `listener(false)`: resume it. Returns an unsubscribe. */
	onBackpressure(listener: (paused: boolean) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/**
	 * Changes how much the sink may hold at once. A small limit makes the parser work in short slices,
	 * so one busy terminal cannot hold up the event loop for the others (see TerminalEmulator.setBackground).
	 */
	setSinkLimit(limit: number): void {
		this.sinkLimit = Math.max(limit, 1);
		this.pump();
	}

	/**
	 * With a pacer, chunks go to the sink one per turn the pacer gives (a background terminal's, shared with
	 * the others); without, as soon as the sink has room. Order is kept either way: a chunk waiting for its
	 * turn is still held here, and goes first when pacing ends.
	 */
	setPacer(pacer: Pacer | undefined): void {
		this.pacer = pacer;
		this.pump();
	}

	/** Resolves once everything written so far has been processed (at once if nothing is pending). */
	drained(): Promise<void> {
		if (this.total === 0 || this.disposed) return Promise.resolve();
		return new Promise((resolve) => this.drainWaiters.push(resolve));
	}

	dispose(): void {
		this.disposed = true;
		this.held.length = 0;
		this.listeners.clear();
		this.resolveDrainWaiters();
	}

	private fitsInSink(length: number): boolean {
		// An empty sink takes any chunk, however large, so a single big write cannot stall.
		return this.inSink === 0 || this.inSink + length <= this.sinkLimit;
	}

	/** Hands held chunks to the sink while it has room: all that fit, or (paced) the next one at its turn. */
	private pump(): void {
		if (this.disposed) return;
		if (!this.pacer) {
			while (this.held.length > 0 && this.fitsInSink(this.held[0].length)) this.send(this.held.shift()!);
			return;
		}
		if (this.awaitingTurn || this.held.length === 0 || !this.fitsInSink(this.held[0].length)) return;
		this.awaitingTurn = true;
		this.pacer.request(this.onTurn);
	}

	private readonly onTurn = (): void => {
		this.awaitingTurn = false;
		// Pacing ended meanwhile: pump has sent the held chunks already.
		if (this.disposed || !this.pacer) return;
		if (this.held.length > 0 && this.fitsInSink(this.held[0].length)) this.send(this.held.shift()!);
		this.pump();
	};

	private send(data: Chunk): void {
		const length = data.length;
		this.inSink += length;
		this.sink(data, () => this.done(length));
	}

	private done(length: number): void {
		if (this.disposed) return;
		this.inSink -= length;
		this.total -= length;
		this.pump();
		if (this.isPaused && this.total <= this.lowWaterMark) this.setPaused(false);
		if (this.total === 0) this.resolveDrainWaiters();
	}

	private setPaused(paused: boolean): void {
		this.isPaused = paused;
		for (const listener of [...this.listeners]) listener(paused);
	}

	private resolveDrainWaiters(): void {
		const waiters = this.drainWaiters;
		this.drainWaiters = [];
		for (const resolve of waiters) resolve();
	}
}
