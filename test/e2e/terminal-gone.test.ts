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

	it('restores the terminal on SIGQUIT (Ctrl-\\ from outside) instead of leaving the alternate screen on', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('jump-01', SLOW);
		expect(vmux.altScreen).toBe(true);
		vmux.kill('SIGQUIT');
		const exit = await vmux.waitForExit();
		expect(exit.exitCode).toBe(131);
		expect(vmux.raw).toContain('\x1b[?1049l');
		expect(vmux.raw).toContain('\x1b[?25h');
		expect(vmux.altScreen).toBe(false);
		expect(crashLogs(vmux.configDir)).toEqual([]);
	}, 2 * SLOW);

	it('restores the terminal on SIGQUIT while the demo is still starting, before the App is up', async () => {
		vmux = new VmuxPty(['--demo']);
		// The splash is drawn before anything heavy loads; the App takes a second or more after it.
		await vmux.waitFor('Starting the demo lab', SLOW);
		expect(vmux.altScreen).toBe(true);
		vmux.kill('SIGQUIT');
		const exit = await vmux.waitForExit();
		expect(exit.exitCode).toBe(131);
		expect(vmux.raw).not.toContain('⏎ connect');
		expect(vmux.altScreen).toBe(false);
		expect(vmux.raw).toContain('\x1b[?25h');
	}, 2 * SLOW);
});
