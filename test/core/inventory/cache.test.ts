import {mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {DEFAULT_STALE_AFTER_MS, inventoryCachePath, loadInventoryCache, saveInventoryCache} from '../../../source/core/inventory/cache.js';
import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import type {Inventory} from '../../../source/core/inventory/model.js';
import {loadDemoTopology} from '../../../source/lab/topology/index.js';

const TENANT = '8f3c1a5e-4b2d-4c6e-9a7b-0d1e2f3a4b5c';

function configDir(): string {
	return join(mkdtempSync(join(tmpdir(), 'vmux-cache-')), 'config');
}

function inventory(fetchedAt: number): Inventory {
	return {...buildLocalInventory(loadDemoTopology(), fetchedAt), source: 'azure-resource-graph'};
}

describe('inventory cache', () => {
	test('round-trips the last inventory per tenant, marked as from the cache', () => {
		const dir = configDir();
		const saved = inventory(1_000_000);
		const path = saveInventoryCache(dir, TENANT, saved);
		expect(path).toBe(join(dir, `inventory-${TENANT}.json`));
		const loaded = loadInventoryCache(dir, TENANT, {now: 1_000_000 + 60_000})!;
		expect(loaded.inventory).toEqual({...saved, source: 'cache'});
		expect(loaded).toMatchObject({originalSource: 'azure-resource-graph', fetchedAt: 1_000_000, ageMs: 60_000, stale: false});
	});

	test('the file is private (0600) in a private directory, written without leftovers', () => {
		const dir = configDir();
		saveInventoryCache(dir, TENANT, inventory(1));
		saveInventoryCache(dir, TENANT, inventory(2));
		expect(statSync(inventoryCachePath(dir, TENANT)).mode & 0o777).toBe(0o600);
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		expect(readdirSync(dir)).toEqual([`inventory-${TENANT}.json`]);
		expect(loadInventoryCache(dir, TENANT)!.fetchedAt).toBe(2);
	});

	test('an existing file with loose permissions is replaced by a 0600 one', () => {
		const dir = configDir();
		saveInventoryCache(dir, TENANT, inventory(1));
		chmodSync(inventoryCachePath(dir, TENANT), 0o644);
		saveInventoryCache(dir, TENANT, inventory(2));
		expect(statSync(inventoryCachePath(dir, TENANT)).mode & 0o777).toBe(0o600);
	});

	test('old data is returned but marked stale', () => {
		const dir = configDir();
		saveInventoryCache(dir, TENANT, inventory(0));
		expect(loadInventoryCache(dir, TENANT, {now: DEFAULT_STALE_AFTER_MS + 1})!.stale).toBe(true);
		expect(loadInventoryCache(dir, TENANT, {now: 10_000, staleAfterMs: 5_000})!.stale).toBe(true);
		expect(loadInventoryCache(dir, TENANT, {now: 10_000, staleAfterMs: 50_000})!.stale).toBe(false);
	});

	test('tenants do not share a cache, and odd tenant names make safe file names', () => {
		const dir = configDir();
		saveInventoryCache(dir, TENANT, inventory(1));
		expect(loadInventoryCache(dir, 'other-tenant')).toBeUndefined();
		const path = saveInventoryCache(dir, '../Contoso.OnMicrosoft.com', inventory(3));
		expect(path).toBe(join(dir, 'inventory-.._contoso.onmicrosoft.com.json'));
		expect(loadInventoryCache(dir, '../Contoso.OnMicrosoft.com')!.fetchedAt).toBe(3);
	});

	test('missing, corrupt or foreign files read as no cache, never as a crash', () => {
		const dir = configDir();
		expect(loadInventoryCache(dir, TENANT)).toBeUndefined();
		saveInventoryCache(dir, TENANT, inventory(1));
		const path = inventoryCachePath(dir, TENANT);
		const good = readFileSync(path, 'utf8');
		for (const bad of ['{', '[]', JSON.stringify({version: 99, inventory: {}}), good.replace('"vms":[', '"vms":[{"name":1},')]) {
			writeFileSync(path, bad);
			expect(loadInventoryCache(dir, TENANT)).toBeUndefined();
		}
	});
});
