import {blockingProblems, capabilities, checkProfileAgainstSku, SKU_RULES, type Problem} from '../profiles/sku.js';
import {shellCommand} from '../text/shell-command.js';
import type {Profile} from '../profiles/schema.js';
import type {FoundBastion} from './bastion.js';
import {check, type DoctorCheck} from './types.js';
import type {FoundVm} from './vm.js';

/**
 * Check 6: the Bastion's SKU and flags as Azure reports them now, against the profile's port, target and auth
 * (or, without a profile, an SSH connection to the VM on port 22). The rules and their sentences are the
 * profiles' SKU table; this only decides what fails. A flag that is off ("warning" to the editor, which can still
 * save the profile) fails here too: connecting fails until someone turns it on.
 */
export function checkSku(bastion: FoundBastion, vm: FoundVm, profile: Profile | undefined): DoctorCheck {
	const saved = profile?.transport.kind === 'bastion' ? profile.transport : undefined;
	const candidate = {
		target: profile?.target ?? {kind: 'azure-vm' as const, vmId: vm.id, vmName: vm.name, resourceGroup: vm.resourceGroup, subscriptionId: vm.subscriptionId},
		transport: {kind: 'bastion' as const, bastionId: bastion.id, bastionName: bastion.name, sku: bastion.sku, flags: bastion.flags},
		port: profile?.port ?? 22,
		auth: profile?.auth ?? {type: 'password' as const},
	};
	const problems = checkProfileAgainstSku(candidate, bastion.via ? {via: bastion.via} : {});
	const failing = [...blockingProblems(problems), ...problems.filter(problem => problem.severity === 'warning')];
	const notes = problems.filter(problem => problem.severity === 'info').map(problem => problem.message);
	const checked = profile ? '' : 'No profile: checked an SSH connection to the VM on port 22. ';

	if (failing.length > 0) {
		const fix = failing.map(problem => fixFor(problem, bastion, profile)).find((text): text is string => text !== undefined);
		return check('sku', 'fail', `${checked}${failing.map(problem => problem.message).join(' ')}`, fix ? {fix} : {});
	}

	const caps = capabilities(bastion.sku, bastion.flags);
	const how = caps.portEditable ? ' with native client support (enableTunneling) on' : SKU_RULES[bastion.sku].dataPod ? ', reached through its shared data pod' : '';
	const detail = [`${checked}${bastion.name} is ${bastion.sku}${how}: vmux can connect through it to port ${candidate.port}.`, ...notes];
	const drift = saved ? savedDrift(saved, bastion) : undefined;
	if (drift) {
		return check('sku', 'warn', [...detail, `Profile "${profile!.name}" saved ${drift}.`].join(' '), {
			fix: `Open profile "${profile!.name}" in the editor (e on the VM in vmux) and save it, so vmux connects with the Bastion's current settings.`,
		});
	}
	return check('sku', 'pass', detail.join(' '));
}

function fixFor(problem: Problem, bastion: FoundBastion, profile: Profile | undefined): string | undefined {
	const update = shellCommand('az', 'network', 'bastion', 'update', '-g', bastion.resourceGroup, '-n', bastion.name);
	const where = profile ? `profile "${profile.name}"` : 'the profile';
	switch (problem.code) {
		case 'portal-only':
			return `Upgrade ${bastion.name} and turn on native client support: ${update} --sku Standard --enable-tunneling true`;
		case 'native-client-disabled':
			return `Turn on native client support: ${update} --enable-tunneling true`;
		case 'port-fixed':
			return `Set the port to 22 in ${where} (e on the VM in vmux), or upgrade ${bastion.name}: ${update} --sku Standard --enable-tunneling true`;
		case 'ip-connect-disabled':
			return `Turn on IP-based connection: ${update} --enable-ip-connect true`;
		case 'peered-vnet':
			return `Upgrade ${bastion.name}: ${update} --sku Standard --enable-tunneling true, or deploy a Bastion in the VM's virtual network.`;
		default:
			// The rule's sentence already says what to change in the profile.
			return undefined;
	}
}

/** What the profile remembers about the Bastion that Azure no longer says, e.g. "it as Basic; it is now Standard". */
function savedDrift(saved: Extract<Profile['transport'], {kind: 'bastion'}>, bastion: FoundBastion): string | undefined {
	const changes: string[] = [];
	if (saved.sku !== bastion.sku) changes.push(`the SKU as ${saved.sku}, and it is now ${bastion.sku}`);
	for (const flag of ['enableTunneling', 'enableIpConnect', 'enableSessionRecording'] as const) {
		if (saved.flags[flag] !== bastion.flags[flag]) changes.push(`${flag} as ${saved.flags[flag] ? 'on' : 'off'}, and it is now ${bastion.flags[flag] ? 'on' : 'off'}`);
	}
	return changes.length > 0 ? changes.join('; ') : undefined;
}
