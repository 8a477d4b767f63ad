import {parentPort, workerData} from 'node:worker_threads';
import {LAB_DEFAULT_IDENTITY} from './arm/tokens.js';
import {generateLabCredentials, type LabCredentials} from './credentials.js';
import {startDemoAzureServers, type DemoAzureServers} from './demo-azure-servers.js';
import {demoHomeFor, writeDemoKey} from './demo-run-dir.js';
import {createLabSshCaAsync} from './entra/ssh-ca.js';
import {followLabPower} from './follow-power.js';
import type {Lab} from './lab.js';
import {loadTopologyFile, readLabWorld} from './topology/index.js';

/**
 * The demo lab on a thread of its own (`vmux --demo`, demo-in-worker.ts starts it): its module loading, its HTTPS
 * servers' TLS and request handling, and later its SSH servers' encryption and shells do not compete with the app's
 * thread, which loads Ink and the Azure SDK and draws meanwhile. The app's clients reach it over HTTPS and SSH
 * exactly as they would in one thread. Messages in and out are DemoWorkerRequest / DemoWorkerMessage.
 */

export interface DemoWorkerData {
	/** The topology file to serve (the built-in demo's, or `--lab-topology`). */
	topologyPath: string;
	/**
	 * The run directory (demo-run-dir.ts), made and removed by the app's thread, so that its exit removes it whatever
	 * this thread was doing: the run's key is written into it here, and VM shells get their homes inside it.
	 */
	runDirRoot: string;
	/** The config dir whose profiles the demo's are seeded into (after `ready`, before `seeded`). */
	configDir: string;
}

export type DemoWorkerRequest = {kind: 'network'} | {kind: 'stop'};

export type DemoWorkerMessage =
	| {kind: 'progress'; text: string}
	| {kind: 'ready'; connection: DemoAzureServers['connection']; vms: ReturnType<typeof readLabWorld>; tenantId: string; credentials: LabCredentials}
	| {kind: 'failed'; message: string}
	/** The demo profiles are in the config dir (or could not be: the app's profile store says why). */
	| {kind: 'seeded'}
	| {kind: 'network-ready'; addresses: ReturnType<Lab['addresses']>}
	| {kind: 'network-failed'; message: string}
	| {kind: 'stopped'};

const port = parentPort;
if (!port) throw new Error('demo-worker.js runs as a worker thread (see demo-in-worker.ts).');
const data = workerData as DemoWorkerData;
const post = (message: DemoWorkerMessage) => port.postMessage(message);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

let servers: DemoAzureServers | undefined;
let lab: Lab | undefined;
let labStarting: Promise<Lab> | undefined;
let startNetwork: (() => Promise<Lab>) | undefined;

port.on('message', (request: DemoWorkerRequest) => {
	if (request.kind === 'network') {
		if (!startNetwork) return post({kind: 'network-failed', message: 'The Azure stand-ins have not started.'});
		// A failed start is not kept: the next connect tries again.
		labStarting ??= startNetwork().catch(error => {
			labStarting = undefined;
			throw error;
		});
		labStarting.then(
			started => post({kind: 'network-ready', addresses: started.addresses()}),
			error => post({kind: 'network-failed', message: messageOf(error)}),
		);
	} else if (request.kind === 'stop') {
		void stop().finally(() => {
			post({kind: 'stopped'});
			port.close();
		});
	}
});

async function start(): Promise<void> {
	// The lab's Entra signs SSH certificates with this CA and the VMs trust it (app-01 logs in with Entra ID). Made
	// in the thread pool (an RSA key: 0.1-1 s here) while everything else starts: only a certificate grant and the
	// SSH servers wait for it, not the VM list.
	const sshCaMade = createLabSshCaAsync({bits: 2048});
	sshCaMade.catch(() => {}); // reported by whatever waits for it
	// This run's credentials: the only ones its Key Vault serves and its SSH servers accept (ssh2 makes the key, so
	// ssh2 loads here, not in the app's thread, which needs it only for the first connect).
	const credentials = generateLabCredentials();
	const keyPath = writeDemoKey(data.runDirRoot, credentials.privateKey);
	const topology = loadTopologyFile(data.topologyPath);
	// The lab's own reading of its world (not vmux's inventory parsers): its servers follow the topology itself.
	const vms = readLabWorld(topology);
	post({kind: 'progress', text: 'starting the Azure stand-ins: Resource Manager, Resource Graph, Key Vault, Entra ID'});
	servers = await startDemoAzureServers(topology, credentials, sshCaMade);
	followLabPower(servers.arm.power, vms, () => lab, text => post({kind: 'progress', text}));
	startNetwork = async (): Promise<Lab> => {
		post({kind: 'progress', text: `starting SSH servers for ${vms.filter(vm => vm.powerState === 'running').length} running VMs and the Bastion stand-ins`});
		const [{startLab}, sshCa] = await Promise.all([import('./lab.js'), sshCaMade]);
		const started = await startLab(vms, {
			credentials,
			homeFor: vmName => demoHomeFor(data.runDirRoot, vmName),
			entra: {caPublicKeyLine: sshCa.publicKeyLine, users: [LAB_DEFAULT_IDENTITY.upn]},
		});
		try {
			await servers!.attachNetwork({vms, resolve: started.resolve});
		} catch (error) {
			await started.stop().catch(() => {});
			throw error;
		}
		lab = started;
		return started;
	};
	post({kind: 'ready', connection: servers.connection, vms, tenantId: topology.tenantId, credentials});
	// The demo profiles, while the app fetches the VM list: they are in place before the list is drawn.
	try {
		const [{ProfileStore}, {seedDemoProfiles}] = await Promise.all([import('../core/profiles/store.js'), import('./demo-profiles.js')]);
		seedDemoProfiles(new ProfileStore({configDir: data.configDir}), vms, {configDir: data.configDir, keyPath});
	} finally {
		post({kind: 'seeded'});
	}
}

async function stop(): Promise<void> {
	await servers?.close().catch(() => {});
	// A start under way finishes first, so that its servers are stopped too.
	await labStarting?.catch(() => {});
	await lab?.stop().catch(() => {});
}

start().catch(async error => {
	post({kind: 'failed', message: messageOf(error)});
	await servers?.close().catch(() => {});
	port.close();
});
