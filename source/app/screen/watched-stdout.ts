/**
 * A view of the terminal's stdout for Ink that calls `onWrite` once after each burst of Ink's writes.
 *
 * Why: Ink's `onRender` option fires *before* Ink writes the frame, and the write itself may be deferred
 * by Ink's throttle, so a pane painted from `onRender` can be blanked by the frame that follows it. Seeing
 * the writes themselves is the only reliable signal that Ink drew over some rows. The callback runs in a
 * microtask, after the frame's synchronous writes (begin-sync, rows, end-sync) have all gone out.
 */
/**
 * `beforeWrite` runs before each of Ink's writes: the pane painter takes the user's cursor back to where Ink
 * left it (Ink moves it relative to there).
 */
export function watchWrites(stdout: NodeJS.WriteStream, onWrite: () => void, beforeWrite?: () => void): NodeJS.WriteStream {
	let pending = false;
	const notify = () => {
		pending = false;
		onWrite();
	};
	const write = (...args: unknown[]): boolean => {
		beforeWrite?.();
		const result = (stdout.write as (...a: unknown[]) => boolean)(...args);
		if (!pending) {
			pending = true;
			queueMicrotask(notify);
		}
		return result;
	};
	return new Proxy(stdout, {
		get(target, property) {
			if (property === 'write') return write;
			const value: unknown = Reflect.get(target, property, target);
			// Methods run against the real stream: its listeners, its fd, its internal state.
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		},
	});
}
