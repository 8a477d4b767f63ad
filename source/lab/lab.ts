import type {VmRecord} from '../core/inventory/model.js';
import {existsSync} from 'node:fs';
import {labAssetPath, readLabAsset} from './assets.js';
import {generateHostKey} from './ssh/host-key.js';
import {LabSshServer} from './ssh/lab-ssh-server.js';

/** The demo user every lab VM knows, and the credentials the demo profiles use. */
export const LAB_USERNAME = 'azureuser';
export const LAB_PASSWORD = 'Demo-Passw0rd!';

export interface Lab {
	ssh: Map<string, LabSshServer>;
	/**
	 * The lab's "network": maps a VM address (private or public IP, port 22) to the loopback address of
	 * the SSH server standing in for it.
	 */
	resolve(host: string, port: number): {host: string; port: number} | undefined;
	stop(): Promise<void>;
}

/**
 * Starts an SSH server for every running VM in the inventory, each with its own stable host key, a real
 * PTY shell, and the demo user (demo keys + password). Stopped VMs get no server, like on Azure.
 */
export async function startLab(vms: VmRecord[]): Promise<Lab> {
	const authorizedKeys = ['demo_ed25519.pub', 'demo_ed25519_encrypted.pub', 'demo_rsa.pub'].map(name =>
		readLabAsset(`users/${name}`).toString('utf8').trim(),
	);
	const ssh = new Map<string, LabSshServer>();
	const addresses = new Map<string, {host: string; port: number}>();
	const resolve = (host: string, port: number) => (port === 22 ? addresses.get(host) : undefined);
	try {
		for (const vm of vms) {
			if (vm.powerState !== 'running') continue;
			const server = await new LabSshServer({
				vmName: vm.name,
				hostKey: hostKeyFor(vm.name),
				users: [{username: LAB_USERNAME, password: LAB_PASSWORD, authorizedKeys}],
				forward: resolve,
			}).start();
			ssh.set(vm.name, server);
			for (const ip of [vm.privateIp, vm.publicIp]) if (ip) addresses.set(ip, server.address);
		}
	} catch (error) {
		await Promise.all([...ssh.values()].map(s => s.stop()));
		throw error;
	}
	return {
		ssh,
		resolve,
		async stop() {
			await Promise.all([...ssh.values()].map(s => s.stop()));
		},
	};
}

/** Demo VMs have stable shipped host keys; VMs from another topology file get a fresh one per run. */
function hostKeyFor(vmName: string): Buffer | string {
	if (/^[\w.-]+$/.test(vmName) && existsSync(labAssetPath(`hostkeys/${vmName}`))) return readLabAsset(`hostkeys/${vmName}`);
	return generateHostKey();
}
