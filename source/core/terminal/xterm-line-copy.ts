/**
 * Takes the garbage out of xterm's scrolling once the scrollback is full.
 *
 * Each line that scrolls off the top of a full scrollback is recycled with `BufferLine.copyFrom`, which
 * (in @xterm/headless 6.0.0) gives the line two new empty objects for its combined characters and
 * extended attributes, even when both lines have none. Those objects live as long as the line, so every
 * scavenge copies and promotes the last few thousand lines' worth: under a flood that was most of the
 * garbage collector's time (a 50 MiB flood through one terminal: 273 scavenges and 4 full collections,
 * 420 ms of GC, against 44 scavenges and 42 ms with this), and collector pauses are what an echo typed
 * meanwhile waits for (issue 12).
 *
 * The replacement does what the original does, keeping the line's own empty objects when there is nothing
 * to copy into them. It is installed once per BufferLine class, found through a line of a live terminal.
 */
import type {Terminal as XTerm} from '@xterm/headless';

interface XTermBufferLine {
	length: number;
	isWrapped: boolean;
	_data: Uint32Array;
	_combined: Record<number, string>;
	_extendedAttrs: Record<number, unknown>;
	copyFrom(line: XTermBufferLine): void;
}

interface XTermCoreBuffer {
	_core?: {buffer?: {lines?: {get(index: number): XTermBufferLine | undefined}}};
}

const patched = new WeakSet<object>();

function isEmpty(record: object): boolean {
	for (const _key in record) return false;
	return true;
}

function copyFrom(this: XTermBufferLine, line: XTermBufferLine): void {
	if (this.length === line.length) this._data.set(line._data);
	else this._data = new Uint32Array(line._data);
	this.length = line.length;
	if (!isEmpty(this._combined) || !isEmpty(line._combined)) this._combined = {...line._combined};
	if (!isEmpty(this._extendedAttrs) || !isEmpty(line._extendedAttrs)) this._extendedAttrs = {...line._extendedAttrs};
	this.isWrapped = line.isWrapped;
}

/** Installs the allocation-free `copyFrom` on the line class `term` uses (once); false when xterm's shape is not the one known here. */
export function installLineCopy(term: XTerm): boolean {
	const line = (term as unknown as XTermCoreBuffer)._core?.buffer?.lines?.get(0);
	if (!line) return false;
	const prototype = Object.getPrototypeOf(line) as XTermBufferLine;
	if (patched.has(prototype)) return true;
	// Only the shape this was written against: a different xterm keeps its own method.
	if (typeof prototype.copyFrom !== 'function' || !(line._data instanceof Uint32Array) || typeof line._combined !== 'object' || typeof line._extendedAttrs !== 'object') return false;
	prototype.copyFrom = copyFrom;
	patched.add(prototype);
	return true;
}
