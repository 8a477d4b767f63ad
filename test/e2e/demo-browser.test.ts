import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';

describe('vmux --demo in a real pseudo-terminal', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('lists the demo VMs, filters with /, and quits with q restoring the terminal', async () => {
		vmux = new VmuxPty(['--demo']);
		const screen = await vmux.waitFor('jump-01');
		expect(vmux.altScreen).toBe(true);
		for (const name of ['web-01', 'web-02', 'db-01', 'app-01', 'dev-01', 'legacy-01', 'jump-01', 'ops-01']) expect(screen).toContain(name);
		// ops-01 is in Fabrikam Ops, a subscription of another tenant: the demo lists every tenant of its user.
		expect(screen).toMatch(/ops-01\s+running\s+rg-ops\s+Fabrikam Ops/);
		expect(screen).toMatch(/web-02\s+stopped\s+rg-web\s+Contoso Dev/);
		expect(screen).toMatch(/NAME\s+STATE\s+RESOURCE GROUP\s+SUBSCRIPTION\s+IP/);

		vmux.write('/');
		await vmux.waitFor(/^\/\s+8 of 8/m);
		vmux.write('web');
		const filtered = await vmux.waitFor(/^\/web\s+2 of 8/m);
		expect(filtered).toContain('web-01');
		expect(filtered).toContain('web-02');
		expect(filtered).not.toContain('jump-01');

		vmux.write('\x1b');
		await vmux.waitFor('jump-01');
		// o sorts the list: by state, the stopped VM goes last.
		vmux.write('o');
		const byState = await vmux.waitFor(/sorted by state/);
		const rows = byState.split('\n').filter(line => /^[▸ ] \S+-\d\d /.test(line));
		expect(rows.at(-1)).toContain('web-02');
		vmux.write('q');
		const {exitCode} = await vmux.waitForExit();
		expect(exitCode).toBe(0);
		// Back on the main screen with the cursor visible, bracketed paste off.
		expect(vmux.raw).toContain('\x1b[?1049l');
		expect(vmux.raw).toContain('\x1b[?25h');
		expect(vmux.raw).toContain('\x1b[?2004l');
		expect(vmux.altScreen).toBe(false);
	});

	it('chooses subscriptions with s (keys typed in one burst), remembered in settings.json', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('jump-01');
		vmux.write('s');
		await vmux.waitFor(/\[x\] Fabrikam Ops/);
		// Down to Contoso Prod and uncheck it, down to Fabrikam Ops (another tenant) and uncheck it, save: all in
		// one write, as a fast typist or a script sends it.
		vmux.write('j j \r');
		const screen = await vmux.waitFor(/demo lab · Contoso Dev · 3 VMs/);
		expect(screen).not.toContain('jump-01');
		const {readFileSync} = await import('node:fs');
		const settings = JSON.parse(readFileSync(`${vmux.configDir}/settings.json`, 'utf8'));
		expect(settings.selectedSubscriptions).toEqual(['3f2a6c1e-7d4b-4e8a-9c5f-1b2d3e4f5a6b']);
	});

	it('runs the doctor on a VM with !, each check shown as it finishes', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('jump-01');
		vmux.write('/legacy');
		await vmux.waitFor(/^\/legacy\s+\d+ of 8/m);
		vmux.write('\x1b');
		await vmux.waitFor(/^\s*8 VMs/m);
		vmux.write('!');
		const report = await vmux.waitFor(/Some checks failed|No check failed/);
		expect(report).toContain('Doctor · legacy-01');
		expect(report).toMatch(/✗ Bastion SKU and native client support/);
		expect(report).toMatch(/Basic SKU of bas-basic/);
		vmux.write('q');
		await vmux.waitFor('jump-01');
	});

	it('picks a Key Vault secret for a profile from the lab (subscription, vault, secret) and saves it', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('jump-01');
		vmux.write('/web-01');
		await vmux.waitFor(/^\/web-01\s+\d of 8/m);
		vmux.write('\x1b');
		await vmux.waitFor(/^\s*8 VMs/m);
		vmux.write('e');
		await vmux.waitFor('Edit profile · web-01');
		// Down to the Key Vault field, then Enter opens the picker.
		for (let i = 0; i < 7; i++) vmux.write('\x1b[B');
		await vmux.waitFor(/^› Azure Key Vault/m);
		vmux.write('\r');
		await vmux.waitFor(/› Contoso Dev/);
		vmux.write('\r');
		await vmux.waitFor(/› kv-contoso-demo/);
		vmux.write('\r');
		await vmux.waitFor(/dev-01-password/);
		vmux.write('k\r');
		const form = await vmux.waitFor(/^ {2}Secret\s+dev-01-password$/m);
		expect(form).toMatch(/Azure Key Vault\s+https:\/\/kv-contoso-demo\.vault\.localhost$/m);
		vmux.write('\x13');
		await vmux.waitFor('Saved the profile "web-01"');
		const {readFileSync} = await import('node:fs');
		const saved = JSON.parse(readFileSync(`${vmux.configDir}/profiles.json`, 'utf8')).profiles.find((p: {name: string}) => p.name === 'web-01');
		expect(saved.auth).toMatchObject({type: 'keyvault-key', vaultUrl: 'https://kv-contoso-demo.vault.localhost', secretName: 'dev-01-password'});
	});

	it('opens with a hand-broken profiles file, says which file and what is wrong once, and never rewrites it', async () => {
		const {mkdtempSync, readFileSync, rmSync, writeFileSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const {join} = await import('node:path');
		const configDir = mkdtempSync(join(tmpdir(), 'vmux-e2e-broken-'));
		const broken = '{"version": 1, "profiles": [ {"name": "half-typed", \n';
		writeFileSync(join(configDir, 'profiles.json'), broken, {mode: 0o600});
		try {
			vmux = new VmuxPty(['--demo'], {configDir});
			// The list may show first on its own (drawn as soon as the lab answers, before the App is up); the notice
			// comes with the App's first frame.
			const screen = await vmux.waitFor(text => text.includes('jump-01') && text.includes('profiles.json is not valid JSON'), 15_000, 'the list with the notice');
			const flat = screen.replace(/\n/g, ' ');
			expect(flat.match(/read-only until/g)).toHaveLength(1);
			vmux.write('/jump\r');
			await vmux.waitFor('The profile editor cannot save now.');
			vmux.write('\x1b');
			await vmux.waitFor('web-01');
			vmux.write('q');
			await vmux.waitForExit();
			expect(readFileSync(join(configDir, 'profiles.json'), 'utf8')).toBe(broken);
		} finally {
			rmSync(configDir, {recursive: true, force: true});
		}
	});

	it('D deletes the selected VM\'s profile after asking, and the row shows it has none', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('jump-01');
		// Sorted by name: app-01, db-01, dev-01, jump-01.
		vmux.write('jjj');
		await vmux.waitFor(/^▸ jump-01 .*direct +✓$/m);
		vmux.write('D');
		await vmux.waitFor('Delete the profile "jump-01"?');
		vmux.write('n');
		await vmux.waitFor(/^▸ jump-01 .*direct +✓$/m);
		vmux.write('D');
		await vmux.waitFor('Delete the profile "jump-01"?');
		vmux.write('y');
		await vmux.waitFor('Deleted the profile "jump-01".');
		expect(vmux.screen()).toMatch(/^▸ jump-01 .*direct$/m);
		const {readFileSync} = await import('node:fs');
		const names = JSON.parse(readFileSync(`${vmux.configDir}/profiles.json`, 'utf8')).profiles.map((p: {name: string}) => p.name);
		expect(names).not.toContain('jump-01');
		expect(names).toContain('web-01');
	});

	it('--lab-topology with a malformed file names the resource and the field, and exits 1 without a stack', async () => {
		const {mkdtempSync, rmSync, writeFileSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const {join} = await import('node:path');
		const dir = mkdtempSync(join(tmpdir(), 'vmux-e2e-topology-'));
		const file = join(dir, 'topology.json');
		const sub = '11111111-2222-3333-4444-555555555555';
		writeFileSync(
			file,
			JSON.stringify({
				tenantId: '99999999-8888-7777-6666-555555555555',
				subscriptions: [{subscriptionId: sub, displayName: 'Lab'}],
				resources: [{id: `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/bastionHosts/bas-dev`, sku: {name: 'Developer'}, properties: {ipConfigurations: []}}],
			}),
		);
		try {
			vmux = new VmuxPty(['--demo', '--lab-topology', file]);
			const {exitCode} = await vmux.waitForExit(30_000);
			expect(exitCode).toBe(1);
			const screen = vmux.screen().replace(/\n/g, ' ');
			expect(screen).toContain(`Lab topology ${file} is not valid`);
			expect(screen).toMatch(/Microsoft\.Network\/bastionHosts 'bas-dev'.*properties\.virtualNetwork\.id/);
			expect(screen).not.toMatch(/\s at \S+:\d+:\d+/);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('marks the characters the fuzzy filter matched', async () => {
		vmux = new VmuxPty(['--demo']);
		// The App's browser (its key hints), not the list drawn before it: the marks are read from one settled frame.
		await vmux.waitFor(text => text.includes('jump-01') && text.includes('⏎ connect'), 15_000, "the App's browser");
		vmux.write('/wb');
		// The count and the row's marks are one frame, but a read can land between its writes: wait for both.
		const marked = () => vmux!.underlinedRow(vmux!.screen().split('\n').findIndex(line => /^▸ web-01 /.test(line)));
		await vmux.waitFor(text => text.includes('2 of 8') && /^▸ \[w\]e\[b\]-01 /.test(marked()), 15_000, 'web-01 with w and b marked');
		expect(marked()).toMatch(/^▸ \[w\]e\[b\]-01 /);
	});
});
