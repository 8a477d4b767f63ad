import type {ArmClients} from '../azure/clients.js';
import {idKey, parentResourceId} from '../azure/resource-id.js';
import type {InventoryFacts} from './assemble.js';
import {
	bastionFactsFromJson,
	extensionTypeFromJson,
	nicFactsFromJson,
	publicIpFactsFromJson,
	vmFactsFromJson,
	vnetFactsFromJson,
} from './from-arm-json.js';

/**
 * The default inventory path: one Azure Resource Graph query across all chosen subscriptions for VMs (with power
 * state), their extensions, NICs, public IPs, VNets (peerings inline) and Bastion hosts, paged 1000 rows at a
 * time with `$skipToken`. Rows are ARM JSON, so the same readers as the lab topology apply.
 */

export const INVENTORY_GRAPH_TYPES = [
	'microsoft.compute/virtualmachines',
	'microsoft.compute/virtualmachines/extensions',
	'microsoft.network/networkinterfaces',
	'microsoft.network/publicipaddresses',
	'microsoft.network/virtualnetworks',
	'microsoft.network/bastionhosts',
] as const;

/**
 * `id` must be projected: Resource Graph needs it to page in a stable order. Of a VNet only its peerings are read
 * (a hub VNet's subnets and address space can be most of a page); every other type comes whole.
 */
export const INVENTORY_GRAPH_QUERY = [
	'Resources',
	`where type in~ (${INVENTORY_GRAPH_TYPES.map(type => `'${type}'`).join(', ')})`,
	"project id, name, type, location, resourceGroup, subscriptionId, tags, sku, properties = iff(type =~ 'microsoft.network/virtualnetworks', pack('virtualNetworkPeerings', properties.virtualNetworkPeerings), properties)",
].join(' | ');

/** The service accepts at most 1000 rows per page and this many subscriptions per request. */
const PAGE_ROWS = 1000;
const SUBSCRIPTIONS_PER_REQUEST = 1000;

export interface GraphReadOptions {
	signal?: AbortSignal;
	onPage?: (page: {page: number; rows: number; totalRecords?: number}) => void;
}

export async function readFactsFromResourceGraph(
	clients: ArmClients,
	subscriptions: Array<{id: string; name: string; tenantId?: string}>,
	options: GraphReadOptions = {},
): Promise<InventoryFacts> {
	const facts: InventoryFacts = {subscriptions, vms: [], nics: [], publicIps: [], vnets: [], bastions: [], extensionsByVm: new Map()};
	const extensionsByVm = facts.extensionsByVm as Map<string, string[]>;
	let page = 0;
	// Resource Graph answers for its token's tenant only: one query (and token) per tenant.
	for (const [tenantId, ofTenant] of byTenant(subscriptions)) {
		const graph = clients.resourceGraph(tenantId);
		for (let start = 0; start < ofTenant.length; start += SUBSCRIPTIONS_PER_REQUEST) {
			const chunk = ofTenant.slice(start, start + SUBSCRIPTIONS_PER_REQUEST).map(sub => sub.id);
			page = await readChunk(graph, chunk, page, facts, extensionsByVm, options);
		}
	}
	return facts;
}

/** Subscriptions grouped by tenant, in first-seen order; those of no known tenant go with the sign-in's own. */
function byTenant<T extends {tenantId?: string}>(subscriptions: T[]): Map<string | undefined, T[]> {
	const groups = new Map<string | undefined, T[]>();
	for (const sub of subscriptions) {
		const key = sub.tenantId?.toLowerCase();
		const group = groups.get(key);
		if (group) group.push(sub);
		else groups.set(key, [sub]);
	}
	return groups;
}

/** One query over `chunk`, all its pages; returns the page count so far. */
async function readChunk(
	graph: ReturnType<ArmClients['resourceGraph']>,
	chunk: string[],
	pagesBefore: number,
	facts: InventoryFacts,
	extensionsByVm: Map<string, string[]>,
	options: GraphReadOptions,
): Promise<number> {
	let page = pagesBefore;
	let skipToken: string | undefined;
	do {
		const response = await graph.resources(
			{
				query: INVENTORY_GRAPH_QUERY,
				subscriptions: chunk,
				options: {top: PAGE_ROWS, resultFormat: 'objectArray', ...(skipToken ? {skipToken} : {})},
			},
			graphRequestOptions(options.signal),
		);
		const rows = Array.isArray(response.data) ? (response.data as Array<Record<string, unknown>>) : [];
		for (const row of rows) addRow(facts, extensionsByVm, row);
		page += 1;
		options.onPage?.({page, rows: rows.length, totalRecords: response.totalRecords});
		skipToken = response.skipToken;
	} while (skipToken);
	return page;
}

type GraphRequestOptions = NonNullable<Parameters<ReturnType<ArmClients['resourceGraph']>['resources']>[1]>;

/** ms-rest-js declares its own AbortSignalLike; a DOM AbortSignal satisfies it at run time. */
function graphRequestOptions(signal: AbortSignal | undefined): GraphRequestOptions {
	return (signal ? {abortSignal: signal} : {}) as unknown as GraphRequestOptions;
}

function addRow(facts: InventoryFacts, extensionsByVm: Map<string, string[]>, row: Record<string, unknown>): void {
	switch (String(row.type).toLowerCase()) {
		case 'microsoft.compute/virtualmachines': {
			const vm = vmFactsFromJson(row);
			if (vm) facts.vms.push(vm);
			break;
		}
		case 'microsoft.compute/virtualmachines/extensions': {
			const vmId = typeof row.id === 'string' ? parentResourceId(row.id) : undefined;
			const type = extensionTypeFromJson(row);
			if (vmId && type) {
				const key = idKey(vmId);
				extensionsByVm.set(key, [...(extensionsByVm.get(key) ?? []), type]);
			}
			break;
		}
		case 'microsoft.network/networkinterfaces': {
			const nic = nicFactsFromJson(row);
			if (nic) facts.nics.push(nic);
			break;
		}
		case 'microsoft.network/publicipaddresses': {
			const ip = publicIpFactsFromJson(row);
			if (ip) facts.publicIps.push(ip);
			break;
		}
		case 'microsoft.network/virtualnetworks': {
			const vnet = vnetFactsFromJson(row);
			if (vnet) facts.vnets.push(vnet);
			break;
		}
		case 'microsoft.network/bastionhosts': {
			const bastion = bastionFactsFromJson(row);
			if (bastion) facts.bastions.push(bastion);
			break;
		}
		default:
			break;
	}
}
