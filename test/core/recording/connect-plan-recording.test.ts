import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fetchAzureInventory} from '../../../source/core/inventory/azure-source.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {planConnection, type PlanContext} from '../../../source/core/session/connect-plan.js';
import {demoProfiles} from '../../../source/lab/demo-profiles.js';
import {startLabWithClients, type LabWithClients} from '../../lab/arm/lab-clients.js';

/** The lab's ARM (its Resource Graph): bas-prem is Premium with enableSessionRecording; bas-std is Standard. */
let env: LabWithClients;
let vms: VmRecord[];
beforeAll(async () => {
	env = await startLabWithClients();
	const result = await fetchAzureInventory({clients: env.clients, method: 'resource-graph'});
	if (!result.ok) throw new Error(result.error.message);
	vms = result.inventory.vms;
});
afterAll(async () => {
	await env.close();
});

const context: PlanContext = {
	credentials: () => async () => [],
	bastionTransport: () => ({description: 'Bastion (test)', open: () => Promise.reject(new Error('not opened in this test'))}),
};

async function specFor(name: string, options: {record?: boolean; recordInput?: boolean} = {}) {
	const vm = vms.find(candidate => candidate.name === name)!;
	const profile = demoProfiles(vms, '/nonexistent/key').find(candidate => candidate.name === name)!;
	const plan = await planConnection({...profile, options: {...profile.options, ...options}}, vm, context);
	if (!plan.ok) throw new Error(plan.message);
	return {vm, spec: plan.spec};
}

describe('what a connection knows about recording', () => {
	it('says the Bastion records when it is Premium with enableSessionRecording (the inventory’s flag)', async () => {
		const {vm, spec} = await specFor('app-01');
		expect(vm.bastion).toMatchObject({name: 'bas-prem', sku: 'Premium', flags: {enableSessionRecording: true}});
		expect(spec.bastionRecords).toBe(true);
		const standard = await specFor('web-01');
		expect(standard.vm.bastion?.flags.enableSessionRecording).toBe(false);
		expect(standard.spec.bastionRecords).toBe(false);
		expect((await specFor('jump-01')).spec.bastionRecords).toBe(false);
	});

	it('carries the profile’s record and recordInput options', async () => {
		expect((await specFor('jump-01')).spec.record).toEqual({fromStart: false, input: false});
		expect((await specFor('jump-01', {record: true, recordInput: true})).spec.record).toEqual({fromStart: true, input: true});
	});
});
