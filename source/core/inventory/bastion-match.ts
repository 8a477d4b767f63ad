import {idKey, parseResourceId} from '../azure/resource-id.js';
import type {BastionFacts, VnetFacts} from './facts.js';
import type {BastionRef} from './model.js';
import {SKU_RULES, usesDataPod} from '../profiles/sku.js';

/** Which Bastions serve a VM, best first, and the one a secondary NIC could offer instead. */
export interface BastionMatch {
	/** Every Bastion that can serve the VM's primary NIC, in the order vmux prefers them (the first is the default). */
	choices: BastionRef[];
	/**
	 * When no Bastion serves the primary NIC's VNet but one serves another NIC's: that Bastion and the VNet it
	 * serves. Azure's Bastion connects to a VM by its primary NIC (as the portal does), so this one can only reach
	 * the VM by IP address (IP-based connection, where the Bastion has `enableIpConnect`).
	 */
	secondary?: {bastion: BastionRef; vnetId: string};
}

/**
 * Which Bastion serves a VM (contracts §2): one whose AzureBastionSubnet — or, for Developer, `virtualNetwork` —
 * is in the VM's VNet; or, for Basic and above, one in a VNet directly peered with it where the peering is
 * `Connected`. Peering is not transitive, so only direct neighbours count. Every such Bastion is a choice: a
 * spoke with its own Basic Bastion, peered with a hub whose Premium Bastion has native client support, is best
 * served by the hub's (the Basic one cannot tunnel).
 */
export class BastionMatcher {
	private readonly byVnet = new Map<string, BastionFacts[]>();
	private readonly neighbours = new Map<string, Set<string>>();

	constructor(bastions: readonly BastionFacts[], vnets: readonly VnetFacts[]) {
		for (const bastion of bastions) {
			for (const vnetId of bastion.vnetIds) {
				const key = idKey(vnetId);
				const list = this.byVnet.get(key) ?? [];
				list.push(bastion);
				this.byVnet.set(key, list);
			}
		}
		// Either side's record is enough: both read `Connected` once the peering is up, and the user may be
		// able to read only one of the two VNets.
		for (const vnet of vnets) {
			for (const peering of vnet.peerings ?? []) {
				if (peering.state !== 'Connected') continue;
				this.link(idKey(vnet.id), idKey(peering.remoteVnetId));
				this.link(idKey(peering.remoteVnetId), idKey(vnet.id));
			}
		}
	}

	/**
	 * The Bastions for a VM whose NICs are in these VNets, primary NIC's first. Only the primary NIC's VNet decides
	 * which Bastions serve it; the others matter only when that gives none (`secondary`).
	 */
	serving(vmVnetIds: readonly string[]): BastionMatch {
		const [primary, ...others] = vmVnetIds;
		const choices = primary === undefined ? [] : this.choicesFor(primary);
		if (choices.length > 0 || others.length === 0) return {choices};
		for (const vnetId of others) {
			const [best] = this.choicesFor(vnetId);
			if (best) return {choices, secondary: {bastion: best, vnetId}};
		}
		return {choices};
	}

	/** The preferred Bastion for a VM in this VNet (its primary NIC's), if any. */
	match(vnetId: string | undefined): BastionRef | undefined {
		return vnetId === undefined ? undefined : this.choicesFor(vnetId)[0];
	}

	private choicesFor(vnetId: string): BastionRef[] {
		const key = idKey(vnetId);
		const found = new Map<string, BastionRef>();
		for (const bastion of this.byVnet.get(key) ?? []) found.set(idKey(bastion.id), toRef(bastion, 'same-vnet'));
		for (const neighbour of this.neighbours.get(key) ?? []) {
			for (const bastion of this.byVnet.get(neighbour) ?? []) {
				// Developer (and QuickConnect) Bastions serve only their own VNet (DESIGN §4).
				if (!SKU_RULES[bastion.sku].peeredVnets || found.has(idKey(bastion.id))) continue;
				found.set(idKey(bastion.id), toRef(bastion, 'peered-vnet'));
			}
		}
		return [...found.values()].sort(byPreference);
	}

	private link(from: string, to: string): void {
		const set = this.neighbours.get(from) ?? new Set<string>();
		set.add(to);
		this.neighbours.set(from, set);
	}
}

/** Whether vmux can open a native-client tunnel through this Bastion (Standard/Premium with tunneling, or a data pod). */
export function tunnelsFromNativeClient(bastion: Pick<BastionRef, 'sku' | 'flags'>): boolean {
	return ((bastion.sku === 'Standard' || bastion.sku === 'Premium') && bastion.flags.enableTunneling) || usesDataPod(bastion.sku);
}

/**
 * The order vmux offers Bastions in: one it can tunnel through (native client support) first, then the richer
 * SKU (Premium over Standard), then one in the VM's own VNet over a peered one, then a stable order by name.
 */
function byPreference(a: BastionRef, b: BastionRef): number {
	const rank = (bastion: BastionRef): number => {
		const skuRank = {Premium: 4, Standard: 3, Basic: 2, Developer: 1, QuickConnect: 1}[bastion.sku];
		return (tunnelsFromNativeClient(bastion) ? 100 : 0) + skuRank * 10 + (bastion.via === 'same-vnet' ? 1 : 0);
	};
	return rank(b) - rank(a) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

function toRef(bastion: BastionFacts, via: BastionRef['via']): BastionRef {
	const parsed = parseResourceId(bastion.id);
	const ref: BastionRef = {
		id: bastion.id,
		name: bastion.name,
		resourceGroup: parsed?.resourceGroup ?? '',
		subscriptionId: parsed?.subscriptionId ?? '',
		sku: bastion.sku,
		flags: {...bastion.flags},
		via,
	};
	if (bastion.dnsName) ref.dnsName = bastion.dnsName;
	return ref;
}
