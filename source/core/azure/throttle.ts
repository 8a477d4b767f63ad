/**
 * Throttling (HTTP 429) handled once for every Azure client vmux makes: wait for `Retry-After` (ARM and Resource
 * Graph both send it), tell listeners so the UI can show "throttled, retrying in 5 s", then resend. The SDKs'
 * own retry policies are switched off so there is one policy, with progress, instead of three silent ones.
 */

export interface ThrottleEvent {
	/** 1 for the first retry. */
	attempt: number;
	maxAttempts: number;
	/** How long vmux waits before retrying. */
	retryAfterMs: number;
	/** The request that was throttled (no query string: it may carry tokens in other services). */
	url: string;
}

export type ThrottleListener = (event: ThrottleEvent) => void;

export interface ThrottleOptions {
	/** Retries before giving up and surfacing the 429 (default 5). */
	maxRetries?: number;
	/** Wait when the service sends no usable Retry-After (default 5 s). */
	defaultDelayMs?: number;
	/** Upper bound on any single wait (default 2 minutes). */
	maxDelayMs?: number;
	listeners: Set<ThrottleListener>;
}

/** Milliseconds from a `Retry-After` value: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface AbortSignalish {
	aborted: boolean;
	addEventListener?: (type: 'abort', listener: () => void) => void;
	removeEventListener?: (type: 'abort', listener: () => void) => void;
}

/** Waits, unless the request is cancelled first (a long Retry-After must not pin a refresh the user abandoned). */
export function waitMs(ms: number, signal?: AbortSignalish): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) {
			reject(abortError());
			return;
		}
		const onAbort = () => {
			clearTimeout(timer);
			reject(abortError());
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener?.('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener?.('abort', onAbort);
	});
}

function abortError(): Error {
	const error = new Error('The operation was aborted.');
	error.name = 'AbortError';
	return error;
}

export interface ThrottleDecision {
	retry: boolean;
	delayMs: number;
}

/** The shared decision: retry this 429 or give up. */
export function decideThrottle(attempt: number, retryAfterHeader: string | null | undefined, options: ThrottleOptions): ThrottleDecision {
	const maxRetries = options.maxRetries ?? 5;
	const parsed = parseRetryAfter(retryAfterHeader);
	const delayMs = Math.min(parsed ?? options.defaultDelayMs ?? 5000, options.maxDelayMs ?? 120_000);
	return {retry: attempt <= maxRetries, delayMs};
}

export function notifyThrottle(options: ThrottleOptions, event: ThrottleEvent): void {
	for (const listener of options.listeners) {
		try {
			listener(event);
		} catch {
			// A broken progress listener must not break the request.
		}
	}
}

export function stripQuery(url: string): string {
	const index = url.indexOf('?');
	return index < 0 ? url : url.slice(0, index);
}
