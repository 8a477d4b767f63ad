import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {labAssetPath} from '../../source/lab/assets.js';
import {runPlain} from './cli-plain.js';
import {VmuxPty} from './pty-driver.js';

/** The demo VMs' addresses as their sshd is known (known_hosts): Bastion VMs by private IP, jump-01 by its public one. */
const DEMO_HOSTS: Record<string, string> = {'web-01': '10.1.1.4', 'db-01': '10.2.1.4', 'app-01': '10.10.1.4', 'dev-01': '10.20.1.4', 'ops-01': '10.50.1.4', 'jump-01': '203.0.113.10'};

interface Result {
	vm: string;
	state: string;
	exitCode?: number;
	stdout: string;
	stderr: string;
	truncated: boolean;
	reason?: string;
}

describe('vmux exec (the built CLI against the demo lab)', () => {
	const configDir = mkdtempSync(join(tmpdir(), 'vmux-cli-exec-'));
	// The lab's shipped host keys, as a user who accepted them once would have them.
	const lines = Object.entries(DEMO_HOSTS).map(([vm, host]) => {
		const [type, blob] = readFileSync(labAssetPath(`hostkeys/${vm}.pub`), 'utf8').trim().split(/\s+/);
		return `${host} ${type} ${blob}`;
	});
	writeFileSync(join(configDir, 'known_hosts'), `${lines.join('\n')}\n`, {mode: 0o600});
	afterAll(() => rmSync(configDir, {recursive: true, force: true}));
	const exec = (args: string[]) => runPlain(['--config-dir', configDir, '--demo', 'exec', ...args], {timeoutMs: 90_000});

	it('runs on every matching VM with a profile, in parallel, and reports each (JSON): exit statuses, stdout and stderr apart, skipped VMs with the reason', async () => {
		const started = Date.now();
		const run = await exec(['', '--json', '--', 'echo out-$((1+1)); echo err >&2; exit 3']);
		const results = JSON.parse(run.stdout) as Result[];
		const byVm = new Map(results.map(r => [r.vm, r]));
		expect([...byVm.keys()].sort()).toEqual(['app-01', 'db-01', 'dev-01', 'jump-01', 'legacy-01', 'ops-01', 'web-01', 'web-02']);
		for (const vm of ['db-01', 'dev-01', 'jump-01', 'ops-01', 'web-01']) expect(byVm.get(vm)).toMatchObject({state: 'ran', exitCode: 3, stdout: 'out-2\n', stderr: 'err\n', truncated: false});
		for (const vm of ['legacy-01', 'web-02']) expect(byVm.get(vm)).toMatchObject({state: 'skipped', reason: expect.stringContaining('no profile')});
		// Entra ID needs a device-code sign-in, and nobody is there to make it: failed, saying so.
		expect(byVm.get('app-01')).toMatchObject({state: 'failed', reason: expect.stringMatching(/sign/i)});
		expect(run.code).toBe(1);
		expect(Date.now() - started).toBeLessThan(80_000);
	}, 120_000);

	it('prints a table with the first line of output, control characters stripped, and exits 0 when every VM exited 0', async () => {
		const run = await exec(['jump', '--', `printf '\\033[31mred\\033]0;title\\007 line\\nsecond\\n'`]);
		expect(run.code).toBe(0);
		expect(run.stdout).not.toContain('\x1b');
		expect(run.stdout).not.toContain('\x07');
		expect(run.stdout.split('\n')[0]).toMatch(/^VM\s+STATUS\s+OUTPUT$/);
		expect(run.stdout).toMatch(/^jump-01\s+0\s+red line$/m);
		expect(run.stdout).not.toContain('second');
		expect(run.stdout).toContain('1 ok, 0 failed, 0 skipped.');
	}, 120_000);

	it('--full prints each VM in its own block, and output past the limit is cut and says so', async () => {
		const run = await exec(['dev-01', '--full', '--', `head -c 100000 /dev/zero | tr '\\0' a; echo; echo done >&2`]);
		expect(run.stdout).toMatch(/^── dev-01 · exit 0$/m);
		expect(run.stdout).toContain('[output cut at 64 KiB per stream]');
		expect(run.stdout).toContain('[stderr]\ndone');
		expect(run.stdout.length).toBeLessThan(70_000);
	}, 120_000);

	it('refuses bad usage with exit 2 and a sentence', async () => {
		for (const [args, text] of [
			[['web', '--parallel', '0', '--', 'true'], '--parallel takes a whole number'],
			[['web'], 'give the command to run after --'],
			[['--', 'true'], 'name a filter'],
			[['web', '--full', '--json', '--', 'true'], 'do not go together'],
		] as const) {
			const run = await runPlain(['--config-dir', configDir, 'exec', ...args]);
			expect(run.code, args.join(' ')).toBe(2);
			expect(run.stderr).toContain(text);
		}
	}, 60_000);

	it('asks about an unknown host key on a terminal, and signs in with the device code for the Entra VM', async () => {
		const fresh = mkdtempSync(join(tmpdir(), 'vmux-cli-exec-tty-'));
		const vmux = new VmuxPty(['--demo', 'exec', 'app-01', '--', 'echo hello-from-$((2*21))'], {configDir: fresh, cols: 140});
		try {
			await vmux.waitFor('continue connecting', 60_000);
			vmux.write('once\r');
			await vmux.waitFor(screen => screen.includes('1 ok, 0 failed'), 90_000, 'the table');
			const screen = vmux.screen();
			expect(screen).toContain('enter the code');
			expect(screen).toMatch(/^app-01\s+0\s+hello-from-42$/m);
			expect((await vmux.waitForExit()).exitCode).toBe(0);
		} finally {
			vmux.dispose();
			rmSync(fresh, {recursive: true, force: true});
		}
	}, 120_000);
});
