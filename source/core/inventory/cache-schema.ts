import {z} from 'zod';
import type {Inventory} from './model.js';

/**
 * The inventory cache file's shape, checked in full before anything reads it: the browser, the splash and the
 * fuzzy filter trust every field of an Inventory, so a hand-edited or damaged cache (a string where the
 * Bastion object belongs, a null subscription) must be caught here rather than as a TypeError mid-render.
 */

export const CACHE_VERSION = 1;

const flags = z.object({
	enableTunneling: z.boolean(),
	enableIpConnect: z.boolean(),
	enableFileCopy: z.boolean(),
	enableShareableLink: z.boolean(),
	enableKerberos: z.boolean(),
	disableCopyPaste: z.boolean(),
	enableSessionRecording: z.boolean(),
	enablePrivateOnlyBastion: z.boolean(),
});

const bastion = z.object({
	id: z.string(),
	name: z.string(),
	resourceGroup: z.string(),
	subscriptionId: z.string(),
	sku: z.enum(['Developer', 'QuickConnect', 'Basic', 'Standard', 'Premium']),
	flags,
	dnsName: z.string().optional(),
	via: z.enum(['same-vnet', 'peered-vnet']),
});

const vm = z.object({
	id: z.string().min(1),
	name: z.string().min(1),
	subscriptionId: z.string(),
	subscriptionName: z.string(),
	subscriptionState: z.enum(['Warned', 'PastDue', 'Disabled']).optional(),
	resourceGroup: z.string(),
	location: z.string(),
	size: z.string().optional(),
	osType: z.enum(['Linux', 'Windows']).optional(),
	powerState: z.enum(['running', 'stopped', 'deallocated', 'starting', 'stopping', 'deallocating', 'unknown']),
	privateIp: z.string().optional(),
	publicIp: z.string().optional(),
	vnetId: z.string().optional(),
	tags: z.record(z.string(), z.string()),
	bastion: bastion.optional(),
	bastionChoices: z.array(bastion).optional(),
	secondaryNicBastion: z.object({bastion, privateIp: z.string().optional()}).optional(),
	bastionsComplete: z.boolean().optional(),
	privateIpPending: z.boolean().optional(),
	extensions: z.array(z.string()).optional(),
});

const inventory = z.object({
	fetchedAt: z.number().finite().nonnegative(),
	source: z.enum(['azure-resource-graph', 'azure-arm', 'local', 'cache']),
	subscriptions: z.array(z.object({id: z.string(), name: z.string(), tenantId: z.string().optional(), state: z.enum(['Enabled', 'Warned', 'PastDue', 'Disabled']).optional()})),
	vms: z.array(vm),
});

const cacheFile = z.object({
	version: z.literal(CACHE_VERSION),
	tenant: z.string(),
	savedAt: z.number(),
	inventory,
});

export type CacheFileCheck = {ok: true; inventory: Inventory} | {ok: false; problem: string};

/** The cache's inventory, or why it cannot be used (the first bad field, named by its path). */
export function parseCacheFile(json: unknown): CacheFileCheck {
	if (json && typeof json === 'object' && 'version' in json && json.version !== CACHE_VERSION) {
		return {ok: false, problem: `it is format version ${JSON.stringify(json.version)?.slice(0, 20)}, not ${CACHE_VERSION}`};
	}
	const parsed = cacheFile.safeParse(json);
	if (parsed.success) return {ok: true, inventory: parsed.data.inventory as Inventory};
	const issue = parsed.error.issues[0]!;
	const field = issue.path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
	return {ok: false, problem: `${field || 'the file'}: ${issue.message.replace(/^Invalid input: /, '')}`};
}
