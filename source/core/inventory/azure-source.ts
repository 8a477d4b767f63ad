import type {ArmClients} from '../azure/clients.js';
import {describeAzureError, type AzureProblem} from '../azure/errors.js';
import {parseResourceId} from '../azure/resource-id.js';
import {assembleInventory, subscriptionState} from './assemble.js';
import {InventoryReadError, readFactsFromArm} from './arm-listing.js';
import {runLimited} from './limit.js';
import type {Inventory} from './model.js';
import {readFactsFromResourceGraph} from './resource-graph.js';

/**
 * The inventory from Azure: Resource Graph by default (one paged query across subscriptions), ARM listing per
 * subscription as the fallback. The result is either an inventory (with any access problems found on the way)
 * or an error — never an empty list standing in for a failure, so the caller keeps showing its cache.
 */

export type InventoryMethod = 'auto' | 'resource-graph' | 'arm';

export type InventoryProgress =
	| {kind: 'subscriptions'; count: number}
	| {kind: 'graph-page'; page: number; rows: number; totalRecords?: number}
	| {kind: 'arm-subscription'; subscriptionId: string; name: string; completed: number; total: number}
	| {kind: 'throttled'; attempt: number; maxAttempts: number; retryAfterMs: number; url: string}
	| {kind: 'fallback'; reason: string};

export interface AzureInventoryOptions {
	clients: ArmClients;
	/** The subscriptions the user chose (`s`); default all visible ones. */
	subscriptionIds?: readonly string[];
	/** `auto` (default): Resource Graph, then ARM listing if Resource Graph fails for a reason ARM may not share. */
	method?: InventoryMethod;
	/** ARM path: calls in flight at once (default 6). */
	concurrency?: number;
	onProgress?: (progress: InventoryProgress) => void;
	signal?: AbortSignal;
}

export type InventoryResult =
	| {ok: true; inventory: Inventory; problems: AzureProblem[]}
	| {ok: false; error: AzureProblem; problems: AzureProblem[]};

export interface SubscriptionInfo {
	id: string;
	name: string;
	state: string;
	tenantId?: string;
}

/** The subscriptions of every tenant the user belongs to (see listSubscriptionsAcrossTenants), problems left out. */
export async function listSubscriptions(clients: ArmClients, signal?: AbortSignal): Promise<SubscriptionInfo[]> {
	return (await listSubscriptionsAcrossTenants(clients, signal)).subscriptions;
}

/**
 * ARM lists the subscriptions of the token's tenant only, so a user who is a member (or guest) of several tenants
 * lists the tenants first (`GET /tenants`, as `az login` does), then each tenant's subscriptions with a token of
 * that tenant. A tenant that cannot be read (no sign-in there, MFA required) is a problem, not a failure, unless
 * no tenant can be read. Narrowed to one tenant (`--tenant`), only that tenant is listed. Each subscription's
 * tenant is remembered in `clients.tenants`, so calls on it ask for a token of its tenant.
 */
export async function listSubscriptionsAcrossTenants(clients: ArmClients, signal?: AbortSignal): Promise<{subscriptions: SubscriptionInfo[]; problems: AzureProblem[]}> {
	const problems: AzureProblem[] = [];
	if (clients.tenantId) return {subscriptions: remember(clients, await subscriptionsOfTenant(clients, clients.tenantId, signal)), problems};
	const tenants: Array<{id: string; name: string}> = [];
	try {
		for await (const tenant of clients.subscriptions().tenants.list({abortSignal: signal})) {
			if (tenant.tenantId) tenants.push({id: tenant.tenantId, name: tenant.displayName ?? tenant.defaultDomain ?? tenant.tenantId});
		}
	} catch (error) {
		// A cloud that does not serve the tenants list (an old Azure Stack Hub) has the sign-in's own tenant only.
		if ((error as {statusCode?: unknown}).statusCode !== 404) throw error;
	}
	// No tenant listed: the sign-in's own tenant is still there.
	if (tenants.length === 0) return {subscriptions: remember(clients, await subscriptionsOfTenant(clients, undefined, signal)), problems};
	// A few tenants at once: each may start a process (`az account get-access-token --tenant …`) for its token.
	const outcomes = await runLimited(
		tenants.map(tenant => async () => {
			try {
				return {tenant, found: await subscriptionsOfTenant(clients, tenant.id, signal)};
			} catch (error) {
				if (signal?.aborted) throw error;
				return {tenant, found: undefined, error};
			}
		}),
		TENANTS_AT_ONCE,
	);
	const subscriptions: SubscriptionInfo[] = [];
	const seen = new Set<string>();
	let firstError: unknown;
	let listed = 0;
	for (const outcome of outcomes) {
		const {tenant, found} = outcome;
		if (!found) {
			const error = 'error' in outcome ? outcome.error : undefined;
			firstError ??= error;
			const reason = describeAzureError(error, {doing: `listing the subscriptions of tenant ${tenant.name}`}).message;
			problems.push({
				kind: 'sign-in',
				message: `The subscriptions of tenant ${tenant.name} (${tenant.id}) are not listed: ${reason} To see them, sign in to that tenant too (az login --tenant ${tenant.id}).`,
			});
			continue;
		}
		listed++;
		for (const sub of found) {
			if (seen.has(sub.id.toLowerCase())) continue;
			seen.add(sub.id.toLowerCase());
			subscriptions.push(sub);
		}
	}
	if (listed === 0) throw firstError;
	return {subscriptions: remember(clients, subscriptions), problems};
}

/** Tenants listed at once (their token requests and subscription lists). */
const TENANTS_AT_ONCE = 4;

async function subscriptionsOfTenant(clients: ArmClients, tenantId: string | undefined, signal?: AbortSignal): Promise<SubscriptionInfo[]> {
	const subscriptions: SubscriptionInfo[] = [];
	for await (const sub of clients.subscriptions(tenantId).subscriptions.list({abortSignal: signal})) {
		if (!sub.subscriptionId) continue;
		// ARM names each subscription's tenant; the tenant asked is the fallback for a cloud that does not.
		const subscriptionTenant = sub.tenantId ?? (clients.tenantId ? undefined : tenantId);
		subscriptions.push({
			id: sub.subscriptionId,
			name: sub.displayName ?? sub.subscriptionId,
			state: sub.state ?? 'Enabled',
			...(subscriptionTenant ? {tenantId: subscriptionTenant} : {}),
		});
	}
	return subscriptions;
}

function remember(clients: ArmClients, subscriptions: SubscriptionInfo[]): SubscriptionInfo[] {
	clients.tenants.remember(subscriptions);
	return subscriptions;
}

export async function fetchAzureInventory(options: AzureInventoryOptions): Promise<InventoryResult> {
	const {clients, signal} = options;
	const progress = (event: InventoryProgress): void => {
		try {
			options.onProgress?.(event);
		} catch {
			// Progress display problems must not fail the refresh.
		}
	};
	const stopThrottle = clients.onThrottle(event => progress({kind: 'throttled', ...event}));
	const problems: AzureProblem[] = [];
	const endpoint = clients.cloud.armEndpoint;
	try {
		let visible: SubscriptionInfo[];
		try {
			const listed = await listSubscriptionsAcrossTenants(clients, signal);
			visible = listed.subscriptions.filter(sub => sub.state !== 'Deleted');
			problems.push(...listed.problems);
		} catch (error) {
			return {ok: false, error: describeAzureError(error, {doing: 'listing subscriptions', endpoint}), problems};
		}
		progress({kind: 'subscriptions', count: visible.length});

		let chosen = visible;
		if (options.subscriptionIds) {
			const wanted = new Set(options.subscriptionIds.map(id => id.toLowerCase()));
			chosen = visible.filter(sub => wanted.has(sub.id.toLowerCase()));
			for (const id of options.subscriptionIds) {
				if (!visible.some(sub => sub.id.toLowerCase() === id.toLowerCase())) {
					problems.push({
						kind: 'forbidden',
						role: 'Reader',
						scope: `/subscriptions/${id}`,
						message: `Subscription ${id} is not visible to this account: it needs a role (at least Reader) in it, or it belongs to another tenant (--tenant).`,
					});
				}
			}
		}
		const subscriptions = chosen.map(sub => {
			const state = subscriptionState(sub.state);
			return {id: sub.id, name: sub.name, ...(sub.tenantId ? {tenantId: sub.tenantId} : {}), ...(state && state !== 'Enabled' ? {state} : {})};
		});
		const subscriptionNames = new Map(subscriptions.map(sub => [sub.id.toLowerCase(), sub.name]));
		const method = options.method ?? 'auto';

		if (method !== 'arm') {
			try {
				const facts = await readFactsFromResourceGraph(clients, subscriptions, {signal, onPage: page => progress({kind: 'graph-page', ...page})});
				return {ok: true, inventory: assembleInventory(facts, 'azure-resource-graph'), problems};
			} catch (error) {
				const problem = describeAzureError(error, {doing: 'querying Azure Resource Graph', subscriptionNames, endpoint});
				if (method === 'resource-graph' || !canFallBack(problem)) return {ok: false, error: problem, problems};
				progress({kind: 'fallback', reason: problem.message});
			}
		}

		try {
			const {facts, problems: armProblems} = await readFactsFromArm(clients, subscriptions, {
				concurrency: options.concurrency,
				signal,
				onSubscriptionDone: done => progress({kind: 'arm-subscription', ...done}),
			});
			problems.push(...armProblems);
			return {ok: true, inventory: assembleInventory(facts, 'azure-arm'), problems};
		} catch (error) {
			const problem = error instanceof InventoryReadError ? error.problem : describeAzureError(error, {subscriptionNames, endpoint});
			return {ok: false, error: problem, problems};
		}
	} finally {
		stopThrottle();
	}
}

/** ARM listing can succeed where Resource Graph did not, except when the cause is shared (network, sign-in). */
function canFallBack(problem: AzureProblem): boolean {
	return problem.kind === 'forbidden' || problem.kind === 'service' || problem.kind === 'not-found' || problem.kind === 'throttled';
}

/** The extension types installed on one VM (for the doctor's Entra ID check). */
export async function listVmExtensions(clients: ArmClients, vmId: string, signal?: AbortSignal): Promise<string[]> {
	const parsed = parseResourceId(vmId);
	if (!parsed?.resourceGroup || !parsed.name || parsed.type?.toLowerCase() !== 'microsoft.compute/virtualmachines') {
		throw new Error(`'${vmId}' is not a virtual machine id.`);
	}
	const result = await (await clients.compute(parsed.subscriptionId)).virtualMachineExtensions.list(parsed.resourceGroup, parsed.name, {abortSignal: signal});
	return (result.value ?? []).map(extension => extension.typePropertiesType).filter((type): type is string => Boolean(type));
}
