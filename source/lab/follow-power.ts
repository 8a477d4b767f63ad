import type {VmRecord} from '../core/inventory/model.js';
import type {LabPowerOperations} from './arm/power.js';
import type {Lab} from './lab.js';

/**
 * VM power in the lab's ARM reaches the rest of the lab: the VM records the Bastions hold get the new state, and a
 * VM's SSH server starts once it runs and stops once it is stopped or deallocated. The demo wires this in its worker
 * (demo-worker.ts) and in process (demo.ts, the layout tests); `lab()` is read at each change, as the SSH servers
 * start lazily. A server that cannot follow is reported, never thrown into the ARM request that changed the power.
 */
export function followLabPower(power: LabPowerOperations, vms: readonly VmRecord[], lab: () => Lab | undefined, report: (text: string) => void): () => void {
	return power.onChange((vmId, state) => {
		const vm = vms.find(candidate => candidate.id.toLowerCase() === vmId.toLowerCase());
		if (!vm) return;
		vm.powerState = state as VmRecord['powerState'];
		lab()
			?.powerChanged(vm)
			.catch(error => report(`${vm.name}: ${error instanceof Error ? error.message : String(error)}`));
	});
}
