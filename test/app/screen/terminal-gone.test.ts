import {EventEmitter} from 'node:events';
import {describe, expect, it} from 'vitest';
import {isTerminalGoneError, watchTerminal} from '../../../source/app/screen/terminal-gone.js';

const errno = (code: string, syscall = 'write') => Object.assign(new Error(`${syscall} ${code}`), {code, syscall});

describe('terminal gone', () => {
	it('recognises EIO and EPIPE, and nothing else', () => {
		expect(isTerminalGoneError(errno('EIO'))).toBe(true);
		expect(isTerminalGoneError(errno('EIO', 'read'))).toBe(true);
		expect(isTerminalGoneError(errno('EPIPE'))).toBe(true);
		expect(isTerminalGoneError(errno('ENOENT'))).toBe(false);
		expect(isTerminalGoneError(new Error('boom'))).toBe(false);
		expect(isTerminalGoneError(undefined)).toBe(false);
		expect(isTerminalGoneError('EIO')).toBe(false);
	});

	it('calls onGone once for the first EIO on any stream, drops what follows, passes other errors on', () => {
		const stdin = new EventEmitter();
		const stdout = new EventEmitter();
		let gone = 0;
		const others: unknown[] = [];
		const watch = watchTerminal([stdin, stdout], () => gone++, error => others.push(error));
		const unrelated = errno('EACCES');
		stdout.emit('error', unrelated);
		expect(others).toEqual([unrelated]);
		expect(watch.gone).toBe(false);
		stdin.emit('error', errno('EIO', 'read'));
		stdout.emit('error', errno('EIO'));
		stdout.emit('error', Object.assign(new Error('write after destroy'), {code: 'ERR_STREAM_DESTROYED'}));
		expect(gone).toBe(1);
		expect(watch.gone).toBe(true);
		expect(others).toHaveLength(1);
		watch.dispose();
		expect(stdout.listenerCount('error')).toBe(0);
	});

	it('markGone (SIGHUP) makes later errors quiet without calling onGone', () => {
		const stdout = new EventEmitter();
		let gone = 0;
		const watch = watchTerminal([stdout], () => gone++, () => {
			throw new Error('should not be called');
		});
		watch.markGone();
		stdout.emit('error', errno('EPIPE'));
		stdout.emit('error', errno('EACCES'));
		expect(gone).toBe(0);
		expect(watch.gone).toBe(true);
	});
});
