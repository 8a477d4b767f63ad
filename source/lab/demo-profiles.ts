import {existsSync, lstatSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import type {Profile} from '../core/profiles/schema.js';
import type {VmRecord} from '../core/inventory/model.js';
import {LAB_VAULT_SUFFIX} from './cloud.js';
import {LAB_USERNAME} from './credentials.js';
import {DEMO_KEY_FILE, DEMO_RUN_DIR_PREFIX} from './demo-run-dir.js';

/**
 * The demo's vaults, by the URL the lab's ARM lists for them (`vaultUri`): the lab cloud's own vault domain and no
 * port, so a saved profile stays right across runs while the lab's port changes; the lab cloud's `dataPlanePort`
 * says where vaults listen, as for any custom cloud.
 */
export const DEMO_VAULT_URL = `https://kv-contoso-demo.${LAB_VAULT_SUFFIX}`;
/** The second tenant's vault (Fabrikam, where the demo user is a guest): its challenge names Fabrikam's tenant. */
export const DEMO_FABRIKAM_VAULT_URL = `https://kv-fabrikam-demo.${LAB_VAULT_SUFFIX}`;
/** Earlier versions saved the demo vaults under the public cloud's domain; seeding moves them to the lab's. */
const OLD_DEMO_VAULT_URLS = new Map([
	['https://kv-contoso-demo.vault.azure.net', DEMO_VAULT_URL],
	['https://kv-fabrikam-demo.vault.azure.net', DEMO_FABRIKAM_VAULT_URL],
]);

/**
 * Which demo profiles `--demo` has already put into a config dir, so that one the user deleted stays deleted
 * (seeding is once per profile name, not once per start).
 */
export const DEMO_SEEDED_FILE = 'demo-profiles-seeded.json';
/** A bigger file is not one vmux wrote: ignored rather than read into memory. */
const SEEDED_FILE_MAX_BYTES = 64 * 1024;

/**
 * The profiles DESIGN §8 gives the demo VMs, built from the inventory so ids and Bastion facts match.
 * `keyPath` is the demo run's key file (a new one each run), for jump-01's key-file profile.
 */
export function demoProfiles(vms: VmRecord[], keyPath: string): Profile[] {
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
			options: {keepaliveIntervalSec: 15, keepaliveCountMax: 3, record: false, recordInput: false, forwardAgent: false},
			...extra,
		});
	};
	add('web-01', {type: 'keyvault-key', vaultUrl: DEMO_VAULT_URL, secretName: 'web-01-key'});
	add('db-01', {type: 'keyvault-key', vaultUrl: DEMO_VAULT_URL, secretName: 'db-01-key'});
	add('app-01', {type: 'entra'});
	add('dev-01', {type: 'keyvault-password', vaultUrl: DEMO_VAULT_URL, secretName: 'dev-01-password'});
	add('jump-01', {type: 'key-file', path: keyPath}, {transport: {kind: 'direct'}});
	// In another tenant: its Bastion and its vault take tokens of that tenant only.
	add('ops-01', {type: 'keyvault-password', vaultUrl: DEMO_FABRIKAM_VAULT_URL, secretName: 'ops-01-password'});
	return profiles;
}

type SeedableStore = {
	isReadOnly: boolean;
	has(name: string): boolean;
	list(): Profile[];
	save(profile: Profile, options?: {replacing?: string}): unknown;
};

/**
 * Puts each demo profile into the config dir once. A profile the user has is never overwritten, and one they
 * deleted is not brought back: the names already seeded are remembered in DEMO_SEEDED_FILE. Profiles whose key
 * file is an earlier demo run's (gone with that run) are pointed at this run's key, the one the lab accepts.
 */
export function seedDemoProfiles(store: SeedableStore, vms: VmRecord[], options: {configDir: string; keyPath: string}): void {
	if (store.isReadOnly) return;
	const seeded = readSeededNames(options.configDir);
	const before = seeded.size;
	for (const profile of demoProfiles(vms, options.keyPath)) {
		if (store.has(profile.name)) seeded.add(profile.name);
		else if (!seeded.has(profile.name) && trySave(store, profile)) seeded.add(profile.name);
	}
	for (const profile of store.list()) {
		if (profile.auth.type === 'key-file' && isStaleDemoKey(profile.auth.path)) {
			trySave(store, {...profile, auth: {...profile.auth, path: options.keyPath}}, profile.name);
		}
		if (profile.auth.type === 'keyvault-key' || profile.auth.type === 'keyvault-password') {
			const moved = OLD_DEMO_VAULT_URLS.get(profile.auth.vaultUrl.toLowerCase().replace(/\/+$/, ''));
			if (moved) trySave(store, {...profile, auth: {...profile.auth, vaultUrl: moved}}, profile.name);
		}
	}
	if (seeded.size !== before) writeSeededNames(options.configDir, seeded);
}

/** Seeding is a convenience: a profile the store refuses is left out rather than stopping the demo. */
function trySave(store: SeedableStore, profile: Profile, replacing?: string): boolean {
	try {
		store.save(profile, replacing === undefined ? {} : {replacing});
		return true;
	} catch {
		return false;
	}
}

/**
 * A key path that can only be an old demo key: a previous run's (its directory is removed when that run ends)
 * or the key older vmux versions shipped (no longer shipped, and no longer accepted). Any other path is the user's.
 */
function isStaleDemoKey(path: string): boolean {
	if (basename(path) !== DEMO_KEY_FILE || existsSync(path)) return false;
	const folder = dirname(path);
	return basename(folder).startsWith(DEMO_RUN_DIR_PREFIX) || folder.replaceAll('\\', '/').endsWith('lab/assets/users');
}

function readSeededNames(configDir: string): Set<string> {
	const path = join(configDir, DEMO_SEEDED_FILE);
	try {
		const stat = lstatSync(path);
		if (!stat.isFile() || stat.size > SEEDED_FILE_MAX_BYTES) return new Set();
		const json = JSON.parse(readFileSync(path, 'utf8')) as {seeded?: unknown};
		return new Set(Array.isArray(json.seeded) ? json.seeded.filter((name): name is string => typeof name === 'string') : []);
	} catch {
		// Missing, unreadable or not ours: nothing is known to be seeded; the missing demo profiles are added again.
		return new Set();
	}
}

function writeSeededNames(configDir: string, names: Set<string>): void {
	const path = join(configDir, DEMO_SEEDED_FILE);
	const temporary = `${path}.${process.pid}.tmp`;
	try {
		writeFileSync(temporary, `${JSON.stringify({version: 1, seeded: [...names].sort()}, undefined, '\t')}\n`, {mode: 0o600, flag: 'wx'});
		// rename replaces a symlink at `path` itself, never the file it points to.
		renameSync(temporary, path);
	} catch {
		// Best effort: without the record, a deleted demo profile would come back on the next start, nothing worse.
		rmSync(temporary, {force: true});
	}
}
