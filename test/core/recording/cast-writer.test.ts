import {spawnSync} from 'node:child_process';
import {mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {CastWriter, FLUSH_BYTES, FLUSH_DELAY_MS} from '../../../source/core/recording/cast-writer.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'vmux-cast-'));
});
afterEach(() => {
	vi.useRealTimers();
	rmSync(dir, {recursive: true, force: true});
});

function lines(path: string): unknown[] {
	return readFileSync(path, 'utf8')
		.split('\n')
		.filter(line => line !== '')
		.map(line => JSON.parse(line) as unknown);
}

/** A writer on a new file, with a clock the test moves. */
function writerAt(path: string, clock: {ms: number}, onError?: (error: NodeJS.ErrnoException) => void): CastWriter {
	return new CastWriter({
		fd: openSync(path, 'wx', 0o644),
		header: {width: 100, height: 28, timestamp: 1_700_000_000, title: 'jump-01', env: {TERM: 'xterm-256color'}},
		now: () => clock.ms,
		onError,
	});
}

/** The Python that has asciinema's modules (the one its script runs with), if any. */
const ASCIINEMA_PYTHON = ['/usr/bin/python3', 'python3'].find(python => spawnSync(python, ['-c', 'import asciinema.asciicast.v2']).status === 0);

/** Chunks with a character split across two reads, a byte that is never UTF-8, a truncated sequence, and controls. */
const CHUNKS = [Buffer.from('caf\xc3', 'latin1'), Buffer.from('\xa9 \x1b[31mred\x1b[0m\r\n', 'latin1'), Buffer.from([0xff, 0x41, 0xe2, 0x82, 0x42, 0x22, 0x5c, 0x07]), Buffer.from('€ done\n')];

describe('CastWriter (asciicast v2)', () => {
	it('writes the header, then output, input and resize events timed from the start, in a 0600 file', () => {
		const clock = {ms: 5000};
		const path = join(dir, 'a.cast');
		const writer = writerAt(path, clock);
		writer.writeOutput('hello\r\n');
		clock.ms += 1234.5678;
		writer.writeInput(Buffer.from('ls\r'));
		clock.ms += 500;
		writer.resize(80, 24);
		// Empty output (a lone half character) is no event.
		writer.writeOutput(Buffer.alloc(0));
		writer.close();
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(lines(path)).toEqual([
			{version: 2, width: 100, height: 28, timestamp: 1_700_000_000, title: 'jump-01', env: {TERM: 'xterm-256color'}},
			[0, 'o', 'hello\r\n'],
			[1.234568, 'i', 'ls\r'],
			[1.734568, 'r', '80x24'],
		]);
		// Closed: nothing more is written, and closing again is harmless.
		writer.writeOutput('late');
		writer.close();
		expect(lines(path)).toHaveLength(4);
	});

	it('decodes bytes as asciinema does: split characters kept whole, invalid bytes as U+FFFD, controls escaped', () => {
		const clock = {ms: 0};
		const path = join(dir, 'b.cast');
		const writer = writerAt(path, clock);
		for (const chunk of CHUNKS) writer.writeOutput(chunk);
		writer.close();
		const events = lines(path).slice(1) as Array<[number, string, string]>;
		expect(events.map(event => event[2])).toEqual(['caf', 'é \x1b[31mred\x1b[0m\r\n', '\uFFFDA\uFFFDB"\\\x07', '€ done\n']);
		// The file itself is valid UTF-8 JSON with the escape as \u001b.
		expect(readFileSync(path, 'utf8')).toContain('"é \\u001b[31mred');
	});

	it.skipIf(ASCIINEMA_PYTHON === undefined)('gives the same events as asciinema’s own writer for the same reads', () => {
		const clock = {ms: 0};
		const ours = join(dir, 'ours.cast');
		const writer = writerAt(ours, clock);
		for (const chunk of CHUNKS) writer.writeOutput(chunk);
		writer.close();
		const theirs = join(dir, 'theirs.cast');
		const chunksFile = join(dir, 'chunks.json');
		writeFileSync(chunksFile, JSON.stringify(CHUNKS.map(chunk => chunk.toString('base64'))));
		const script = [
			'import base64, json, sys',
			'from asciinema.asciicast import v2',
			'chunks = json.load(open(sys.argv[1]))',
			'with v2.writer(sys.argv[2], width=100, height=28) as w:',
			'    for c in chunks: w.write_stdout(0, base64.b64decode(c))',
		].join('\n');
		const run = spawnSync(ASCIINEMA_PYTHON!, ['-c', script, chunksFile, theirs], {encoding: 'utf8'});
		expect(run.status, run.stderr).toBe(0);
		const data = (path: string) => (lines(path).slice(1) as Array<[number, string, string]>).map(event => event[2]).filter(text => text !== '');
		expect(data(ours)).toEqual(data(theirs));
	});

	it('keeps at most about FLUSH_BYTES in memory: a flood is written as it comes, a trickle within FLUSH_DELAY_MS', () => {
		vi.useFakeTimers();
		const clock = {ms: 0};
		const path = join(dir, 'c.cast');
		const writer = writerAt(path, clock);
		const headerSize = statSync(path).size;
		writer.writeOutput('x');
		expect(statSync(path).size).toBe(headerSize);
		vi.advanceTimersByTime(FLUSH_DELAY_MS);
		expect(statSync(path).size).toBeGreaterThan(headerSize);
		const chunk = 'y'.repeat(4096);
		for (let i = 0; i < 1000; i++) {
			writer.writeOutput(chunk);
			// Never more than one flush's worth (plus the last event) waits.
			expect(writer.written + FLUSH_BYTES + chunk.length + 64).toBeGreaterThan(headerSize + (i + 1) * chunk.length);
		}
		writer.close();
		expect(statSync(path).size).toBeGreaterThan(1000 * 4096);
	});

	it('stops on a failed write (disk full) and reports once; the caller goes on', () => {
		const clock = {ms: 0};
		const errors: string[] = [];
		// /dev/full fails every write with ENOSPC, as a full disk does.
		let fd: number;
		try {
			fd = openSync('/dev/full', 'w');
		} catch {
			return;
		}
		const writer = new CastWriter({fd, header: {width: 80, height: 24, timestamp: 0}, now: () => clock.ms, onError: error => errors.push(error.code ?? '')});
		expect(writer.stopped).toBe(true);
		writer.writeOutput('more');
		writer.close();
		expect(errors).toEqual(['ENOSPC']);
	});
});
