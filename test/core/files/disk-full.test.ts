import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Client} from 'ssh2';
import {RemoteFs} from '../../../source/core/files/remote-fs.js';
import {TransferQueue} from '../../../source/core/files/transfer-queue.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {connectClient} from '../../helpers/sftp-client.js';
import {DEMO_PUB} from '../../helpers/lab-session.js';

/** A real full disk: a 1 MB tmpfs (needs root with mount rights; skipped elsewhere). */
function mountSmallDisk(): string | undefined {
	if (process.getuid?.() !== 0) return undefined;
	const dir = mkdtempSync(join(tmpdir(), 'vmux-full-disk-'));
	try {
		execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', dir], {stdio: 'ignore'});
		return dir;
	} catch {
		rmSync(dir, {recursive: true, force: true});
		return undefined;
	}
}

const disk = mountSmallDisk();
if (!disk) console.warn('SKIPPED: the disk-full tests mount a 1 MB tmpfs, which needs root with mount rights.');

describe.skipIf(!disk)('a full disk', () => {
	let server: LabSshServer;
	let client: Client;
	let fs: RemoteFs;
	const local = mkdtempSync(join(tmpdir(), 'vmux-full-local-'));
	beforeAll(async () => {
		const home = join(disk!, 'home');
		mkdirSync(home);
		server = await new LabSshServer({vmName: 'full-01', hostKey: readLabAsset('hostkeys/jump-01'), home, users: [{username: 'azureuser', authorizedKeys: [DEMO_PUB]}]}).start();
		client = await connectClient(server.address);
		fs = await RemoteFs.open(client);
	});
	afterAll(async () => {
		client?.end();
		await server?.stop();
		try {
			execFileSync('umount', ['-l', disk!], {stdio: 'ignore'});
		} catch {
			// Still busy: the next run's tmpdir cleanup takes it.
		}
		rmSync(disk!, {recursive: true, force: true});
		rmSync(local, {recursive: true, force: true});
	});

	it('an upload to a full VM disk says so, naming the file', async () => {
		writeFileSync(join(local, 'big.bin'), randomBytes(3 * 1024 * 1024));
		const queue = new TransferQueue(fs);
		const result = await queue.add({direction: 'upload', localPath: join(local, 'big.bin'), remotePath: server.home}).done;
		expect(result.state).toBe('failed');
		expect(result.error).toBe(`${join(server.home, 'big.bin')}: disk full or over quota.`);
	});

	it('a download to a full local disk says so, naming the file', async () => {
		const remote = join(local, 'remote-big.bin');
		writeFileSync(remote, randomBytes(3 * 1024 * 1024));
		const queue = new TransferQueue(fs);
		const result = await queue.add({direction: 'download', localPath: join(disk!, 'got.bin'), remotePath: remote}).done;
		expect(result.state).toBe('failed');
		expect(result.error).toBe(`${join(disk!, 'got.bin')}: disk full or over quota.`);
	});
});
