import type {BastionFlags, BastionRef, BastionSku, PowerState, VmRecord} from '../../core/inventory/model.js';
import {labVmAddresses} from './addresses.js';
import type {ArmJson, Topology, TopologyResource} from './load.js';
import {RESOURCE_TYPES} from './schema.js';

/**
 * The lab's own reading of its world from the topology JSON: which VMs there are, their addresses and power
 * states, and the Bastion that serves each (in its VNet, or for Basic and above in a directly `Connected`-peered
 * one; its own VNet first, then tunnel-capable, then the richer SKU, then by name). It shares no code with the
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
		const bastion = servingBastion(vnets, bastions, neighbours);
		if (bastion) record.bastion = bastion;
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

function servingBastion(vnets: string[], bastions: LabBastion[], neighbours: Map<string, Set<string>>): BastionRef | undefined {
	for (const vnet of vnets) {
		const same = bastions.filter(bastion => bastion.vnets.has(vnet));
		if (same.length > 0) return {...preferred(same).ref, via: 'same-vnet'};
	}
	for (const vnet of vnets) {
		const near = neighbours.get(vnet) ?? new Set<string>();
		const peered = bastions.filter(bastion => !OWN_VNET_ONLY.has(bastion.ref.sku) && [...bastion.vnets].some(own => near.has(own)));
		if (peered.length > 0) return {...preferred(peered).ref, via: 'peered-vnet'};
	}
	return undefined;
}

/** A Bastion vmux can tunnel through first (Standard/Premium with tunneling, then data-pod SKUs), then the richer SKU. */
function preferred(candidates: LabBastion[]): LabBastion {
	const score = ({ref}: LabBastion) =>
		((ref.sku === 'Standard' || ref.sku === 'Premium') && ref.flags.enableTunneling ? 100 : OWN_VNET_ONLY.has(ref.sku) ? 50 : 0) + Math.max(0, SKUS.indexOf(ref.sku) - 1);
	return [...candidates].sort((a, b) => score(b) - score(a) || a.ref.name.localeCompare(b.ref.name) || a.ref.id.localeCompare(b.ref.id))[0]!;
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
