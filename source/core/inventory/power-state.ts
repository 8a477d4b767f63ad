import type {ArmClients} from '../azure/clients.js';
import {parseResourceId} from '../azure/resource-id.js';
import {powerCodeFromStatuses, powerStateFromCode} from './facts.js';
import type {PowerState} from './model.js';

/**
 * A VM's power state now, from its instance view in ARM (`…/virtualMachines/{vm}/instanceView`). The inventory's
 * copy comes from Resource Graph, which lags minutes behind a start or stop and may lack the instance view
 * altogether; connecting asks ARM before refusing a VM that the list shows as not running.
 */
export async function readPowerState(clients: ArmClients, vmId: string, signal?: AbortSignal): Promise<PowerState> {
	const parsed = parseResourceId(vmId);
	if (!parsed?.resourceGroup || !parsed.name || parsed.type?.toLowerCase() !== 'microsoft.compute/virtualmachines') {
		throw new Error(`'${vmId}' is not a virtual machine id.`);
	}
	const view = await (await clients.compute(parsed.subscriptionId)).virtualMachines.instanceView(parsed.resourceGroup, parsed.name, signal ? {abortSignal: signal} : {});
	return powerStateFromCode(powerCodeFromStatuses(view.statuses));
}
