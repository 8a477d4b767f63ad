import {powerCodeFromStatuses, powerStateFromCode} from '../inventory/facts.js';
import {shellCommand} from '../text/shell-command.js';
import {check, type DoctorCheck} from './types.js';
import type {FoundVm} from './vm.js';

/** Check 7: the VM is running (from the instance view read with the VM). */
export function checkPower(vm: FoundVm, subscriptionState?: string): DoctorCheck {
	const start = shellCommand('az', 'vm', 'start', '-g', vm.resourceGroup, '-n', vm.name);
	const state = powerStateFromCode(powerCodeFromStatuses(vm.model.instanceView?.statuses));
	if (state !== 'running' && /^disabled$/i.test(subscriptionState ?? '')) {
		return check('power', 'fail', `${vm.name} is ${state === 'unknown' ? 'not running' : state}, and its subscription ${vm.subscriptionName ?? vm.subscriptionId} is Disabled (read-only): nothing can start its VMs until the subscription is enabled again.`, {
			fix: 'Ask the subscription’s account administrator to reactivate it (Azure portal, Subscriptions); then start the VM.',
		});
	}
	switch (state) {
		case 'running':
			return check('power', 'pass', `${vm.name} is running.`);
		case 'starting':
			return check('power', 'warn', `${vm.name} is starting; its SSH server answers once it has booted.`, {fix: 'Wait a minute, then connect (Enter in the browser offers to wait until it runs and connect then).'});
		case 'stopped':
			return check('power', 'fail', `${vm.name} is stopped (still allocated), so nothing answers on its SSH port.`, {fix: `Start it: ${start}`});
		case 'deallocated':
			return check('power', 'fail', `${vm.name} is stopped (deallocated), so nothing answers on its SSH port.`, {fix: `Start it: ${start}`});
		case 'stopping':
		case 'deallocating':
			return check('power', 'fail', `${vm.name} is ${state}, so nothing answers on its SSH port.`, {fix: `Wait until it has stopped, then start it: ${start} (Enter in the browser offers to wait, start it and connect).`});
		default:
			return check('power', 'warn', `Azure did not report a power state for ${vm.name}.`, {fix: `Look at the VM in the Azure portal, or run: ${shellCommand('az', 'vm', 'get-instance-view', '-g', vm.resourceGroup, '-n', vm.name)}`});
	}
}
