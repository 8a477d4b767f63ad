import {describe, expect, it} from 'vitest';
import {formatBytes, formatEta, formatMode, formatRate} from '../../../source/core/files/file-format.js';
import {describeFileError, FileError} from '../../../source/core/files/sftp-errors.js';

describe('file formats', () => {
	it('writes modes as ls does', () => {
		expect(formatMode(0o100755)).toBe('-rwxr-xr-x');
		expect(formatMode(0o040700)).toBe('drwx------');
		expect(formatMode(0o120777)).toBe('lrwxrwxrwx');
		expect(formatMode(0o104755)).toBe('-rwsr-xr-x');
		expect(formatMode(0o041777)).toBe('drwxrwxrwt');
		expect(formatMode(0o100644 | 0o2000)).toBe('-rw-r-Sr--');
	});

	it('writes sizes, rates and ETAs', () => {
		expect(formatBytes(0)).toBe('0 B');
		expect(formatBytes(1536)).toBe('1.5 KB');
		expect(formatBytes(100 * 1024 * 1024)).toBe('100 MB');
		expect(formatRate(12.4 * 1024 * 1024)).toBe('12 MB/s');
		expect(formatEta(undefined)).toBe('--');
		expect(formatEta(42)).toBe('42s');
		expect(formatEta(185)).toBe('3m05s');
		expect(formatEta(3720)).toBe('1h02m');
	});
});

describe('file errors', () => {
	it('names the file and the reason for SFTP status codes and local errno codes', () => {
		expect(describeFileError(Object.assign(new Error('No such file'), {code: 2}), '/srv/a').message).toBe('/srv/a: no such file or directory.');
		expect(describeFileError(Object.assign(new Error('Permission denied'), {code: 3}), '/srv/a').message).toBe('/srv/a: permission denied.');
		expect(describeFileError(Object.assign(new Error('x'), {code: 'ENOSPC'}), 'out.bin').message).toBe('out.bin: disk full or over quota.');
		expect(describeFileError(Object.assign(new Error('x'), {code: 'EDQUOT'}), 'out.bin').reason).toBe('disk full or over quota');
		expect(describeFileError(new Error('No response from server'), 'f').reason).toBe('connection lost');
		expect(describeFileError(Object.assign(new Error('stop'), {name: 'AbortError'}), 'f').reason).toBe('cancelled');
	});

	it('never lets a control character from a name or a server message through', () => {
		const error = new FileError('evil\u001b[2J.txt', 'failed', 'server says \u001b]0;x\u0007hi');
		expect(error.message).toBe('evil.txt: failed (server says hi).');
	});
});
