import {EventEmitter} from 'node:events';
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {configPaths, defaultConfigDir, defaultDataDir} from '../../../source/core/config/paths.js';
import {deleteRecording, listRecordings} from '../../../source/core/recording/recordings-dir.js';
import {looksLikeSecretPrompt} from '../../../source/core/recording/secret-prompt.js';
import {SessionRecorder, type RecordingNotice} from '../../../source/core/recording/session-recorder.js';
import type {ShellSession, ShellSessionEvents} from '../../../source/core/session/shell-session.js';
import {TerminalEmulator} from '../../../source/core/terminal/emulator.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'vmux-rec-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

/** A shell session as the recorder sees it: its events, a real emulator, its connection's spec. */
class FakeSession extends EventEmitter<ShellSessionEvents> {
	readonly terminal = new TerminalEmulator({cols: 80, rows: 24});
	receivedBytes = 0;
	state = {kind: 'running' as const};
	size = {cols: 80, rows: 24};
	label = 'web 01';
	connection = {spec: {record: {fromStart: false, input: true}, bastionRecords: true}};

	async remote(text: string): Promise<void> {
		this.receivedBytes += text.length;
		this.terminal.write(text);
		this.emit('output', text);
		await this.terminal.flush();
	}

	type(text: string): void {
		this.emit('input', Buffer.from(text));
	}
}

const events = (path: string) =>
	readFileSync(path, 'utf8')
		.split('\n')
		.filter(Boolean)
		.slice(1)
		.map(line => JSON.parse(line) as [number, string, string]);

describe('SessionRecorder', () => {
	it('records output, resizes and input, but not what is typed at a password prompt', async () => {
		const notices: RecordingNotice[] = [];
		const recorder = new SessionRecorder({dir: join(dir, 'recordings'), now: () => new Date(2026, 0, 2, 3, 4, 5)});
		recorder.on('notice', notice => notices.push(notice));
		const session = new FakeSession();
		const shell = session as unknown as ShellSession;
		await session.remote('$ ');

		recorder.toggle(shell);
		const active = recorder.recordingOf(shell);
		expect(active?.path).toBe(join(dir, 'recordings', 'web_01-20260102-030405.cast'));
		expect(statSync(join(dir, 'recordings')).mode & 0o777).toBe(0o700);
		expect(notices[0]?.text).toMatch(/^Recording web 01 \(with typed input, except at password prompts\) to .*\. The Bastion records this session too\.$/);

		session.type('sudo -k; sudo true\r');
		await session.remote('sudo -k; sudo true\r\n[sudo] password for alice: ');
		session.type('hunter2\r');
		await session.remote('\r\n$ ');
		session.emit('resize', 100, 30);
		session.type('echo ok\r');
		recorder.toggle(shell);
		expect(recorder.recordingOf(shell)).toBeUndefined();
		expect(notices[1]?.text).toBe(`Recording of web 01 stopped: ${active?.path}`);

		const recorded = events(active!.path);
		// It starts with the screen as it was (the prompt), drawn on a blank terminal.
		expect(recorded[0]?.[1]).toBe('o');
		expect(recorded[0]?.[2]).toContain('\x1b[1;1H$ ');
		const inputs = recorded.filter(event => event[1] === 'i').map(event => event[2]);
		expect(inputs).toEqual(['sudo -k; sudo true\r', 'echo ok\r']);
		expect(readFileSync(active!.path, 'utf8')).not.toContain('hunter2');
		expect(recorded.filter(event => event[1] === 'r').map(event => event[2])).toEqual(['100x30']);
		session.terminal.dispose();
	});

	it('records output only when the profile does not ask for input, and stops when the session closes', async () => {
		const recorder = new SessionRecorder({dir});
		const session = new FakeSession();
		session.connection.spec.record.input = false;
		const shell = session as unknown as ShellSession;
		const active = recorder.start(shell);
		session.type('secret-typed\r');
		await session.remote('shown\r\n');
		session.emit('closed');
		expect(recorder.recordingOf(shell)).toBeUndefined();
		const text = readFileSync(active!.path, 'utf8');
		expect(text).not.toContain('secret-typed');
		expect(text).toContain('shown');
		session.terminal.dispose();
	});

	it('says so, and records nothing, when the directory cannot be made', () => {
		writeFileSync(join(dir, 'file'), '');
		const recorder = new SessionRecorder({dir: join(dir, 'file', 'recordings')});
		const notices: RecordingNotice[] = [];
		recorder.on('notice', notice => notices.push(notice));
		const session = new FakeSession();
		recorder.toggle(session as unknown as ShellSession);
		expect(recorder.recordingOf(session as unknown as ShellSession)).toBeUndefined();
		expect(notices).toEqual([{tone: 'error', text: expect.stringMatching(/^Cannot record web 01: .* is not writable \(ENOTDIR\)\./)}]);
		session.terminal.dispose();
	});
});

describe('the recordings directory', () => {
	it('lists recordings newest first with VM, start, duration and size, and deletes one', async () => {
		const recorder = new SessionRecorder({dir, now: () => new Date(2026, 0, 2, 3, 4, 5)});
		const session = new FakeSession();
		const shell = session as unknown as ShellSession;
		const first = recorder.start(shell)!;
		await session.remote('one\r\n');
		recorder.stop(shell);
		// A second recording of the same VM in the same second gets its own file.
		const second = recorder.start(shell)!;
		recorder.stop(shell);
		expect(second.path).toMatch(/-20260102-030405-2\.cast$/);
		writeFileSync(join(dir, 'cut-short.cast'), '{"version": 2, "width": 80, "height": 24, "timestamp": 1800000000, "title": "db-01"}\n[0.5, "o", "a"]\n[1.25, "o", "b"]\n[2.0, "o", "c');
		writeFileSync(join(dir, 'notes.txt'), 'not a recording');

		const files = listRecordings(dir);
		expect(files.map(file => [file.name, file.vm, file.duration])).toEqual([
			['cut-short.cast', 'db-01', 1.25],
			[second.path.split('/').pop(), 'web 01', expect.any(Number)],
			[first.path.split('/').pop(), 'web 01', expect.any(Number)],
		]);
		expect(files[0]!.startedAt).toBe(1_800_000_000_000);
		expect(files[0]!.size).toBeGreaterThan(0);
		deleteRecording(files[0]!);
		expect(readdirSync(dir).sort()).toEqual([first.path.split('/').pop(), second.path.split('/').pop(), 'notes.txt'].sort());
		expect(listRecordings(join(dir, 'missing'))).toEqual([]);
		session.terminal.dispose();
	});

	it('lives in the data dir by default, and inside a config dir given with --config-dir', () => {
		expect(configPaths().recordingsDir).toBe(join(defaultDataDir(), 'recordings'));
		expect(configPaths(defaultConfigDir()).recordingsDir).toBe(join(defaultDataDir(), 'recordings'));
		expect(configPaths(dir).recordingsDir).toBe(join(dir, 'recordings'));
	});
});

describe('looksLikeSecretPrompt', () => {
	it.each([
		'Password: ',
		'[sudo] password for alice: ',
		"Enter passphrase for key '/home/a/.ssh/id_ed25519': ",
		'alice@host password:',
		'Verification code: ',
		'Enter PIN for token: ',
		'(current) UNIX password: ',
	])('knows %j', prompt => expect(looksLikeSecretPrompt(prompt)).toBe(true));

	it.each(['$ ', 'azureuser@jump-01:~$ echo password', 'root@vm:~# ', 'Continue? [y/N] '])('ignores %j', prompt => expect(looksLikeSecretPrompt(prompt)).toBe(false));
});
