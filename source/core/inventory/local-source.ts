import {idKey, parentResourceId} from '../azure/resource-id.js';
import {assembleInventory, subscriptionState} from './assemble.js';
import type {BastionFacts, NicFacts, PublicIpFacts, VmFacts, VnetFacts} from './facts.js';
import {
	bastionFactsFromJson,
	extensionTypeFromJson,
	nicFactsFromJson,
	peeringFromJson,
	publicIpFactsFromJson,
	vmFactsFromJson,
	vnetFactsFromJson,
} from './from-arm-json.js';
import type {Inventory} from './model.js';

/**
 * An inventory built straight from ARM-shaped resources in memory — the lab topology — without HTTP. The demo
 * uses it until it reads the lab's ARM over HTTPS; it shares every rule with the Azure sources (assemble.ts).
 */

export interface LocalTopology {
	subscriptions: ReadonlyArray<{subscriptionId: string; displayName: string; state?: string; tenantId?: string}>;
	/** ARM resources as JSON; `type` is the canonical ARM type (the lab's loader fills it in from the id). */
	resources: ReadonlyArray<{type: string; raw: Record<string, unknown>}>;
}

export function buildLocalInventory(topology: LocalTopology, fetchedAt = Date.now()): Inventory {
	const vms: VmFacts[] = [];
	const nics: NicFacts[] = [];
	const publicIps: PublicIpFacts[] = [];
	const vnets: VnetFacts[] = [];
	const bastions: BastionFacts[] = [];
	const extensionsByVm = new Map<string, string[]>();
	const peeringsByVnet = new Map<string, NonNullable<VnetFacts['peerings']>>();

	for (const {type, raw} of topology.resources) {
		switch (type.toLowerCase()) {
			case 'microsoft.compute/virtualmachines': {
				const facts = vmFactsFromJson(raw);
				// The topology lists extensions as child resources; the VM's own `resources` array is not the source.
				if (facts) vms.push({...facts, extensionTypes: undefined});
				break;
			}
			case 'microsoft.compute/virtualmachines/extensions': {
				const vmId = typeof raw.id === 'string' ? parentResourceId(raw.id) : undefined;
				const extensionType = extensionTypeFromJson(raw);
				if (vmId && extensionType) extensionsByVm.set(idKey(vmId), [...(extensionsByVm.get(idKey(vmId)) ?? []), extensionType]);
				break;
			}
			case 'microsoft.network/networkinterfaces': {
				const facts = nicFactsFromJson(raw);
				if (facts) nics.push(facts);
				break;
			}
			case 'microsoft.network/publicipaddresses': {
				const facts = publicIpFactsFromJson(raw);
				if (facts) publicIps.push(facts);
				break;
			}
			case 'microsoft.network/virtualnetworks': {
				const facts = vnetFactsFromJson(raw);
				if (facts) vnets.push({id: facts.id});
				break;
			}
			case 'microsoft.network/virtualnetworks/virtualnetworkpeerings': {
				const vnetId = typeof raw.id === 'string' ? parentResourceId(raw.id) : undefined;
				const peering = peeringFromJson(raw);
				if (vnetId && peering) peeringsByVnet.set(idKey(vnetId), [...(peeringsByVnet.get(idKey(vnetId)) ?? []), peering]);
				break;
			}
			case 'microsoft.network/bastionhosts': {
				const facts = bastionFactsFromJson(raw);
				if (facts) bastions.push(facts);
				break;
			}
			default:
				break;
		}
	}
	for (const vnet of vnets) vnet.peerings = peeringsByVnet.get(idKey(vnet.id)) ?? [];

	return assembleInventory(
		{
			subscriptions: topology.subscriptions
				.filter(sub => (sub.state ?? 'Enabled') !== 'Disabled')
				.map(sub => {
					const state = subscriptionState(sub.state);
					return {id: sub.subscriptionId, name: sub.displayName, ...(sub.tenantId ? {tenantId: sub.tenantId} : {}), ...(state && state !== 'Enabled' ? {state} : {})};
				}),
			vms,
			nics,
			publicIps,
			vnets,
			bastions,
			extensionsByVm,
		},
		'local',
		fetchedAt,
	);
}
