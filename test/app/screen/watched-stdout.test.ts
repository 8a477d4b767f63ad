import {fakeStdout} from '../../helpers/fake-stdout.js';
import {describe, expect, it} from 'vitest';
import {watchWrites} from '../../../source/app/screen/watched-stdout.js';

describe('watchWrites', () => {
	it('calls back once after a burst of writes, after the last one went out', async () => {
		const stdout = fakeStdout({columns: 80, rows: 24});
		const seen: string[] = [];
		const watched = watchWrites(stdout, () => seen.push(String(stdout.written.length)));
		watched.write('\x1b[?2026h');
		watched.write('row one\n');
		watched.write('\x1b[?2026l');
		expect(seen).toEqual([]);
		await Promise.resolve();
		await new Promise(done => setImmediate(done));
		expect(seen).toHaveLength(1);
		expect(stdout.written).toBe('\x1b[?2026hrow one\n\x1b[?2026l');
		watched.write('again');
		await new Promise(done => setImmediate(done));
		expect(seen).toHaveLength(2);
	});

	it('passes everything else through to the real stream', () => {
		const stdout = fakeStdout({columns: 80, rows: 24});
		const watched = watchWrites(stdout, () => {});
		expect(watched.columns).toBe(80);
		expect(watched.rows).toBe(24);
		expect(watched.isTTY).toBe(true);
		let resized = 0;
		watched.on('resize', () => resized++);
		stdout.emit('resize');
		expect(resized).toBe(1);
	});
});
