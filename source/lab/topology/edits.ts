import {parseTopology, type ArmJson, type Topology} from './load.js';
import {RESOURCE_TYPES} from './schema.js';

/**
 * Knobs that change one thing about a lab world, for tests and demos of what goes wrong on real VMs. Each returns a
 * new topology (checked like a file would be) and leaves the one given as it was.
 */

/**
 * The VMs named lose their system-assigned managed identity, as `az vm identity remove` leaves them: a VM with
 * user-assigned identities too keeps those (`UserAssigned`), any other loses its `identity` block. Without the
 * system-assigned identity the AADSSHLoginForLinux extension cannot validate Entra ID certificates.
 */
export function withoutSystemAssignedIdentity(topology: Topology, vmNames: string[]): Topology {
	const names = new Set(vmNames.map(name => name.toLowerCase()));
	const found = new Set<string>();
	const resources = topology.resources.map(resource => {
		const raw = structuredClone(resource.raw);
		if (resource.type !== RESOURCE_TYPES.virtualMachine || !names.has(resource.name.toLowerCase())) return raw;
		found.add(resource.name.toLowerCase());
		const identity = raw.identity as ArmJson | undefined;
		const userAssigned = identity?.userAssignedIdentities;
		if (identity && /UserAssigned/i.test(String(identity.type)) && userAssigned) raw.identity = {type: 'UserAssigned', userAssignedIdentities: userAssigned};
		else delete raw.identity;
		return raw;
	});
	const unknown = [...names].filter(name => !found.has(name));
	if (unknown.length > 0) throw new Error(`Lab topology ${topology.label} has no VM named ${unknown.join(', ')}.`);
	return parseTopology(
		{tenantId: topology.tenantId, tenants: structuredClone(topology.tenants), subscriptions: structuredClone(topology.subscriptions), resources},
		`${topology.label} (without the system-assigned identity of ${vmNames.join(', ')})`,
	);
}
