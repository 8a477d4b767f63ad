import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {runPlain} from './cli-plain.js';
import {VmuxPty} from './pty-driver.js';

describe('vmux ssh (the built CLI, demo lab, real pty)', () => {
	const configDir = mkdtempSync(join(tmpdir(), 'vmux-cli-ssh-'));
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});
	afterAll(() => rmSync(configDir, {recursive: true, force: true}));

	it('runs a shell in the terminal: the host key is asked with its fingerprint, what is typed runs, exit 3 is vmux exit status 3', async () => {
		vmux = new VmuxPty(['--demo', 'ssh', 'jump-01'], {configDir, cols: 100, rows: 30});
		const asked = await vmux.waitFor('continue connecting', 60_000);
		expect(asked).toMatch(/ssh-ed25519 key fingerprint is SHA256:[\w+/]{43}/);
		vmux.write('yes\r');
		await vmux.waitFor(/jump-01:~[#$]$/m, 30_000, 'the shell prompt');
		vmux.write('echo hi$((40+2)); stty size\r');
		await vmux.waitFor(screen => screen.includes('hi42') && screen.includes('30 100'), 15_000, 'the output and the pty size');
		vmux.resize(90, 25);
		vmux.write('stty size\r');
		await vmux.waitFor('25 90', 15_000, 'the window change');
		vmux.write('exit 3\r');
		expect((await vmux.waitForExit(15_000)).exitCode).toBe(3);
		// "yes" saved the key (hashed host name, as OpenSSH's HashKnownHosts).
		expect(readFileSync(join(configDir, 'known_hosts'), 'utf8')).toMatch(/^\|1\|\S+ ssh-ed25519 AAAA/m);
	}, 120_000);

	it('runs a command through the Bastion and Key Vault profile and exits with its status (exit 7)', async () => {
		vmux = new VmuxPty(['--demo', 'ssh', 'web-01', '--', 'echo from-$((6*7)); exit 7'], {configDir});
		await vmux.waitFor('continue connecting', 60_000);
		vmux.write('once\r');
		await vmux.waitFor('from-42', 30_000);
		expect((await vmux.waitForExit(15_000)).exitCode).toBe(7);
	}, 120_000);

	it('a refused host key sends nothing and exits 255', async () => {
		vmux = new VmuxPty(['--demo', 'ssh', 'db-01', '--', 'echo never'], {configDir});
		await vmux.waitFor('continue connecting', 60_000);
		vmux.write('no\r');
		const screen = await vmux.waitFor('rejected the host key', 30_000);
		expect(screen).not.toContain('never');
		expect((await vmux.waitForExit(15_000)).exitCode).toBe(255);
	}, 120_000);

	it('without a terminal: an unknown host key is explained in one sentence and exits 255; a known one streams stdout and stderr apart', async () => {
		const unknown = await runPlain(['--config-dir', configDir, '--demo', 'ssh', 'dev-01', '--', 'echo never']);
		expect(unknown.code).toBe(255);
		expect(unknown.stdout).toBe('');
		expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
		expect(unknown.stderr).toMatch(/host key of dev-01 .*SHA256:.* is not in known_hosts, and there is no terminal to ask about it; nothing was sent\. Connect once interactively/);

		// jump-01's key was saved by the first test.
		const known = await runPlain(['--config-dir', configDir, '--demo', 'ssh', 'jump-01', '--', 'echo out; echo err >&2; cat; exit 5'], {input: 'piped-in\n'});
		expect(known.stderr).toBe('err\n');
		expect(known.stdout).toBe('out\npiped-in\n');
		expect(known.code).toBe(5);
	}, 120_000);

	it('says what is wrong with the arguments, with exit 2, and names an unknown profile with exit 255', async () => {
		const none = await runPlain(['--config-dir', configDir, 'ssh']);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain('name a profile');
		const missing = await runPlain(['--config-dir', configDir, 'ssh', 'no-such-vm', '--', 'true']);
		expect(missing.code).toBe(255);
		expect(missing.stderr).toMatch(/^vmux ssh: No profile or VM matches "no-such-vm"/);
	}, 60_000);
});
