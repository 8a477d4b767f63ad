import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {SSHD_INSTALL_HINT, sshdAvailable, startOpenSshServer, type OpenSshServer} from '../../source/lab/ssh/openssh-sshd.js';
import {labUserKeyPath, readLabUserKey} from '../helpers/lab-credentials.js';
import {runPlain} from './cli-plain.js';

const haveSshd = sshdAvailable();
if (!haveSshd) console.warn(`SKIPPED: vmux cp against OpenSSH needs /usr/sbin/sshd. Install it with: ${SSHD_INSTALL_HINT}`);

/** vmux cp with a host profile (direct, key file) against OpenSSH's sshd and its internal-sftp: no lab in between. */
describe.skipIf(!haveSshd)('vmux cp against OpenSSH sshd', () => {
	let sshd: OpenSshServer;
	const configDir = mkdtempSync(join(tmpdir(), 'vmux-cp-sshd-'));
	const dir = mkdtempSync(join(tmpdir(), 'vmux-cp-sshd-files-'));
	let remoteDir: string;
	const vmux = (...args: string[]) => runPlain(['--config-dir', configDir, ...args], {timeoutMs: 60_000});

	beforeAll(async () => {
		sshd = await startOpenSshServer({authorizedKeys: [readLabUserKey('demo_ed25519.pub').toString('utf8').trim()]});
		remoteDir = join(sshd.dir, 'files');
		mkdirSync(remoteDir, {mode: 0o755});
		const profile = {
			name: 'sshd-box',
			target: {kind: 'host', host: '127.0.0.1'},
			transport: {kind: 'direct'},
			protocol: 'ssh',
			port: sshd.port,
			username: sshd.username,
			auth: {type: 'key-file', path: labUserKeyPath('demo_ed25519')},
			options: {keepaliveIntervalSec: 15, keepaliveCountMax: 3},
		};
		writeFileSync(join(dir, 'import.json'), JSON.stringify({version: 1, profiles: [profile]}));
		const imported = await vmux('profiles', 'import', join(dir, 'import.json'));
		expect(imported.code, imported.stderr).toBe(0);
		writeFileSync(join(configDir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostKeyPublic.split(/\s+/).slice(0, 2).join(' ')}\n`);
	}, 60_000);
	afterAll(async () => {
		await sshd?.stop();
		rmSync(configDir, {recursive: true, force: true});
		rmSync(dir, {recursive: true, force: true});
	});

	it('uploads and downloads a file with its mode, and a tree with -r', async () => {
		const data = randomBytes(2 * 1024 * 1024 + 5);
		writeFileSync(join(dir, 'tool.sh'), data);
		chmodSync(join(dir, 'tool.sh'), 0o750);
		const up = await vmux('cp', join(dir, 'tool.sh'), `sshd-box:${remoteDir}/`);
		expect(up.stderr).toBe('');
		expect(up.code).toBe(0);
		expect(readFileSync(join(remoteDir, 'tool.sh')).equals(data)).toBe(true);
		expect(statSync(join(remoteDir, 'tool.sh')).mode & 0o777).toBe(0o750);
		const down = await vmux('cp', `sshd-box:${remoteDir}/tool.sh`, join(dir, 'back.sh'));
		expect(down.code, down.stderr).toBe(0);
		expect(readFileSync(join(dir, 'back.sh')).equals(data)).toBe(true);
		expect(statSync(join(dir, 'back.sh')).mode & 0o777).toBe(0o750);
		mkdirSync(join(dir, 'tree', 'a'), {recursive: true});
		writeFileSync(join(dir, 'tree', 'a', 'one.txt'), 'one\n');
		const tree = await vmux('cp', '-r', join(dir, 'tree'), `sshd-box:${remoteDir}`);
		expect(tree.code, tree.stderr).toBe(0);
		expect(readFileSync(join(remoteDir, 'tree', 'a', 'one.txt'), 'utf8')).toBe('one\n');
	}, 120_000);

	it('a missing remote file is one sentence and exit status 1', async () => {
		const result = await vmux('cp', `sshd-box:${remoteDir}/nothing-here`, dir);
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(`vmux cp: ${remoteDir}/nothing-here: no such file or directory.\n`);
	}, 60_000);
});
