import {describe, expect, it} from 'vitest';
import {parseRemoteSpec, progressLine} from '../../source/commands/cp.js';

describe('vmux cp arguments', () => {
	it('reads <profile>:<path> as scp does: a colon before any slash', () => {
		expect(parseRemoteSpec('web-01:/etc/hosts')).toEqual({profile: 'web-01', path: '/etc/hosts'});
		expect(parseRemoteSpec('web-01:')).toEqual({profile: 'web-01', path: ''});
		expect(parseRemoteSpec('./a:b')).toBeUndefined();
		expect(parseRemoteSpec('/tmp/x:y')).toBeUndefined();
		expect(parseRemoteSpec('plain.txt')).toBeUndefined();
		expect(parseRemoteSpec(':x')).toBeUndefined();
	});

	it('draws a progress line with a bar, bytes, rate and ETA', () => {
		const line = progressLine(
			{id: 1, direction: 'upload', label: 'disk.img', state: 'running', bytesDone: 25 * 1024 * 1024, bytesTotal: 100 * 1024 * 1024, filesDone: 0, filesTotal: 1, rate: 5 * 1024 * 1024, etaSeconds: 15, resumedBytes: 0, skipped: []},
			80,
		);
		expect(line).toMatch(/^↑ disk\.img \[#+-+\] 25 MB\/100 MB 5\.0 MB\/s ETA 15s$/);
		expect(line.length).toBeLessThanOrEqual(80);
	});
});
