/**
 * The older part of a terminal's history: lines that scrolled out of xterm's short tail, oldest first, kept as
 * CompactLines in a ring of fixed capacity (the user's scrollback setting less the tail), so the oldest line
 * goes when a new one comes, as xterm's own scrollback does.
 */
import {CompactLineView, type CompactLine} from './compact-line.js';

export class CompactScrollback {
	private readonly ring: CompactLine[] = [];
	private start = 0;
	private count = 0;

	constructor(readonly capacity: number) {}

	get length(): number {
		return this.count;
	}

	/** Adds the newest line; the oldest goes once the capacity is reached. */
	push(line: CompactLine): void {
		if (this.capacity <= 0) return;
		if (this.count < this.capacity) {
			// The ring grows as lines arrive (it starts at 0 until full): a session that never scrolls far costs
			// nothing up front.
			this.ring.push(line);
			this.count++;
			return;
		}
		this.ring[this.start] = line;
		this.start = (this.start + 1) % this.capacity;
	}

	/** Line `index` (0 = oldest). */
	get(index: number): CompactLine | undefined {
		if (index < 0 || index >= this.count) return undefined;
		return this.ring[(this.start + index) % this.capacity];
	}

	/** Line `index` read like an xterm line of a screen `cols` wide (for the renderer and copy mode). */
	view(index: number, cols: number): CompactLineView | undefined {
		const line = this.get(index);
		return line === undefined ? undefined : new CompactLineView(line, cols);
	}

	clear(): void {
		this.ring.length = 0;
		this.start = 0;
		this.count = 0;
	}
}
