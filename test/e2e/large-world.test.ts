import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {bastionCell} from '../../source/app/views/browser/columns.js';
import {fetchAzureInventory} from '../../source/core/inventory/azure-source.js';
import {createVmFilter} from '../../source/core/inventory/fuzzy.js';
import type {VmRecord} from '../../source/core/inventory/model.js';
import {generateLabWorld} from '../../source/lab/topology/generate.js';
import {parseTopology} from '../../source/lab/topology/index.js';
import {startLabWithClients} from '../lab/arm/lab-clients.js';
import {VmuxPty} from './pty-driver.js';

/**
 * Issue 14 in the app: a 1,000-VM lab world (`vmux --demo --lab-topology`), the lab in vmux's own process. The list
 * appears whole, the BASTION column is the one vmux's own inventory reads, and a filter typed with random gaps and
 * bursts (seeded) loses no key: the line shows exactly the query and the count a fresh filter over the same VMs
 * finds, with its best match on top. (Its speed is measured in bench/browser-filter.mjs: timed assertions are flaky.)
 */
const COUNT = 1000;
const QUERIES = ['payments db', 'prod kafka 00', 'env:staging', 'rg-spoke-1-3 web'];

function randomSource(seed: number) {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
}

describe(`a ${COUNT}-VM world in the app (real PTY)`, () => {
	let dir: string;
	let file: string;
	let vms: VmRecord[];
	let vmux: VmuxPty | undefined;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vmux-large-'));
		const world = generateLabWorld({vms: COUNT});
		file = join(dir, 'world.json');
		writeFileSync(file, JSON.stringify(world));
		// The same world read by vmux's inventory code in this process: what the app's rows and counts must show.
		const lab = await startLabWithClients({topology: parseTopology(world, `${COUNT} VMs`)});
		try {
			const result = await fetchAzureInventory({clients: lab.clients, method: 'resource-graph'});
			if (!result.ok) throw new Error(result.error.message);
			vms = result.inventory.vms;
		} finally {
			await lab.close();
		}
	}, 180_000);
	afterAll(() => {
		vmux?.dispose();
		rmSync(dir, {recursive: true, force: true});
	});

	it('lists every VM with its Bastion, and a filter typed in bursts shows exactly what a fresh filter finds', async () => {
		vmux = new VmuxPty(['--demo', '--lab-topology', file], {cols: 140, rows: 40});
		const screen = await vmux.waitFor(text => text.includes('⏎ connect') && text.includes(`${COUNT} VMs`), 120_000, `the ${COUNT}-VM list`);
		const byName = new Map(vms.map(vm => [vm.name, vm]));
		const rows = screen.split('\n').filter(line => /^[▸ ] \S/.test(line) && !line.includes('RESOURCE GROUP'));
		expect(rows.length).toBeGreaterThan(20);
		for (const row of rows) {
			const vm = byName.get(row.slice(2).split(/\s+/)[0]!);
			expect(vm, row).toBeDefined();
			expect(row, vm!.name).toContain(bastionCell(vm!));
		}

		const filter = createVmFilter(vms);
		const random = randomSource(1400);
		vmux.write('/');
		await vmux.waitFor(text => /^\/ /m.test(text) || /^\/\s*$/m.test(text), 10_000, 'the filter line');
		for (const query of QUERIES) {
			// Random gaps, and now and then a burst of several keys in one write.
			let at = 0;
			while (at < query.length) {
				const size = random() < 0.3 ? 1 + Math.floor(random() * 4) : 1;
				vmux.write(query.slice(at, at + size));
				at += size;
				await new Promise(resolve => setTimeout(resolve, Math.floor(random() * 40)));
			}
			const expected = filter.filter(query);
			const line = `/${query}   ${expected.length} of ${COUNT}`;
			const shown = await vmux.waitFor(text => text.split('\n').some(row => row.trimEnd() === line), 30_000, line);
			const top = shown.split('\n').find(row => /^▸ \S/.test(row));
			expect(top?.slice(2).split(/\s+/)[0], `best match for '${query}'`).toBe(expected[0]!.vm.name);
			vmux.write('\x15');
			await vmux.waitFor(text => text.split('\n').some(row => row.trimEnd().startsWith('/') && row.includes(`${COUNT} of ${COUNT}`)), 10_000, 'the cleared filter');
		}
	}, 240_000);
});
