/**
 * Bad local state, end to end in a real PTY against the built CLI: a damaged inventory cache and a huge
 * ~/.ssh/known_hosts (issue 8). Needs `npm run build` first.
 */
import {createHash} from 'node:crypto';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {publicKey} from '../fixtures/keys/fixtures.js';
import {VmuxPty} from './pty-driver.js';

// The demo's tenant: its cache file is inventory-lab-<tenant>.json in the config dir.
const DEMO_TENANT = JSON.parse(readFileSync(new URL('../../source/lab/assets/topology/demo-topology.json', import.meta.url), 'utf8')).tenantId as string;
const WAIT_MS = 60_000;

describe('bad local state (real PTY)', () => {
	let vmux: VmuxPty | undefined;
	const dirs: string[] = [];
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
		for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
	});

	it('starts on a damaged inventory cache: one line names the file, the list comes from the refresh, the cache is rebuilt', async () => {
		const configDir = mkdtempSync(join(tmpdir(), 'vmux-e2e-cache-'));
		dirs.push(configDir);
		const cacheFile = join(configDir, `inventory-lab-${DEMO_TENANT}.json`);
		// The three shapes from the issue that used to stop the start with a TypeError.
		const bad = {
			version: 1,
			tenant: `lab-${DEMO_TENANT}`,
			savedAt: 1,
			inventory: {
				fetchedAt: 1,
				source: 'local',
				subscriptions: [null],
				vms: [{id: '/x', name: 'zz-ghost', subscriptionId: 's', subscriptionName: 'S', resourceGroup: 'rg', location: 'l', powerState: 'running', tags: {}, bastion: 'bas', privateIp: {}}],
			},
		};
		writeFileSync(cacheFile, JSON.stringify(bad));
		vmux = new VmuxPty(['--demo'], {configDir});
		// The demo draws its first list before the App is up: wait for the App's note too.
		const screen = await vmux.waitFor(text => /8 VMs/.test(text) && text.replace(/\n/g, '').includes('Ignored the inventory cache'), WAIT_MS, 'the list and the note');
		expect(screen).toContain('jump-01');
		expect(screen).not.toContain('zz-ghost');
		expect(screen).not.toMatch(/TypeError|at .*\.js:\d+/);
		// The note: the file's name (it may wrap on the 120-column screen) and what happens next.
		const flat = screen.replace(/\n/g, '');
		expect(flat).toContain(`Ignored the inventory cache ${cacheFile}`);
		expect(flat).toContain('the refresh rebuilds it');
		// The refresh wrote a good cache over the bad one (never the bad content read back).
		await expect.poll(() => JSON.parse(readFileSync(cacheFile, 'utf8')).inventory.vms.length, {timeout: WAIT_MS}).toBe(8);
		vmux.write('q');
		expect((await vmux.waitForExit(WAIT_MS)).exitCode).toBe(0);
	}, 150_000);

	it('connects to jump-01 with a 150,000-line ~/.ssh/known_hosts, which it leaves as it was', async () => {
		const home = mkdtempSync(join(tmpdir(), 'vmux-e2e-home-'));
		dirs.push(home);
		mkdirSync(join(home, '.ssh'), {recursive: true});
		const other = publicKey('host_ed25519_other.pub').line;
		const lines: string[] = [];
		for (let i = 0; i < 150_000; i++) lines.push(`host-${i}.example,10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} ${other}`);
		const userFile = join(home, '.ssh', 'known_hosts');
		writeFileSync(userFile, `${lines.join('\n')}\n`);
		const before = createHash('sha256').update(readFileSync(userFile)).digest('hex');

		vmux = new VmuxPty(['--demo'], {env: {HOME: home}});
		await vmux.waitFor('jump-01', WAIT_MS);
		vmux.write('/jump\r');
		// Used to fail here with "Maximum call stack size exceeded".
		const dialog = await vmux.waitFor(/Unknown host key|Maximum call stack/, WAIT_MS);
		expect(dialog).not.toContain('Maximum call stack');
		vmux.write('s');
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m, WAIT_MS);
		vmux.write('echo "ok=$((40+2))"\r');
		await vmux.waitFor('ok=42', WAIT_MS);
		expect(createHash('sha256').update(readFileSync(userFile)).digest('hex')).toBe(before);
	}, 150_000);
});
