import {useCallback, useReducer, useRef} from 'react';

/**
 * State that key handlers can read and change synchronously. Several keys can arrive before React renders
 * again (and before Ink re-subscribes the handler with fresh closures), so handlers must not read state
 * captured at the last render: they read `get()`, which is always current, and `set` re-renders.
 */
export function useLiveState<T>(initial: T | (() => T)): [get: () => T, set: (next: T | ((previous: T) => T)) => void] {
	const ref = useRef<{value: T} | null>(null);
	ref.current ??= {value: typeof initial === 'function' ? (initial as () => T)() : initial};
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	const get = useCallback(() => ref.current!.value, []);
	const set = useCallback((next: T | ((previous: T) => T)) => {
		const box = ref.current!;
		box.value = typeof next === 'function' ? (next as (previous: T) => T)(box.value) : next;
		redraw();
	}, []);
	return [get, set];
}
