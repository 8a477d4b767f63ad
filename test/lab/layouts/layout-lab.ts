import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {bastionCell} from '../../../source/app/views/browser/columns.js';
import type {DoctorReport} from '../../../source/core/doctor/index.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {createLogger} from '../../../source/core/log.js';
import {ProfileSchema, type Profile, type ProfileInput} from '../../../source/core/profiles/schema.js';
import {SettingsStore} from '../../../source/core/profiles/settings-store.js';
import {ProfileStore} from '../../../source/core/profiles/store.js';
import type {ConnectionState} from '../../../source/core/session/types.js';
import {buildCoreServices, type BuiltCoreServices, type ConnectOutcome, type CoreServicesOptions} from '../../../source/core/wiring/core-services.js';
import {startDemo, type Demo} from '../../../source/lab/demo.js';
import {DEMO_TOPOLOGY_PATH, parseTopology, type Topology} from '../../../source/lab/topology/index.js';

/**
 * Issue 14's layouts: a lab world built from the demo topology with one real-world shape changed, served by the whole
 * lab (ARM, Resource Graph, Bastion, SSH servers) and read by vmux's own core wiring exactly as the app reads it —
 * the browser's rows, the doctor, the connect plan, and a real connection through the lab Bastion.
 */

export type RawResource = {id: string; name: string; type: string; sku?: {name: string}; properties?: Record<string, unknown>; [key: string]: unknown};

/** The demo topology's JSON with `edit` applied to its resources (what a --lab-topology file holds). */
// biome-ignore lint/suspicious/noConfusingVoidType: an edit either returns new resources or changes them in place.
export function layoutJson(edit: (resources: RawResource[]) => RawResource[] | void): {resources: RawResource[]; subscriptions: Array<{displayName: string; state?: string}>} {
	const json = JSON.parse(readFileSync(DEMO_TOPOLOGY_PATH, 'utf8')) as {resources: RawResource[]; subscriptions: Array<{displayName: string; state?: string}>};
	json.resources = edit(json.resources) ?? json.resources;
	return json;
}

/** The demo topology with `edit` applied to its resources, checked as the lab checks a topology file. */
// biome-ignore lint/suspicious/noConfusingVoidType: as above.
export function layout(label: string, edit: (resources: RawResource[]) => RawResource[] | void): Topology {
	return parseTopology(layoutJson(edit), label);
}

export function named(resources: RawResource[], name: string): RawResource {
	const found = resources.find(resource => resource.name === name);
	if (!found) throw new Error(`no resource ${name} in the demo topology`);
	return found;
}

/** A `Connected` peering resource from one VNet to another (both sides are needed for Azure to say Connected). */
export function peering(from: RawResource, to: RawResource, state = 'Connected'): RawResource {
	return {
		id: `${from.id}/virtualNetworkPeerings/${from.name}-to-${to.name}`,
		name: `${from.name}-to-${to.name}`,
		type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
		properties: {remoteVirtualNetwork: {id: to.id}, peeringState: state, provisioningState: 'Succeeded', allowVirtualNetworkAccess: true},
	};
}

export interface LayoutLab {
	demo: Demo;
	built: BuiltCoreServices;
	vm(name: string): VmRecord;
	/** The BASTION cell of the VM's browser row, as drawn. */
	bastionCell(name: string): string;
	doctor(name: string): Promise<DoctorReport>;
	save(profile: ProfileInput): Profile;
	plan(name: string): Promise<ConnectOutcome>;
	/** Plans and opens a real connection, answering the host key and the password; its first settled state. */
	connect(name: string): Promise<ConnectionState>;
	close(): Promise<void>;
}

/** `core`: options for vmux's core wiring beyond the lab's (e.g. a fast `powerWait`). */
export async function startLayoutLab(topology: Topology, options: {core?: Partial<CoreServicesOptions>} = {}): Promise<LayoutLab> {
	const dir = mkdtempSync(join(tmpdir(), 'vmux-layout-'));
	const store = new ProfileStore({configDir: dir});
	const demo = await startDemo({topology, configDir: dir, store, ssh: true});
	const built = buildCoreServices({
		configDir: dir,
		recordingsDir: join(dir, 'recordings'),
		settings: new SettingsStore(dir),
		store,
		logger: createLogger(undefined),
		azure: {kind: 'clients', clients: demo.azure.clients, label: 'lab'},
		cacheKey: 'layout',
		resolveAddress: demo.resolve,
		...options.core,
	});
	const {services} = built;
	services.prompter.target = {
		confirmUnknownHostKey: async () => 'accept-once',
		askSecret: async () => demo.credentials.password,
	};
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the inventory did not load: ${services.inventory.current().status}`)), 30_000);
		const check = () => {
			if (services.inventory.current().vms.length > 0 && !services.inventory.current().status.includes('refreshing')) {
				clearTimeout(timer);
				services.inventory.off('change', check);
				resolve();
			}
		};
		services.inventory.on('change', check);
		check();
	});
	const vm = (name: string) => {
		const found = services.inventory.current().vms.find(candidate => candidate.name === name);
		if (!found) throw new Error(`the browser lists no VM ${name}`);
		return found;
	};
	return {
		demo,
		built,
		vm,
		bastionCell: name => bastionCell(vm(name)),
		doctor: name => services.doctor(vm(name), () => {}, AbortSignal.timeout(60_000)),
		save: input => {
			const profile = ProfileSchema.parse(input);
			// Replaces the demo's own profile for the VM, if it has one.
			for (const existing of services.profiles.list()) {
				if (existing.target.kind === 'azure-vm' && profile.target.kind === 'azure-vm' && existing.target.vmId.toLowerCase() === profile.target.vmId.toLowerCase()) {
					services.profiles.delete(existing.name);
				}
			}
			services.profiles.save(profile);
			return profile;
		},
		plan: name => services.planConnect(vm(name)),
		connect: async name => {
			const outcome = await services.planConnect(vm(name));
			if (outcome.kind !== 'spec') throw new Error(`no plan for ${name}: ${JSON.stringify(outcome)}`);
			const session = services.manager.open(outcome.spec);
			const connection = session.connection;
			return new Promise<ConnectionState>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`${name}: still ${connection.state.kind} after 30 s`)), 30_000);
				const check = () => {
					const state = connection.state;
					if (state.kind === 'open' || state.kind === 'disconnected' || state.kind === 'closed') {
						clearTimeout(timer);
						services.manager.off('change', check);
						resolve(state);
					}
				};
				services.manager.on('change', check);
				check();
			});
		},
		close: async () => {
			await built.dispose();
			await demo.stop();
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** A profile for a layout VM through the given Bastion of its listing (or its default one). */
export function bastionProfile(vm: VmRecord, bastionName?: string, overrides: Partial<ProfileInput> = {}): ProfileInput {
	const bastion = bastionName ? [...(vm.bastionChoices ?? []), ...(vm.bastion ? [vm.bastion] : [])].find(candidate => candidate.name === bastionName) : vm.bastion;
	if (!bastion) throw new Error(`${vm.name} lists no Bastion ${bastionName ?? ''}`);
	return {
		name: `${vm.name}-via-${bastion.name}`,
		target: {kind: 'azure-vm', vmId: vm.id, vmName: vm.name, resourceGroup: vm.resourceGroup, subscriptionId: vm.subscriptionId},
		transport: {kind: 'bastion', bastionId: bastion.id, bastionName: bastion.name, sku: bastion.sku, flags: {...bastion.flags}, ...(bastion.dnsName ? {dnsName: bastion.dnsName} : {})},
		port: 22,
		username: 'azureuser',
		auth: {type: 'password'},
		...overrides,
	};
}
