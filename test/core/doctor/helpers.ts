import {readFileSync} from 'node:fs';
import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {ProfileSchema, type Profile, type ProfileInput} from '../../../source/core/profiles/schema.js';
import {DEMO_TOPOLOGY_PATH, loadDemoTopology, parseTopology, type Topology} from '../../../source/lab/topology/index.js';

/** Doctor tests: profiles for the demo VMs, and demo topologies with one thing changed. */

const demoVms = buildLocalInventory(loadDemoTopology()).vms;

export function demoVm(name: string): VmRecord {
	const vm = demoVms.find(candidate => candidate.name === name);
	if (!vm) throw new Error(`no demo VM ${name}`);
	return vm;
}

/** A valid profile for a demo VM through the Bastion the inventory matched to it (or direct when none). */
export function profileFor(vmName: string, overrides: Partial<ProfileInput> = {}): Profile {
	const vm = demoVm(vmName);
	const transport: ProfileInput['transport'] = vm.bastion
		? {kind: 'bastion', bastionId: vm.bastion.id, bastionName: vm.bastion.name, sku: vm.bastion.sku, flags: {...vm.bastion.flags}}
		: {kind: 'direct'};
	return ProfileSchema.parse({
		name: vmName,
		target: {kind: 'azure-vm', vmId: vm.id, vmName: vm.name, resourceGroup: vm.resourceGroup, subscriptionId: vm.subscriptionId},
		transport,
		port: 22,
		username: 'azureuser',
		auth: {type: 'password'},
		...overrides,
	});
}

type RawResource = {id: string; name: string; type: string; properties?: Record<string, unknown>; [key: string]: unknown};

/** The demo topology with `edit` applied to its raw JSON resources. */
// biome-ignore lint/suspicious/noConfusingVoidType: an edit either returns new resources or changes them in place and returns nothing.
export function editedTopology(label: string, edit: (resources: RawResource[]) => RawResource[] | void): Topology {
	const json = JSON.parse(readFileSync(DEMO_TOPOLOGY_PATH, 'utf8')) as {resources: RawResource[]};
	json.resources = edit(json.resources) ?? json.resources;
	return parseTopology(json, label);
}

export function resourceNamed(resources: RawResource[], name: string): RawResource {
	const found = resources.find(resource => resource.name === name);
	if (!found) throw new Error(`no resource ${name} in the demo topology`);
	return found;
}
