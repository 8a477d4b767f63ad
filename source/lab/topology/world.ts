import type {BastionFlags, BastionRef, BastionSku, PowerState, VmRecord} from '../../core/inventory/model.js';
import {labVmAddresses} from './addresses.js';
import type {ArmJson, Topology, TopologyResource} from './load.js';
import {RESOURCE_TYPES} from './schema.js';

/**
 * The lab's own reading of its world from the topology JSON: which VMs there are, their addresses and power
 * states, and the Bastions that serve each through its primary NIC (in its VNet, or for Basic and above in a directly
 * `Connected`-peered one; tunnel-capable first, then the richer SKU, then its own VNet, then by name). It shares no code with the
 * product's inventory parsers (core/inventory), so the demo's SSH servers and Bastions follow the topology, not
 * vmux's reading of it, and tests comparing the two catch a parser bug. Only the record types are shared.
 */
export function readLabWorld(topology: Topology): VmRecord[] {
	const addresses = labVmAddresses(topology);
	const nics = new Map(topology.ofType(RESOURCE_TYPES.networkInterface).map(nic => [nic.id.toLowerCase(), nic.raw]));
	const bastions = topology.ofType(RESOURCE_TYPES.bastionHost).flatMap(labBastion);
	const neighbours = peeredVnets(topology);
	const subscriptionNames = new Map(topology.subscriptions.map(sub => [sub.subscriptionId.toLowerCase(), sub.displayName]));
	const vms = topology.ofType(RESOURCE_TYPES.virtualMachine).map((resource): VmRecord => {
		const props = propsOf(resource.raw);
		const own = addresses.get(resource.name.toLowerCase());
		const vnets = vmVnets(props, nics);
		const record: VmRecord = {
			id: resource.id,
			name: resource.name,
			subscriptionId: resource.subscriptionId,
			subscriptionName: subscriptionNames.get(resource.subscriptionId.toLowerCase()) ?? resource.subscriptionId,
			resourceGroup: resource.resourceGroup,
			location: typeof resource.raw.location === 'string' ? resource.raw.location : '',
			powerState: powerState(props),
			tags: (resource.raw.tags as Record<string, string> | undefined) ?? {},
		};
		if (own?.privateIp) record.privateIp = own.privateIp;
		if (own?.publicIp) record.publicIp = own.publicIp;
		// Azure's Bastion reaches a VM by its primary NIC: only that NIC's VNet (and its Connected peerings) counts.
		const [primaryVnet, ...otherVnets] = vnets;
		const serving = primaryVnet ? servingBastions(primaryVnet, bastions, neighbours) : [];
		if (serving[0]) record.bastion = serving[0];
		if (serving.length > 1) record.bastionChoices = serving;
		if (serving.length === 0) {
			// A Bastion next to a secondary NIC reaches that NIC's address only (an IP-based connection).
			for (const vnet of otherVnets) {
				const [secondary] = servingBastions(vnet, bastions, neighbours);
				const address = secondary ? nicAddressIn(props, nics, vnet) : undefined;
				if (secondary) {
					record.secondaryNicBastion = {bastion: secondary, ...(address ? {privateIp: address} : {})};
					break;
				}
			}
		}
		return record;
	});
	return vms.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

interface LabBastion {
	ref: Omit<BastionRef, 'via'>;
	vnets: Set<string>;
}

const SKUS: readonly BastionSku[] = ['Developer', 'QuickConnect', 'Basic', 'Standard', 'Premium'];
/** SKUs that serve their own VNet only (no peering), and hand out a data pod. */
const OWN_VNET_ONLY = new Set<BastionSku>(['Developer', 'QuickConnect']);

function labBastion(resource: TopologyResource): LabBastion[] {
	const skuName = (resource.raw.sku as {name?: unknown} | undefined)?.name;
	const sku = SKUS.find(candidate => typeof skuName === 'string' && candidate.toLowerCase() === skuName.toLowerCase());
	if (!sku) return [];
	const props = propsOf(resource.raw);
	const vnets = new Set<string>();
	for (const config of (props.ipConfigurations as ArmJson[] | undefined) ?? []) {
		const subnet = (propsOf(config).subnet as {id?: unknown} | undefined)?.id;
		if (typeof subnet === 'string') vnets.add(vnetOfSubnet(subnet));
	}
	const developerVnet = (props.virtualNetwork as {id?: unknown} | undefined)?.id;
	if (typeof developerVnet === 'string') vnets.add(developerVnet.toLowerCase());
	const flag = (name: keyof BastionFlags) => props[name] === true;
	const flags: BastionFlags = {
		enableTunneling: flag('enableTunneling'),
		enableIpConnect: flag('enableIpConnect'),
		enableFileCopy: flag('enableFileCopy'),
		enableShareableLink: flag('enableShareableLink'),
		enableKerberos: flag('enableKerberos'),
		disableCopyPaste: flag('disableCopyPaste'),
		enableSessionRecording: flag('enableSessionRecording'),
		enablePrivateOnlyBastion: flag('enablePrivateOnlyBastion'),
	};
	const ref: Omit<BastionRef, 'via'> = {id: resource.id, name: resource.name, resourceGroup: resource.resourceGroup, subscriptionId: resource.subscriptionId, sku, flags};
	if (typeof props.dnsName === 'string') ref.dnsName = props.dnsName;
	return [{ref, vnets}];
}

/** VNet -> the VNets directly peered with it where the peering reads `Connected` (either side's record counts). */
function peeredVnets(topology: Topology): Map<string, Set<string>> {
	const links = new Map<string, Set<string>>();
	const link = (from: string, to: string) => links.set(from, (links.get(from) ?? new Set()).add(to));
	for (const peering of topology.ofType(RESOURCE_TYPES.peering)) {
		const props = propsOf(peering.raw);
		const remote = (props.remoteVirtualNetwork as {id?: unknown} | undefined)?.id;
		if (typeof remote !== 'string' || props.peeringState !== 'Connected') continue;
		const local = peering.id.toLowerCase().replace(/\/virtualnetworkpeerings\/[^/]+$/, '');
		link(local, remote.toLowerCase());
		link(remote.toLowerCase(), local);
	}
	return links;
}

/** The VNets of a VM's NICs, primary NIC (and its primary configuration) first. */
function vmVnets(props: ArmJson, nics: Map<string, ArmJson>): string[] {
	const refs = ((props.networkProfile as {networkInterfaces?: ArmJson[]} | undefined)?.networkInterfaces ?? []).map(ref => ({id: String(ref.id ?? '').toLowerCase(), primary: propsOf(ref).primary === true || ref.primary === true}));
	const ordered = [...refs.filter(ref => ref.primary), ...refs.filter(ref => !ref.primary)];
	const vnets: string[] = [];
	for (const ref of ordered) {
		const configs = (propsOf(nics.get(ref.id) ?? {}).ipConfigurations as ArmJson[] | undefined) ?? [];
		const primaryFirst = [...configs.filter(config => propsOf(config).primary === true), ...configs.filter(config => propsOf(config).primary !== true)];
		for (const config of primaryFirst) {
			const subnet = (propsOf(config).subnet as {id?: unknown} | undefined)?.id;
			if (typeof subnet === 'string' && !vnets.includes(vnetOfSubnet(subnet))) vnets.push(vnetOfSubnet(subnet));
		}
	}
	return vnets;
}

/** Every Bastion that reaches this VNet (its own, or for Basic and above a Connected-peered one), the preferred first. */
function servingBastions(vnet: string, bastions: LabBastion[], neighbours: Map<string, Set<string>>): BastionRef[] {
	const near = neighbours.get(vnet) ?? new Set<string>();
	const same = bastions.filter(bastion => bastion.vnets.has(vnet));
	const peered = bastions.filter(bastion => !same.includes(bastion) && !OWN_VNET_ONLY.has(bastion.ref.sku) && [...bastion.vnets].some(own => near.has(own)));
	const ranked = [...same.map(bastion => ({bastion, via: 'same-vnet' as const})), ...peered.map(bastion => ({bastion, via: 'peered-vnet' as const}))];
	return ranked.sort((a, b) => score(b) - score(a) || a.bastion.ref.name.localeCompare(b.bastion.ref.name) || a.bastion.ref.id.localeCompare(b.bastion.ref.id)).map(({bastion, via}) => ({...bastion.ref, flags: {...bastion.ref.flags}, via}));
}

/** A Bastion vmux can tunnel through first (Standard/Premium with tunneling, then data-pod SKUs), then the richer SKU, then its own VNet. */
function score({bastion: {ref}, via}: {bastion: LabBastion; via: BastionRef['via']}): number {
	const tunnels = (ref.sku === 'Standard' || ref.sku === 'Premium') && ref.flags.enableTunneling ? 1000 : OWN_VNET_ONLY.has(ref.sku) ? 500 : 0;
	return tunnels + SKUS.indexOf(ref.sku) * 10 + (via === 'same-vnet' ? 1 : 0);
}

/** The first private address a VM's NICs have in this VNet. */
function nicAddressIn(props: ArmJson, nics: Map<string, ArmJson>, vnet: string): string | undefined {
	for (const ref of (props.networkProfile as {networkInterfaces?: ArmJson[]} | undefined)?.networkInterfaces ?? []) {
		for (const config of (propsOf(nics.get(String(ref.id ?? '').toLowerCase()) ?? {}).ipConfigurations as ArmJson[] | undefined) ?? []) {
			const configProps = propsOf(config);
			const subnet = (configProps.subnet as {id?: unknown} | undefined)?.id;
			if (typeof subnet === 'string' && vnetOfSubnet(subnet) === vnet && typeof configProps.privateIPAddress === 'string') return configProps.privateIPAddress;
		}
	}
	return undefined;
}

function powerState(props: ArmJson): PowerState {
	const statuses = ((props.instanceView as {statuses?: Array<{code?: unknown}>} | undefined)?.statuses ?? []).map(status => status.code);
	const code = statuses.find((candidate): candidate is string => typeof candidate === 'string' && candidate.toLowerCase().startsWith('powerstate/'));
	const state = code?.slice('powerstate/'.length).toLowerCase();
	const known: readonly PowerState[] = ['running', 'stopped', 'deallocated', 'starting', 'stopping', 'deallocating'];
	return known.find(candidate => candidate === state) ?? 'unknown';
}

function vnetOfSubnet(subnetId: string): string {
	return subnetId.toLowerCase().replace(/\/subnets\/[^/]+$/, '');
}

function propsOf(raw: ArmJson): ArmJson {
	return (raw.properties as ArmJson | undefined) ?? {};
}
