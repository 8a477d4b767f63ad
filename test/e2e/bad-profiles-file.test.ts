/**
 * Issue 8: the app on a profiles.json with 20,000 invalid entries used to hang before its first screen and
 * ignore SIGTERM. Now it shows the browser with a short notice, quits on q, exits on SIGTERM, and leaves the
 * file byte for byte. Needs `npm run build`.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';

describe('the app on a profiles.json of 20,000 invalid entries', () => {
	let configDir: string;
	let bytes: Buffer;
	let vmux: VmuxPty | undefined;
	beforeEach(() => {
		configDir = mkdtempSync(join(tmpdir(), 'vmux-e2e-bad-profiles-'));
		bytes = Buffer.from(JSON.stringify({version: 1, profiles: Array.from({length: 20_000}, (_, i) => ({name: `bad-${i}`, port: 'x', auth: 5}))}));
		writeFileSync(join(configDir, 'profiles.json'), bytes, {mode: 0o600});
	});
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
		rmSync(configDir, {recursive: true, force: true});
	});

	it('shows the browser and quits with q', async () => {
		// No Azure sign-in works here, so the browser says so; the profiles notice is what this test is about.
		vmux = new VmuxPty([], {configDir, env: {AZURE_CONFIG_DIR: join(configDir, 'no-azure-cli')}});
		// The browser's header: the app got past loading the file (it used to hang here for minutes).
		await vmux.waitFor(/NAME\s+STATE/, 60_000);
		vmux.write('q');
		const exit = await vmux.waitForExit(20_000);
		expect(exit.exitCode).toBe(0);
		expect(readFileSync(join(configDir, 'profiles.json')).equals(bytes)).toBe(true);
	}, 90_000);

	it('exits on SIGTERM, giving the terminal back', async () => {
		vmux = new VmuxPty([], {configDir, env: {AZURE_CONFIG_DIR: join(configDir, 'no-azure-cli')}});
		await vmux.waitFor(/NAME\s+STATE/, 60_000);
		vmux.kill('SIGTERM');
		const exit = await vmux.waitForExit(20_000);
		expect(exit.exitCode).toBe(143);
		expect(vmux.altScreen).toBe(false);
		expect(readFileSync(join(configDir, 'profiles.json')).equals(bytes)).toBe(true);
	}, 90_000);
});
