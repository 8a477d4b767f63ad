import type {AzureProblem} from '../azure/errors.js';
import {shellCommand} from '../text/shell-command.js';
import {parseResourceId, sameId} from '../azure/resource-id.js';
import type {VnetFacts} from '../inventory/facts.js';
import {check, skipped, type DoctorCheck} from './types.js';
import {failedFrom, problemOf, roleFix, type DoctorContext} from './context.js';
import type {BastionOutcome} from './bastion.js';
import type {VmNetwork} from './nics.js';

export interface VnetPeering {
	name: string;
	remoteVnetId: string;
	/** `Connected`, `Initiated`, `Disconnected`. */
	state?: string;
}

export interface VnetInfo {
	id: string;
	name: string;
	peerings: VnetPeering[];
}

export type VnetRead = {ok: true; vnet: VnetInfo} | {ok: false; problem: AzureProblem};

/** The VM's VNet with its peerings (read early: finding a Bastion in a peered VNet needs them). */
export async function readVnet(ctx: DoctorContext, vnetId: string): Promise<VnetRead> {
	const parsed = parseResourceId(vnetId);
	if (!parsed?.resourceGroup || !parsed.name) return {ok: false, problem: {kind: 'service', message: `'${vnetId}' is not a virtual network id.`}};
	try {
		const network = await ctx.clients.network(parsed.subscriptionId);
		const vnet = await network.virtualNetworks.get(parsed.resourceGroup, parsed.name, {abortSignal: ctx.signal});
		let peerings = vnet.virtualNetworkPeerings?.map(peering => ({
			name: peering.name ?? '',
			remoteVnetId: peering.remoteVirtualNetwork?.id ?? '',
			state: peering.peeringState,
		}));
		// Older API versions leave peerings out of the VNet; they have their own list.
		if (peerings === undefined) {
			peerings = [];
			for await (const peering of network.virtualNetworkPeerings.list(parsed.resourceGroup, parsed.name, {abortSignal: ctx.signal})) {
				peerings.push({name: peering.name ?? '', remoteVnetId: peering.remoteVirtualNetwork?.id ?? '', state: peering.peeringState});
			}
		}
		return {ok: true, vnet: {id: vnet.id ?? vnetId, name: vnet.name ?? parsed.name, peerings: peerings.filter(peering => peering.remoteVnetId !== '')}};
	} catch (error) {
		return {ok: false, problem: problemOf(ctx, error, `reading the virtual network ${parsed.name}`)};
	}
}

/** For BastionMatcher. */
export function vnetFacts(vnet: VnetInfo): VnetFacts {
	return {id: vnet.id, peerings: vnet.peerings.map(peering => ({remoteVnetId: peering.remoteVnetId, state: peering.state}))};
}

export function vnetName(id: string): string {
	return id.replace(/\/+$/, '').split('/').at(-1) ?? id;
}

/**
 * Check 5: the VM's VNet, and how the Bastion reaches it. Reader on the VNet is a prerequisite only when the
 * Bastion sits in a peered VNet, and then the peering must be `Connected` (`Initiated` means the other side
 * was never created, `Disconnected` that it was deleted).
 */
export function checkVnet(ctx: DoctorContext, network: VmNetwork, read: VnetRead, bastion: BastionOutcome): DoctorCheck {
	if (bastion.kind === 'not-used') return skipped('vnet', bastion.reason);
	const vmVnet = vnetName(network.vnetId);

	if (!read.ok) {
		if (bastion.kind === 'found' && bastion.bastion.via === 'same-vnet') {
			const problem = read.problem;
			return check(
				'vnet',
				'warn',
				`${bastion.bastion.name} sits in the VM's own virtual network '${vmVnet}', so connecting does not need Reader on it, but vmux could not read it: ${problem.message}`,
				problem.kind === 'forbidden' && problem.scope ? {fix: roleFix(ctx, 'Reader', problem.scope)} : {},
			);
		}
		return failedFrom(ctx, 'vnet', read.problem);
	}

	const vnet = read.vnet;
	const peeringSummary =
		vnet.peerings.length === 0
			? 'it has no peerings'
			: `it is peered with ${vnet.peerings.map(peering => `'${vnetName(peering.remoteVnetId)}' (${peering.state ?? 'state unknown'})`).join(', ')}`;

	if (bastion.kind === 'found') {
		const found = bastion.bastion;
		if (found.via === 'same-vnet') {
			return check('vnet', 'pass', `${found.name} sits in the VM's own virtual network '${vmVnet}', so no peering is involved.`);
		}
		const link = vnet.peerings.find(peering => found.vnetIds.some(id => sameId(id, peering.remoteVnetId)));
		if (found.via === 'peered-vnet') {
			return check(
				'vnet',
				'pass',
				`Read '${vmVnet}': it is peered with '${vnetName(link?.remoteVnetId ?? found.vnetIds[0] ?? '')}', where ${found.name} sits${link ? `, and the peering ${link.name} is Connected` : ', and the peering is Connected'}.`,
			);
		}
		if (link) return peeringNotConnected(vnet, link, found.name);
		const where = found.vnetIds.map(id => `'${vnetName(id)}'`).join(', ') || 'another virtual network';
		return check(
			'vnet',
			'fail',
			`${found.name} sits in ${where}, which is neither the VM's virtual network '${vmVnet}' nor peered with it, so it cannot reach the VM.`,
			{
				fix: `Choose the Bastion that serves '${vmVnet}' in the profile editor (e on the VM in vmux), peer the two virtual networks, or use a direct or jump transport.`,
			},
		);
	}

	if (bastion.kind === 'none') {
		// A Bastion next door behind a peering that is not up explains "no Bastion serves this VM".
		for (const peering of vnet.peerings) {
			if (peering.state === 'Connected') continue;
			const neighbour = bastion.known.find(candidate => candidate.vnetIds.some(id => sameId(id, peering.remoteVnetId)));
			if (neighbour) return peeringNotConnected(vnet, peering, neighbour.name);
		}
	}
	return check('vnet', 'pass', `Read '${vmVnet}'; ${peeringSummary}.`);
}

function peeringNotConnected(vnet: VnetInfo, peering: VnetPeering, bastionName: string): DoctorCheck {
	const remote = vnetName(peering.remoteVnetId);
	const state = peering.state ?? 'not reported';
	const remoteGroup = parseResourceId(peering.remoteVnetId)?.resourceGroup ?? '<group>';
	const why =
		state === 'Initiated'
			? `the matching peering in '${remote}' back to '${vnet.name}' does not exist yet`
			: state === 'Disconnected'
				? `the matching peering in '${remote}' was deleted`
				: 'it is not up';
	return check(
		'vnet',
		'fail',
		`The peering ${peering.name} from '${vnet.name}' to '${remote}', where ${bastionName} sits, is ${state}, not Connected (${why}), so ${bastionName} cannot reach the VM.`,
		{
			fix: `${state === 'Disconnected' ? `Delete ${peering.name} and create the peering again on both sides` : `Create the peering from '${remote}' back to '${vnet.name}'`}: ${shellCommand('az', 'network', 'vnet', 'peering', 'create', '-g', remoteGroup, '--vnet-name', remote, '-n', `${remote}-to-${vnet.name}`, '--remote-vnet', vnet.id, '--allow-vnet-access')}`,
		},
	);
}
