import {readFileSync, statSync} from 'node:fs';
import type {z} from 'zod';
import {idKey, parentResourceId, parseResourceId} from '../../core/azure/resource-id.js';
import {labAssetPath} from '../assets.js';
import {MAX_DEPTH, pathDeeperThan} from './depth.js';
import {
	commonResourceSchema,
	isResourceName,
	RESOURCE_NAME_RULE,
	RESOURCE_TYPES,
	resourceSchemas,
	subscriptionSchema,
	topologyFileSchema,
	type ResourceType,
} from './schema.js';

export type ArmJson = Record<string, unknown>;

export interface TopologySubscription extends ArmJson {
	id: string;
	subscriptionId: string;
	displayName: string;
	state: string;
	tenantId: string;
}

/** A tenant of the lab's world: the home tenant first, then every other tenant a subscription sits in. */
export interface TopologyTenant {
	tenantId: string;
	displayName: string;
	defaultDomain: string;
	domains: string[];
}

export interface TopologyResource {
	id: string;
	/** Canonical type (as in RESOURCE_TYPES), whatever casing the file used. */
	type: ResourceType;
	name: string;
	subscriptionId: string;
	resourceGroup: string;
	/** The object as written in the file; the lab serves it back as is. */
	raw: ArmJson;
}

export interface Topology {
	/** Where it came from (a path, or a label for in-memory topologies), for messages. */
	label: string;
	/** The home tenant of the lab's user. */
	tenantId: string;
	/** Every tenant of the world (home first): the directories the lab's user is a member of. */
	tenants: TopologyTenant[];
	subscriptions: TopologySubscription[];
	resources: TopologyResource[];
	get(id: string): TopologyResource | undefined;
	/** The tenant a subscription belongs to (undefined for a subscription the world does not have). */
	tenantOf(subscriptionId: string): string | undefined;
	ofType(type: ResourceType): TopologyResource[];
	/** Child resources of `parentId` of the given child type (peerings of a VNet, extensions of a VM). */
	childrenOf(parentId: string, type: ResourceType): TopologyResource[];
	/** The file's `lab` settings: power operations' durations (ms) instead of the defaults (arm/power.ts). */
	lab?: {powerDurationMs?: Partial<Record<'start' | 'deallocate' | 'powerOff' | 'restart', number>>};
}

export interface TopologyIssue {
	/** `resources[3]` or `subscriptions[0]` or `` for the file itself. */
	where: string;
	/** `Microsoft.Network/bastionHosts 'bas-dev'` when known. */
	resource?: string;
	field: string;
	message: string;
}

/** A malformed topology: names the file, the resource and the field of each problem. */
export class TopologyError extends Error {
	readonly issues: TopologyIssue[];

	constructor(label: string, issues: TopologyIssue[]) {
		const lines = issues.slice(0, 10).map(issue => {
			const what = [issue.where, issue.resource ? `(${issue.resource})` : ''].filter(Boolean).join(' ');
			return `  ${what}${what ? ': ' : ''}${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
		});
		const more = issues.length > 10 ? `\n  … and ${issues.length - 10} more` : '';
		super(`Lab topology ${label} is not valid:\n${lines.join('\n')}${more}`);
		this.name = 'TopologyError';
		this.issues = issues;
	}
}

/** Bigger than any world the lab is meant to serve; reading more would stall `vmux --demo` before its first frame. */
export const MAX_TOPOLOGY_BYTES = 32 * 1024 * 1024;

const CANONICAL_TYPES = new Map(Object.values(RESOURCE_TYPES).map(type => [type.toLowerCase(), type]));

/** The topology DESIGN §8 describes, shipped with vmux (copied to dist/ by the build). */
export const DEMO_TOPOLOGY_PATH = labAssetPath('topology/demo-topology.json');

export function loadDemoTopology(): Topology {
	return loadTopologyFile(DEMO_TOPOLOGY_PATH);
}

export function loadTopologyFile(path: string): Topology {
	let text: string;
	try {
		const size = statSync(path).size;
		if (size > MAX_TOPOLOGY_BYTES) {
			throw new TopologyError(path, [{where: '', field: '', message: `is ${Math.round(size / 1024 / 1024)} MB; a topology file is at most ${MAX_TOPOLOGY_BYTES / 1024 / 1024} MB (split the world or drop unused resources)`}]);
		}
		text = readFileSync(path, 'utf8');
	} catch (error) {
		if (error instanceof TopologyError) throw error;
		throw new TopologyError(path, [{where: '', field: '', message: `cannot be read (${(error as Error).message})`}]);
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new TopologyError(path, [{where: '', field: '', message: `is not JSON (${(error as Error).message})`}]);
	}
	return parseTopology(json, path);
}

/** Validates and indexes a topology object; throws TopologyError naming every bad resource and field. */
export function parseTopology(json: unknown, label = 'topology'): Topology {
	const issues: TopologyIssue[] = [];
	// Before anything walks it: a value nested thousands deep passes the schemas but breaks whatever serves it.
	const deep = pathDeeperThan(json);
	if (deep) {
		const [list, index, ...field] = deep;
		const where = typeof list === 'string' && typeof index === 'number' ? `${list}[${index}]` : '';
		const entry = where ? (json as Record<string, unknown[]>)[list as string]![index as number] : undefined;
		const shown = where ? field : deep;
		throw new TopologyError(label, [
			{
				where,
				...(entry === undefined ? {} : {resource: describeRaw(entry)}),
				field: `${fieldPath(shown.slice(0, 6))}${shown.length > 6 ? '…' : ''}`,
				message: `nests deeper than ${MAX_DEPTH} levels; ARM resources nest about a dozen, so flatten it`,
			},
		]);
	}
	const file = topologyFileSchema.safeParse(json);
	if (!file.success) {
		throw new TopologyError(label, file.error.issues.map(issue => ({where: '', field: fieldPath(issue.path), message: issue.message})));
	}

	const subscriptions: TopologySubscription[] = [];
	file.data.subscriptions.forEach((entry, index) => {
		const parsed = subscriptionSchema.safeParse(entry);
		const where = `subscriptions[${index}]`;
		if (!parsed.success) {
			issues.push(...zodIssues(parsed.error, where, describeSubscription(entry)));
			return;
		}
		const tenantId = parsed.data.tenantId ?? file.data.tenantId;
		if (!tenantId) {
			issues.push({where, resource: describeSubscription(entry), field: 'tenantId', message: 'missing (set it here or at the top level)'});
			return;
		}
		subscriptions.push({
			...(parsed.data as ArmJson),
			id: parsed.data.id ?? `/subscriptions/${parsed.data.subscriptionId}`,
			subscriptionId: parsed.data.subscriptionId,
			displayName: parsed.data.displayName,
			state: parsed.data.state ?? 'Enabled',
			tenantId,
		});
	});
	const knownSubscriptions = new Set(subscriptions.map(sub => sub.subscriptionId.toLowerCase()));

	const resources: TopologyResource[] = [];
	const seen = new Map<string, string>();
	const addResource = (raw: ArmJson, where: string): void => {
		const common = commonResourceSchema.safeParse(raw);
		if (!common.success) {
			issues.push(...zodIssues(common.error, where, describeRaw(raw)));
			return;
		}
		const parsedId = parseResourceId(common.data.id);
		if (!parsedId?.type || !parsedId.resourceGroup || !parsedId.name) {
			issues.push({where, resource: describeRaw(raw), field: 'id', message: `'${common.data.id}' is not an ARM resource id (/subscriptions/{s}/resourceGroups/{rg}/providers/{Namespace}/{type}/{name})`});
			return;
		}
		if (!common.data.name && !isResourceName(parsedId.name)) {
			issues.push({where, resource: describeRaw(raw), field: 'id', message: `its last segment '${parsedId.name.slice(0, 40)}' is ${RESOURCE_NAME_RULE}`});
			return;
		}
		const type = CANONICAL_TYPES.get(parsedId.type.toLowerCase());
		const label = `${parsedId.type} '${shortName(common.data.name ?? parsedId.name)}'`;
		if (!type) {
			issues.push({where, resource: label, field: 'id', message: `resource type '${parsedId.type}' is not one the lab serves (${[...CANONICAL_TYPES.values()].join(', ')})`});
			return;
		}
		if (common.data.type && common.data.type.toLowerCase() !== type.toLowerCase()) {
			issues.push({where, resource: label, field: 'type', message: `'${common.data.type}' does not match the id's type '${type}'`});
			return;
		}
		if (!knownSubscriptions.has(parsedId.subscriptionId.toLowerCase())) {
			issues.push({where, resource: label, field: 'id', message: `subscription '${parsedId.subscriptionId}' is not listed in subscriptions`});
			return;
		}
		const typed = resourceSchemas[type].safeParse(raw);
		if (!typed.success) {
			issues.push(...zodIssues(typed.error, where, label));
			return;
		}
		const key = idKey(common.data.id);
		const previous = seen.get(key);
		if (previous) {
			issues.push({where, resource: label, field: 'id', message: `duplicates the id of ${previous}`});
			return;
		}
		seen.set(key, where);
		resources.push({
			id: common.data.id,
			type,
			name: common.data.name ?? parsedId.name,
			subscriptionId: parsedId.subscriptionId,
			resourceGroup: parsedId.resourceGroup,
			raw,
		});
	};

	file.data.resources.forEach((entry, index) => {
		const where = `resources[${index}]`;
		if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
			issues.push({where, field: '', message: 'is not an object'});
			return;
		}
		addResource(entry as ArmJson, where);
	});

	// Peerings written inline in a VNet (as ARM returns them) become child resources too, so the lab has one
	// source for both the VNet's inline list and GET …/virtualNetworkPeerings.
	for (const vnet of resources.filter(resource => resource.type === RESOURCE_TYPES.virtualNetwork)) {
		const inline = (vnet.raw.properties as ArmJson | undefined)?.virtualNetworkPeerings;
		if (!Array.isArray(inline)) continue;
		inline.forEach((peering, index) => {
			const id = (peering as ArmJson).id as string;
			if (seen.has(idKey(id))) return;
			addResource(peering as ArmJson, `${seen.get(idKey(vnet.id))}.properties.virtualNetworkPeerings[${index}]`);
		});
	}

	for (const resource of resources) {
		if (resource.type !== RESOURCE_TYPES.peering && resource.type !== RESOURCE_TYPES.extension) continue;
		const parent = parentResourceId(resource.id);
		if (!parent || !seen.has(idKey(parent))) {
			issues.push({
				where: seen.get(idKey(resource.id)) ?? '',
				resource: `${resource.type} '${resource.name}'`,
				field: 'id',
				message: `its parent '${parent ?? '?'}' is not in the topology`,
			});
		}
	}

	if (issues.length > 0) throw new TopologyError(label, issues);

	const tenantId = file.data.tenantId ?? subscriptions[0]?.tenantId ?? '';
	const topology = indexTopology(label, tenantId, topologyTenants(tenantId, file.data.tenants ?? [], subscriptions), subscriptions, resources);
	if (file.data.lab?.powerDurationMs) topology.lab = {powerDurationMs: file.data.lab.powerDurationMs};
	return topology;
}

/** The home tenant, then the other tenants named in the file or by a subscription; unnamed ones are named by id. */
function topologyTenants(home: string, named: ReadonlyArray<{tenantId: string; displayName?: string; defaultDomain?: string; domains?: string[]}>, subscriptions: TopologySubscription[]): TopologyTenant[] {
	const ids = [home, ...named.map(tenant => tenant.tenantId), ...subscriptions.map(sub => sub.tenantId)].filter(Boolean);
	const seen = new Set<string>();
	const tenants: TopologyTenant[] = [];
	for (const id of ids) {
		if (seen.has(id.toLowerCase())) continue;
		seen.add(id.toLowerCase());
		const entry = named.find(tenant => tenant.tenantId.toLowerCase() === id.toLowerCase());
		const defaultDomain = entry?.defaultDomain ?? entry?.domains?.[0] ?? `${id}.onmicrosoft.com`;
		tenants.push({tenantId: id, displayName: entry?.displayName ?? id, defaultDomain, domains: entry?.domains ?? [defaultDomain]});
	}
	return tenants;
}

function indexTopology(label: string, tenantId: string, tenants: TopologyTenant[], subscriptions: TopologySubscription[], resources: TopologyResource[]): Topology {
	const byId = new Map(resources.map(resource => [idKey(resource.id), resource]));
	const byType = new Map<string, TopologyResource[]>();
	const children = new Map<string, TopologyResource[]>();
	const push = (map: Map<string, TopologyResource[]>, key: string, resource: TopologyResource): void => {
		const list = map.get(key);
		if (list) list.push(resource);
		else map.set(key, [resource]);
	};
	for (const resource of resources) {
		push(byType, resource.type, resource);
		const parent = parentResourceId(resource.id);
		if (parent) push(children, `${idKey(parent)}|${resource.type}`, resource);
	}
	const tenantBySubscription = new Map(subscriptions.map(sub => [sub.subscriptionId.toLowerCase(), sub.tenantId]));
	return {
		label,
		tenantId,
		tenants,
		subscriptions,
		resources,
		get: id => byId.get(idKey(id)),
		tenantOf: subscriptionId => tenantBySubscription.get(subscriptionId.toLowerCase()),
		ofType: type => byType.get(type) ?? [],
		childrenOf: (parentId, type) => children.get(`${idKey(parentId)}|${type}`) ?? [],
	};
}

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
	return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
}

function zodIssues(error: z.ZodError, where: string, resource: string | undefined): TopologyIssue[] {
	return error.issues.map(issue => ({where, resource, field: fieldPath(issue.path), message: issue.message}));
}

function describeRaw(raw: unknown): string | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const record = raw as ArmJson;
	const id = typeof record.id === 'string' ? record.id : undefined;
	const type = typeof record.type === 'string' ? record.type : id ? parseResourceId(id)?.type : undefined;
	const name = typeof record.name === 'string' ? record.name : id?.split('/').at(-1);
	if (!type && !name) return undefined;
	return `${type ?? 'resource'} '${shortName(name ?? '?')}'`;
}

function describeSubscription(raw: unknown): string | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const record = raw as ArmJson;
	const name = record.displayName ?? record.subscriptionId;
	return typeof name === 'string' ? `subscription '${shortName(name)}'` : undefined;
}

/** A name as messages quote it: a hostile 10k-character name must not make the message 10k characters. */
function shortName(name: string): string {
	return name.length > 60 ? `${name.slice(0, 60)}…` : name;
}
