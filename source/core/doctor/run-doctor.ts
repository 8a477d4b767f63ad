import type {ArmClients} from '../azure/clients.js';
import {listSubscriptions} from '../inventory/azure-source.js';
import type {Profile} from '../profiles/schema.js';
import type {ReadSecret} from '../credentials/auth-steps.js';
import {checkAuth} from './auth.js';
import {bastionNotUsed, checkBastion} from './bastion.js';
import {problemOf, throwIfAborted, type DoctorContext} from './context.js';
import {checkNics} from './nics.js';
import {checkPower} from './power.js';
import {checkSignIn} from './sign-in.js';
import {checkSku} from './sku-check.js';
import {CHECK_ORDER, skipped, type CheckId, type DoctorCheck, type DoctorReport} from './types.js';
import {checkVm, type SubscriptionList} from './vm.js';
import {checkVnet, readVnet} from './vnet.js';

export interface DoctorOptions {
	/** Built with the credential to check (`clients.credential` is what check 1 asks for a token). */
	clients: ArmClients;
	/** A VM name (looked up in every visible subscription) or a VM resource id. */
	vm: string;
	/** The profile to check against; without one, an SSH connection through a Bastion on port 22 is assumed. */
	profile?: Profile;
	signal?: AbortSignal;
	/** For `~` in key file paths; defaults to the OS home. */
	homeDir?: string;
	/** Reads Key Vault secrets for Key Vault profiles (the reader connecting uses). */
	readSecret?: ReadSecret;
	/** Each check as soon as it is decided, in report order (for a view that fills in while Azure answers). */
	onCheck?: (check: DoctorCheck) => void;
}

/**
 * Runs the checks in order. A check that needs something an earlier one could not establish is skipped with the
 * reason; checks that do not (the key file, the power state once the VM is read) still run, so one report shows
 * everything that is wrong. Only cancellation throws.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
	const {clients, profile, signal} = options;
	const ctx: DoctorContext = {clients, signal, subscriptionNames: new Map()};
	const checks = new Map<CheckId, DoctorCheck>();
	const add = (check: DoctorCheck) => {
		checks.set(check.id, check);
		try {
			options.onCheck?.(check);
		} catch {
			// A display problem must not stop the diagnosis.
		}
	};
	const notUsed = bastionNotUsed(profile);
	const skipAll = (ids: CheckId[], because: string) => {
		for (const id of ids) add(skipped(id, (id === 'bastion' || id === 'vnet' || id === 'sku') && notUsed ? notUsed : because));
	};
	const report = (extra: Partial<DoctorReport> = {}): DoctorReport => {
		const ordered = CHECK_ORDER.map(id => checks.get(id)!);
		return {
			target: options.vm,
			...(profile ? {profileName: profile.name} : {}),
			...extra,
			checks: ordered,
			ok: ordered.every(check => check.status !== 'fail'),
		};
	};
	const auth = (vmSkipReason: string, vm?: Parameters<typeof checkAuth>[1]['vm']) =>
		checkAuth(ctx, {profile, vm, vmSkipReason, ...(options.homeDir ? {homeDir: options.homeDir} : {}), ...(options.readSecret ? {readSecret: options.readSecret} : {})});

	throwIfAborted(ctx);
	const signIn = await checkSignIn(ctx);
	add(signIn.check);
	if (!signIn.ok) {
		const because = 'Not checked: it needs an Azure sign-in, and sign-in failed.';
		skipAll(['vm', 'nic', 'bastion', 'vnet', 'sku', 'power'], because);
		add(await auth('the VM cannot be read without an Azure sign-in.'));
		return report();
	}

	throwIfAborted(ctx);
	const subscriptions = await readSubscriptions(ctx);
	throwIfAborted(ctx);
	const vmStep = await checkVm(ctx, options.vm, subscriptions, profile);
	add(vmStep.check);
	const vm = vmStep.vm;
	if (!vm) {
		skipAll(['nic', 'bastion', 'vnet', 'sku', 'power'], 'Not checked: it needs the VM, which could not be read.');
		add(await auth('the VM could not be read.'));
		return report();
	}
	const {model: _model, ...vmSummary} = vm;

	throwIfAborted(ctx);
	const nicStep = await checkNics(ctx, vm);
	add(nicStep.check);
	let bastionSummary: DoctorReport['bastion'];
	if (!nicStep.network) {
		skipAll(['bastion', 'vnet', 'sku'], "Not checked: it needs the VM's virtual network, which comes from its network interface, and that could not be read.");
	} else if (notUsed) {
		skipAll(['bastion', 'vnet', 'sku'], notUsed);
	} else {
		throwIfAborted(ctx);
		const vnet = await readVnet(ctx, nicStep.network.vnetId);
		throwIfAborted(ctx);
		const bastionStep = await checkBastion(ctx, {vm, network: nicStep.network, vnet, profile, subscriptions});
		add(bastionStep.check);
		add(checkVnet(ctx, nicStep.network, vnet, bastionStep.outcome));
		const outcome = bastionStep.outcome;
		if (outcome.kind === 'found') {
			const {bastion} = outcome;
			bastionSummary = {id: bastion.id, name: bastion.name, sku: bastion.sku, ...(bastion.via ? {via: bastion.via} : {})};
			add(checkSku(bastion, vm, profile));
		} else {
			add(skipped('sku', 'Not checked: it needs the Bastion that serves the VM, which could not be read or found.'));
		}
	}

	const subscription = subscriptions.ok ? subscriptions.subscriptions.find(sub => sub.id.toLowerCase() === vm.subscriptionId.toLowerCase()) : undefined;
	add(checkPower(vm, subscription?.state));
	throwIfAborted(ctx);
	add(await auth('', vm));
	return report({vm: vmSummary, ...(bastionSummary ? {bastion: bastionSummary} : {})});
}

/** Names for messages, and the search space for a VM given by name. */
async function readSubscriptions(ctx: DoctorContext): Promise<SubscriptionList> {
	try {
		const subscriptions = (await listSubscriptions(ctx.clients, ctx.signal)).filter(sub => sub.state !== 'Deleted');
		for (const sub of subscriptions) ctx.subscriptionNames.set(sub.id.toLowerCase(), sub.name);
		return {ok: true, subscriptions};
	} catch (error) {
		return {ok: false, problem: problemOf(ctx, error, 'listing subscriptions')};
	}
}
