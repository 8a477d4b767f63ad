import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';

/** Opens vmux --demo and a live shell on jump-01 (direct, local key), accepting its host key. */
async function openLiveSession(vmux: VmuxPty): Promise<void> {
	await vmux.waitFor('jump-01', SLOW);
	vmux.write('/jump\r');
	await vmux.waitFor('Unknown host key', SLOW);
	vmux.write('s');
	await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m, SLOW);
}

/** Generous: the demo lab starts slowly on a loaded machine; these waits end as soon as the screen shows it. */
const SLOW = 60_000;

function crashLogs(configDir: string): string[] {
	const logDir = join(configDir, 'logs');
	return existsSync(logDir) ? readdirSync(logDir).filter(name => name.startsWith('crash-')) : [];
}

describe('the terminal going away', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('closing the terminal with a live session ends it quietly: exit 129, no crash log', async () => {
		vmux = new VmuxPty(['--demo']);
		await openLiveSession(vmux);
		// Keep the pane busy so vmux is writing to the terminal when it disappears.
		vmux.write('while :; do echo tick; sleep 0.05; done\r');
		await vmux.waitFor('tick', SLOW);
		// What closing a terminal window does: the master side goes away (the kernel then hangs up the tty).
		vmux.closeTerminal();
		const exit = await vmux.waitForExit(15_000);
		expect(exit.exitCode).toBe(129);
		expect(crashLogs(vmux.configDir)).toEqual([]);
	}, 4 * SLOW);

	// Once the App is up, and while the demo still starts (its splash: the App takes a second or more after it).
	for (const [when, ready, appUp] of [
		['', (screen: string) => screen.includes('jump-01') && screen.includes('⏎ connect'), true],
		[' while the demo is still starting, before the App is up', (screen: string) => screen.includes('Starting the demo lab'), false],
	] as const) {
		it(`restores the terminal on SIGQUIT (Ctrl-\\ from outside)${when} instead of leaving the alternate screen on`, async () => {
			vmux = new VmuxPty(['--demo']);
			await vmux.waitFor(ready, SLOW, 'the screen to signal');
			expect(vmux.altScreen).toBe(true);
			vmux.kill('SIGQUIT');
			const exit = await vmux.waitForExit();
			expect(exit.exitCode).toBe(131);
			expect(vmux.everWrote('⏎ connect')).toBe(appUp);
			expect(vmux.raw).toContain('\x1b[?1049l');
			expect(vmux.raw).toContain('\x1b[?25h');
			expect(vmux.altScreen).toBe(false);
			expect(crashLogs(vmux.configDir)).toEqual([]);
		}, 2 * SLOW);
	}
});
