import {cleanup, render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {randomBytes} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Client} from 'ssh2';
import {FileSessions} from '../../../source/core/files/file-sessions.js';
import {FilesModel} from '../../../source/app/views/files/files-model.js';
import {FilesView, transferLine} from '../../../source/app/views/files/FilesView.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {connectClient} from '../../helpers/sftp-client.js';
import {DEMO_PUB, tempDir} from '../../helpers/lab-session.js';
import {KEY, press, screen, waitForScreen, waitUntil} from '../profile-editor/helpers.js';

/** The file view against a real lab SSH server (SFTP by OpenSSH's sftp-server) over a real ssh2 Client. */
describe('the file view', () => {
	let server: LabSshServer;
	let client: Client;
	const local = tempDir('vmux-files-view-');
	const sessions = new FileSessions<object>();
	const owner = {};

	beforeAll(async () => {
		server = await new LabSshServer({vmName: 'files-01', hostKey: readLabAsset('hostkeys/jump-01'), users: [{username: 'azureuser', authorizedKeys: [DEMO_PUB]}]}).start();
		client = await connectClient(server.address);
	});
	afterAll(async () => {
		sessions.dispose();
		client?.end();
		await server?.stop();
		local.remove();
	});
	afterEach(() => cleanup());

	async function show() {
		const channel = await sessions.channelFor(owner, client);
		const confirms: Array<{title: string; yes(): void}> = [];
		let closed = 0;
		const model = new FilesModel({
			title: 'files-01',
			channel,
			localDir: local.dir,
			confirm: (request, onYes) => confirms.push({title: request.title, yes: onYes}),
			onClose: () => closed++,
		});
		const view = render(<FilesView model={model} width={110} height={24} isActive />);
		await model.open();
		return {...view, model, confirms, closed: () => closed};
	}

	it('lists the home directory with size, mode and mtime, names stripped of control characters, and navigates', async () => {
		mkdirSync(join(server.home, 'docs'), {recursive: true});
		writeFileSync(join(server.home, 'docs', 'inner.txt'), 'inside\n');
		writeFileSync(join(server.home, 'notes.txt'), 'x'.repeat(2048));
		chmodSync(join(server.home, 'notes.txt'), 0o640);
		writeFileSync(join(server.home, 'bad\u001b[2Jname.txt'), 'x');
		const {lastFrame, stdin, closed} = await show();
		const text = await waitForScreen(lastFrame, t => t.includes('notes.txt'), 'the home listing');
		expect(text).toContain(`Files · files-01 · ${server.home}`);
		expect(text).toMatch(/notes\.txt +2\.0 KB {2}-rw-r----- {2}\d{4}-\d\d-\d\d \d\d:\d\d/);
		expect(text).toMatch(/docs\/ +drwx/);
		expect(text).toContain('badname.txt');
		expect(lastFrame()).not.toContain('\u001b[2J');
		// Into docs (directories come first, after .vmux-lab-bin), then back up.
		for (let i = 0; i < 5 && !/▸ docs\//.test(screen(lastFrame)); i++) await press(stdin, 'j');
		await press(stdin, KEY.enter);
		await waitForScreen(lastFrame, t => t.includes('inner.txt') && t.includes(join(server.home, 'docs')), 'docs');
		await press(stdin, KEY.backspace);
		await waitForScreen(lastFrame, t => t.includes('notes.txt') && /▸ docs\//.test(t), 'back in the home with docs selected');
		// A link to a directory opens as the directory.
		symlinkSync(join(server.home, 'docs'), join(server.home, 'zlink'));
		await press(stdin, 'g');
		await waitForScreen(lastFrame, t => t.includes('zlink@'), 'the link listed');
		for (let i = 0; i < 12 && !/▸ zlink@/.test(screen(lastFrame)); i++) await press(stdin, 'j');
		await press(stdin, KEY.enter);
		await waitForScreen(lastFrame, t => t.includes('inner.txt') && t.includes(join(server.home, 'docs')), 'the linked directory (its real path)');
		await press(stdin, KEY.escape);
		expect(closed()).toBe(1);
	});

	it('uploads a file picked with fuzzy search and downloads it back into a chosen directory', async () => {
		const data = randomBytes(300_000);
		mkdirSync(join(local.dir, 'project', 'build'), {recursive: true});
		writeFileSync(join(local.dir, 'project', 'build', 'artifact.tar'), data);
		writeFileSync(join(local.dir, 'project', 'readme.md'), '# hi\n');
		const {lastFrame, stdin} = await show();
		await waitForScreen(lastFrame, t => t.includes('notes.txt'), 'the listing');
		await press(stdin, 'u');
		await waitForScreen(lastFrame, t => t.includes('Upload:'), 'the picker');
		await press(stdin, ...'arttar'.split(''));
		await waitForScreen(lastFrame, t => /▸ project\/build\/artifact\.tar/.test(t) && t.includes('1 match'), 'the fuzzy match');
		await press(stdin, KEY.enter);
		// Done, checked, and listed in the directory on screen.
		await waitForScreen(lastFrame, t => /↑ artifact\.tar +done 293 KB\/293 KB, sha256 ✓/.test(t) && /artifact\.tar +293 KB {2}-rw-r--r--/.test(t), 'the upload done and listed');
		expect(readFileSync(join(server.home, 'artifact.tar')).equals(data)).toBe(true);
		for (let i = 0; i < 8 && !/▸ artifact\.tar/.test(screen(lastFrame)); i++) await press(stdin, 'j');
		await press(stdin, 's');
		await waitForScreen(lastFrame, t => t.includes(`Download artifact.tar into: ${local.dir}`), 'the download prompt');
		await press(stdin, ...'/back'.split(''), KEY.enter);
		await waitForScreen(lastFrame, t => /↓ artifact\.tar +done 293 KB\/293 KB, sha256 ✓/.test(t), 'the download done');
		expect(readFileSync(join(local.dir, 'back', 'artifact.tar')).equals(data)).toBe(true);
	});

	it('makes a directory, renames it, and deletes it after asking with its name', async () => {
		const {lastFrame, stdin, confirms} = await show();
		await waitForScreen(lastFrame, t => t.includes('notes.txt'), 'the listing');
		await press(stdin, 'm', ...'fresh'.split(''), KEY.enter);
		await waitForScreen(lastFrame, t => /▸ fresh\//.test(t) && t.includes('Made the directory fresh.'), 'the new directory selected');
		await press(stdin, 'r', KEY.backspace, KEY.backspace, ...'ed'.split(''), KEY.enter);
		await waitForScreen(lastFrame, t => /▸ freed\//.test(t), 'the renamed directory');
		await press(stdin, 'd');
		expect(confirms.at(-1)?.title).toBe('Delete freed/ and everything in it?');
		expect(existsSync(join(server.home, 'freed'))).toBe(true);
		confirms.at(-1)!.yes();
		await waitForScreen(lastFrame, t => t.includes('Deleted freed.') && !t.includes('freed/'), 'the directory gone');
		expect(existsSync(join(server.home, 'freed'))).toBe(false);
	});

	it('x cancels a running transfer; the list says where it stopped and the partial stays for a resume', async () => {
		// A slow pipeline (one small request at a time) so the transfer is still running when x arrives.
		const slow = new FileSessions<object>({pipeline: {concurrency: 1, chunkSize: 4096}, progressIntervalMs: 20});
		try {
			const channel = await slow.channelFor({}, client);
			writeFileSync(join(server.home, 'huge.bin'), randomBytes(64 * 1024 * 1024));
			const model = new FilesModel({title: 'files-01', channel, localDir: local.dir, confirm: () => {}, onClose: () => {}});
			const {lastFrame, stdin} = render(<FilesView model={model} width={110} height={24} isActive />);
			await model.open();
			await waitForScreen(lastFrame, t => t.includes('huge.bin'), 'huge.bin listed');
			for (let i = 0; i < 12 && !/▸ huge\.bin/.test(screen(lastFrame)); i++) await press(stdin, 'j');
			await press(stdin, 's');
			await waitForScreen(lastFrame, t => t.includes('Download huge.bin into:'), 'the prompt');
			await press(stdin, ...'/slow'.split(''), KEY.enter);
			await waitForScreen(lastFrame, t => /↓ huge\.bin +\[#*-+\] [\d.]+ (KB|MB)\/64 MB [\d.]+ (B|KB|MB)\/s ETA/.test(t), 'the progress bar with bytes, rate and ETA');
			await press(stdin, 'x');
			await waitForScreen(lastFrame, t => /↓ huge\.bin +cancelled at [\d.]+ (KB|MB)\/64 MB/.test(t) && t.includes('a later download resumes it'), 'cancelled');
			await waitUntil(() => existsSync(join(local.dir, 'slow', 'huge.bin.vmux-part')), 'the partial file kept');
		} finally {
			slow.dispose();
		}
	});

	it('shows a failure naming the file and the reason', async () => {
		const {lastFrame, stdin, model} = await show();
		await waitForScreen(lastFrame, t => t.includes('notes.txt'), 'the listing');
		writeFileSync(join(server.home, 'gone.txt'), 'x');
		model.reload();
		await waitForScreen(lastFrame, t => t.includes('gone.txt'), 'gone.txt listed');
		for (let i = 0; i < 12 && !/▸ gone\.txt/.test(screen(lastFrame)); i++) await press(stdin, 'j');
		// It vanishes on the VM before the rename.
		const {unlinkSync} = await import('node:fs');
		unlinkSync(join(server.home, 'gone.txt'));
		await press(stdin, 'r', KEY.backspace, 'X', KEY.enter);
		await waitForScreen(lastFrame, t => t.includes(`${join(server.home, 'gone.txt')}: no such file or directory.`), 'the failure');
	});
});

describe('a transfer line', () => {
	it('shows a bar, bytes, rate and ETA while running, and how it ended after', () => {
		const base = {id: 1, direction: 'download' as const, label: 'big.iso', filesDone: 0, filesTotal: 1, resumedBytes: 0, skipped: []};
		expect(transferLine({...base, state: 'running', bytesDone: 50 * 1024 * 1024, bytesTotal: 100 * 1024 * 1024, rate: 10 * 1024 * 1024, etaSeconds: 5}, 100)).toBe(
			` ↓ big.iso                  [${'#'.repeat(14)}${'-'.repeat(14)}] 50 MB/100 MB 10 MB/s ETA 5s`,
		);
		expect(transferLine({...base, state: 'failed', bytesDone: 0, bytesTotal: 0, rate: 0, etaSeconds: undefined, error: '/srv/x: permission denied.'}, 100)).toBe(
			' ↓ big.iso                  failed: /srv/x: permission denied.',
		);
	});
});
