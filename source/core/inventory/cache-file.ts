import {readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import type {Inventory, VmRecord} from './model.js';

/**
 * Reading the inventory cache file, without checking it: the first frame draws from it before the full check
 * (cache-schema.ts, zod) loads, which cost 100 ms of a 200 ms first-frame budget. The check runs right after
 * the frame is on screen; a file it refuses is then dropped as before (cache.ts).
 */

/** A cache bigger than this is not parsed on the first frame's path: a real fleet's cache is a few MB. */
export const MAX_CACHE_BYTES = 64 * 1024 * 1024;

export function inventoryCachePath(configDir: string, tenant: string): string {
	const key = tenant.trim().toLowerCase().replace(/[^a-z0-9._-]/g, '_') || 'default';
	return join(configDir, `inventory-${key}.json`);
}

/** The file as JSON; absent when there is none; `problem` (a phrase) when it cannot be used. */
export type CacheFileRead = {ok: true; path: string; json: unknown} | {ok: false; path: string; problem: string} | undefined;

export function readInventoryCacheFile(configDir: string, tenant: string): CacheFileRead {
	const path = inventoryCachePath(configDir, tenant);
	let text: string;
	try {
		const size = statSync(path).size;
		if (size > MAX_CACHE_BYTES) return {ok: false, path, problem: `it is ${Math.round(size / 1024 / 1024)} MB, more than a cache ever holds`};
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return undefined;
		return {ok: false, path, problem: `it cannot be read (${code ?? (error as Error).message})`};
	}
	try {
		// Editors on some systems add a byte-order mark; JSON.parse refuses it.
		return {ok: true, path, json: JSON.parse(text.replace(/^\uFEFF/, ''))};
	} catch {
		return {ok: false, path, problem: 'it is not valid JSON (truncated or damaged)'};
	}
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const optionalText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What the first frame draws of an unchecked cache file: each VM's listed fields, as text (anything else reads
 * as empty), or undefined when the file does not have the shape of a cache at all. Only the columns the splash
 * shows are filled in: this is not an Inventory for anything else.
 */
export function splashInventory(json: unknown): Pick<Inventory, 'vms' | 'fetchedAt'> | undefined {
	if (!isObject(json) || !isObject(json.inventory)) return undefined;
	const {vms, fetchedAt} = json.inventory;
	if (!Array.isArray(vms) || typeof fetchedAt !== 'number') return undefined;
	const listed: VmRecord[] = [];
	for (const vm of vms) {
		if (!isObject(vm) || typeof vm.name !== 'string') continue;
		const bastion = isObject(vm.bastion) ? {name: text(vm.bastion.name), sku: text(vm.bastion.sku)} : undefined;
		listed.push({
			name: vm.name,
			powerState: text(vm.powerState),
			resourceGroup: text(vm.resourceGroup),
			subscriptionName: text(vm.subscriptionName),
			privateIp: optionalText(vm.privateIp),
			publicIp: optionalText(vm.publicIp),
			bastion,
		} as unknown as VmRecord);
	}
	return {vms: listed, fetchedAt};
}
