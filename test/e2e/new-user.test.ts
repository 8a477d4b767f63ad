// What a new user meets first: the demo's first frame while its lab starts, and a saved plain-host
// profile showing up in the browser at once.
import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';

describe('a new user in a real pseudo-terminal', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('vmux --demo shows what is starting, with progress, before the VM list', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('Starting the demo lab: Azure stand-ins', 30_000);
		await vmux.waitFor('jump-01', 60_000);
		const raw = vmux.raw;
		const starting = raw.indexOf('Starting the demo lab');
		expect(starting).toBeGreaterThanOrEqual(0);
		// Each step is on screen before the list replaces the splash (the list is drawn as soon as Resource Graph answers).
		for (const step of ['loading vmux', 'starting the Azure stand-ins', 'listing the VMs']) {
			const at = raw.indexOf(step);
			expect(at, step).toBeGreaterThan(starting);
			expect(at, step).toBeLessThan(raw.indexOf('jump-01'));
		}
		// The SSH servers wait for the first connect: the list does not wait for them.
		expect(raw).not.toContain('starting SSH servers');
		// The splash is gone once the App draws: no leftover line under the list.
		expect(vmux.screen()).not.toContain('Starting the demo lab');
	}, 90_000);

	it('a dialog from the browser has no tab bar; a saved plain-host profile is listed at once (no r), and the status line and the footer count the same rows', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('jump-01', 60_000);
		await vmux.waitFor(/^\s*8 VMs · sorted/m);
		// A dialog opened from the browser with no session: no (empty) session tab bar above it.
		vmux.write('D');
		const dialog = await vmux.waitFor('Delete the profile "app-01"?');
		expect(dialog).not.toContain('Ctrl-b ? help');
		vmux.write('n');
		await vmux.waitFor(/^\s*8 VMs · sorted/m);
		// app-01 (selected) has a profile, so n opens a blank one.
		vmux.write('n');
		await vmux.waitFor('New profile');
		// The editor may draw before it listens for keys (a busy machine): type the name's first letter until
		// it shows, then the rest.
		for (let attempt = 0; !/Name +l/.test(vmux.screen()); attempt++) {
			expect(attempt, 'the Name field never took a key').toBeLessThan(10);
			vmux.write('l');
			await vmux.waitFor(/Name +l/, 3_000).catch(() => undefined);
		}
		vmux.write('ocal-box\t127.0.0.1');
		await vmux.waitFor(/Name +local-box/);
		await vmux.waitFor(/Host +127\.0\.0\.1/);
		// Tab to Authentication (Transport, Port, Authentication), then left twice: Password.
		vmux.write('\t\t\t');
		await vmux.waitFor(/‹ SSH Private Key from Local File ›/);
		vmux.write('\x1b[D\x1b[D');
		await vmux.waitFor(/‹ Password ›/);
		vmux.write('\x13');
		const screen = await vmux.waitFor(/^[▸ ] local-box /m);
		expect(screen).toContain('Saved the profile "local-box".');
		expect(screen).toMatch(/^ vmux +demo lab · .*· 8 VMs · 1 saved host ·/m);
		expect(screen).toMatch(/^\s*8 VMs · 1 saved host · sorted by/m);
		const names = JSON.parse(readFileSync(`${vmux.configDir}/profiles.json`, 'utf8')).profiles.map((p: {name: string}) => p.name);
		expect(names).toContain('local-box');
	}, 90_000);
});
