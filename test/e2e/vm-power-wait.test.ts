import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {DEMO_TOPOLOGY_PATH} from '../../source/lab/topology/index.js';
import {VmuxPty} from './pty-driver.js';

/**
 * Issue 14, a VM in transit in a real pseudo-terminal against the demo: X deallocates web-01; Enter while it is
 * deallocating asks to wait until it has stopped, then start it and connect; the row counts the wait, then the start
 * (the lab's ARM answers 409 Conflict to a start while the deallocate runs, so starting at once would end in an error
 * dialog, not a shell), and the session opens through the Bastion on the SSH server that came back with the VM.
 * The lab's deallocate is made to last 12 s (the topology file's `lab.powerDurationMs`) so the question is asked while
 * it runs however slow the machine is.
 */
describe('waiting for a deallocating VM, then starting it and connecting (real PTY)', () => {
	let vmux: VmuxPty | undefined;
	let dir: string | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
		if (dir) rmSync(dir, {recursive: true, force: true});
		dir = undefined;
	});

	it('X, then Enter while deallocating: wait, start and connect', async () => {
		dir = mkdtempSync(join(tmpdir(), 'vmux-wait-'));
		const topology = JSON.parse(readFileSync(DEMO_TOPOLOGY_PATH, 'utf8')) as Record<string, unknown>;
		topology.lab = {powerDurationMs: {deallocate: 12_000, start: 2000}};
		const file = join(dir, 'topology.json');
		writeFileSync(file, JSON.stringify(topology));
		vmux = new VmuxPty(['--demo', '--lab-topology', file], {cols: 140, rows: 40});
		await vmux.waitFor(screen => screen.includes('⏎ connect') && /web-01\s+running/.test(screen), 30_000, 'the App with web-01 running');
		vmux.write('Gk');
		await vmux.waitFor(/▸ web-01/);
		vmux.write('X');
		await vmux.waitFor(screen => screen.includes('Stop (deallocate) web-01?'), 10_000, 'the stop confirmation');
		vmux.write('y');
		await vmux.waitFor(/web-01\s+stopping… \d+s/, 15_000);
		vmux.write('\r');
		const question = await vmux.waitFor(
			screen => screen.includes('web-01 is deallocating') && screen.includes('wait, start and connect'),
			15_000,
			'the wait question',
		);
		expect(question.replace(/[│\s]+/g, ' ')).toContain('Wait until it has stopped, then start it and connect?');
		vmux.write('y');
		// vmux's own deallocate is counted first; once it has ended, the wait (if ARM still says deallocating) and the start.
		await vmux.waitFor(/web-01\s+starting… \d+s/, 30_000);
		await vmux.waitFor('Unknown host key for 10.1.1.4', 30_000);
		vmux.write('o');
		await vmux.waitFor(/azureuser@web-01:~[#$] *$/m, 30_000);
		vmux.write('echo "back=$((40+2))"\r');
		await vmux.waitFor('back=42');
		expect(vmux.screen()).not.toContain('Could not start');
	}, 120_000);
});
