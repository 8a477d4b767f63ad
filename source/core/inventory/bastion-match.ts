import {idKey, parseResourceId} from '../azure/resource-id.js';
import type {BastionFacts, VnetFacts} from './facts.js';
import type {BastionRef} from './model.js';
import {SKU_RULES} from '../profiles/sku.js';

/**
 * Which Bastion serves a VM (contracts §2): one whose AzureBastionSubnet — or, for Developer, `virtualNetwork` —
 * is in the VM's VNet; or, for Basic and above, one in a VNet directly peered with it where the peering is
 * `Connected`. Peering is not transitive, so only direct neighbours count.
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
	 * The Bastion for a VM in these VNets (its NICs', primary first): one in the VM's own VNets wins over one in a
	 * peered VNet, and among equals the primary NIC's VNet goes first.
	 */
	match(vmVnetIds: string | undefined | readonly string[]): BastionRef | undefined {
		const keys = (typeof vmVnetIds === 'string' ? [vmVnetIds] : (vmVnetIds ?? [])).map(idKey);
		for (const key of keys) {
			const same = this.byVnet.get(key);
			if (same && same.length > 0) return toRef(best(same), 'same-vnet');
		}
		for (const key of keys) {
			const peered: BastionFacts[] = [];
			for (const neighbour of this.neighbours.get(key) ?? []) {
				for (const bastion of this.byVnet.get(neighbour) ?? []) {
					// Developer (and QuickConnect) Bastions serve only their own VNet (DESIGN §4).
					if (SKU_RULES[bastion.sku].peeredVnets) peered.push(bastion);
				}
			}
			if (peered.length > 0) return toRef(best(peered), 'peered-vnet');
		}
		return undefined;
	}

	private link(from: string, to: string): void {
		const set = this.neighbours.get(from) ?? new Set<string>();
		set.add(to);
		this.neighbours.set(from, set);
	}
}

/** Prefer a Bastion vmux can tunnel through, then the richer SKU, then a stable order by name. */
function best(candidates: readonly BastionFacts[]): BastionFacts {
	const rank = (bastion: BastionFacts): number => {
		const tunnels = (bastion.sku === 'Standard' || bastion.sku === 'Premium') && bastion.flags.enableTunneling;
		const skuRank = {Premium: 3, Standard: 2, Basic: 1, Developer: 0, QuickConnect: 0}[bastion.sku];
		return (tunnels ? 100 : SKU_RULES[bastion.sku].dataPod ? 50 : 0) + skuRank;
	};
	return [...candidates].sort((a, b) => rank(b) - rank(a) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))[0]!;
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
