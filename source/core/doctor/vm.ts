import {WINDOWS_SSH_NOTE} from '../entra/entra-support.js';
import type {VirtualMachine} from '@azure/arm-compute';
import type {AzureProblem} from '../azure/errors.js';
import {idKey, parseResourceId} from '../azure/resource-id.js';
import type {SubscriptionInfo} from '../inventory/azure-source.js';
import type {Profile} from '../profiles/schema.js';
import {failedFrom, problemOf, responseKeeper, whereIs, type DoctorContext} from './context.js';
import {check, type DoctorCheck, type DoctorVm} from './types.js';

/** The VM as read from ARM (with its instance view), plus where it lives. */
export interface FoundVm extends DoctorVm {
	model: VirtualMachine;
}

export type SubscriptionList = {ok: true; subscriptions: SubscriptionInfo[]} | {ok: false; problem: AzureProblem};

const VM_TYPE = 'microsoft.compute/virtualmachines';

/** Whether `text` is a VM resource id (anything else is taken for a VM name). */
/** The VM's OS as ARM reports it on its OS disk, when it is one vmux knows. */
export function osTypeOf(vm: FoundVm): 'Linux' | 'Windows' | undefined {
	const osType = vm.model.storageProfile?.osDisk?.osType?.toLowerCase();
	return osType === 'windows' ? 'Windows' : osType === 'linux' ? 'Linux' : undefined;
}

export function isVmId(text: string): boolean {
	const parsed = parseResourceId(text);
	return parsed?.type?.toLowerCase() === VM_TYPE && parsed.names.length === 1 && Boolean(parsed.resourceGroup);
}

/**
 * Check 2: the VM can be read. A resource id is read directly; a name is looked up in every subscription the
 * account can see (a profile for that VM already knows its id). The VM is read with its instance view, which
 * the power-state check uses.
 */
export async function checkVm(ctx: DoctorContext, target: string, subscriptions: SubscriptionList, profile?: Profile): Promise<{check: DoctorCheck; vm?: FoundVm}> {
	let vmId: string;
	if (isVmId(target)) {
		vmId = target;
	} else if (target.startsWith('/')) {
		return {
			check: check('vm', 'fail', `'${target}' is not a virtual machine resource id.`, {
				fix: 'Give the VM name, or its id: /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Compute/virtualMachines/<name>.',
			}),
		};
	} else if (profile?.target.kind === 'azure-vm' && profile.target.vmName.toLowerCase() === target.toLowerCase()) {
		vmId = profile.target.vmId;
	} else {
		const found = await findByName(ctx, target, subscriptions);
		if ('check' in found) return found;
		vmId = found.id;
	}
	return readVm(ctx, vmId, profile, subscriptions);
}

async function findByName(ctx: DoctorContext, name: string, subscriptions: SubscriptionList): Promise<{check: DoctorCheck} | {id: string}> {
	if (!subscriptions.ok) {
		return {check: failedFrom(ctx, 'vm', {...subscriptions.problem, message: `vmux could not look for a VM named ${name}: ${subscriptions.problem.message}`})};
	}
	const wanted = name.toLowerCase();
	const matches: string[] = [];
	const problems: AzureProblem[] = [];
	await Promise.all(
		subscriptions.subscriptions.map(async sub => {
			const keeper = responseKeeper();
			try {
				for await (const vm of (await ctx.clients.compute(sub.id)).virtualMachines.listAll({abortSignal: ctx.signal, onResponse: keeper.onResponse})) {
					if (vm.id && vm.name?.toLowerCase() === wanted) matches.push(vm.id);
				}
			} catch (error) {
				problems.push(problemOf(ctx, keeper.restore(error), `listing virtual machines in ${sub.name}`));
			}
		}),
	);
	if (matches.length === 1) return {id: matches[0]!};
	if (matches.length > 1) {
		matches.sort();
		const list = matches.map(id => {
			const parsed = parseResourceId(id)!;
			return whereIs(ctx, parsed.resourceGroup ?? '', parsed.subscriptionId);
		});
		return {
			check: check('vm', 'fail', `${matches.length} VMs are named ${name}: in ${list.join('; in ')}.`, {
				fix: `Pass the resource id of the one you mean, for example: vmux doctor ${matches[0]}`,
			}),
		};
	}
	const searched = subscriptions.subscriptions.map(sub => sub.name).join(', ') || 'none';
	if (problems.length > 0) {
		const first = problems[0]!;
		return {check: failedFrom(ctx, 'vm', {...first, message: `No VM named ${name} was found, and part of the search was refused: ${first.message}`})};
	}
	return {
		check: check('vm', 'fail', `No VM named ${name} is visible in the ${subscriptions.subscriptions.length} subscription(s) this account can read (${searched}).`, {
			fix: 'Check the name (vmux lists your VMs), sign in to the right tenant (az login --tenant <tenant>), or ask for the Reader role on the VM.',
		}),
	};
}

async function readVm(ctx: DoctorContext, vmId: string, profile: Profile | undefined, subscriptions: SubscriptionList): Promise<{check: DoctorCheck; vm?: FoundVm}> {
	const parsed = parseResourceId(vmId)!;
	const resourceGroup = parsed.resourceGroup!;
	const name = parsed.name!;
	let model: VirtualMachine;
	try {
		model = await (await ctx.clients.compute(parsed.subscriptionId)).virtualMachines.get(resourceGroup, name, {expand: 'instanceView', abortSignal: ctx.signal});
	} catch (error) {
		const problem = problemOf(ctx, error, `reading the VM ${name}`);
		const fix =
			problem.kind === 'not-found'
				? profile?.target.kind === 'azure-vm' && idKey(profile.target.vmId) === idKey(vmId)
					? `The VM in profile "${profile.name}" was deleted, moved or renamed: choose the VM again in the profile editor (e on it in vmux).`
					: 'Check the name or resource id; vmux lists the VMs you can read.'
				: undefined;
		return {check: failedFrom(ctx, 'vm', problem, fix)};
	}
	const subscriptionName = ctx.subscriptionNames.get(parsed.subscriptionId.toLowerCase());
	const vm: FoundVm = {
		id: model.id ?? vmId,
		name: model.name ?? name,
		resourceGroup,
		subscriptionId: parsed.subscriptionId,
		...(subscriptionName ? {subscriptionName} : {}),
		model,
	};
	const facts = [model.hardwareProfile?.vmSize, model.storageProfile?.osDisk?.osType, model.location].filter(Boolean).join(', ');
	const detail = `Read ${vm.name} in ${whereIs(ctx, resourceGroup, parsed.subscriptionId)}${facts ? ` (${facts})` : ''}.`;
	if (profile?.target.kind === 'azure-vm' && idKey(profile.target.vmId) !== idKey(vm.id)) {
		return {
			check: check('vm', 'warn', `${detail} Profile "${profile.name}" is saved for another VM (${profile.target.vmId}).`, {
				fix: `Check that "${profile.name}" is the profile you meant, or pass --profile with the profile of ${vm.name}.`,
			}),
			vm,
		};
	}
	// Warned and PastDue still work, but the user should hear it before the subscription is disabled.
	const state = subscriptions.ok ? subscriptions.subscriptions.find(sub => sub.id.toLowerCase() === parsed.subscriptionId.toLowerCase())?.state : undefined;
	if (state === 'Warned' || state === 'PastDue') {
		const why = state === 'Warned' ? 'billing needs attention' : 'a payment is overdue';
		return {
			check: check('vm', 'warn', `${detail} Its subscription ${subscriptionName ?? parsed.subscriptionId} is ${state} (${why}); if it becomes Disabled, its VMs are deallocated and cannot be started.`, {
				fix: 'Ask the subscription’s account administrator to settle its billing (Azure portal, Cost Management + Billing).',
			}),
			vm,
		};
	}
	if (osTypeOf(vm) === 'Windows') {
		return {check: check('vm', 'warn', `${detail} ${vm.name} runs Windows.`, {fix: WINDOWS_SSH_NOTE}), vm};
	}
	return {check: check('vm', 'pass', detail), vm};
}
