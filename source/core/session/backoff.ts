/** Delay before reconnect attempt `n` (1-based): 1, 2, 4, 8, 16, 30, 30 … seconds. */
export function reconnectDelayMs(attempt: number, capMs = 30_000): number {
	return Math.min(capMs, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** After this many automatic attempts vmux stops and waits for `Ctrl-b r`, so a dead VM is not hammered forever. */
export const MAX_AUTOMATIC_RECONNECTS = 12;
