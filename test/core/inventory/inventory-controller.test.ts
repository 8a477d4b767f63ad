import {afterEach, describe, expect, it} from 'vitest';
import {InventoryController} from '../../../source/core/inventory/inventory-controller.js';
import {armInventorySource} from '../../../source/core/inventory/arm-inventory-source.js';
import {diskCache} from '../../../source/core/inventory/cache.js';
import {startLabWithClients, type LabWithClients} from '../../lab/arm/lab-clients.js';
import {tempDir} from '../../helpers/lab-session.js';

function settled(controller: InventoryController): Promise<void> {
	return new Promise(resolve => {
		const check = () => {
			if (!controller.current().status.includes('refreshing')) {
				controller.off('change', check);
				resolve();
			}
		};
		controller.on('change', check);
	});
}

describe('InventoryController with the real SDKs against the lab ARM', () => {
	const cleanups: Array<() => unknown> = [];
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	});

	it('shows the cache on the first frame, refreshes, and keeps the list when the network fails', async () => {
		const config = tempDir();
		cleanups.push(() => config.remove());
		const env: LabWithClients = await startLabWithClients();
		cleanups.push(() => env.close());
		const source = armInventorySource('demo lab', async () => env.clients, () => []);

		// First run: no cache, so the list arrives with the refresh; the cache is written.
		const first = new InventoryController(source, diskCache(config.dir, 'lab'));
		first.start();
		expect(first.current().vms).toHaveLength(0);
		await settled(first);
		expect(first.current().vms.map(vm => vm.name)).toContain('web-01');
		expect(first.current().status).toMatch(/demo lab · .*8 VMs · updated/);

		// Second run: the first frame (synchronously after start) already has the fleet, marked as cached.
		const second = new InventoryController(source, diskCache(config.dir, 'lab'));
		second.start();
		expect(second.current().vms).toHaveLength(8);
		expect(second.current().status).toMatch(/cached \d+ s ago · refreshing/);
		await settled(second);

		// The lab goes away: a refresh fails, the list stays, and the status line says why.
		await env.lab.close();
		second.refresh();
		await settled(second);
		expect(second.current().vms).toHaveLength(8);
		expect(second.current().status).toMatch(/refresh failed, showing the last list: .+\(r retries\)/);
	});

	it('waits out 429s as Azure asks, with the wait on the status line', async () => {
		const env = await startLabWithClients({maxThrottleRetries: 3});
		cleanups.push(() => env.close());
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 1});
		const progress: string[] = [];
		const source = armInventorySource('demo lab', async () => env.clients, () => []);
		const result = await source.fetch(text => progress.push(text), new AbortController().signal);
		expect(result.ok).toBe(true);
		expect(progress.some(text => /throttling requests: waiting 1 s/.test(text))).toBe(true);

	});
});
