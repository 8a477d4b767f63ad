import {RESOURCE_TYPES, type ArmJson, type Topology, type TopologyResource} from '../topology/index.js';

/**
 * How a stored resource is served. Most are returned exactly as written; a few are shaped per request the way
 * ARM shapes them: a VM's instance view only when asked for, its extensions as `resources`, a VNet's peerings
 * inline.
 */

export interface ViewOptions {
	instanceView?: boolean;
}

function clone<T>(value: T): T {
	return structuredClone(value);
}

export function armView(topology: Topology, resource: TopologyResource, options: ViewOptions = {}): ArmJson {
	switch (resource.type) {
		case RESOURCE_TYPES.virtualMachine:
			return vmView(topology, resource, options);
		case RESOURCE_TYPES.virtualNetwork:
			return vnetView(topology, resource);
		default:
			return clone(resource.raw);
	}
}

function vmView(topology: Topology, resource: TopologyResource, options: ViewOptions): ArmJson {
	const view = clone(resource.raw);
	const properties = (view.properties ?? {}) as ArmJson;
	if (!options.instanceView) delete properties.instanceView;
	else properties.instanceView = instanceView(resource);
	view.properties = properties;
	const extensions = topology.childrenOf(resource.id, RESOURCE_TYPES.extension);
	if (extensions.length > 0) view.resources = extensions.map(extension => clone(extension.raw));
	return view;
}

/** The stored instance view, or a minimal one when the file gave none (ARM always has provisioning state). */
export function instanceView(resource: TopologyResource): ArmJson {
	const stored = (resource.raw.properties as ArmJson | undefined)?.instanceView;
	if (stored && typeof stored === 'object') return clone(stored as ArmJson);
	return {statuses: [{code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded'}]};
}

/** The instance view's `PowerState/*` status, for Resource Graph's `properties.extended`. */
export function powerStatus(resource: TopologyResource): {code: string; displayStatus: string} | undefined {
	const statuses = instanceView(resource).statuses as Array<{code?: string; displayStatus?: string}> | undefined;
	// The lab's own reading (not the product's parser): the first `PowerState/…` status of the instance view.
	const status = statuses?.find(candidate => typeof candidate.code === 'string' && candidate.code.toLowerCase().startsWith('powerstate/'));
	const code = status?.code;
	if (!code) return undefined;
	return {code, displayStatus: status?.displayStatus ?? code.replace('PowerState/', 'VM ')};
}

function vnetView(topology: Topology, resource: TopologyResource): ArmJson {
	const view = clone(resource.raw);
	const properties = (view.properties ?? {}) as ArmJson;
	properties.virtualNetworkPeerings = topology.childrenOf(resource.id, RESOURCE_TYPES.peering).map(peering => clone(peering.raw));
	view.properties = properties;
	return view;
}
