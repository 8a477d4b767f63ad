import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';
import {PREFIX} from './demo-steps.js';


describe('key bindings from settings.json (real PTY, vmux --demo)', () => {
	let vmux: VmuxPty | undefined;
	let configDir: string | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
		if (configDir) rmSync(configDir, {recursive: true, force: true});
		configDir = undefined;
	});

	it('uses rebound keys, drops unbound ones, and names bad bindings at start while the rest apply', async () => {
		configDir = mkdtempSync(join(tmpdir(), 'vmux-keys-'));
		const keys = {
			sort: 'S',
			doctor: 'none',
			'new-window': 'prefix C',
			// A typo and a clash: both are named at start, and the commands involved keep their defaults.
			'new-windw': 'prefix N',
			'sign-in': 'e',
		};
		writeFileSync(join(configDir, 'settings.json'), JSON.stringify({keys, maxFps: 60}), {mode: 0o600});
		vmux = new VmuxPty(['--demo'], {configDir, cols: 160, rows: 40});
		// The App's browser (its key hints), not the demo's early list: the notices are the App's.
		const start = await vmux.waitFor(text => text.includes('jump-01') && text.includes('⏎ connect'), 30_000, "the App's browser");
		const notice = start.replace(/\s+/g, ' ');
		expect(notice).toContain('settings.json "keys" names "new-windw", which is not a vmux command (did you mean "new-window"?)');
		expect(notice).toContain('settings.json "keys": "sign-in" is bound to "e", which is already the key of "edit-profile"');
		// Only the bindings involved fall back: the settings file as a whole is not set aside.
		expect(notice).not.toContain('default settings');
		// The hints and the sort line show the key as bound now.
		expect(start).toMatch(/S sort/);
		expect(start).toContain('sorted by name (S changes)');

		// o no longer sorts and ! no longer runs the doctor (it would take the next keys); S sorts.
		vmux.write('o!S');
		await vmux.waitFor('sorted by state (S changes)');
		vmux.write('S');
		await vmux.waitFor('sorted by resource group (S changes)');
		expect(vmux.screen()).not.toContain('Doctor');

		// The help lists the keys in force, with the names to rebind.
		vmux.write('?');
		// Wait for the help's rows, not only its title: a read can land between the title and the rest of one frame.
		const help = await vmux.waitFor(screen => screen.includes('vmux keys') && /^ {2}S +sort +sort by name/m.test(screen) && /^ {2}L +sign-in /m.test(screen), 30_000, 'the help rows');
		expect(help).toMatch(/^ {2}— +doctor +doctor:/m);
		expect(help).toMatch(/^ {2}Ctrl-b C +new-window +new tab: another shell/m);
		expect(help).toMatch(/^ {2}L +sign-in /m);
		vmux.write('q');
		await vmux.waitFor('sorted by resource group');

		// The clashing setting left e to edit-profile.
		vmux.write('/jump\x1b');
		// Esc clears the filter: wait for the whole list again, so the e below is not read together with the Esc
		// as Alt-e (a terminal sends Alt-e as exactly those two bytes).
		await vmux.waitFor(screen => /^▸ jump-01 /m.test(screen) && screen.includes('web-01') && !screen.includes('/jump'), 60_000, 'the filter to close');
		vmux.write('e');
		await vmux.waitFor('Edit profile · jump-01');
		vmux.write('\x1b');
		await vmux.waitFor('sorted by');

		// Sessions: prefix c is unbound now, prefix C opens the second shell.
		vmux.write('/jump\r');
		await vmux.waitFor('Unknown host key');
		vmux.write('s');
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m);
		vmux.write(`${PREFIX}cecho "one=$((40+1))"\r`);
		await vmux.waitFor('one=41');
		expect(vmux.screen()).not.toMatch(/1:jump-01/);
		vmux.write(`${PREFIX}C`);
		await vmux.waitFor(/1:jump-01/);
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m);
		vmux.write('echo "two=$((40+2))"\r');
		await vmux.waitFor('two=42');
	});
});
