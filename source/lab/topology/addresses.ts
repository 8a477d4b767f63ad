import type {ArmJson, Topology} from './load.js';
import {RESOURCE_TYPES} from './schema.js';

export interface LabVmAddress {
	vmId: string;
	name: string;
	privateIp?: string;
	publicIp?: string;
}

/**
 * Each VM's private and public IP, by VM name (lower-cased): the lab's own reading of the topology's ARM JSON,
 * written apart from the product's inventory parsers (core/inventory) so that a parser bug shows up as a test
 * comparing the two instead of being mirrored. The rule is ARM's: the NIC flagged `primary` (else the first), its
 * IP configuration flagged `primary` (else the first); the public IP is the first found on the VM's
 * configurations in that order.
 */
export function labVmAddresses(topology: Topology): Map<string, LabVmAddress> {
	const byId = (type: (typeof RESOURCE_TYPES)[keyof typeof RESOURCE_TYPES]) => new Map(topology.ofType(type).map(resource => [resource.id.toLowerCase(), resource.raw]));
	const nics = byId(RESOURCE_TYPES.networkInterface);
	const publicIps = byId(RESOURCE_TYPES.publicIpAddress);
	const result = new Map<string, LabVmAddress>();
	for (const resource of topology.ofType(RESOURCE_TYPES.virtualMachine)) {
		const refs = (props(resource.raw).networkProfile as {networkInterfaces?: ArmJson[]} | undefined)?.networkInterfaces ?? [];
		const primaryFirst = <T extends ArmJson>(list: T[]) => [...list.filter(item => isPrimary(item)), ...list.filter(item => !isPrimary(item))];
		const vmNics = primaryFirst(refs)
			.map(ref => nics.get(String(ref.id ?? '').toLowerCase()))
			.filter((nic): nic is ArmJson => nic !== undefined);
		const configs = vmNics.map((nic, index) => {
			const list = (props(nic).ipConfigurations as ArmJson[] | undefined) ?? [];
			return index === 0 ? primaryFirst(list) : list;
		});
		const entry: LabVmAddress = {vmId: resource.id, name: resource.name};
		const first = configs[0]?.[0];
		const privateIp = first ? props(first).privateIPAddress : undefined;
		if (typeof privateIp === 'string' && privateIp) entry.privateIp = privateIp.split('/')[0]!;
		for (const config of configs.flat()) {
			const publicIpId = (props(config).publicIPAddress as {id?: unknown} | undefined)?.id;
			const address = typeof publicIpId === 'string' ? props(publicIps.get(publicIpId.toLowerCase()) ?? {}).ipAddress : undefined;
			if (typeof address === 'string' && address) {
				entry.publicIp = address;
				break;
			}
		}
		result.set(resource.name.toLowerCase(), entry);
	}
	return result;
}

/** One VM's addresses by name (case-insensitive), or undefined when the topology has no such VM. */
export function labVmAddress(topology: Topology, vmName: string): LabVmAddress | undefined {
	return labVmAddresses(topology).get(vmName.toLowerCase());
}

function props(raw: ArmJson): Record<string, unknown> {
	return (raw.properties as Record<string, unknown> | undefined) ?? {};
}

/** `primary` sits in `properties` on ARM's wire JSON (and at the top level in some SDK-shaped documents). */
function isPrimary(item: ArmJson): boolean {
	return props(item).primary === true || item.primary === true;
}
