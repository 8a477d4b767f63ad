import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {fetchAzureInventory} from '../../../source/core/inventory/azure-source.js';
import type {Inventory, VmRecord} from '../../../source/core/inventory/model.js';
import {readPowerState} from '../../../source/core/inventory/power-state.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import {planConnection, type PlanContext} from '../../../source/core/session/connect-plan.js';
import {demoProfiles} from '../../../source/lab/demo-profiles.js';
import {startLabWithClients, type LabWithClients} from '../../lab/arm/lab-clients.js';

/**
 * Resource Graph lags after a VM starts (and may leave the instance view out): connecting asks ARM for the VM's
 * instance view before refusing a VM the list shows as not running or unknown (issue 10).
 */

let env: LabWithClients;
beforeAll(async () => {
	env = await startLabWithClients();
});
afterAll(async () => {
	await env.close();
});
afterEach(() => env.lab.faults.clear());

async function listed(name: string): Promise<{vm: VmRecord; profile: Profile}> {
	const result = await fetchAzureInventory({clients: env.clients, method: 'resource-graph'});
	if (!result.ok) throw new Error(result.error.message);
	const inventory: Inventory = result.inventory;
	const vm = inventory.vms.find(candidate => candidate.name === name)!;
	// web-02 has no demo profile (it is the stopped one): it gets web-01's, pointed at it.
	const profiles = demoProfiles(inventory.vms, '/nonexistent/key');
	const own = profiles.find(candidate => candidate.target.kind === 'azure-vm' && candidate.target.vmId === vm.id);
	const web01 = profiles.find(candidate => candidate.name === 'web-01')!;
	const profile = own ?? {...web01, name, target: {kind: 'azure-vm' as const, vmId: vm.id, vmName: vm.name, resourceGroup: vm.resourceGroup, subscriptionId: vm.subscriptionId}};
	return {vm, profile};
}

const context = (reads: string[] = []): PlanContext => ({
	credentials: () => async () => [],
	bastionTransport: () => ({description: 'Bastion (test)', open: () => Promise.reject(new Error('not opened in this test'))}),
	currentPowerState: vm => {
		reads.push(vm.name);
		return readPowerState(env.clients, vm.id);
	},
});

const VM = (name: string) => env.lab.topology.ofType('Microsoft.Compute/virtualMachines').find(vm => vm.name === name)!.id;

describe('connecting when the listed power state is unknown or stale', () => {
	test('Resource Graph without an instance view: the VM lists as unknown, ARM says running, the plan goes ahead', async () => {
		env.lab.faults.lagGraph({vmId: VM('web-01')});
		const {vm, profile} = await listed('web-01');
		expect(vm.powerState).toBe('unknown');
		const reads: string[] = [];
		const plan = await planConnection(profile, vm, context(reads));
		expect(plan).toMatchObject({ok: true});
		expect(reads).toEqual(['web-01']);
		expect(env.lab.requests.some(request => /\/virtualMachines\/web-01\/instanceView$/i.test(request.path) && request.status === 200)).toBe(true);
	});

	test('Resource Graph still says deallocated after a start: ARM says running, the plan goes ahead', async () => {
		env.lab.faults.lagGraph({vmId: VM('web-01'), powerCode: 'PowerState/deallocated'});
		const {vm, profile} = await listed('web-01');
		expect(vm.powerState).toBe('deallocated');
		expect(await planConnection(profile, vm, context())).toMatchObject({ok: true});
	});

	test('a VM that is really stopped is refused with the state ARM reports', async () => {
		const {vm, profile} = await listed('web-02');
		const state = await readPowerState(env.clients, vm.id);
		expect(state).not.toBe('running');
		expect(await planConnection({...profile}, {...vm, powerState: 'unknown'}, context())).toEqual({
			ok: false,
			title: 'Cannot connect to web-02',
			message: `web-02 is ${state}. Start it first (az vm start -g rg-web -n web-02, or the portal), then connect.`,
			// The browser offers to start it (issue 13 §5).
			startable: true,
		});
	});

	test('a running VM is not looked up again', async () => {
		const {vm, profile} = await listed('web-01');
		const reads: string[] = [];
		expect(await planConnection(profile, vm, context(reads))).toMatchObject({ok: true});
		expect(reads).toEqual([]);
	});

	test('when ARM cannot be asked: unknown goes ahead (the connection will tell), a listed stop is refused', async () => {
		const {vm, profile} = await listed('web-01');
		const failing: PlanContext = {...context(), currentPowerState: () => Promise.reject(new Error('no sign-in'))};
		expect(await planConnection(profile, {...vm, powerState: 'unknown'}, failing)).toMatchObject({ok: true});
		expect(await planConnection(profile, {...vm, powerState: 'stopped'}, failing)).toMatchObject({ok: false, message: expect.stringMatching(/^web-01 is stopped\. Start it first/)});
	});
});
