import type {VirtualMachine} from '@azure/arm-compute';
import type {BastionHost, NetworkInterface, PublicIPAddress, VirtualNetwork} from '@azure/arm-network';
import {vnetIdFromSubnetId} from '../azure/resource-id.js';
import {bastionFlags, powerCodeFromStatuses, stringTags, toSku, type BastionFacts, type NicFacts, type PublicIpFacts, type VmFacts, type VnetFacts} from './facts.js';

/** Facts from the SDKs' models, which flatten ARM's `properties` (ARM listing path). */

export function vmFactsFromSdk(vm: VirtualMachine): VmFacts | undefined {
	if (!vm.id) return undefined;
	const osType = vm.storageProfile?.osDisk?.osType;
	return {
		id: vm.id,
		name: vm.name ?? vm.id.split('/').at(-1) ?? vm.id,
		location: vm.location ?? '',
		size: vm.hardwareProfile?.vmSize,
		osType: osType === 'Linux' || osType === 'Windows' ? osType : undefined,
		tags: stringTags(vm.tags),
		nics: (vm.networkProfile?.networkInterfaces ?? [])
			.filter((ref): ref is typeof ref & {id: string} => typeof ref.id === 'string')
			.map(ref => ({id: ref.id, primary: ref.primary})),
		powerCode: powerCodeFromStatuses(vm.instanceView?.statuses),
		extensionTypes: extensionTypes(vm),
	};
}

/**
 * ARM returns installed extensions as the VM's child `resources`, but may leave them out (or give only ids) in
 * lists; only a complete set of typed entries counts as knowing them. Unknown stays undefined, so a check never
 * reads "no extensions" into a list that simply did not say (the doctor lists them per VM instead).
 */
function extensionTypes(vm: VirtualMachine): string[] | undefined {
	const resources = vm.resources;
	if (!resources || resources.length === 0) return undefined;
	const types = resources.map(extension => extension.typePropertiesType);
	return types.every((type): type is string => typeof type === 'string' && type.length > 0) ? types : undefined;
}

export function nicFactsFromSdk(nic: NetworkInterface): NicFacts | undefined {
	if (!nic.id) return undefined;
	return {
		id: nic.id,
		ipConfigurations: (nic.ipConfigurations ?? []).map(config => ({
			privateIp: config.privateIPAddress,
			subnetId: config.subnet?.id,
			publicIpId: config.publicIPAddress?.id,
			primary: config.primary,
		})),
	};
}

export function publicIpFactsFromSdk(ip: PublicIPAddress): PublicIpFacts | undefined {
	return ip.id ? {id: ip.id, ipAddress: ip.ipAddress} : undefined;
}

export function vnetFactsFromSdk(vnet: VirtualNetwork): VnetFacts | undefined {
	if (!vnet.id) return undefined;
	return {
		id: vnet.id,
		peerings: vnet.virtualNetworkPeerings
			?.filter(peering => peering.remoteVirtualNetwork?.id)
			.map(peering => ({remoteVnetId: peering.remoteVirtualNetwork!.id!, state: peering.peeringState})),
	};
}

export function bastionFactsFromSdk(bastion: BastionHost): BastionFacts | undefined {
	const sku = toSku(bastion.sku?.name);
	if (!bastion.id || !sku) return undefined;
	const vnetIds = new Set<string>();
	for (const config of bastion.ipConfigurations ?? []) {
		const vnetId = config.subnet?.id ? vnetIdFromSubnetId(config.subnet.id) : undefined;
		if (vnetId) vnetIds.add(vnetId);
	}
	if (bastion.virtualNetwork?.id) vnetIds.add(bastion.virtualNetwork.id);
	return {
		id: bastion.id,
		name: bastion.name ?? bastion.id.split('/').at(-1) ?? bastion.id,
		sku,
		flags: bastionFlags(bastion),
		dnsName: bastion.dnsName,
		vnetIds: [...vnetIds],
	};
}
