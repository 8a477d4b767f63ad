import {performance} from 'node:perf_hooks';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {bastionCell} from '../../../source/app/views/browser/columns.js';
import {fetchAzureInventory} from '../../../source/core/inventory/azure-source.js';
import {createVmFilter} from '../../../source/core/inventory/fuzzy.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {generateLabWorld} from '../../../source/lab/topology/generate.js';
import {parseTopology, readLabWorld} from '../../../source/lab/topology/index.js';
import {startLabWithClients, type LabWithClients} from '../arm/lab-clients.js';

/**
 * Issue 14, scale: 1,000- and 10,000-VM worlds served by the lab in this process (ARM and Resource Graph over HTTPS,
 * paged as Azure pages), read by vmux's real inventory code. The list appears whole; every VM's Bastion is the one
 * the lab's own, independent reading of the world says (hub Premium over a spoke's own Basic, none for isolated
 * spokes, a Developer one for its own VNet only); and the browser's filter finds what it should. The per-key time is
 * printed here and measured in bench/inventory-filter.mjs (timed assertions are flaky on a shared machine).
 */

describe.each([1_000, 10_000])('a %i-VM world', count => {
	let env: LabWithClients;
	let vms: VmRecord[];
	const topology = parseTopology(generateLabWorld({vms: count}), `${count} VMs`);
	const expected = new Map(readLabWorld(topology).map(vm => [vm.id.toLowerCase(), vm]));

	beforeAll(async () => {
		env = await startLabWithClients({topology});
		const result = await fetchAzureInventory({clients: env.clients, method: 'resource-graph'});
		if (!result.ok) throw new Error(result.error.message);
		vms = result.inventory.vms;
	}, 180_000);
	afterAll(() => env?.close());

	test('the list appears whole, every VM once', () => {
		expect(vms).toHaveLength(count);
		expect(new Set(vms.map(vm => vm.id.toLowerCase())).size).toBe(count);
	});

	test("every VM's Bastion is the lab's, and the browser's column says it", () => {
		const wrong: string[] = [];
		const kinds = new Map<string, number>();
		for (const vm of vms) {
			const lab = expected.get(vm.id.toLowerCase());
			const got = vm.bastion?.id.toLowerCase();
			if (got !== lab?.bastion?.id.toLowerCase()) wrong.push(`${vm.name}: vmux ${vm.bastion?.name ?? 'none'}, lab ${lab?.bastion?.name ?? 'none'}`);
			const cell = bastionCell(vm);
			const kind = cell.replace(/^bas-(hub|spoke|dev)-.*? · (\w+).*$/, '$1 $2');
			kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
		}
		expect(wrong.slice(0, 10)).toEqual([]);
		// The shapes the world was made with all show up: the hub's Premium (with or without a spoke's own Basic as
		// the second choice), a Developer one, and no Bastion at all for isolated spokes.
		expect([...kinds.keys()].sort()).toEqual(expect.arrayContaining(['hub Premium', 'dev Developer']));
		expect(vms.some(vm => vm.bastion?.sku === 'Premium' && vm.bastionChoices?.some(choice => choice.sku === 'Basic'))).toBe(true);
		expect(vms.some(vm => !vm.bastion && !vm.secondaryNicBastion)).toBe(true);
	});

	test('the filter finds what the browser should show, typed a key at a time', () => {
		const filter = createVmFilter(vms);
		const times: number[] = [];
		let matches = filter.filter('');
		for (const query of ['payments db', 'prod kafka 00', 'rg-spoke-1-3 ', 'env:staging']) {
			for (let i = 1; i <= query.length; i++) {
				const started = performance.now();
				matches = filter.filter(query.slice(0, i));
				times.push(performance.now() - started);
			}
			expect(matches.length).toBeGreaterThan(0);
		}
		times.sort((a, b) => a - b);
		console.log(`${count} VMs: filter p50 ${times[Math.floor(times.length / 2)]!.toFixed(2)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(2)} ms a key (lab in this process)`);
		// The best matches hold every term in one field each: the db VMs of team payments come first.
		const best = filter.filter('payments db').slice(0, 5);
		expect(best.length).toBe(5);
		for (const match of best) expect(`${match.vm.name} ${match.vm.tags.team}`).toMatch(/db.*payments/);
	});
});
