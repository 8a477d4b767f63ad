/**
 * Hands over every line xterm is about to drop from the top of its normal buffer, so the history can live on
 * outside xterm (compact-scrollback.ts) while xterm keeps only the screen and a short tail.
 *
 * xterm has no public event for this: its line list (an internal CircularList) fires `onTrim` only after the
 * line has been reused or overwritten. So the tap wraps, on the normal buffer's list object only, the five
 * methods that can drop lines (push and recycle when full, splice past the capacity, trimStart, and
 * shiftElements during reflow) and passes the lines they will drop to `onDrop` first. It reaches into xterm 6's
 * internals (`_core.buffers.normal.lines`), like emulator.ts's cursor shape; a test pins the shape, and if it is
 * not there `attach` says so and the emulator keeps its whole history inside xterm instead.
 *
 * Lines dropped because the remote cleared the scrollback (`CSI 3 J`) or reset the terminal (RIS) are not
 * history: the caller is told through `onClear` instead.
 */
import type {Terminal as XTerm} from '@xterm/headless';
import type {RawBufferLine} from './compact-line.js';

interface CircularList {
	readonly length: number;
	readonly maxLength: number;
	get(index: number): RawBufferLine | undefined;
	push(value: RawBufferLine): void;
	recycle(): RawBufferLine;
	splice(start: number, deleteCount: number, ...items: RawBufferLine[]): void;
	trimStart(count: number): void;
	shiftElements(start: number, count: number, offset: number): void;
}

interface XTermCoreBuffers {
	_core?: {buffers?: {normal?: {lines?: CircularList}; active?: unknown}};
}

const WRAPPED = ['push', 'recycle', 'splice', 'trimStart', 'shiftElements'] as const;

export class XTermTrimTap {
	private tapped: CircularList | undefined;
	private restore: (() => void) | undefined;
	private discardNextTrimStart = false;
	private readonly subscriptions: {dispose(): void}[] = [];

	/**
	 * @param onDrop a line about to leave, oldest first (read it now: xterm reuses the object right after)
	 * @param onClear the remote cleared the scrollback or reset the terminal: forget what was handed over
	 */
	constructor(
		private readonly term: XTerm,
		private readonly onDrop: (line: RawBufferLine) => void,
		private readonly onClear: () => void,
	) {}

	/** Starts tapping; false if this xterm does not have the internals the tap needs (nothing is changed then). */
	attach(): boolean {
		if (!this.list()) return false;
		this.retap();
		this.subscriptions.push(
			// A reset (RIS) replaces the buffers: the new list needs the tap, and the old history is gone.
			this.term.buffer.onBufferChange(() => this.retap()),
			// ED 3 trims the whole scrollback with trimStart: those lines are erased, not history.
			this.term.parser.registerCsiHandler({final: 'J'}, (params) => {
				const list = this.tapped;
				if (params[0] !== 3 || !list || this.term.buffer.active.type !== 'normal') return false;
				this.onClear();
				// xterm's own handler runs next and calls trimStart exactly when there is history to trim.
				this.discardNextTrimStart = list.length > this.term.rows;
				return false;
			}),
		);
		return true;
	}

	dispose(): void {
		for (const subscription of this.subscriptions) subscription.dispose();
		this.subscriptions.length = 0;
		this.restore?.();
		this.restore = undefined;
		this.tapped = undefined;
	}

	/** Resize is the only other caller of trimStart: a flag left by an ED 3 without history must not swallow it. */
	beforeResize(): void {
		this.discardNextTrimStart = false;
	}

	private list(): CircularList | undefined {
		const list = (this.term as unknown as XTermCoreBuffers)._core?.buffers?.normal?.lines;
		if (!list) return undefined;
		for (const name of WRAPPED) if (typeof list[name] !== 'function') return undefined;
		if (typeof list.get !== 'function' || typeof list.maxLength !== 'number') return undefined;
		return list;
	}

	private retap(): void {
		const list = this.list();
		if (!list || list === this.tapped) return;
		if (this.tapped) this.onClear();
		this.restore?.();
		this.tapped = list;
		this.restore = this.wrap(list);
	}

	private wrap(list: CircularList): () => void {
		const drop = (from: number, count: number) => {
			for (let i = 0; i < count; i++) {
				const line = list.get(from + i);
				if (line) this.onDrop(line);
			}
		};
		const own = list as unknown as Record<(typeof WRAPPED)[number], unknown>;
		// The prototype's methods, called on the list; the wrappers are own properties, removed on dispose.
		const {push, recycle, splice, trimStart, shiftElements} = list;
		own.push = (value: RawBufferLine) => {
			if (list.length === list.maxLength) drop(0, 1);
			push.call(list, value);
		};
		own.recycle = () => {
			drop(0, 1);
			return recycle.call(list);
		};
		own.splice = (start: number, deleteCount: number, ...items: RawBufferLine[]) => {
			const overflow = list.length - deleteCount + items.length - list.maxLength;
			if (overflow > 0) {
				// What goes is the head of the list as it will be: lines before `start`, then the new items, then the rest.
				const before = Math.min(overflow, start);
				drop(0, before);
				const fromItems = Math.min(overflow - before, items.length);
				for (let i = 0; i < fromItems; i++) this.onDrop(items[i]!);
				drop(start + deleteCount, overflow - before - fromItems);
			}
			splice.call(list, start, deleteCount, ...items);
		};
		own.trimStart = (count: number) => {
			if (this.discardNextTrimStart) this.discardNextTrimStart = false;
			else drop(0, Math.min(count, list.length));
			trimStart.call(list, count);
		};
		own.shiftElements = (start: number, count: number, offset: number) => {
			// Shifting right past the end grows the list, and whatever passes the capacity leaves from the top.
			const overflow = offset > 0 ? Math.max(0, start + count + offset - list.length) + list.length - list.maxLength : 0;
			if (overflow > 0) drop(0, Math.min(overflow, list.length));
			shiftElements.call(list, start, count, offset);
		};
		return () => {
			for (const name of WRAPPED) delete own[name];
		};
	}
}
