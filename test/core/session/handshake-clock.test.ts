import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {HandshakeClock} from '../../../source/core/session/handshake-clock.js';

/**
 * The handshake's deadline counts the network's time, not the user's: a host key compared for a minute, a password
 * typed slowly or a device-code sign-in must not time the handshake out (ssh2's readyTimeout did, and the retry
 * asked the question again, dropping the answer the user was giving).
 */
describe('HandshakeClock', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	test('times out after the limit when nobody is asked', () => {
		const onTimeout = vi.fn();
		const clock = new HandshakeClock(20_000, onTimeout);
		clock.start();
		vi.advanceTimersByTime(19_999);
		expect(onTimeout).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(onTimeout).toHaveBeenCalledOnce();
	});

	test('stops while a question is open, and counts only the rest', async () => {
		const onTimeout = vi.fn();
		const clock = new HandshakeClock(20_000, onTimeout);
		clock.start();
		vi.advanceTimersByTime(15_000);
		let answer!: (value: string) => void;
		const asked = clock.whileAsking(() => new Promise<string>(resolve => (answer = resolve)));
		vi.advanceTimersByTime(60_000);
		expect(onTimeout).not.toHaveBeenCalled();
		answer('once');
		expect(await asked).toBe('once');
		vi.advanceTimersByTime(4_999);
		expect(onTimeout).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(onTimeout).toHaveBeenCalledOnce();
	});

	test('overlapping questions: it runs again only once none is open; a failed question resumes it too', async () => {
		const onTimeout = vi.fn();
		const clock = new HandshakeClock(1_000, onTimeout);
		clock.start();
		clock.pause();
		const failed = clock.whileAsking(() => Promise.reject(new Error('cancelled')));
		await expect(failed).rejects.toThrow('cancelled');
		vi.advanceTimersByTime(5_000);
		expect(onTimeout).not.toHaveBeenCalled();
		clock.resume();
		vi.advanceTimersByTime(1_000);
		expect(onTimeout).toHaveBeenCalledOnce();
	});

	test('stop() ends it for good', () => {
		const onTimeout = vi.fn();
		const clock = new HandshakeClock(1_000, onTimeout);
		clock.start();
		clock.stop();
		clock.resume();
		vi.advanceTimersByTime(5_000);
		expect(onTimeout).not.toHaveBeenCalled();
	});
});
