import type {VmRecord} from '../core/inventory/model.js';
import {generateLabCredentials, type LabCredentials} from './credentials.js';

export {withDemoPasswordHint} from './demo-password-hint.js';
import {bypassProxyForLab} from './lab-proxy.js';
import {LAB_DEFAULT_IDENTITY} from './arm/tokens.js';
import {startDemoAzure, type DemoAzure} from './demo-azure.js';
import {createLabSshCaAsync} from './entra/ssh-ca.js';
import {seedDemoProfiles} from './demo-profiles.js';
import {createDemoRunDir, type DemoRunDir} from './demo-run-dir.js';
import {followLabPower} from './follow-power.js';
import type {Lab} from './lab.js';
import {readLabWorld, type Topology} from './topology/index.js';

export interface DemoOptions {
	topology: Topology;
	/** The config dir and its profile store, where the demo profiles are seeded. */
	configDir: string;
	store: Parameters<typeof seedDemoProfiles>[0];
	/**
	 * The SSH servers and Bastion stand-ins: `true` starts them with the rest, `'on-first-connect'` when
	 * `network()` is first called (the app: its VM list needs only the Azure stand-ins), `false` never (the
	 * doctor needs only the Azure stand-ins).
	 */
	ssh: boolean | 'on-first-connect';
	/** A line for each step, for a command that would otherwise sit silent while the lab starts. */
	onProgress?(line: string): void;
}

export interface Demo {
	vms: VmRecord[];
	credentials: LabCredentials;
	runDir: DemoRunDir;
	azure: DemoAzure;
	/** The SSH servers, once started. */
	readonly lab: Lab | undefined;
	/**
	 * Starts the SSH servers and mounts the Bastion stand-ins whose tunnels lead to them, unless that is done
	 * or under way (concurrent callers share one start). Rejects for a demo started with `ssh: false`.
	 */
	network(): Promise<Lab>;
	resolve(host: string, port: number): {host: string; port: number} | undefined;
	/** Stops the servers and removes the run's directory (keys and homes). */
	stop(): Promise<void>;
}

/**
 * Starts the demo lab for one run: fresh credentials (in memory, the key also as a file in the run's private
 * directory), the Azure stand-ins whose Key Vault serves them, the demo profiles seeded into the config dir,
 * and (at once or on the first connect, see `ssh`) SSH servers that accept only those credentials.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
	const progress = options.onProgress ?? (() => {});
	bypassProxyForLab();
	// The lab's Entra signs SSH certificates with this CA and the VMs trust it (app-01 logs in with Entra ID). Made
	// off the main thread (an RSA key: 0.1-1 s here) while everything else starts; only a certificate grant and the
	// SSH servers wait for it, not the VM list.
	const sshCaMade = createLabSshCaAsync({bits: 2048});
	sshCaMade.catch(() => {}); // reported by whatever waits for it
	const credentials = generateLabCredentials();
	const runDir = createDemoRunDir(credentials);
	// The lab's own reading of its world (not vmux's inventory parsers): its servers follow the topology itself.
	const world = {vms: readLabWorld(options.topology)};
	let lab: Lab | undefined;
	let labStarting: Promise<Lab> | undefined;
	let azure: DemoAzure | undefined;
	try {
		progress('starting the Azure stand-ins: Resource Manager, Resource Graph, Key Vault, Entra ID');
		const demoAzure = await startDemoAzure(options.topology, credentials, undefined, sshCaMade);
		azure = demoAzure;
		followLabPower(demoAzure.arm.power, world.vms, () => lab, progress);
		const startNetwork = async (): Promise<Lab> => {
			const running = world.vms.filter(vm => vm.powerState === 'running').length;
			progress(`starting SSH servers for ${running} running VM${running === 1 ? '' : 's'} and the Bastion stand-ins`);
			const [{startLab}, sshCa] = await Promise.all([import('./lab.js'), sshCaMade]);
			const started = await startLab(world.vms, {
				credentials,
				homeFor: vmName => runDir.homeFor(vmName),
				entra: {caPublicKeyLine: sshCa.publicKeyLine, users: [LAB_DEFAULT_IDENTITY.upn]},
			});
			try {
				await demoAzure.attachNetwork({vms: world.vms, resolve: started.resolve});
			} catch (error) {
				await started.stop().catch(() => {});
				throw error;
			}
			lab = started;
			return started;
		};
		const network = (): Promise<Lab> => {
			if (options.ssh === false) return Promise.reject(new Error('This demo lab was started without SSH servers.'));
			// A failed start is not kept: the next connect tries again.
			labStarting ??= startNetwork().catch(error => {
				labStarting = undefined;
				throw error;
			});
			return labStarting;
		};
		if (options.ssh === true) await network();
		seedDemoProfiles(options.store, world.vms, {configDir: options.configDir, keyPath: runDir.keyPath});
		return {
			vms: world.vms,
			credentials,
			runDir,
			azure: demoAzure,
			get lab() {
				return lab;
			},
			network,
			resolve: (host, port) => lab?.resolve(host, port),
			async stop() {
				try {
					await demoAzure.close();
					// A start under way finishes first, so that its servers are stopped too.
					await labStarting?.catch(() => {});
					await lab?.stop();
				} finally {
					runDir.remove();
				}
			},
		};
	} catch (error) {
		await azure?.close().catch(() => {});
		await labStarting?.then(started => started.stop()).catch(() => {});
		runDir.remove();
		throw error;
	}
}

