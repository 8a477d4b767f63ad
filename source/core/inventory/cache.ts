import {mkdirSync, renameSync, writeFileSync, chmodSync, unlinkSync} from 'node:fs';
import type {InventoryCache} from './inventory-controller.js';
import type {Inventory} from './model.js';
import {CACHE_VERSION, parseCacheFile} from './cache-schema.js';
import {inventoryCachePath, readInventoryCacheFile, type CacheFileRead} from './cache-file.js';

export {inventoryCachePath, MAX_CACHE_BYTES} from './cache-file.js';

/**
 * The last inventory per tenant, on disk in the config dir, so the first frame shows the fleet at once and
 * offline keeps a list. One small JSON file per tenant, written atomically with mode 0600 (it names hosts and
 * addresses; no secrets are in an Inventory).
 */

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

export interface LoadCacheOptions {
	staleAfterMs?: number;
	now?: number;
	/** Told, in one sentence naming the file, why a cache that exists was not used (it is refreshed instead). */
	onProblem?: (message: string) => void;
	/** The file as already read for the first frame (cache-file.ts), so it is not read twice. */
	read?: CacheFileRead;
}

/**
 * Reads the cache synchronously (it is on the first frame's path). A missing cache is simply absent; an
 * unreadable, huge or malformed one is absent too (a cache is disposable: the refresh replaces it), and
 * `onProblem` hears why. The file itself is left as it is until a refresh writes a good one over it.
 */
export function loadInventoryCache(configDir: string, tenant: string, options: LoadCacheOptions = {}): CachedInventory | undefined {
	const read = 'read' in options ? options.read : readInventoryCacheFile(configDir, tenant);
	if (!read) return undefined;
	const drop = (why: string): undefined => {
		options.onProblem?.(`Ignored the inventory cache ${read.path} (${why}); the refresh rebuilds it.`);
		return undefined;
	};
	if (!read.ok) return drop(read.problem);
	const json = read.json;
	const parsed = parseCacheFile(json);
	if (!parsed.ok) return drop(parsed.problem);
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

/** The inventory cache on disk; `preloaded` (read for the splash) serves the first load instead of reading again. */
export function diskCache(configDir: string, tenantKey: string, preloaded?: CachedInventory, onProblem?: (message: string) => void): InventoryCache {
	let first = preloaded;
	return {
		load: () => {
			const cached = first ?? loadInventoryCache(configDir, tenantKey, onProblem ? {onProblem} : {});
			first = undefined;
			return cached;
		},
		save: inventory => void saveInventoryCache(configDir, tenantKey, inventory),
	};
}
