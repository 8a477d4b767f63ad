import {Worker} from 'node:worker_threads';
import type {ArmClients} from '../core/azure/clients.js';
import type {VmRecord} from '../core/inventory/model.js';
import type {LabCredentials} from './credentials.js';
import {createDemoRunDir} from './demo-run-dir.js';
import {bypassProxyForLab} from './lab-proxy.js';
import type {DemoWorkerData, DemoWorkerMessage, DemoWorkerRequest} from './demo-worker.js';

/** How long stopping waits for the lab's thread to close its servers before it is terminated. */
const STOP_WAIT_MS = 3000;

/** The demo as the app uses it: the lab's Azure through the app's own SDK clients, its SSH servers on request. */
export interface WorkerDemo {
	vms: VmRecord[];
	credentials: LabCredentials;
	/** The topology's home tenant (the inventory cache's key). */
	tenantId: string;
	/** The run's private key file, for the demo's key-file profiles. */
	keyPath: string;
	/** The demo profiles are in the config dir (made in the worker while the app fetches the list). */
	seeded: Promise<void>;
	/** The real SDK clients, signed in to the lab (closed by `stop`). */
	clients: ArmClients;
	/** Starts the SSH servers and the Bastion stand-ins (once; concurrent callers share it; a failure is retried). */
	network(): Promise<void>;
	/** VM address -> the loopback address of its SSH server, once the network is up. */
	resolve(host: string, port: number): {host: string; port: number} | undefined;
	stop(): Promise<void>;
}

export interface WorkerDemoOptions {
	topologyPath: string;
	/** Where the demo profiles are seeded. */
	configDir: string;
	/** A line for each step. */
	onProgress?(line: string): void;
}

/**
 * Starts the demo lab in a worker thread (demo-worker.ts) and the app's SDK clients for it here, in parallel: the
 * lab's module loading and its servers' work run on the other core while this thread loads the Azure SDK. The
 * run's directory (its key file, the shells' homes) is made here, so this process's exit removes it whatever the
 * worker was doing. Rejects with the lab's own sentence (a bad topology file) if it cannot start.
 */
export async function startDemoInWorker(options: WorkerDemoOptions): Promise<WorkerDemo> {
	// In this thread: the app's clients are the ones that must not send the lab's requests to a proxy.
	bypassProxyForLab();
	const runDir = createDemoRunDir(undefined);
	const data: DemoWorkerData = {topologyPath: options.topologyPath, runDirRoot: runDir.root, configDir: options.configDir};
	const worker = new Worker(new URL('./demo-worker.js', import.meta.url), {workerData: data, stdout: true, stderr: true});
	// The lab never writes to the user's terminal; what it prints is dropped.
	worker.stdout.resume();
	worker.stderr.resume();
	const listeners = new Set<(message: DemoWorkerMessage) => void>();
	let exited: Error | undefined;
	worker.on('message', (message: DemoWorkerMessage) => {
		if (message.kind === 'progress') options.onProgress?.(message.text);
		for (const listener of listeners) listener(message);
	});
	const waitFor = <K extends DemoWorkerMessage['kind']>(kinds: K[]): Promise<Extract<DemoWorkerMessage, {kind: K}>> =>
		new Promise((resolve, reject) => {
			if (exited) return reject(exited);
			const done = () => {
				listeners.delete(onMessage);
				worker.off('error', onError);
				worker.off('exit', onExit);
			};
			const onMessage = (message: DemoWorkerMessage) => {
				if (!(kinds as string[]).includes(message.kind)) return;
				done();
				resolve(message as Extract<DemoWorkerMessage, {kind: K}>);
			};
			const onError = (error: Error) => {
				done();
				reject(new Error(`The demo lab stopped: ${error.message}`));
			};
			const onExit = () => {
				done();
				reject(exited ?? new Error('The demo lab stopped.'));
			};
			listeners.add(onMessage);
			worker.once('error', onError);
			worker.once('exit', onExit);
		});
	worker.on('error', error => (exited ??= new Error(`The demo lab stopped: ${error.message}`)));
	worker.on('exit', () => (exited ??= new Error('The demo lab stopped.')));
	const send = (request: DemoWorkerRequest) => worker.postMessage(request);
	// The SDK loads here while the lab starts there.
	const clientsModule = import('./demo-azure-clients.js');
	clientsModule.catch(() => {});
	try {
		const readyMessage = waitFor(['ready', 'failed']);
		// Listening before `ready` arrives: `seeded` follows it closely.
		const seeded = waitFor(['seeded']).then(() => {});
		seeded.catch(() => {});
		const ready = await readyMessage;
		if (ready.kind === 'failed') throw new Error(ready.message);
		const {credentials} = ready;
		const run = runDir;
		const clients = (await clientsModule).demoAzureClients(ready.connection);
		const addresses = new Map<string, {host: string; port: number}>();
		let networkStarting: Promise<void> | undefined;
		return {
			vms: ready.vms,
			credentials,
			tenantId: ready.tenantId,
			keyPath: run.keyPath,
			seeded,
			clients,
			network() {
				networkStarting ??= (async () => {
					const reply = waitFor(['network-ready', 'network-failed']);
					send({kind: 'network'});
					const result = await reply;
					if (result.kind === 'network-failed') throw new Error(result.message);
					for (const [address, to] of result.addresses) addresses.set(address, to);
				})().catch(error => {
					networkStarting = undefined;
					throw error;
				});
				return networkStarting;
			},
			resolve: (host, port) => (port === 22 ? addresses.get(host) : undefined),
			async stop() {
				clients.close();
				try {
					if (!exited) {
						const stopped = waitFor(['stopped']).catch(() => {});
						send({kind: 'stop'});
						await Promise.race([stopped, new Promise(resolve => setTimeout(resolve, STOP_WAIT_MS).unref())]);
					}
				} finally {
					await worker.terminate();
					run.remove();
				}
			},
		};
	} catch (error) {
		await worker.terminate();
		runDir.remove();
		throw error;
	}
}
