import type {EntraVm} from '../entra/vm-requirements.js';
import {shellCommand} from '../text/shell-command.js';
import {entraLoginRefusal} from '../entra/entra-support.js';
import {servingBastions, type PowerState, type VmRecord} from '../inventory/model.js';
import type {Profile} from '../profiles/schema.js';
import {blockingProblems, checkProfileAgainstSku} from '../profiles/sku.js';
import {ipConnectResourceId} from '../azure/resource-id.js';
import type {BastionInfo, BastionTunnelTarget} from '../transport/bastion.js';
import {DirectTransport} from '../transport/direct.js';
import type {ConnectionSpec} from './types.js';
import {waitGoalOf, type PowerWaitGoal} from '../inventory/power-wait.js';

/**
 * `startable`: the refusal is only that the VM is stopped or deallocated (the browser offers to start it).
 * `waitable`: the VM is in transit: `running` while it starts (wait, then connect), `stopped` while it stops or
 * deallocates (wait, then start it and connect), with `powerState` as ARM has it now. What the UI asks is its own business; the plan says which it is.
 * `repick`: the profile's Bastion no longer serves the VM; editing the profile (which offers the Bastions that do)
 * is the way out, so the UI offers it.
 */
export type ConnectPlan = {ok: true; spec: ConnectionSpec} | {ok: false; title: string; message: string; startable?: boolean; waitable?: PowerWaitGoal; powerState?: PowerState; repick?: boolean};

export interface PlanContext {
	/** Profiles by name, for jump hosts. */
	profile?(name: string): Profile | undefined;
	/** The inventory's record for a profile's VM (its addresses), for jump hosts. */
	vmOf?(profile: Profile): VmRecord | undefined;
	/** Builds the transport through a jump host (it needs the host-key policy and prompter). */
	jumpTransport?(jump: ConnectionSpec, target: {host: string; port: number}): ConnectionSpec['transport'];
	/** The lab's network: maps a VM address to the loopback server standing in for it (demo and tests). */
	resolveAddress?(host: string, port: number): {host: string; port: number} | undefined;
	credentials(profile: Profile): ConnectionSpec['credentials'];
	/** The ssh-agent socket, for profiles that forward the agent (SSH_AUTH_SOCK). */
	agentSocket?: string | undefined;
	/** Builds a Bastion native-client tunnel (it needs the cloud and an Azure sign-in); absent without one. */
	bastionTransport?(bastion: BastionInfo, target: BastionTunnelTarget): ConnectionSpec['transport'];
	/**
	 * The VM's power state now, from ARM (see inventory/power-state.ts); absent without an Azure sign-in. Asked
	 * only when the inventory does not show the VM running: its copy may be unknown or stale.
	 */
	currentPowerState?(vm: VmRecord): Promise<PowerState>;
}

/**
 * Turns a saved profile (and the VM it targets, when known) into what the session manager needs, or into
 * a sentence saying why it cannot connect and what to do instead. Nothing is sent anywhere here.
 */
export async function planConnection(profile: Profile, listed: VmRecord | undefined, context: PlanContext, depth = 0): Promise<ConnectPlan> {
	const label = listed?.name ?? profile.name;
	const refuse = (message: string): ConnectPlan => ({ok: false, title: `Cannot connect to ${label}`, message});
	const vm = listed && (await withCurrentPowerState(listed, context.currentPowerState));
	const notRunning = vm && notRunningMessage(vm);
	if (notRunning) return {...(refuse(notRunning) as Extract<ConnectPlan, {ok: false}>), ...powerRefusalKind(vm)};
	const pending = vm && profile.target.kind === 'azure-vm' ? noAddressYet(vm) : undefined;
	if (pending) return refuse(pending);
	const entra = entraLoginRefusal(profile, vm);
	if (entra) return refuse(entra);
	const blocking = blockingProblems(checkProfileAgainstSku(profile, {via: vm?.bastion?.via}));
	if (blocking.length > 0) return refuse(blocking.map(p => p.message).join(' '));

	const username = profile.username ?? '';
	const spec = (host: string, transport: ConnectionSpec['transport']): ConnectionSpec => ({
		label,
		profileName: profile.name,
		...(profile.forwards && profile.forwards.length > 0 ? {forwards: profile.forwards} : {}),
		host,
		port: profile.port,
		username,
		transport,
		credentials: context.credentials(profile),
		keepaliveIntervalSec: profile.options.keepaliveIntervalSec,
		keepaliveCountMax: profile.options.keepaliveCountMax,
		bastionId: profile.transport.kind === 'bastion' ? profile.transport.bastionId : undefined,
		record: {fromStart: profile.options.record, input: profile.options.recordInput},
		...(profile.options.forwardAgent && context.agentSocket ? {forwardAgent: context.agentSocket} : {}),
		bastionRecords: bastionRecords(profile, vm),
		...(profile.auth.type === 'entra' ? {entraVm: entraVmOf(profile, vm)} : {}),
	});

	switch (profile.transport.kind) {
		case 'bastion': {
			const transport = profile.transport;
			const gone = vm && profile.target.kind === 'azure-vm' ? bastionNoLongerServes(transport, vm) : undefined;
			if (gone) return {ok: false, title: `Cannot connect to ${label}`, message: gone, repick: true};
			// The inventory's view of the Bastion is fresher than the profile's "last seen" copy.
			const seen = vm?.bastion && vm.bastion.id.toLowerCase() === transport.bastionId.toLowerCase() ? vm.bastion : undefined;
			const dnsName = seen?.dnsName ?? transport.dnsName;
			if (!dnsName) return refuse(`vmux does not know the address of Bastion ${transport.bastionName} yet. Refresh the list (r) so it is read from Azure, then connect again.`);
			if (!context.bastionTransport) return refuse(`Connecting through Bastion ${transport.bastionName} needs an Azure sign-in: run \`az login\`, or press L in the browser to sign in with a device code.`);
			const privateOnly = (seen?.flags ?? transport.flags).enablePrivateOnlyBastion;
			const bastion: BastionInfo = {id: transport.bastionId, name: transport.bastionName, sku: seen?.sku ?? transport.sku, dnsName, ...(privateOnly ? {privateOnly} : {})};
			if (profile.target.kind === 'host') {
				const ip = profile.target.host;
				return {ok: true, spec: spec(ip, context.bastionTransport(bastion, {resourceId: ipConnectResourceId(transport.bastionId, ip), hostname: ip, port: profile.port}))};
			}
			// known_hosts names the VM by the address its sshd has behind the Bastion.
			const host = vm?.privateIp ?? profile.target.vmName;
			return {ok: true, spec: spec(host, context.bastionTransport(bastion, {resourceId: profile.target.vmId, port: profile.port}))};
		}
		case 'jump': {
			const host = profile.target.kind === 'host' ? profile.target.host : (vm?.privateIp ?? vm?.publicIp);
			if (!host) return refuse(`${label} has no IP address for the jump host to reach.`);
			const via = context.profile?.(profile.transport.via);
			if (!via || !context.jumpTransport) return refuse(`The jump host profile "${profile.transport.via}" does not exist. Edit the profile (e) and pick another.`);
			if (via.transport.kind === 'jump' && depth > 4) return refuse(`The jump hosts of "${profile.name}" go round in a loop or too deep.`);
			const jumpPlan = await planConnection(via, context.vmOf?.(via), context, depth + 1);
			if (!jumpPlan.ok) return refuse(`Its jump host "${via.name}" cannot be reached: ${jumpPlan.message}`);
			return {ok: true, spec: spec(host, context.jumpTransport(jumpPlan.spec, {host, port: profile.port}))};
		}
		case 'direct': {
			const host = profile.target.kind === 'host' ? profile.target.host : (vm?.publicIp ?? vm?.privateIp);
			if (!host) return refuse(`${label} has no IP address vmux can reach directly. Use a Bastion or jump-host transport.`);
			const address = context.resolveAddress?.(host, profile.port) ?? {host, port: profile.port};
			return {ok: true, spec: spec(host, new DirectTransport(address.host, address.port))};
		}
	}
}

/**
 * Why the profile's Bastion cannot reach the VM any more, when the inventory (fresh from Azure) lists the Bastions
 * that serve it and this one is not among them: its peering was deleted or disconnected, or it was removed or moved.
 * Trying it would end in a 403 from the Bastion that reads like a missing role.
 */
function bastionNoLongerServes(transport: Extract<Profile['transport'], {kind: 'bastion'}>, vm: VmRecord): string | undefined {
	// Only the inventory's full word counts: a VNet whose peerings it could not read may have a peered Bastion it never saw.
	if (!vm.bastionsComplete) return undefined;
	const serving = servingBastions(vm);
	if (serving.some(bastion => bastion.id.toLowerCase() === transport.bastionId.toLowerCase())) return undefined;
	const now =
		serving.length > 0
			? `It is served by ${serving.map(bastion => `${bastion.name} (${bastion.sku})`).join(', ')}: edit the profile (e) and pick ${serving.length > 1 ? 'one of them' : 'it'}.`
			: vm.secondaryNicBastion
				? `No Bastion serves its primary network interface's virtual network now; ${vm.secondaryNicBastion.bastion.name} reaches it only by IP address (vmux doctor explains).`
				: 'No Bastion serves its virtual network now: edit the profile (e) to use a direct or jump transport, or deploy or peer a Bastion (vmux doctor explains).';
	return `Bastion ${transport.bastionName}, which this profile goes through, no longer serves ${vm.name}: it is neither in the VM's virtual network nor in one peered with it and Connected (the peering was deleted or disconnected, or the Bastion was removed). ${now}`;
}

/**
 * The VM with its power state as ARM has it now, when the inventory does not show it running (Resource Graph lags
 * after a start, and may not say at all). Without a way to ask, or when asking fails, the listed state stands.
 */
export async function withCurrentPowerState(vm: VmRecord, current: PlanContext['currentPowerState']): Promise<VmRecord> {
	if (vm.powerState === 'running' || !current) return vm;
	let state: PowerState;
	try {
		state = await current(vm);
	} catch {
		return vm;
	}
	return state === 'unknown' ? vm : {...vm, powerState: state};
}

/**
 * Why a VM cannot take a connection in its power state, or undefined. `unknown` is not a reason: the connection
 * attempt will say what is wrong, where a refusal here could be wrong itself.
 */
function notRunningMessage(vm: VmRecord): string | undefined {
	if (vm.powerState === 'running' || vm.powerState === 'unknown') return undefined;
	// A disabled subscription is read-only: no start can succeed, so none is suggested.
	if (vm.subscriptionState === 'Disabled') {
		return `${vm.name} is ${vm.powerState}, and its subscription ${vm.subscriptionName} is disabled (read-only): none of its VMs can be started until the subscription is enabled again (its account administrator reactivates it in the Azure portal, Subscriptions).`;
	}
	if (vm.powerState === 'starting') return `${vm.name} is starting. Try again in a moment, once it is running.`;
	if (vm.powerState === 'stopping' || vm.powerState === 'deallocating') {
		return `${vm.name} is ${vm.powerState}. Wait until it has stopped, then start it (${shellCommand('az', 'vm', 'start', '-g', vm.resourceGroup, '-n', vm.name)}, or the portal) and connect.`;
	}
	return stoppedMessage(vm);
}

/** Whether the profile's Bastion is a Premium one that records sessions itself (its enableSessionRecording). */
function bastionRecords(profile: Profile, vm: VmRecord | undefined): boolean {
	if (profile.transport.kind !== 'bastion' || !vm?.bastion) return false;
	const bastion = vm.bastion;
	return bastion.id.toLowerCase() === profile.transport.bastionId.toLowerCase() && bastion.sku === 'Premium' && bastion.flags.enableSessionRecording;
}

/** The VM an Entra ID refusal is explained for: the profile's VM, else the inventory's, else the host as named. */
function entraVmOf(profile: Profile, vm: VmRecord | undefined): EntraVm {
	if (profile.target.kind === 'azure-vm') return {label: profile.target.vmName, name: profile.target.vmName, resourceGroup: profile.target.resourceGroup, id: profile.target.vmId};
	return vm ? {label: vm.name, name: vm.name, resourceGroup: vm.resourceGroup, id: vm.id} : {label: profile.target.host};
}

/** A VM that a start would make connectable: stopped or deallocated (not one already starting or stopping). */
export function isStartable(vm: Pick<VmRecord, 'powerState' | 'subscriptionState'>): boolean {
	// A disabled subscription is read-only: no start can succeed there.
	return (vm.powerState === 'stopped' || vm.powerState === 'deallocated') && vm.subscriptionState !== 'Disabled';
}

/**
 * What a power-state refusal is, for the UI to offer the way out: a start (stopped, deallocated), or a wait for a VM in
 * transit. Nothing for a disabled subscription (read-only: no start can follow) or a VM that is neither.
 */
export function powerRefusalKind(vm: Pick<VmRecord, 'powerState' | 'subscriptionState'>): {startable?: true; waitable?: PowerWaitGoal; powerState?: PowerState} {
	if (isStartable(vm)) return {startable: true};
	const goal = waitGoalOf(vm.powerState);
	// The state ARM gave goes along: the list's copy may lag behind it (Resource Graph), and the question names it.
	return goal && vm.subscriptionState !== 'Disabled' ? {waitable: goal, powerState: vm.powerState} : {};
}

function stoppedMessage(vm: VmRecord): string {
	return `${vm.name} is ${vm.powerState}. Start it first (${shellCommand('az', 'vm', 'start', '-g', vm.resourceGroup, '-n', vm.name)}, or the portal), then connect.`;
}

/** Why nothing can reach the VM yet: its NIC has no private address (allocation pending), or undefined. */
function noAddressYet(vm: VmRecord): string | undefined {
	if (!vm.privateIpPending || vm.privateIp) return undefined;
	return `${vm.name} has no private IP address yet: Azure has not allocated one to its network interface (the allocation is pending), so no Bastion or jump host can reach it. Refresh the list (r) in a moment, or restart the VM; vmux doctor ${vm.name} shows its NIC.`;
}

/**
 * Why a VM without a profile cannot be connected to, before opening the editor: a stopped VM, or a VM
 * whose only Bastion is Basic (portal-only) with no address for a direct or jump transport.
 */
export function refuseBeforeProfile(vm: VmRecord): string | undefined {
	const notRunning = notRunningMessage(vm);
	if (notRunning) return notRunning;
	const pending = noAddressYet(vm);
	if (pending) return pending;
	if (vm.bastion?.sku === 'Basic') {
		return (
			`${vm.name} is served by Bastion ${vm.bastion.name} on the Basic SKU, which only offers the portal's browser sessions. ` +
			`Upgrade it to Standard or Premium and enable native client support, open the VM's Bastion page in the portal, ` +
			`or press n to create a profile that reaches it directly or through a jump host.`
		);
	}
	return undefined;
}
