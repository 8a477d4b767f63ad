import {idKey, vnetIdFromSubnetId} from '../azure/resource-id.js';
import type {NicFacts, PublicIpFacts, VmFacts} from './facts.js';

export interface VmAddresses {
	privateIp?: string;
	publicIp?: string;
	/** The VNet of the primary NIC's primary IP configuration. */
	vnetId?: string;
	/** Every VNet the VM has an address in, that one first, then the other NICs' (only the first decides its Bastion). */
	vnetIds: string[];
	/** The primary NIC's primary configuration exists but has no private address yet (allocation pending). */
	privateIpPending?: boolean;
	/** The first private address the VM has in each of `vnetIds` (by `idKey`), for an IP-based connection to it. */
	privateIpByVnet: Map<string, string>;
}

/**
 * The addresses vmux shows and connects to: the primary NIC's primary IP configuration, as the portal does.
 * A VM may have several NICs and a NIC several IP configurations; `primary` marks the one the OS routes by
 * default, and when no flag is set the first one is primary (ARM's own rule for single-NIC VMs).
 */
export function vmAddresses(
	vm: Pick<VmFacts, 'nics'>,
	nicsById: ReadonlyMap<string, NicFacts>,
	publicIpsById: ReadonlyMap<string, PublicIpFacts>,
): VmAddresses {
	const nics = vm.nics
		.map(ref => ({ref, nic: nicsById.get(idKey(ref.id))}))
		.filter((entry): entry is {ref: {id: string; primary?: boolean}; nic: NicFacts} => entry.nic !== undefined);
	if (nics.length === 0) return {vnetIds: [], privateIpByVnet: new Map()};
	const ordered = [...nics.filter(entry => entry.ref.primary === true), ...nics.filter(entry => entry.ref.primary !== true)];
	const primaryNic = ordered[0]!.nic;
	const configs = [
		...primaryNic.ipConfigurations.filter(config => config.primary === true),
		...primaryNic.ipConfigurations.filter(config => config.primary !== true),
	];
	const primaryConfig = configs[0];
	const result: VmAddresses = {vnetIds: [], privateIpByVnet: new Map()};
	if (primaryConfig?.privateIp) result.privateIp = stripPrefixLength(primaryConfig.privateIp);
	else if (primaryConfig) result.privateIpPending = true;
	if (primaryConfig?.subnetId) result.vnetId = vnetIdFromSubnetId(primaryConfig.subnetId);
	const seen = new Set<string>();
	for (const {nic} of ordered) {
		for (const config of nic === primaryNic ? configs : nic.ipConfigurations) {
			const vnetId = config.subnetId ? vnetIdFromSubnetId(config.subnetId) : undefined;
			if (vnetId && !seen.has(idKey(vnetId))) {
				seen.add(idKey(vnetId));
				result.vnetIds.push(vnetId);
			}
			if (vnetId && config.privateIp && !result.privateIpByVnet.has(idKey(vnetId))) result.privateIpByVnet.set(idKey(vnetId), stripPrefixLength(config.privateIp));
		}
	}
	// The public IP may sit on a secondary configuration or NIC; the primary one wins when both have one.
	for (const {nic} of ordered) {
		const nicConfigs = nic === primaryNic ? configs : nic.ipConfigurations;
		for (const config of nicConfigs) {
			const address = config.publicIpId ? publicIpsById.get(idKey(config.publicIpId))?.ipAddress : undefined;
			if (address) {
				result.publicIp = address;
				return result;
			}
		}
	}
	return result;
}

/** Some NICs report a prefix (`172.20.2.16/28`) for IP-prefix configurations; the host part is the address. */
function stripPrefixLength(address: string): string {
	return address.replace(/\/\d+$/, '');
}
