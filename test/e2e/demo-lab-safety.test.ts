import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {CLI, VmuxPty} from './pty-driver.js';

/** Starting the lab on a loaded 2-core machine can take a while; the wait is on the screen, not a sleep. */
const STARTUP_MS = 60_000;

/** The demo run's private directory: the demo's jump-01 profile names the run's key file, which lives there. */
function runDirOf(configDir: string): string {
	const profiles = JSON.parse(readFileSync(join(configDir, 'profiles.json'), 'utf8')).profiles as Array<{name: string; auth: {path?: string}}>;
	const path = profiles.find(profile => profile.name === 'jump-01')?.auth.path;
	if (!path) throw new Error(`no jump-01 key path in ${configDir}/profiles.json`);
	return dirname(path);
}

/**
 * q, until vmux exits: under load a q typed right after a dialog closed has been seen to go unanswered (the app's
 * input handling, not the lab's cleanup, which is what these tests are about).
 */
async function quit(vmux: VmuxPty): Promise<void> {
	let exited = false;
	void vmux.exited.then(() => (exited = true));
	for (let attempt = 0; attempt < 10 && !exited; attempt++) {
		vmux.write('q');
		await Promise.race([vmux.exited, new Promise(resolve => setTimeout(resolve, 2000))]);
	}
	await vmux.waitForExit(30_000);
}

describe('the demo lab cleans up after itself (real PTY)', () => {
	let vmux: VmuxPty | undefined;
	let configDir: string | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
		if (configDir) rmSync(configDir, {recursive: true, force: true});
		configDir = undefined;
	});

	it.each(['SIGTERM', 'SIGHUP', 'SIGINT'])('removes its run directory (key, shell homes) when vmux gets %s', async signal => {
		configDir = mkdtempSync(join(tmpdir(), 'vmux-e2e-signal-'));
		vmux = new VmuxPty(['--demo'], {configDir});
		await vmux.waitFor('jump-01', STARTUP_MS);
		const runDir = runDirOf(configDir);
		expect(statSync(runDir).mode & 0o777).toBe(0o700);
		vmux.kill(signal);
		await vmux.waitForExit();
		expect(existsSync(runDir)).toBe(false);
	}, 120_000);

	it('a demo profile deleted with D stays deleted after a restart, and quitting removes the run directory', async () => {
		configDir = mkdtempSync(join(tmpdir(), 'vmux-e2e-delete-'));
		vmux = new VmuxPty(['--demo'], {configDir});
		await vmux.waitFor('jump-01', STARTUP_MS);
		const firstRun = runDirOf(configDir);
		// Sorted by name: app-01, db-01, dev-01.
		vmux.write('jj');
		await vmux.waitFor(/^▸ dev-01 .*✓$/m);
		vmux.write('D');
		await vmux.waitFor('Delete the profile "dev-01"?');
		vmux.write('y');
		await vmux.waitFor('Deleted the profile "dev-01".');
		await quit(vmux);
		expect(existsSync(firstRun)).toBe(false);

		vmux = new VmuxPty(['--demo'], {configDir});
		await vmux.waitFor('jump-01', STARTUP_MS);
		// The row says dev-01 has no profile; the other demo profiles are still there.
		expect(vmux.screen()).toMatch(/^. dev-01 .*[^✓\s]$/m);
		const names = JSON.parse(readFileSync(join(configDir, 'profiles.json'), 'utf8')).profiles.map((p: {name: string}) => p.name);
		expect(names).not.toContain('dev-01');
		expect(names).toEqual(expect.arrayContaining(['web-01', 'db-01', 'app-01', 'jump-01']));
		await quit(vmux);
	}, 180_000);
});

describe('vmux doctor --demo', () => {
	it('says at once that the demo lab is starting, and how far it got, before the report', async () => {
		const configDir = mkdtempSync(join(tmpdir(), 'vmux-e2e-doctor-'));
		try {
			const child = spawn(process.execPath, [CLI, 'doctor', 'jump-01', '--demo', '--config-dir', configDir], {stdio: ['ignore', 'pipe', 'pipe']});
			const events: Array<{stream: 'stdout' | 'stderr'; text: string}> = [];
			child.stdout.on('data', (chunk: Buffer) => events.push({stream: 'stdout', text: chunk.toString()}));
			child.stderr.on('data', (chunk: Buffer) => events.push({stream: 'stderr', text: chunk.toString()}));
			const code = await new Promise<number | null>(resolve => child.on('close', resolve));
			const stderr = events.filter(event => event.stream === 'stderr').map(event => event.text).join('');
			// The first thing printed, before the Azure SDK loads, is that the lab is starting.
			expect(events[0]?.stream).toBe('stderr');
			expect(events[0]?.text.startsWith('vmux doctor: Starting the demo lab…\n')).toBe(true);
			expect(stderr).toContain('vmux doctor: starting the Azure stand-ins');
			expect(stderr).toContain('vmux doctor: Demo lab ready; running the checks…');
			// Progress goes to stderr only, so the report (and --json) on stdout stays clean, and comes after it.
			const firstStdout = events.findIndex(event => event.stream === 'stdout');
			const ready = events.findIndex(event => event.text.includes('Demo lab ready'));
			expect(ready).toBeGreaterThanOrEqual(0);
			expect(firstStdout).toBeGreaterThan(ready);
			expect(events.filter(event => event.stream === 'stdout').map(event => event.text).join('')).toContain('vmux doctor: jump-01');
			expect(code).not.toBeNull();
			// Its run directory is gone once it exits.
			expect(existsSync(runDirOf(configDir))).toBe(false);
		} finally {
			rmSync(configDir, {recursive: true, force: true});
		}
	}, 120_000);
});
