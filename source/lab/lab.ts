import type {VmRecord} from '../core/inventory/model.js';
import {existsSync} from 'node:fs';
import {labAssetPath, readLabAsset} from './assets.js';
import type {LabCredentials} from './credentials.js';
import {generateHostKey} from './ssh/host-key.js';
import {LabSshServer} from './ssh/lab-ssh-server.js';

export {LAB_USERNAME, generateLabCredentials, type LabCredentials} from './credentials.js';

export interface StartLabOptions {
	/** The only user, password and key the servers accept (a demo run's, see credentials.ts). */
	credentials: LabCredentials;
	/** Where a VM's shells live; by default each server makes (and on stop removes) a private temp dir. */
	homeFor?(vmName: string): string;
	/**
	 * Microsoft Entra ID logins, as on VMs with the AADSSHLoginForLinux extension: the user (a UPN) logs in
	 * with a certificate from this CA naming it as a principal.
	 */
	entra?: {caPublicKeyLine: string; users: string[]};
}

export interface Lab {
	ssh: Map<string, LabSshServer>;
	/**
	 * The lab's "network": maps a VM address (private or public IP, port 22) to the loopback address of
	 * the SSH server standing in for it.
	 */
	resolve(host: string, port: number): {host: string; port: number} | undefined;
	/** The same map as a table (VM address -> loopback address), for a thread that resolves for the lab elsewhere. */
	addresses(): Array<[string, {host: string; port: number}]>;
	/** A VM was started or stopped (the lab's ARM power operations): its SSH server starts or stops with it. */
	powerChanged(vm: VmRecord): Promise<void>;
	stop(): Promise<void>;
}

/**
 * Starts an SSH server for every running VM in the inventory, each with its own stable host key, a real
 * PTY shell, and the one user of `credentials` (its key or password, nothing else). Stopped VMs get no
 * server, like on Azure.
 */
export async function startLab(vms: VmRecord[], options: StartLabOptions): Promise<Lab> {
	const {credentials} = options;
	const ssh = new Map<string, LabSshServer>();
	const addresses = new Map<string, {host: string; port: number}>();
	const resolve = (host: string, port: number) => (port === 22 ? addresses.get(host) : undefined);
	const startServer = async (vm: VmRecord): Promise<void> => {
		const server = await new LabSshServer({
			vmName: vm.name,
			hostKey: hostKeyFor(vm.name),
			users: [
				{username: credentials.username, password: credentials.password, authorizedKeys: [credentials.publicKey]},
				...(options.entra?.users ?? []).map(upn => ({username: upn, principals: [upn]})),
			],
			...(options.entra ? {trustedUserCaKeys: [options.entra.caPublicKeyLine]} : {}),
			...(options.homeFor ? {home: options.homeFor(vm.name)} : {}),
			forward: resolve,
		}).start();
		ssh.set(vm.name, server);
		for (const ip of [vm.privateIp, vm.publicIp, vm.secondaryNicBastion?.privateIp]) if (ip) addresses.set(ip, server.address);
	};
	try {
		for (const vm of vms) {
			if (vm.powerState !== 'running') continue;
			await startServer(vm);
		}
	} catch (error) {
		await Promise.all([...ssh.values()].map(s => s.stop()));
		throw error;
	}
	// One change at a time per VM: a start and a quick stop must not race each other's server.
	let changes: Promise<void> = Promise.resolve();
	return {
		ssh,
		resolve,
		addresses: () => [...addresses],
		powerChanged: vm => {
			changes = changes.then(async () => {
				const server = ssh.get(vm.name);
				if (vm.powerState === 'running' && !server) await startServer(vm);
				else if (vm.powerState !== 'running' && vm.powerState !== 'stopping' && vm.powerState !== 'deallocating' && server) {
					ssh.delete(vm.name);
					for (const ip of [vm.privateIp, vm.publicIp]) if (ip) addresses.delete(ip);
					await server.stop();
				}
			});
			return changes;
		},
		async stop() {
			await Promise.all([...ssh.values()].map(s => s.stop()));
		},
	};
}

/** Demo VMs have stable shipped host keys; VMs from another topology file get a fresh one per run. */
function hostKeyFor(vmName: string): Buffer | string {
	// Only a plain file name (no `..`, no `/`): VM names come from topology files.
	if (/^\w[\w.-]*$/.test(vmName) && existsSync(labAssetPath(`hostkeys/${vmName}`))) return readLabAsset(`hostkeys/${vmName}`);
	return generateHostKey();
}
