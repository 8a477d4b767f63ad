import {idKey, parseResourceId} from '../azure/resource-id.js';
import {vmAddresses} from './addresses.js';
import {BastionMatcher} from './bastion-match.js';
import {powerStateFromCode, type BastionFacts, type NicFacts, type PublicIpFacts, type VmFacts, type VnetFacts} from './facts.js';
import type {Inventory, SubscriptionState, VmRecord} from './model.js';

/** A subscription state worth carrying on each VM (anything but Enabled), as vmux knows the names. */
export function subscriptionState(state: string | undefined): SubscriptionState | undefined {
	const known: readonly SubscriptionState[] = ['Enabled', 'Warned', 'PastDue', 'Disabled'];
	return known.find(candidate => candidate.toLowerCase() === state?.toLowerCase());
}

function notEnabled(state: SubscriptionState | undefined): {subscriptionState?: Exclude<SubscriptionState, 'Enabled'>} {
	return state && state !== 'Enabled' ? {subscriptionState: state} : {};
}

export interface InventoryFacts {
	subscriptions: Array<{id: string; name: string; tenantId?: string; state?: SubscriptionState}>;
	vms: VmFacts[];
	nics: NicFacts[];
	publicIps: PublicIpFacts[];
	vnets: VnetFacts[];
	bastions: BastionFacts[];
	/** Extension types by VM id (key: `idKey`), for sources that list extensions separately (Resource Graph, the topology). */
	extensionsByVm?: ReadonlyMap<string, string[]>;
}

/** Joins per-resource facts into the records the browser shows. Every source ends here. */
export function assembleInventory(facts: InventoryFacts, source: Inventory['source'], fetchedAt = Date.now()): Inventory {
	const nicsById = new Map(facts.nics.map(nic => [idKey(nic.id), nic]));
	const publicIpsById = new Map(facts.publicIps.map(ip => [idKey(ip.id), ip]));
	const subscriptionNames = new Map(facts.subscriptions.map(sub => [sub.id.toLowerCase(), sub.name]));
	const subscriptionStates = new Map(facts.subscriptions.map(sub => [sub.id.toLowerCase(), sub.state]));
	const matcher = new BastionMatcher(facts.bastions, facts.vnets);
	const peeringsRead = new Set(facts.vnets.filter(vnet => vnet.peerings !== undefined).map(vnet => idKey(vnet.id)));

	const vms = facts.vms.map((vm): VmRecord => {
		const parsed = parseResourceId(vm.id);
		const subscriptionId = parsed?.subscriptionId ?? '';
		const addresses = vmAddresses(vm, nicsById, publicIpsById);
		const record: VmRecord = {
			id: vm.id,
			name: vm.name,
			subscriptionId,
			subscriptionName: subscriptionNames.get(subscriptionId.toLowerCase()) ?? subscriptionId,
			resourceGroup: parsed?.resourceGroup ?? '',
			...notEnabled(subscriptionStates.get(subscriptionId.toLowerCase())),
			location: vm.location,
			powerState: powerStateFromCode(vm.powerCode),
			tags: vm.tags,
		};
		if (vm.size) record.size = vm.size;
		if (vm.osType) record.osType = vm.osType;
		if (addresses.privateIp) record.privateIp = addresses.privateIp;
		if (addresses.privateIpPending) record.privateIpPending = true;
		if (addresses.publicIp) record.publicIp = addresses.publicIp;
		if (addresses.vnetId) record.vnetId = addresses.vnetId;
		const {choices, secondary} = matcher.serving(addresses.vnetIds);
		if (choices[0]) record.bastion = choices[0];
		if (choices.length > 1) record.bastionChoices = choices;
		if (addresses.vnetId && peeringsRead.has(idKey(addresses.vnetId))) record.bastionsComplete = true;
		if (secondary) {
			const privateIp = addresses.privateIpByVnet.get(idKey(secondary.vnetId));
			record.secondaryNicBastion = {bastion: secondary.bastion, ...(privateIp ? {privateIp} : {})};
		}
		// A source that lists extensions separately knows every VM's set: none listed means none installed.
		const extensions = vm.extensionTypes ?? (facts.extensionsByVm ? (facts.extensionsByVm.get(idKey(vm.id)) ?? []) : undefined);
		if (extensions) record.extensions = [...extensions].sort();
		return record;
	});
	vms.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
	return {fetchedAt, source, subscriptions: facts.subscriptions.map(sub => ({...sub})), vms};
}
