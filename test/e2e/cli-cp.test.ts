import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {runPlain} from './cli-plain.js';
import {VmuxPty} from './pty-driver.js';

/** The lab's whoami shim every demo VM home holds (source/lab/ssh/lab-ssh-server.ts). */
const SHIM = '#!/bin/sh\n# vmux lab: the SSH user this shell belongs to.\nprintf \'%s\\n\' "$USER"\n';

describe('vmux cp (the built CLI against the demo lab, through the Bastion)', () => {
	const configDir = mkdtempSync(join(tmpdir(), 'vmux-cli-cp-'));
	const dir = mkdtempSync(join(tmpdir(), 'vmux-cli-cp-files-'));
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});
	afterAll(() => {
		rmSync(configDir, {recursive: true, force: true});
		rmSync(dir, {recursive: true, force: true});
	});

	it('on a terminal: asks the host key, downloads, and says what it checked', async () => {
		vmux = new VmuxPty(['--demo', 'cp', 'web-01:.vmux-lab-bin/whoami', join(dir, 'whoami')], {configDir});
		await vmux.waitFor('continue connecting', 60_000);
		vmux.write('yes\r');
		await vmux.waitFor(/↓ whoami: \d+ B \(size and sha256 checked\)/, 30_000, 'the summary line');
		expect((await vmux.waitForExit(15_000)).exitCode).toBe(0);
		expect(readFileSync(join(dir, 'whoami'), 'utf8')).toBe(SHIM);
		// The mode came along: the shim is executable (0700 on the VM).
		expect(statSync(join(dir, 'whoami')).mode & 0o777).toBe(0o700);
	}, 120_000);

	it('without a terminal: quiet, uploads a file and copies a directory down with -r', async () => {
		const data = randomBytes(3 * 1024 * 1024);
		writeFileSync(join(dir, 'up.bin'), data);
		const up = await runPlain(['--demo', '--config-dir', configDir, 'cp', join(dir, 'up.bin'), 'web-01:'], {timeoutMs: 90_000});
		expect(up.stderr).toBe('');
		expect(up.stdout).toBe('');
		expect(up.code).toBe(0);
		const tree = await runPlain(['--demo', '--config-dir', configDir, 'cp', '-r', 'web-01:.vmux-lab-bin', join(dir, 'bin-copy')], {timeoutMs: 90_000});
		expect(tree.stderr).toBe('');
		expect(tree.code).toBe(0);
		expect(readFileSync(join(dir, 'bin-copy', 'whoami'), 'utf8')).toBe(SHIM);
	}, 200_000);

	it('fails with one sentence naming the file and the reason, and a usage error says what to write', async () => {
		const missing = await runPlain(['--demo', '--config-dir', configDir, 'cp', 'web-01:no-such.txt', dir], {timeoutMs: 90_000});
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/^vmux cp: \/\S+\/no-such\.txt: no such file or directory\.\n$/);
		const dirNoR = await runPlain(['--demo', '--config-dir', configDir, 'cp', 'web-01:.vmux-lab-bin', dir], {timeoutMs: 90_000});
		expect(dirNoR.code).toBe(1);
		expect(dirNoR.stderr).toMatch(/\.vmux-lab-bin: is a directory \(copy it with -r\)\.\n$/);
		const usage = await runPlain(['cp', 'a.txt', 'b.txt']);
		expect(usage.code).toBe(2);
		expect(usage.stderr).toMatch(/^vmux cp: neither path names a VM; write the remote one as <profile>:<path>, e.g\. vmux cp a\.txt web-01:b\.txt\n$/);
		const unknown = await runPlain(['--demo', '--config-dir', configDir, 'cp', 'nosuchvm:x', dir], {timeoutMs: 90_000});
		expect(unknown.code).toBe(255);
		expect(unknown.stderr).toMatch(/^vmux cp: No profile or VM matches "nosuchvm"/);
	}, 300_000);
});
