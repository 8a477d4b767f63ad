import {describe, expect, test} from 'vitest';
import {decideThrottle, parseRetryAfter, waitMs, type ThrottleListener} from '../../../source/core/azure/throttle.js';

describe('throttle policy helpers', () => {
	test('Retry-After as seconds or as an HTTP date', () => {
		expect(parseRetryAfter('5')).toBe(5000);
		expect(parseRetryAfter(' 0.5 ')).toBe(500);
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter(undefined)).toBeUndefined();
	});

	test('retries up to the limit, waits what the service asks, capped, with a default when it does not say', () => {
		const listeners = new Set<ThrottleListener>();
		expect(decideThrottle(1, '3', {listeners})).toEqual({retry: true, delayMs: 3000});
		expect(decideThrottle(5, '3', {listeners})).toEqual({retry: true, delayMs: 3000});
		expect(decideThrottle(6, '3', {listeners})).toEqual({retry: false, delayMs: 3000});
		expect(decideThrottle(1, undefined, {listeners, defaultDelayMs: 1234})).toEqual({retry: true, delayMs: 1234});
		expect(decideThrottle(1, '3600', {listeners, maxDelayMs: 60_000})).toEqual({retry: true, delayMs: 60_000});
		expect(decideThrottle(1, '1', {listeners, maxRetries: 0}).retry).toBe(false);
	});

	test('a wait ends early when the request is cancelled', async () => {
		const controller = new AbortController();
		const waiting = waitMs(60_000, controller.signal);
		controller.abort();
		await expect(waiting).rejects.toMatchObject({name: 'AbortError'});
		await expect(waitMs(10, AbortSignal.abort())).rejects.toMatchObject({name: 'AbortError'});
		await expect(waitMs(0, new AbortController().signal)).resolves.toBeUndefined();
	});
});
