import {mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync, unlinkSync} from 'node:fs';
import {join} from 'node:path';
import type {Inventory, VmRecord} from './model.js';

/**
 * The last inventory per tenant, on disk in the config dir, so the first frame shows the fleet at once and
 * offline keeps a list. One small JSON file per tenant, written atomically with mode 0600 (it names hosts and
 * addresses; no secrets are in an Inventory).
 */

const CACHE_VERSION = 1;
/** Older than this, the UI marks the list stale (it is refreshed in the background anyway). */
export const DEFAULT_STALE_AFTER_MS = 15 * 60 * 1000;

interface CacheFile {
	version: number;
	tenant: string;
	savedAt: number;
	inventory: Inventory;
}

export interface CachedInventory {
	/** The inventory as saved, with `source: 'cache'`. */
	inventory: Inventory;
	/** Where it originally came from (Resource Graph, ARM, local). */
	originalSource: Inventory['source'];
	fetchedAt: number;
	ageMs: number;
	/** True when older than `staleAfterMs`: show it, mark it, refresh it. */
	stale: boolean;
}

export function inventoryCachePath(configDir: string, tenant: string): string {
	const key = tenant.trim().toLowerCase().replace(/[^a-z0-9._-]/g, '_') || 'default';
	return join(configDir, `inventory-${key}.json`);
}

export function saveInventoryCache(configDir: string, tenant: string, inventory: Inventory): string {
	mkdirSync(configDir, {recursive: true, mode: 0o700});
	const path = inventoryCachePath(configDir, tenant);
	const file: CacheFile = {
		version: CACHE_VERSION,
		tenant,
		savedAt: Date.now(),
		inventory,
	};
	const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
	try {
		writeFileSync(temp, JSON.stringify(file), {mode: 0o600});
		chmodSync(temp, 0o600);
		renameSync(temp, path);
	} catch (error) {
		try {
			unlinkSync(temp);
		} catch {
			// Nothing to clean up.
		}
		throw error;
	}
	return path;
}

/**
 * Reads the cache synchronously (it is on the first frame's path). A missing, unreadable or malformed cache is
 * simply absent: the app then waits for the refresh instead of failing.
 */
export function loadInventoryCache(
	configDir: string,
	tenant: string,
	options: {staleAfterMs?: number; now?: number} = {},
): CachedInventory | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(readFileSync(inventoryCachePath(configDir, tenant), 'utf8'));
	} catch {
		return undefined;
	}
	if (!isCacheFile(parsed)) return undefined;
	const now = options.now ?? Date.now();
	const {inventory} = parsed;
	const ageMs = Math.max(0, now - inventory.fetchedAt);
	return {
		inventory: {...inventory, source: 'cache'},
		originalSource: inventory.source,
		fetchedAt: inventory.fetchedAt,
		ageMs,
		stale: ageMs > (options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS),
	};
}

function isCacheFile(value: unknown): value is CacheFile {
	if (!value || typeof value !== 'object') return false;
	const file = value as Partial<CacheFile>;
	if (file.version !== CACHE_VERSION || !file.inventory || typeof file.inventory !== 'object') return false;
	const inventory = file.inventory as Partial<Inventory>;
	return (
		typeof inventory.fetchedAt === 'number' &&
		typeof inventory.source === 'string' &&
		Array.isArray(inventory.subscriptions) &&
		Array.isArray(inventory.vms) &&
		inventory.vms.every(isVmRecord)
	);
}

function isVmRecord(value: unknown): value is VmRecord {
	if (!value || typeof value !== 'object') return false;
	const vm = value as Partial<VmRecord>;
	return (
		typeof vm.id === 'string' &&
		typeof vm.name === 'string' &&
		typeof vm.subscriptionId === 'string' &&
		typeof vm.resourceGroup === 'string' &&
		typeof vm.powerState === 'string' &&
		typeof vm.tags === 'object' &&
		vm.tags !== null
	);
}
