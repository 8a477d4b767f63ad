import type {AzureProblem} from '../azure/errors.js';
import {parseResourceId, sameId, vnetIdFromSubnetId} from '../azure/resource-id.js';
import {BastionMatcher, type BastionMatch} from '../inventory/bastion-match.js';
import type {BastionFacts} from '../inventory/facts.js';
import {bastionFactsFromSdk} from '../inventory/from-sdk.js';
import type {BastionRef} from '../inventory/model.js';
import type {Profile} from '../profiles/schema.js';
import {failedFrom, problemOf, whereIs, type DoctorContext} from './context.js';
import type {VmNetwork} from './nics.js';
import {check, type DoctorCheck} from './types.js';
import type {FoundVm, SubscriptionList} from './vm.js';
import {vnetFacts, vnetName, type VnetRead} from './vnet.js';

/** The inventory's facts about a Bastion, plus what the doctor learnt reading its network. */
export interface FoundBastion extends Pick<BastionRef, 'id' | 'name' | 'resourceGroup' | 'subscriptionId' | 'sku' | 'flags'> {
	/** The VNets its subnet (or, for Developer, `virtualNetwork`) is in. */
	vnetIds: string[];
	/** How it reaches the VM; undefined when it does not, or when that could not be read. */
	via?: BastionRef['via'];
}

/** What check 4 established, for the checks after it. */
export type BastionOutcome =
	| {kind: 'found'; bastion: FoundBastion}
	/** Searched, and no Bastion serves the VM; `known` are the Bastions seen on the way. */
	| {kind: 'none'; known: BastionFacts[]}
	/** Could not be read or searched. */
	| {kind: 'unknown'}
	/** The profile connects without a Bastion. */
	| {kind: 'not-used'; reason: string};

/** Why the Bastion checks do not apply to this profile, or undefined when it connects through a Bastion. */
export function bastionNotUsed(profile: Profile | undefined): string | undefined {
	if (profile?.transport.kind === 'direct') return `Profile "${profile.name}" connects to the VM directly, not through a Bastion.`;
	if (profile?.transport.kind === 'jump') return `Profile "${profile.name}" connects through the jump host profile "${profile.transport.via}", not through a Bastion.`;
	return undefined;
}

export interface BastionInput {
	vm: FoundVm;
	network: VmNetwork;
	vnet: VnetRead;
	profile?: Profile;
	subscriptions: SubscriptionList;
}

/**
 * Check 4: the Bastion that serves the VM can be read. A profile names its Bastion, which is read directly (a
 * refusal then names that Bastion's scope); otherwise the Bastions the account can see are matched to the VM's
 * VNet the way the inventory matches them.
 */
export async function checkBastion(ctx: DoctorContext, input: BastionInput): Promise<{check: DoctorCheck; outcome: BastionOutcome}> {
	const transport = input.profile?.transport;
	if (transport?.kind === 'bastion') return readProfileBastion(ctx, input, transport.bastionId, input.profile!.name);
	return discover(ctx, input);
}

async function readProfileBastion(ctx: DoctorContext, input: BastionInput, bastionId: string, profileName: string): Promise<{check: DoctorCheck; outcome: BastionOutcome}> {
	const parsed = parseResourceId(bastionId);
	if (!parsed?.resourceGroup || !parsed.name) {
		return {check: check('bastion', 'fail', `Profile "${profileName}" names '${bastionId}', which is not a Bastion id.`, {fix: 'Choose the Bastion again in the profile editor.'}), outcome: {kind: 'unknown'}};
	}
	let facts: BastionFacts | undefined;
	try {
		facts = bastionFactsFromSdk(await (await ctx.clients.network(parsed.subscriptionId)).bastionHosts.get(parsed.resourceGroup, parsed.name, {abortSignal: ctx.signal}));
	} catch (error) {
		const problem = problemOf(ctx, error, `reading the Bastion ${parsed.name}`);
		const fix =
			problem.kind === 'not-found'
				? `The Bastion ${parsed.name} in profile "${profileName}" was deleted or moved: choose the Bastion that serves ${input.vm.name} again in the profile editor, or use a direct or jump transport.`
				: undefined;
		return {check: failedFrom(ctx, 'bastion', problem, fix), outcome: {kind: 'unknown'}};
	}
	if (!facts) {
		return {check: check('bastion', 'fail', `Azure returned the Bastion ${parsed.name} without a SKU vmux knows (Developer, QuickConnect, Basic, Standard or Premium).`), outcome: {kind: 'unknown'}};
	}
	const bastion: FoundBastion = {
		id: facts.id,
		name: facts.name,
		resourceGroup: parsed.resourceGroup,
		subscriptionId: parsed.subscriptionId,
		sku: facts.sku,
		flags: facts.flags,
		vnetIds: facts.vnetIds,
		...viaOf(facts, input),
	};
	return {check: foundCheck(`Read ${describe(ctx, bastion)}${relation(bastion)}.`, bastion), outcome: {kind: 'found', bastion}};
}

async function discover(ctx: DoctorContext, input: BastionInput): Promise<{check: DoctorCheck; outcome: BastionOutcome}> {
	const subscriptionIds = input.subscriptions.ok ? input.subscriptions.subscriptions.map(sub => sub.id) : [];
	if (!subscriptionIds.some(id => id.toLowerCase() === input.vm.subscriptionId.toLowerCase())) subscriptionIds.push(input.vm.subscriptionId);
	const bastions: BastionFacts[] = [];
	const problems: AzureProblem[] = [];
	await Promise.all(
		subscriptionIds.map(async subscriptionId => {
			const name = ctx.subscriptionNames.get(subscriptionId.toLowerCase()) ?? subscriptionId;
			try {
				for await (const host of (await ctx.clients.network(subscriptionId)).bastionHosts.list({abortSignal: ctx.signal})) {
					const facts = bastionFactsFromSdk(host);
					if (facts) bastions.push(facts);
				}
			} catch (error) {
				problems.push(problemOf(ctx, error, `listing Bastion hosts in ${name}`));
			}
		}),
	);
	const matcher = new BastionMatcher(bastions, input.vnet.ok ? [vnetFacts(input.vnet.vnet)] : []);
	// The primary NIC's VNet decides (as the portal connects): its best Bastion, as the inventory picks it.
	const nicVnets = input.network.nics.flatMap(nic => nic.ipConfigurations.flatMap(config => (config.subnetId ? [vnetIdFromSubnetId(config.subnetId)] : [])));
	const vnetIds = [input.network.vnetId, ...nicVnets.filter((id): id is string => id !== undefined && !sameId(id, input.network.vnetId))];
	const {choices, secondary} = matcher.serving(vnetIds);
	const ref = choices[0];
	if (ref) {
		const facts = bastions.find(candidate => sameId(candidate.id, ref.id))!;
		const bastion: FoundBastion = {
			id: ref.id,
			name: ref.name,
			resourceGroup: ref.resourceGroup,
			subscriptionId: ref.subscriptionId,
			sku: ref.sku,
			flags: ref.flags,
			vnetIds: facts.vnetIds,
			via: ref.via,
		};
		return {check: foundCheck(`Found ${describe(ctx, bastion)}${relation(bastion)}.`, bastion), outcome: {kind: 'found', bastion}};
	}

	const vmVnet = vnetName(input.network.vnetId);
	const unreadVnet = input.vnet.ok ? '' : ` Bastions in peered virtual networks cannot be found without reading '${vmVnet}' (see the next check).`;
	const fix = `Deploy a Bastion in '${vmVnet}' (the VM's Connect > Bastion page in the Azure portal, or az network bastion create), peer '${vmVnet}' with a virtual network that has one, or use a direct or jump transport.`;
	if (problems.length > 0) {
		const first = problems[0]!;
		return {
			check: failedFrom(ctx, 'bastion', {...first, message: `No Bastion serving '${vmVnet}' was found, and listing Bastion hosts was refused: ${first.message}${unreadVnet}`}),
			outcome: {kind: 'unknown'},
		};
	}
	if (secondary) return {check: secondaryNicCheck(ctx, input, vmVnet, secondary), outcome: input.vnet.ok ? {kind: 'none', known: bastions} : {kind: 'unknown'}};
	return {
		check: check('bastion', 'fail', `No Bastion host serves the virtual network '${vmVnet}': none of the ${bastions.length} Bastion(s) this account can read sits in it or in a virtual network peered with it.${unreadVnet}`, {fix}),
		outcome: input.vnet.ok ? {kind: 'none', known: bastions} : {kind: 'unknown'},
	};
}

/**
 * No Bastion serves the primary NIC, but one serves a secondary NIC's VNet. Azure's Bastion connects to a VM by its
 * primary NIC, so through that Bastion the VM is reachable only as an IP address (IP-based connection): say so, with
 * the address, instead of only "deploy a Bastion".
 */
function secondaryNicCheck(ctx: DoctorContext, input: BastionInput, vmVnet: string, secondary: NonNullable<BastionMatch['secondary']>): DoctorCheck {
	const {bastion, vnetId} = secondary;
	const address = input.network.nics
		.flatMap(nic => nic.ipConfigurations)
		.find(config => config.privateIp && config.subnetId && sameId(vnetIdFromSubnetId(config.subnetId) ?? '', vnetId))?.privateIp;
	const at = address ? ` at ${address}` : '';
	const message =
		`No Bastion serves '${vmVnet}', the virtual network of ${input.vm.name}'s primary network interface (Bastion connects to a VM by its primary NIC). ` +
		`${bastion.name} (${bastion.sku}) in ${whereIs(ctx, bastion.resourceGroup, bastion.subscriptionId)} serves '${vnetName(vnetId)}', where a secondary network interface has an address${at}.`;
	const canIpConnect = (bastion.sku === 'Standard' || bastion.sku === 'Premium') && bastion.flags.enableIpConnect && bastion.flags.enableTunneling;
	const fix = canIpConnect
		? `Connect by IP address through ${bastion.name}: in vmux press n for a new profile with Target "Host or IP address" ${address ?? "(the secondary NIC's address)"} and Transport Bastion ${bastion.name} (an IP-based connection). Or deploy a Bastion in '${vmVnet}'.`
		: `${bastion.name} could reach${at} only by an IP-based connection, which needs the Standard or Premium SKU with IP-based connection and native client support enabled (az network bastion update --enable-ip-connect true --enable-tunneling true). Or deploy a Bastion in '${vmVnet}', or use a direct or jump transport.`;
	return check('bastion', 'fail', message, {fix});
}

/** A Bastion found: a pass, unless it is private-only, which vmux reaches only from a network connected to its VNet. */
function foundCheck(detail: string, bastion: FoundBastion): DoctorCheck {
	if (!bastion.flags.enablePrivateOnlyBastion) return check('bastion', 'pass', detail);
	const vnets = bastion.vnetIds.map(id => `'${vnetName(id)}'`).join(', ') || 'its virtual network';
	return check(
		'bastion',
		'warn',
		`${detail} It is a private-only Bastion (no public IP): it is reachable only from a network connected to ${vnets} — through a VPN or ExpressRoute gateway, or a peered network — so connecting from anywhere else fails.`,
		{fix: `Run vmux on a machine in a network connected to ${vnets}, or connect through a jump host inside it.`},
	);
}

/** Same VNet, or a `Connected` peering from the VM's VNet (the only side the doctor reads). */
function viaOf(facts: BastionFacts, input: BastionInput): {via?: 'same-vnet' | 'peered-vnet'} {
	if (facts.vnetIds.some(id => sameId(id, input.network.vnetId))) return {via: 'same-vnet'};
	if (!input.vnet.ok) return {};
	const peered = input.vnet.vnet.peerings.some(peering => peering.state === 'Connected' && facts.vnetIds.some(id => sameId(id, peering.remoteVnetId)));
	return peered ? {via: 'peered-vnet'} : {};
}

function describe(ctx: DoctorContext, bastion: FoundBastion): string {
	return `${bastion.name} (${bastion.sku}) in ${whereIs(ctx, bastion.resourceGroup, bastion.subscriptionId)}`;
}

function relation(bastion: FoundBastion): string {
	if (bastion.via === 'same-vnet') return `, in the VM's own virtual network`;
	if (bastion.via === 'peered-vnet') return `, in the peered virtual network '${vnetName(bastion.vnetIds[0] ?? '')}'`;
	return '';
}
