import {parseResourceId, vnetIdFromSubnetId} from '../azure/resource-id.js';
import type {NicFacts} from '../inventory/facts.js';
import {nicFactsFromSdk} from '../inventory/from-sdk.js';
import {failedFrom, problemOf, type DoctorContext} from './context.js';
import {placeholder, shellCommand} from '../text/shell-command.js';
import {check, type DoctorCheck} from './types.js';
import type {FoundVm} from './vm.js';

/** Where the VM sits on the network, from its primary NIC's primary IP configuration. */
export interface VmNetwork {
	nics: NicFacts[];
	privateIp?: string;
	subnetId: string;
	vnetId: string;
}

/** Check 3: every NIC of the VM can be read (the portal needs Reader on the NIC with the VM's private IP). */
export async function checkNics(ctx: DoctorContext, vm: FoundVm): Promise<{check: DoctorCheck; network?: VmNetwork}> {
	const refs = (vm.model.networkProfile?.networkInterfaces ?? []).filter((ref): ref is typeof ref & {id: string} => typeof ref.id === 'string');
	if (refs.length === 0) {
		return {check: check('nic', 'fail', `${vm.name} has no network interface, so no Bastion can reach it.`, {fix: `Attach a NIC in a virtual network to ${vm.name}.`})};
	}
	const nics: Array<NicFacts & {name: string; primary: boolean}> = [];
	for (const ref of refs) {
		const parsed = parseResourceId(ref.id);
		if (!parsed?.resourceGroup || !parsed.name) continue;
		try {
			const nic = await (await ctx.clients.network(parsed.subscriptionId)).networkInterfaces.get(parsed.resourceGroup, parsed.name, {abortSignal: ctx.signal});
			const facts = nicFactsFromSdk(nic);
			if (facts) nics.push({...facts, name: parsed.name, primary: ref.primary === true || refs.length === 1});
		} catch (error) {
			return {check: failedFrom(ctx, 'nic', problemOf(ctx, error, `reading the network interface ${parsed.name} of ${vm.name}`))};
		}
	}
	const primary = nics.find(nic => nic.primary) ?? nics[0];
	const config = primary?.ipConfigurations.find(candidate => candidate.primary) ?? primary?.ipConfigurations[0];
	const vnetId = config?.subnetId ? vnetIdFromSubnetId(config.subnetId) : undefined;
	if (!primary || !config?.subnetId || !vnetId) {
		return {check: check('nic', 'fail', `The network interface of ${vm.name} is not in a virtual network subnet, so no Bastion can reach it.`, {fix: `Put the NIC of ${vm.name} in a subnet of a virtual network.`})};
	}
	const describe = (nic: (typeof nics)[number]) => {
		const ip = (nic.ipConfigurations.find(candidate => candidate.primary) ?? nic.ipConfigurations[0])?.privateIp;
		return `${nic.name}${ip ? ` (${ip})` : ''}`;
	};
	const subnet = config.subnetId.split('/').at(-1);
	const vnetName = vnetId.split('/').at(-1);
	const place = `${config.privateIp ? `private IP ${config.privateIp} ` : ''}in subnet '${subnet}' of virtual network '${vnetName}'`;
	const detail =
		nics.length === 1 ? `Read ${primary.name}: ${place}.` : `Read ${nics.length} NICs: ${nics.map(describe).join(', ')}; the primary, ${primary.name}, has ${place}.`;
	if (!config.privateIp) {
		return {
			check: check(
				'nic',
				'warn',
				`${detail} It has no private IP address yet: Azure has not allocated one (the NIC's allocation is pending), so nothing — no Bastion, no jump host — can reach ${vm.name} until it has.`,
				{
					fix: `Wait for the allocation to finish (${shellCommand('az', 'network', 'nic', 'show', '-g', parseResourceId(primary.id)?.resourceGroup ?? placeholder('<resource group>'), '-n', primary.name, '--query', 'ipConfigurations[].privateIPAddress')} shows it), or restart the VM so it gets one; then run vmux doctor again.`,
				},
			),
			network: {nics, subnetId: config.subnetId, vnetId},
		};
	}
	return {
		check: check('nic', 'pass', detail),
		network: {nics, subnetId: config.subnetId, vnetId, ...(config.privateIp ? {privateIp: config.privateIp} : {})},
	};
}
