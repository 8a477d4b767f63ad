import {decideThrottle, notifyThrottle, parseRetryAfter, stripQuery, waitMs, type ThrottleOptions} from './throttle.js';

/**
 * The one retry loop every Azure client of vmux goes through (the SDKs' own retry policies are off):
 *
 * - 429: wait for `Retry-After` and tell the listeners ("throttled, retrying in 5 s"), as before.
 * - 408, 500, 502, 503, 504, and a connection dropped mid-request (reset, timed out, hung up): retry with
 *   exponential backoff and jitter (or the `Retry-After` a 503 may carry). A gateway blip in front of ARM or
 *   Resource Graph is common at scale, and without this one blip failed a whole refresh.
 * - Refused or unresolvable connections are not retried: they do not heal in seconds, and the sentence about
 *   the network should come at once.
 *
 * Every wait of one request counts against one budget, so a refresh never hangs for long on a sick service.
 */

export interface RetryOptions extends ThrottleOptions {
	/** Retries of a 5xx or a dropped connection before the failure surfaces (default 3). */
	maxTransientRetries?: number;
	/** First backoff after a transient failure (default 800 ms), doubled each retry, with ±20 % jitter. */
	transientBaseDelayMs?: number;
	/** Longest single backoff after a transient failure (default 10 s). */
	transientMaxDelayMs?: number;
	/** All the waiting one request may do across its retries, 429s included (default 3 minutes). */
	maxTotalWaitMs?: number;
}

/** Statuses a gateway or an overloaded front end answers for a moment; 501 and 505 are not transient. */
const TRANSIENT_STATUSES = new Set([408, 500, 502, 503, 504]);

/** Node and undici codes of a connection that dropped after it was made. */
const DROPPED_CONNECTION_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** ms-rest-js (Resource Graph) wraps the cause into its message ("…failed, reason: socket hang up"). */
const DROPPED_CONNECTION_TEXT = /socket hang up|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|EPIPE|ECONNABORTED|EAI_AGAIN/;

export function isTransientStatus(status: number): boolean {
	return TRANSIENT_STATUSES.has(status);
}

/** Whether a thrown request error is a connection that dropped (worth a retry), not a refusal or a cancel. */
export function isDroppedConnection(error: unknown): boolean {
	if (!error || typeof error !== 'object') return false;
	const err = error as {name?: unknown; code?: unknown; message?: unknown; cause?: {code?: unknown}};
	if (err.name === 'AbortError' || err.code === 'ABORT_ERR') return false;
	for (const code of [err.code, err.cause?.code]) if (typeof code === 'string' && DROPPED_CONNECTION_CODES.has(code)) return true;
	return typeof err.message === 'string' && DROPPED_CONNECTION_TEXT.test(err.message);
}

/** Exponential backoff with jitter for the n-th transient retry (1-based). */
export function transientDelayMs(retry: number, options: RetryOptions, random = Math.random): number {
	const base = options.transientBaseDelayMs ?? 800;
	const exponential = base * 2 ** (retry - 1);
	const jittered = exponential * (0.8 + 0.4 * random());
	return Math.round(Math.min(jittered, options.transientMaxDelayMs ?? 10_000));
}

interface AbortSignalLike {
	aborted: boolean;
	addEventListener?: (type: 'abort', listener: () => void) => void;
	removeEventListener?: (type: 'abort', listener: () => void) => void;
}

/**
 * Sends `send()` until it gives a final answer: a response that is neither 429 nor transient, or the last
 * one once the retries or the wait budget run out. A thrown error that is not a dropped connection goes
 * straight to the caller.
 */
export async function sendWithRetries<R extends {status: number}>(
	send: () => Promise<R>,
	retryAfterOf: (response: R) => string | null | undefined,
	request: {url: string; signal?: AbortSignalLike | undefined},
	options: RetryOptions,
): Promise<R> {
	let throttled = 0;
	let transient = 0;
	let waited = 0;
	const budget = options.maxTotalWaitMs ?? 180_000;
	for (;;) {
		let response: R;
		try {
			response = await send();
		} catch (error) {
			transient += 1;
			if (!isDroppedConnection(error) || transient > (options.maxTransientRetries ?? 3)) throw error;
			const delayMs = transientDelayMs(transient, options);
			if (waited + delayMs > budget) throw error;
			waited += delayMs;
			await waitMs(delayMs, request.signal);
			continue;
		}
		if (response.status === 429) {
			throttled += 1;
			const decision = decideThrottle(throttled, retryAfterOf(response), options);
			if (!decision.retry || waited + decision.delayMs > budget) return response;
			notifyThrottle(options, {attempt: throttled, maxAttempts: options.maxRetries ?? 5, retryAfterMs: decision.delayMs, url: stripQuery(request.url)});
			waited += decision.delayMs;
			await waitMs(decision.delayMs, request.signal);
			continue;
		}
		if (isTransientStatus(response.status)) {
			transient += 1;
			if (transient > (options.maxTransientRetries ?? 3)) return response;
			const asked = parseRetryAfter(retryAfterOf(response));
			const delayMs = asked !== undefined ? Math.min(asked, options.maxDelayMs ?? 120_000) : transientDelayMs(transient, options);
			if (waited + delayMs > budget) return response;
			waited += delayMs;
			await waitMs(delayMs, request.signal);
			continue;
		}
		return response;
	}
}
