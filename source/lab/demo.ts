import type {VmRecord} from '../core/inventory/model.js';
import {generateLabCredentials, LAB_USERNAME, type LabCredentials} from './credentials.js';
import {LAB_DEFAULT_IDENTITY} from './arm/tokens.js';
import {startDemoAzure} from './demo-azure.js';
import {createLabSshCaAsync} from './entra/ssh-ca.js';
import {seedDemoProfiles} from './demo-profiles.js';
import {createDemoRunDir, type DemoRunDir} from './demo-run-dir.js';
import {startLab, type Lab} from './lab.js';
import {readLabWorld, type Topology} from './topology/index.js';

export interface DemoOptions {
	topology: Topology;
	/** The config dir and its profile store, where the demo profiles are seeded. */
	configDir: string;
	store: Parameters<typeof seedDemoProfiles>[0];
	/** Start the SSH servers too (the app); the doctor needs only the Azure stand-ins. */
	ssh: boolean;
	/** A line for each step, for a command that would otherwise sit silent while the lab starts. */
	onProgress?(line: string): void;
}

export interface Demo {
	vms: VmRecord[];
	credentials: LabCredentials;
	runDir: DemoRunDir;
	azure: Awaited<ReturnType<typeof startDemoAzure>>;
	lab?: Lab;
	resolve(host: string, port: number): {host: string; port: number} | undefined;
	/** Stops the servers and removes the run's directory (keys and homes). */
	stop(): Promise<void>;
}

/**
 * Starts the demo lab for one run: fresh credentials (in memory, the key also as a file in the run's private
 * directory), SSH servers that accept only those, the Azure stand-ins whose Key Vault serves them, and the demo
 * profiles seeded into the config dir.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
	const progress = options.onProgress ?? (() => {});
	bypassProxyForLab();
	const credentials = generateLabCredentials();
	const runDir = createDemoRunDir(credentials);
	// The lab's own reading of its world (not vmux's inventory parsers): its servers follow the topology itself.
	const world = {vms: readLabWorld(options.topology)};
	let lab: Lab | undefined;
	try {
		// The lab's Entra signs SSH certificates with this CA and the VMs trust it (app-01 logs in with Entra ID).
		const sshCa = await createLabSshCaAsync({bits: 2048});
		if (options.ssh) {
			const running = world.vms.filter(vm => vm.powerState === 'running').length;
			progress(`starting SSH servers for ${running} running VM${running === 1 ? '' : 's'}`);
			lab = await startLab(world.vms, {
				credentials,
				homeFor: vmName => runDir.homeFor(vmName),
				entra: {caPublicKeyLine: sshCa.publicKeyLine, users: [LAB_DEFAULT_IDENTITY.upn]},
			});
		}
		progress('starting the Azure stand-ins: Resource Manager, Resource Graph, Key Vault, Bastion, Entra ID');
		const azure = await startDemoAzure(options.topology, credentials, lab ? {vms: world.vms, resolve: lab.resolve} : undefined, sshCa);
		seedDemoProfiles(options.store, world.vms, {configDir: options.configDir, keyPath: runDir.keyPath});
		const stoppable = lab;
		return {
			vms: world.vms,
			credentials,
			runDir,
			azure,
			...(lab ? {lab} : {}),
			resolve: (host, port) => stoppable?.resolve(host, port),
			async stop() {
				try {
					await azure.close();
					await stoppable?.stop();
				} finally {
					runDir.remove();
				}
			},
		};
	} catch (error) {
		await lab?.stop().catch(() => {});
		runDir.remove();
		throw error;
	}
}

/** Loopback names the lab serves on: its ARM (127.0.0.1) and its vault and Bastion hosts (`*.localhost`). */
const LAB_HOSTS = ['127.0.0.1', 'localhost', '.localhost'];

/**
 * The demo's Azure is on loopback: a corporate proxy set for the real network (HTTPS_PROXY) cannot reach it, so
 * this process adds the lab's names to NO_PROXY (both spellings, as curl, the Azure SDK and proxy-from-env read
 * them). Real Azure never lives on loopback, so nothing else changes.
 */
function bypassProxyForLab(): void {
	const proxied = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'HTTP_PROXY', 'http_proxy'].some(name => process.env[name]);
	if (!proxied) return;
	const existing = (process.env.no_proxy ?? process.env.NO_PROXY ?? '').split(',').map(entry => entry.trim()).filter(Boolean);
	if (existing.includes('*')) return;
	const merged = [...existing, ...LAB_HOSTS.filter(host => !existing.includes(host))].join(',');
	process.env.NO_PROXY = merged;
	process.env.no_proxy = merged;
}

/**
 * The demo's password is new each run, so a password prompt for the demo user says what it is: the user
 * typing it is the one who started the demo, and it opens nothing once this run ends.
 */
export function withDemoPasswordHint(request: {title: string; prompt: string}, credentials: LabCredentials): {title: string; prompt: string} {
	if (!request.title.startsWith(`Password for ${LAB_USERNAME}@`)) return request;
	return {...request, prompt: `Password (this demo run's: ${credentials.password}):`};
}
