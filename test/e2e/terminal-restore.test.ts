import {existsSync, readFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';

describe('the terminal is always given back', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	for (const [signal, code] of [
		['SIGTERM', 143],
		['SIGHUP', 129],
		['SIGINT', 130],
	] as const) {
		it(`restores the terminal on ${signal}`, async () => {
			vmux = new VmuxPty(['--demo']);
			await vmux.waitFor('jump-01');
			expect(vmux.altScreen).toBe(true);
			vmux.kill(signal);
			const exit = await vmux.waitForExit();
			expect(exit.exitCode).toBe(code);
			expect(vmux.raw).toContain('\x1b[?1049l');
			expect(vmux.raw).toContain('\x1b[?25h');
			expect(vmux.altScreen).toBe(false);
		});
	}

	// While the demo still starts (its splash, before the App's handlers are in) and once the App is up.
	for (const [when, ready, appUp] of [
		['while the demo is still starting', (screen: string) => screen.includes('Starting the demo lab'), false],
		['once the App is up', (screen: string) => screen.includes('jump-01') && screen.includes('⏎ connect'), true],
	] as const) {
		it(`restores the terminal on a crash ${when} and says where the details are, not a stack over the UI`, async () => {
			vmux = new VmuxPty(['--demo'], {nodeArgs: ['--import', resolve('test/fixtures/e2e/crash-later.mjs')]});
			await vmux.waitFor(ready, 30_000, when);
			expect(vmux.altScreen).toBe(true);
			vmux.kill('SIGUSR2');
			const exit = await vmux.waitForExit(15_000);
			expect(exit.exitCode).toBe(70);
			// The splash case ended before the App drew its browser: the early handler did the work.
			expect(vmux.everWrote('⏎ connect')).toBe(appUp);
			expect(vmux.altScreen).toBe(false);
			expect(vmux.raw).toContain('\x1b[?25h');
			const screen = vmux.screen();
			expect(screen).toContain('vmux stopped after an unexpected error: boom from the crash test');
			expect(screen).not.toMatch(/^\s+at /m);
			const file = /Details were written to (\S+)/.exec(screen.replace(/\n/g, ''))?.[1];
			expect(file && existsSync(file)).toBe(true);
			expect(readFileSync(file!, 'utf8')).toMatch(/boom from the crash test\n\s+at /);
		});
	}

	it('says the terminal is too small instead of drawing garbage, and recovers when it grows', async () => {
		vmux = new VmuxPty(['--demo'], {cols: 30, rows: 6});
		await vmux.waitFor('Terminal too small');
		vmux.resize(120, 40);
		await vmux.waitFor('jump-01');
		vmux.resize(10, 1);
		await vmux.waitFor('too small');
		vmux.resize(100, 30);
		await vmux.waitFor('jump-01');
	});

	it('exits with a one-line error and status 2 on an unknown flag', async () => {
		vmux = new VmuxPty(['--frobnicate']);
		const exit = await vmux.waitForExit();
		expect(exit.exitCode).toBe(2);
		expect(vmux.screen()).toMatch(/unknown option --frobnicate/);
	});
});
