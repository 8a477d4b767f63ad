/**
 * The CLI verbs' one way in: `vmux ssh`, `vmux exec`, `vmux tunnel` and `vmux cp` build vmux's core without its
 * UI and open connections through saved profiles exactly as the browser does.
 *
 * API for the verbs:
 *
 *   // One connection (ssh, tunnel, cp): the services live as long as the connection; close() ends both.
 *   const {client, spec, target, close} = await openProfileConnection({globals, target: 'web-01', io});
 *
 *   // Several (exec): one set of services, any number of connections.
 *   const session = await startCliSession(globals, io);
 *   const target = await session.resolve('web-01');   // profile name, VM name, or one fuzzy match
 *   const opened = await session.open(target);        // {client, spec, target, close}
 *   await session.dispose();
 *
 * `globals` are the command line's global options (cli-args: --config-dir, --demo, --lab-topology, --tenant,
 * --debug-log). With --demo the lab starts in a worker thread (about a second) WITH its SSH servers and Bastion
 * stand-ins; its profiles are seeded into the config dir as `vmux --demo` seeds them. Questions (host key, password,
 * passphrase, device code) are asked on the terminal when stdin and stderr are one, else declined at once: a
 * failure then rejects with a `ConnectFailure` whose message is one sentence and whose `exitCode` is 255.
 */
import type {Client} from 'ssh2';
import type {GlobalArgs} from '../cli-args.js';
import {configPaths, defaultConfigDir, ensureConfigDir} from '../core/config/paths.js';
import {redact} from '../core/credentials/redact.js';
import {createLogger, setLogRedactor} from '../core/log.js';
import type {AzureSource} from '../core/azure/azure-access.js';
import {SettingsStore} from '../core/profiles/settings-store.js';
import {ProfileStore} from '../core/profiles/store.js';
import type {ConnectionSpec} from '../core/session/types.js';
import {buildCoreServices, type CoreServices, type CoreServicesOptions} from '../core/wiring/core-services.js';
import {ConnectFailure, openConnection, resolveTarget, type OpenedConnection, type ResolvedTarget} from '../core/wiring/open-profile-connection.js';
import {ttyPrompter, type CliPrompter, type TtyPrompterIo} from './tty-prompter.js';

export {ConnectFailure, type OpenedConnection, type ResolvedTarget} from '../core/wiring/open-profile-connection.js';

export type CliGlobals = GlobalArgs['options'];

export interface CliIo extends TtyPrompterIo {
	stdout: NodeJS.WritableStream & {isTTY?: boolean};
	env?: NodeJS.ProcessEnv;
}

export interface CliSession {
	configDir: string;
	services: CoreServices;
	prompter: CliPrompter;
	resolve(name: string): Promise<ResolvedTarget>;
	open(target: ResolvedTarget, options?: {signal?: AbortSignal}): Promise<OpenedConnection>;
	/** The demo lab's network and the SSH servers' address map (demo only): for tunnels to a VM's other ports. */
	demo?: {resolve(host: string, port: number): {host: string; port: number} | undefined};
	dispose(): Promise<void>;
}

/** How long a connect waits for the demo's SSH servers to start. */
const LAB_NETWORK_WAIT_MS = 30_000;

/** Builds the core for a CLI verb; rejects with a ConnectFailure (exit 1) when the config dir or the demo cannot start. */
export async function startCliSession(globals: CliGlobals, io: CliIo, options: {progress?: (line: string) => void} = {}): Promise<CliSession> {
	const paths = configPaths(globals.configDir ?? defaultConfigDir());
	try {
		ensureConfigDir(paths);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
		throw new ConnectFailure(`cannot use ${paths.dir} as the config directory (${code}): make it a directory you own, or choose another with --config-dir.`, 1);
	}
	setLogRedactor(text => redact(text));
	const logger = createLogger(globals.debugLog);
	const settings = new SettingsStore(paths.dir);
	let azure: AzureSource = {kind: 'settings', settings: settings.settings, settingsPath: settings.path, tenant: globals.tenant};
	let hooks: Pick<CoreServicesOptions, 'cacheKey' | 'resolveAddress' | 'secretRequest' | 'beforeConnect'> = {};
	let stopDemo: (() => Promise<void>) | undefined;
	let demoResolve: CliSession['demo'];
	if (globals.demo) {
		const [{startDemoInWorker}, {labAssetPath}, {withDemoPasswordHint}, {resolve: resolvePath}] = await Promise.all([
			import('../lab/demo-in-worker.js'),
			import('../lab/assets.js'),
			import('../lab/demo-password-hint.js'),
			import('node:path'),
		]);
		options.progress?.('Starting the demo lab…');
		let demo;
		try {
			demo = await startDemoInWorker({
				topologyPath: globals.labTopology ? resolvePath(globals.labTopology) : labAssetPath('topology/demo-topology.json'),
				configDir: paths.dir,
				...(options.progress ? {onProgress: options.progress} : {}),
			});
		} catch (error) {
			throw new ConnectFailure(`the demo lab could not start: ${(error as Error).message}`, 1);
		}
		await demo.seeded.catch(() => {});
		const started = demo;
		stopDemo = () => started.stop();
		// The SSH servers start now, alongside the inventory: every CLI verb connects.
		const network = started.network();
		network.catch(() => {});
		azure = {kind: 'clients', clients: started.clients, label: 'demo lab'};
		demoResolve = {resolve: started.resolve};
		hooks = {
			cacheKey: `lab-${started.tenantId}`,
			resolveAddress: started.resolve,
			secretRequest: request => withDemoPasswordHint(request, started.credentials),
			beforeConnect: () => labNetworkReady(network),
		};
	}
	const store = new ProfileStore({configDir: paths.dir});
	let core;
	try {
		core = buildCoreServices({configDir: paths.dir, recordingsDir: paths.recordingsDir, settings, store, logger, azure, ...hooks});
	} catch (error) {
		await stopDemo?.().catch(() => {});
		throw new ConnectFailure((error as Error).message, 1);
	}
	const prompter = ttyPrompter(io);
	// Connections the services plan themselves (a jump host's) ask through the same prompter.
	core.services.prompter.target = prompter;
	const built = core;
	return {
		configDir: paths.dir,
		services: built.services,
		prompter,
		resolve: name => resolveTarget(built.services, name),
		open: (target, openOptions = {}) => openConnection(built.services, target, {prompter, interactive: prompter.interactive, ...openOptions}),
		...(demoResolve ? {demo: demoResolve} : {}),
		async dispose() {
			built.services.prompter.target = undefined;
			await built.dispose().catch(() => {});
			await stopDemo?.().catch(() => {});
		},
	};
}

/**
 * One connection through a profile (or a VM matched as the browser does), with the services it needs; `close()`
 * ends the connection, then the services and the demo lab. Rejects with a ConnectFailure (exitCode 255 when the
 * connection failed, 1 when vmux itself could not start).
 */
export async function openProfileConnection(options: {
	globals: CliGlobals;
	target: string;
	io: CliIo;
	progress?: (line: string) => void;
	signal?: AbortSignal;
	/** `--wait`: wait for a VM in transit (open-profile-connection), telling each step through this. */
	wait?: (line: string) => void;
}): Promise<{
	client: Client;
	spec: ConnectionSpec;
	target: ResolvedTarget;
	session: CliSession;
	close(): Promise<void>;
}> {
	const session = await startCliSession(options.globals, options.io, options.progress ? {progress: options.progress} : {});
	try {
		const target = await session.resolve(options.target);
		const opened = await session.open(target, {...(options.signal ? {signal: options.signal} : {}), ...(options.wait ? {wait: options.wait} : {})});
		return {
			client: opened.client,
			spec: opened.spec,
			target,
			session,
			async close() {
				opened.close();
				await session.dispose();
			},
		};
	} catch (error) {
		await session.dispose();
		throw error;
	}
}

/** Waits, bounded, for the demo's SSH servers; a sentence saying why not when they cannot start. */
async function labNetworkReady(starting: Promise<unknown>): Promise<string | undefined> {
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<'timeout'>(resolve => {
		timer = setTimeout(() => resolve('timeout'), LAB_NETWORK_WAIT_MS);
	});
	try {
		const result = await Promise.race([starting.then(() => 'ready' as const), timedOut]);
		return result === 'ready' ? undefined : `The demo lab's SSH servers did not start within ${LAB_NETWORK_WAIT_MS / 1000} s. Try again in a moment.`;
	} catch (error) {
		return `The demo lab's SSH servers could not start (${(error as Error).message}). Run the command again.`;
	} finally {
		clearTimeout(timer);
	}
}
