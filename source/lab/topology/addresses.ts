import {idKey} from '../../core/azure/resource-id.js';
import {vmAddresses} from '../../core/inventory/addresses.js';
import {nicFactsFromJson, publicIpFactsFromJson, vmFactsFromJson} from '../../core/inventory/from-arm-json.js';
import type {NicFacts, PublicIpFacts} from '../../core/inventory/facts.js';
import type {Topology} from './load.js';
import {RESOURCE_TYPES} from './schema.js';

export interface LabVmAddress {
	vmId: string;
	name: string;
	privateIp?: string;
	publicIp?: string;
}

/**
 * Each VM's private and public IP, by VM name (lower-cased), read with the same primary-NIC rule the inventory
 * uses — so the SSH lab can map exactly the address the app will dial to a local port.
 */
export function labVmAddresses(topology: Topology): Map<string, LabVmAddress> {
	const nics = new Map<string, NicFacts>();
	for (const resource of topology.ofType(RESOURCE_TYPES.networkInterface)) {
		const facts = nicFactsFromJson(resource.raw);
		if (facts) nics.set(idKey(facts.id), facts);
	}
	const publicIps = new Map<string, PublicIpFacts>();
	for (const resource of topology.ofType(RESOURCE_TYPES.publicIpAddress)) {
		const facts = publicIpFactsFromJson(resource.raw);
		if (facts) publicIps.set(idKey(facts.id), facts);
	}
	const result = new Map<string, LabVmAddress>();
	for (const resource of topology.ofType(RESOURCE_TYPES.virtualMachine)) {
		const vm = vmFactsFromJson(resource.raw);
		if (!vm) continue;
		const addresses = vmAddresses(vm, nics, publicIps);
		const entry: LabVmAddress = {vmId: vm.id, name: vm.name};
		if (addresses.privateIp) entry.privateIp = addresses.privateIp;
		if (addresses.publicIp) entry.publicIp = addresses.publicIp;
		result.set(vm.name.toLowerCase(), entry);
	}
	return result;
}

/** One VM's addresses by name (case-insensitive), or undefined when the topology has no such VM. */
export function labVmAddress(topology: Topology, vmName: string): LabVmAddress | undefined {
	return labVmAddresses(topology).get(vmName.toLowerCase());
}
