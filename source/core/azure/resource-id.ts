/**
 * ARM resource ids: `/subscriptions/{s}/resourceGroups/{rg}/providers/{Namespace}/{type}/{name}[/{childType}/{childName}]…`.
 * ARM treats them case-insensitively and different services return them in different casings (Resource Graph
 * lower-cases some segments), so every comparison goes through `idKey`.
 */

export interface ResourceId {
	id: string;
	subscriptionId: string;
	resourceGroup?: string;
	/** e.g. `Microsoft.Network` */
	namespace?: string;
	/** Full type with child types, e.g. `Microsoft.Network/virtualNetworks/virtualNetworkPeerings`. */
	type?: string;
	/** Last name segment. */
	name?: string;
	/** Name segments from the top-level resource down to this one. */
	names: string[];
}

const SUBSCRIPTION = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?(?:\/providers\/(.+))?$/i;

/** Parses an ARM id; returns undefined when it is not one (so callers can name the bad field). */
export function parseResourceId(id: string): ResourceId | undefined {
	const match = SUBSCRIPTION.exec(id.replace(/\/+$/, ''));
	if (!match) return undefined;
	const [, subscriptionId, resourceGroup, providerPath] = match;
	if (!providerPath) return {id, subscriptionId: subscriptionId!, resourceGroup, names: []};
	const segments = providerPath.split('/');
	// Namespace, then (type, name) pairs.
	if (segments.length < 3 || segments.length % 2 === 0) return undefined;
	const namespace = segments[0]!;
	const types: string[] = [];
	const names: string[] = [];
	for (let i = 1; i < segments.length; i += 2) {
		types.push(segments[i]!);
		names.push(segments[i + 1]!);
	}
	if (names.some(name => name.length === 0)) return undefined;
	return {
		id,
		subscriptionId: subscriptionId!,
		resourceGroup,
		namespace,
		type: `${namespace}/${types.join('/')}`,
		name: names.at(-1),
		names,
	};
}

/** Case-insensitive key for an id or type. */
export function idKey(id: string): string {
	return id.replace(/\/+$/, '').toLowerCase();
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
	return a !== undefined && b !== undefined && idKey(a) === idKey(b);
}

/** `…/virtualNetworks/{vnet}/subnets/{subnet}` -> `…/virtualNetworks/{vnet}`. */
export function vnetIdFromSubnetId(subnetId: string): string | undefined {
	const match = /^(.*\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/[^/]+$/i.exec(subnetId);
	return match?.[1];
}

/** The id of the parent resource (`…/virtualMachines/vm/extensions/x` -> `…/virtualMachines/vm`). */
export function parentResourceId(id: string): string | undefined {
	const parsed = parseResourceId(id);
	if (!parsed || parsed.names.length < 2) return undefined;
	return id.replace(/\/+$/, '').split('/').slice(0, -2).join('/');
}

/** Whether `id` lies at or below `scope` (both ARM ids/scopes), matching whole segments. */
export function isWithinScope(id: string, scope: string): boolean {
	const i = idKey(id);
	const s = idKey(scope);
	return s === '' || i === s || i.startsWith(`${s}/`);
}

/** The resource id Bastion expects for an IP-based connection (contracts §3). */
export function ipConnectResourceId(bastionId: string, ip: string): string {
	const match = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)\//i.exec(bastionId);
	if (!match) throw new Error(`Not a Bastion resource id: ${bastionId}`);
	return `${match[1]}/providers/Microsoft.Network/bh-hostConnect/${ip}`;
}
