import type {Profile} from '../core/profiles/schema.js';
import type {VmRecord} from '../core/inventory/model.js';
import {labAssetPath} from './assets.js';
import {LAB_USERNAME} from './lab.js';

/** The demo's Key Vault (served by the lab once Key Vault arrives). */
export const DEMO_VAULT_URL = 'https://kv-contoso-demo.vault.azure.net';

/**
 * The profiles DESIGN §8 gives the demo VMs, built from the inventory so ids and Bastion facts match.
 * Seeded into a config dir that has none of them; a user's edits are never overwritten.
 */
export function demoProfiles(vms: VmRecord[]): Profile[] {
	const byName = new Map(vms.map(vm => [vm.name, vm]));
	const profiles: Profile[] = [];
	const add = (vmName: string, auth: Profile['auth'], extra: Partial<Profile> = {}) => {
		const vm = byName.get(vmName);
		if (!vm) return;
		const transport: Profile['transport'] = vm.bastion
			? {
					kind: 'bastion',
					bastionId: vm.bastion.id,
					bastionName: vm.bastion.name,
					sku: vm.bastion.sku,
					flags: vm.bastion.flags,
					...(vm.bastion.dnsName ? {dnsName: vm.bastion.dnsName} : {}),
				}
			: {kind: 'direct'};
		profiles.push({
			name: vmName,
			target: {kind: 'azure-vm', vmId: vm.id, vmName: vm.name, resourceGroup: vm.resourceGroup, subscriptionId: vm.subscriptionId},
			transport,
			protocol: 'ssh',
			port: 22,
			...(auth.type === 'entra' ? {} : {username: LAB_USERNAME}),
			auth,
			options: {keepaliveIntervalSec: 15, keepaliveCountMax: 3},
			...extra,
		});
	};
	add('web-01', {type: 'keyvault-key', vaultUrl: DEMO_VAULT_URL, secretName: 'web-01-key'});
	add('db-01', {type: 'keyvault-key', vaultUrl: DEMO_VAULT_URL, secretName: 'db-01-key'});
	add('app-01', {type: 'entra'});
	add('dev-01', {type: 'keyvault-password', vaultUrl: DEMO_VAULT_URL, secretName: 'dev-01-password'});
	add('jump-01', {type: 'key-file', path: labAssetPath('users/demo_ed25519')}, {transport: {kind: 'direct'}});
	return profiles;
}

/** Adds the demo profiles a config dir lacks; never touches a profile the user has (or a read-only store). */
export function seedDemoProfiles(store: {isReadOnly: boolean; has(name: string): boolean; save(profile: Profile): unknown}, vms: VmRecord[]): void {
	if (store.isReadOnly) return;
	for (const profile of demoProfiles(vms)) if (!store.has(profile.name)) store.save(profile);
}
