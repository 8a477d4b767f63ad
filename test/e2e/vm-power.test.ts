import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';

/**
 * VM power in a real pseudo-terminal against the demo (issue 13 §5): Enter on the stopped web-02 offers to start it,
 * the row counts the start up (`starting… 2s`) while the lab's ARM runs the long-running operation, the VM's state
 * turns to running, and the connection follows through its Bastion to the SSH server that came up with it.
 */
describe('VM power from the browser (real PTY)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('Enter on a stopped VM: start it and connect; X stops it again after asking', async () => {
		vmux = new VmuxPty(['--demo'], {cols: 140, rows: 40});
		await vmux.waitFor(screen => screen.includes('⏎ connect') && /web-02\s+stopped/.test(screen), 30_000, 'the App with web-02 stopped');
		vmux.write('G');
		await vmux.waitFor(/▸ web-02/);
		vmux.write('\r');
		await vmux.waitFor(screen => screen.includes('web-02 is not running') && screen.includes('start it and connect'), 15_000, 'the start-and-connect offer');
		vmux.write('y');
		const starting = await vmux.waitFor(/web-02\s+starting… \d+s\s+rg-web/, 15_000);
		expect(starting).toContain('Start: web-02 is starting…');
		// The demo's lab takes about 4 s; the first connect to web-02 then opens its profile editor.
		await vmux.waitFor('New profile · web-02', 30_000);
		vmux.write('\x1b[B\x1b[B\x1b[B\x1b[B');
		// Password is the second authentication type: step left from the one shown, in one burst.
		const field = await vmux.waitFor(/› Authentication\s+‹ .+? ›\s+\d\/\d/);
		const index = Number(/› Authentication\s+‹ .+? ›\s+(\d)\/\d/.exec(field)![1]);
		vmux.write('\x1b[D'.repeat(Math.max(0, index - 2)));
		await vmux.waitFor('‹ Password ›', 5000);
		vmux.write('\x13');
		await vmux.waitFor(/Unknown host key for 10\.1\.1\.5/, 30_000);
		vmux.write('o');
		const prompt = await vmux.waitFor(/Password for azureuser@web-02[\s\S]*this demo run's: (\S+)\):/);
		const password = /this demo run's: (\S+)\):/.exec(prompt)![1]!;
		vmux.write(`${password}\r`);
		await vmux.waitFor(/azureuser@web-02:~[#$] *$/m, 30_000);
		vmux.write('echo "on-web02=$((6*7))"\r');
		await vmux.waitFor('on-web02=42');

		// Back in the browser, the row shows running; X asks, naming the VM and its group, then deallocates it.
		vmux.write('\x02d');
		await vmux.waitFor(/▸ web-02\s+running/);
		vmux.write('X');
		await vmux.waitFor(screen => screen.includes('Stop (deallocate) web-02?') && screen.includes('resource group rg-web'), 10_000, 'the stop confirmation');
		vmux.write('y');
		await vmux.waitFor(/web-02\s+stopping… \d+s/);
		const after = await vmux.waitFor(/web-02\s+deallocated/, 30_000);
		expect(after).toMatch(/web-02 is deallocated \(stop \(deallocate\) took \d+ s\)/);
	}, 120_000);

	it('a Basic-SKU VM: Enter explains it and gives the portal link, B copies it (OSC 52)', async () => {
		vmux = new VmuxPty(['--demo'], {cols: 160, rows: 40});
		await vmux.waitFor(screen => screen.includes('⏎ connect') && screen.includes('legacy-01'), 30_000, 'the App with legacy-01');
		vmux.write('/legacy\r');
		const refusal = await vmux.waitFor(screen => screen.includes('Basic SKU') && screen.includes('bastionHost'), 15_000, 'the Basic refusal with the link');
		expect(refusal.replace(/[│\s]+/g, '')).toContain('/resourceGroups/rg-legacy/providers/Microsoft.Compute/virtualMachines/legacy-01/bastionHost');
		vmux.write('\x1b');
		await vmux.waitFor(/▸ legacy-01/);
		vmux.write('B');
		await vmux.waitFor(screen => screen.includes('legacy-01 in the Azure portal') && screen.includes('Copied to the clipboard'), 10_000, 'the portal link dialog');
		const osc52 = /\x1b\]52;c;([A-Za-z0-9+/=]+)\x07/.exec(vmux.raw);
		expect(osc52).not.toBeNull();
		expect(Buffer.from(osc52![1]!, 'base64').toString('utf8')).toMatch(/^https:\/\/portal\.azure\.com\/#@[^/]*\/resource\/subscriptions\/.+\/virtualMachines\/legacy-01\/bastionHost$/);
	}, 60_000);
});
