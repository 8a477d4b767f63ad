import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {randomBytes} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Client} from 'ssh2';
import {RemoteFs} from '../../../source/core/files/remote-fs.js';
import {TransferQueue} from '../../../source/core/files/transfer-queue.js';
import {PART_SUFFIX, downloadFile} from '../../../source/core/files/transfer-file.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {SSHD_INSTALL_HINT, sshdAvailable, startOpenSshServer, type OpenSshServer} from '../../../source/lab/ssh/openssh-sshd.js';
import {connectClient} from '../../helpers/sftp-client.js';
import {DEMO_PUB, tempDir} from '../../helpers/lab-session.js';

const haveSshd = sshdAvailable();
if (!haveSshd) console.warn(`SKIPPED: OpenSSH sshd file tests need /usr/sbin/sshd. Install it with: ${SSHD_INSTALL_HINT}`);

interface Target {
	client: Client;
	fs: RemoteFs;
	/** The remote home (the login directory SFTP starts in). */
	home: string;
	stop(): Promise<void>;
}

async function labTarget(): Promise<Target & {server: LabSshServer}> {
	const server = await new LabSshServer({
		vmName: 'files-01',
		hostKey: readLabAsset('hostkeys/jump-01'),
		users: [{username: 'azureuser', authorizedKeys: [DEMO_PUB]}],
	}).start();
	const client = await connectClient(server.address);
	const fs = await RemoteFs.open(client);
	return {
		server,
		client,
		fs,
		home: server.home,
		async stop() {
			client.end();
			await server.stop();
		},
	};
}

async function opensshTarget(extraConfig: string[] = []): Promise<Target & {sshd: OpenSshServer}> {
	const sshd = await startOpenSshServer({authorizedKeys: [DEMO_PUB], extraConfig});
	const client = await connectClient(sshd, sshd.username, sshd.hostKeyPublic);
	const fs = await RemoteFs.open(client);
	// sshd's user is the one running the tests: work in a throwaway directory, not their real home.
	const home = join(sshd.dir, 'home');
	mkdirSync(home, {mode: 0o755});
	return {
		sshd,
		client,
		fs,
		home,
		async stop() {
			client.end();
			await sshd.stop();
		},
	};
}

function suite(name: string, make: () => Promise<Target>) {
	describe(`file transfers against ${name}`, () => {
		let target: Target;
		const local = tempDir('vmux-files-');
		beforeAll(async () => {
			target = await make();
		});
		afterAll(async () => {
			await target?.stop();
			local.remove();
		});

		it('uploads and downloads a file: same bytes, mode kept, checked with sha256sum', async () => {
			const data = randomBytes(3 * 1024 * 1024 + 17);
			const source = join(local.dir, 'blob.bin');
			writeFileSync(source, data);
			chmodSync(source, 0o640);
			const queue = new TransferQueue(target.fs);
			const remote = join(target.home, 'blob.bin');
			const up = await queue.add({direction: 'upload', localPath: source, remotePath: remote}).done;
			expect(up.state, up.error).toBe('done');
			expect(up.bytesDone).toBe(data.length);
			expect(up.verified).toBe('sha256');
			expect(readFileSync(remote).equals(data)).toBe(true);
			expect(statSync(remote).mode & 0o777).toBe(0o640);
			expect(existsSync(remote + PART_SUFFIX)).toBe(false);
			const back = join(local.dir, 'back.bin');
			const down = await queue.add({direction: 'download', localPath: back, remotePath: remote}).done;
			expect(down.state, down.error).toBe('done');
			expect(down.verified).toBe('sha256');
			expect(readFileSync(back).equals(data)).toBe(true);
			expect(statSync(back).mode & 0o777).toBe(0o640);
		});

		it('copies a directory tree both ways with -r, into an existing directory like scp', async () => {
			const tree = join(local.dir, 'tree');
			mkdirSync(join(tree, 'sub', 'deeper'), {recursive: true});
			writeFileSync(join(tree, 'a.txt'), 'alpha\n');
			writeFileSync(join(tree, 'sub', 'b.txt'), 'bravo\n');
			writeFileSync(join(tree, 'sub', 'deeper', 'c.bin'), randomBytes(70_000));
			chmodSync(join(tree, 'sub', 'b.txt'), 0o755);
			const queue = new TransferQueue(target.fs, {concurrency: 2});
			const up = await queue.add({direction: 'upload', localPath: tree, remotePath: target.home, recursive: true}).done;
			expect(up.state, up.error).toBe('done');
			expect(up.filesDone).toBe(3);
			expect(readFileSync(join(target.home, 'tree', 'sub', 'b.txt'), 'utf8')).toBe('bravo\n');
			expect(statSync(join(target.home, 'tree', 'sub', 'b.txt')).mode & 0o777).toBe(0o755);
			const into = join(local.dir, 'down');
			mkdirSync(into);
			const down = await queue.add({direction: 'download', localPath: into, remotePath: join(target.home, 'tree'), recursive: true}).done;
			expect(down.state, down.error).toBe('done');
			expect(readFileSync(join(into, 'tree', 'sub', 'deeper', 'c.bin')).equals(readFileSync(join(tree, 'sub', 'deeper', 'c.bin')))).toBe(true);
			const noR = await queue.add({direction: 'download', localPath: into, remotePath: join(target.home, 'tree')}).done;
			expect(noR.state).toBe('failed');
			expect(noR.error).toMatch(/tree: is a directory \(copy it with -r\)\./);
		});

		it('runs several transfers at once under the limit and reports rate and ETA', async () => {
			const queue = new TransferQueue(target.fs, {concurrency: 2, progressIntervalMs: 10, pipeline: {concurrency: 4}});
			const files = [0, 1, 2].map(i => {
				const path = join(local.dir, `many-${i}.bin`);
				writeFileSync(path, randomBytes(6 * 1024 * 1024));
				return path;
			});
			let maxRunning = 0;
			let sawRate = false;
			queue.on('change', () => {
				const list = queue.list();
				maxRunning = Math.max(maxRunning, list.filter(t => t.state === 'running').length);
				if (list.some(t => t.rate > 0 && t.etaSeconds !== undefined)) sawRate = true;
			});
			const results = await Promise.all(files.map(path => queue.add({direction: 'upload', localPath: path, remotePath: target.home}).done));
			expect(results.map(r => r.state)).toEqual(['done', 'done', 'done']);
			expect(maxRunning).toBe(2);
			expect(sawRate).toBe(true);
		});

		it('a cancelled download keeps its partial file and the next one resumes from it', async () => {
			const data = randomBytes(24 * 1024 * 1024);
			const remote = join(target.home, 'big.bin');
			writeFileSync(remote, data);
			const dest = join(local.dir, 'big.bin');
			const abort = new AbortController();
			let moved = 0;
			const first = downloadFile(remote, dest, {
				fs: target.fs,
				signal: abort.signal,
				// Small requests, few in flight: slow enough to cancel in the middle.
				concurrency: 2,
				chunkSize: 16 * 1024,
				onBytes: bytes => {
					moved += bytes;
					if (moved > 4 * 1024 * 1024) abort.abort();
				},
			});
			await expect(first).rejects.toThrow(/big\.bin: cancelled\./);
			const partSize = statSync(dest + PART_SUFFIX).size;
			expect(partSize).toBeGreaterThan(4 * 1024 * 1024);
			expect(partSize).toBeLessThan(data.length);
			const queue = new TransferQueue(target.fs);
			const second = await queue.add({direction: 'download', localPath: dest, remotePath: remote}).done;
			expect(second.state, second.error).toBe('done');
			expect(second.resumedBytes).toBe(partSize);
			expect(readFileSync(dest).equals(data)).toBe(true);
			expect(existsSync(dest + PART_SUFFIX)).toBe(false);
		});

		it('does not resume from a partial of an older version of the remote file', async () => {
			const remote = join(target.home, 'changed.txt');
			writeFileSync(remote, 'new contents, longer than the old partial\n');
			const dest = join(local.dir, 'changed.txt');
			writeFileSync(dest + PART_SUFFIX, 'OLD');
			// A partial from another version of the file: its mtime (the mark of the version) differs.
			utimesSync(dest + PART_SUFFIX, new Date(2020, 0, 1), new Date(2020, 0, 1));
			const queue = new TransferQueue(target.fs);
			const result = await queue.add({direction: 'download', localPath: dest, remotePath: remote}).done;
			expect(result.resumedBytes).toBe(0);
			expect(readFileSync(dest, 'utf8')).toBe('new contents, longer than the old partial\n');
		});

		it('a partial whose bytes are wrong fails the checksum and the file is copied again from the start', async () => {
			const remote = join(target.home, 'corrupt.txt');
			writeFileSync(remote, 'the right contents of this file\n');
			const dest = join(local.dir, 'corrupt.txt');
			writeFileSync(dest + PART_SUFFIX, 'THE WRONG');
			const mtime = statSync(remote).mtime;
			utimesSync(dest + PART_SUFFIX, mtime, mtime);
			const queue = new TransferQueue(target.fs);
			const result = await queue.add({direction: 'download', localPath: dest, remotePath: remote}).done;
			expect(result.state, result.error).toBe('done');
			expect(result.resumedBytes).toBe(0);
			expect(result.bytesDone).toBe(32);
			expect(readFileSync(dest, 'utf8')).toBe('the right contents of this file\n');
		});

		it('a cancelled upload resumes by the remote partial size', async () => {
			const data = randomBytes(12 * 1024 * 1024);
			const source = join(local.dir, 'up-big.bin');
			writeFileSync(source, data);
			const queue = new TransferQueue(target.fs, {pipeline: {concurrency: 2, chunkSize: 16 * 1024}, progressIntervalMs: 0});
			const remote = join(target.home, 'up-big.bin');
			const first = queue.add({direction: 'upload', localPath: source, remotePath: remote});
			queue.on('change', () => {
				const t = queue.list().find(x => x.id === first.id);
				if (t && t.state === 'running' && t.bytesDone > 3 * 1024 * 1024) queue.cancel(first.id);
			});
			expect((await first.done).state).toBe('cancelled');
			const partSize = statSync(remote + PART_SUFFIX).size;
			expect(partSize).toBeGreaterThan(0);
			queue.removeAllListeners('change');
			const second = await queue.add({direction: 'upload', localPath: source, remotePath: remote}).done;
			expect(second.state, second.error).toBe('done');
			expect(second.resumedBytes).toBe(partSize);
			expect(readFileSync(remote).equals(data)).toBe(true);
		});

		it('names the file and the reason when it fails', async () => {
			const queue = new TransferQueue(target.fs);
			const missing = await queue.add({direction: 'download', localPath: local.dir, remotePath: join(target.home, 'nope.txt')}).done;
			expect(missing.state).toBe('failed');
			expect(missing.error).toBe(`${join(target.home, 'nope.txt')}: no such file or directory.`);
			const noLocal = await queue.add({direction: 'upload', localPath: join(local.dir, 'absent'), remotePath: target.home}).done;
			expect(noLocal.error).toBe(`${join(local.dir, 'absent')}: no such file or directory.`);
		});

		it('lists a directory with size, mode and mtime; makes, renames and deletes', async () => {
			const dir = join(target.home, 'ops');
			await target.fs.mkdir(dir);
			writeFileSync(join(dir, 'f.txt'), 'x'.repeat(1234));
			chmodSync(join(dir, 'f.txt'), 0o600);
			writeFileSync(join(dir, 'evil\u001b]0;pwned\u0007.txt'), '');
			await target.fs.mkdir(join(dir, 'inner'));
			const list = await target.fs.list(dir);
			expect(list.map(e => e.label)).toEqual(['inner', 'evil.txt', 'f.txt']);
			const f = list.find(e => e.name === 'f.txt')!;
			expect(f.size).toBe(1234);
			expect(f.mode & 0o777).toBe(0o600);
			expect(Math.abs(f.mtime - Date.now() / 1000)).toBeLessThan(120);
			await target.fs.rename(join(dir, 'f.txt'), join(dir, 'g.txt'));
			await expect(target.fs.rename(join(dir, 'g.txt'), join(dir, 'inner'))).rejects.toThrow(/inner: already exists\./);
			await target.fs.remove(dir);
			expect(existsSync(dir)).toBe(false);
		});
	});
}

suite('the lab ssh2 server (OpenSSH sftp-server behind it)', labTarget);
describe.skipIf(!haveSshd)('OpenSSH', () => {
	suite('OpenSSH sshd', () => opensshTarget());

	it('checks the size only when the VM has no sha256sum', async () => {
		// sshd sets PATH for the exec channel: with nothing on it, `command -v sha256sum` finds nothing.
		const target = await opensshTarget(['SetEnv PATH=/nonexistent']);
		const local = tempDir('vmux-files-nosum-');
		try {
			const source = join(local.dir, 'x.bin');
			writeFileSync(source, randomBytes(100_000));
			const queue = new TransferQueue(target.fs);
			const result = await queue.add({direction: 'upload', localPath: source, remotePath: join(target.home, 'x.bin')}).done;
			expect(result.state, result.error).toBe('done');
			expect(result.verified).toBe('size');
			expect(readFileSync(join(target.home, 'x.bin')).equals(readFileSync(source))).toBe(true);
		} finally {
			await target.stop();
			local.remove();
		}
	});

	it('a read-only SFTP server refuses an upload: permission denied, naming the file', async () => {
		const target = await opensshTarget(['ForceCommand internal-sftp -R']);
		const local = tempDir('vmux-files-ro-');
		try {
			const source = join(local.dir, 'x.txt');
			writeFileSync(source, 'x');
			const queue = new TransferQueue(target.fs);
			const result = await queue.add({direction: 'upload', localPath: source, remotePath: join(target.home, 'x.txt')}).done;
			expect(result.state).toBe('failed');
			expect(result.error).toBe(`${join(target.home, 'x.txt')}: permission denied.`);
		} finally {
			await target.stop();
			local.remove();
		}
	});
});

describe('a connection lost in the middle', () => {
	it('fails the transfer with "connection lost" and keeps the partial download', async () => {
		const target = await labTarget();
		const local = tempDir('vmux-files-lost-');
		try {
			const remote = join(target.home, 'lost.bin');
			writeFileSync(remote, randomBytes(16 * 1024 * 1024));
			const queue = new TransferQueue(target.fs, {pipeline: {concurrency: 2, chunkSize: 16 * 1024}, progressIntervalMs: 0});
			const dest = join(local.dir, 'lost.bin');
			const t = queue.add({direction: 'download', localPath: dest, remotePath: remote});
			let killed = false;
			queue.on('change', () => {
				if (!killed && (queue.list()[0]?.bytesDone ?? 0) > 1024 * 1024) {
					killed = true;
					void target.server.kill();
				}
			});
			const result = await t.done;
			expect(result.state).toBe('failed');
			expect(result.error).toMatch(/lost\.bin: connection lost\./);
			expect(statSync(dest + PART_SUFFIX).size).toBeGreaterThan(0);
		} finally {
			await target.stop();
			local.remove();
		}
	});
});
