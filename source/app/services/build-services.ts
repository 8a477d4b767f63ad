import type {AzureSource} from '../../core/azure/azure-access.js';
import {findClipboardProgram} from '../../core/clipboard/local-clipboard.js';
import {fuzzyVmFilter} from '../../core/inventory/fuzzy-filter.js';
import type {SettingsStore} from '../../core/profiles/settings-store.js';
import {ProfileStore} from '../../core/profiles/store.js';
import {buildCoreServices, type CoreServicesOptions} from '../../core/wiring/core-services.js';
import type {AppServices} from '../app-services.js';
import type {InputRouter} from '../input/input-router.js';
import type {RunOptions} from '../run-app.js';
import {PanePainter} from '../screen/pane-painter.js';
import {DEMO_LABEL, startDemoEarly, type EarlyDemo} from './demo-early.js';

export interface BuiltServices {
	app: AppServices;
	dispose(): Promise<void>;
}

/**
 * The App's services: core's wiring (core/wiring/core-services: sessions, profiles, inventory, Azure, connect
 * planning; the same Azure side `vmux doctor` uses) with the parts only a screen has (painter, input router,
 * clipboard to the terminal) and, in demo mode, the lab standing in for Azure.
 */
export async function buildServices(
	options: RunOptions & {settings: SettingsStore; router: InputRouter; prefixLabel: string; onProgress?: (step: string) => void; early?: EarlyDemo | undefined},
): Promise<BuiltServices> {
	const {settings} = options;
	let splashDone = false;
	let azure: AzureSource = {kind: 'settings', settings: settings.settings, settingsPath: settings.path, tenant: options.tenant};
	let demoHooks: Pick<CoreServicesOptions, 'cacheKey' | 'resolveAddress' | 'secretRequest' | 'beforeConnect' | 'firstInventory' | 'powerWait'> = {};
	let stopDemo: (() => Promise<void>) | undefined;
	if (options.demo) {
		// The lab knows its own world (which VMs run, their addresses); vmux learns it over HTTPS like from Azure.
		// Its credentials are this run's only; the run's files (key, shell homes) go when it stops. The VM list needs
		// only its Azure stand-ins: its SSH servers and Bastions start on the first connect, which waits for them.
		// The lab runs in a worker thread, started by run-app before the app's modules load (demo-early).
		const onProgress = options.onProgress;
		// Progress goes to the starting splash only while it is up; later steps (the first connect's) are logged.
		const early =
			options.early ??
			startDemoEarly({paths: options.paths, labTopology: options.labTopology, onProgress: step => (onProgress && !splashDone ? onProgress(step) : options.logger.debug(`demo lab: ${step}`))});
		const [demo, {withDemoPasswordHint}] = await Promise.all([early.demo, import('../../lab/demo-password-hint.js')]);
		// The lab's worker seeds the demo profiles into the config dir: the store reads them once that is done.
		await demo.seeded.catch(() => {});
		stopDemo = () => demo.stop();
		// The demo's clients are signed in to the lab (and closed with it); its Entra device code is approved by the
		// lab after a moment.
		azure = {kind: 'clients', clients: demo.clients, label: DEMO_LABEL};
		demoHooks = {
			cacheKey: `lab-${demo.tenantId}`,
			resolveAddress: demo.resolve,
			// The demo says its per-run password in the password prompt.
			secretRequest: request => withDemoPasswordHint(request, demo.credentials),
			beforeConnect: () => labNetworkReady(demo.network(), options.logger),
			firstInventory: early.firstInventory,
			// The lab's power operations take seconds, not minutes: a wait for one polls each second.
			powerWait: {intervalMs: 1000},
		};
	}
	const store = new ProfileStore({configDir: options.paths.dir});
	const core = buildCoreServices({
		configDir: options.paths.dir,
		recordingsDir: options.paths.recordingsDir,
		settings,
		store,
		logger: options.logger,
		azure,
		preloadedCache: options.preloadedCache,
		onProgress: options.onProgress,
		...demoHooks,
	});
	splashDone = true;
	const clipboard = settings.settings.clipboard;
	const app: AppServices = {
		...core.services,
		router: options.router,
		prefixLabel: options.prefixLabel,
		maxFps: settings.settings.maxFps,
		painter: new PanePainter(process.stdout, settings.settings.maxFps),
		clipboard: {
			setting: clipboard,
			program: clipboard === 'auto' || clipboard === 'program' ? findClipboardProgram() : undefined,
			terminal: process.stdout,
		},
		filter: fuzzyVmFilter(),
		quit: () => {},
	};
	return {
		app,
		async dispose() {
			await core.dispose();
			await stopDemo?.().catch(() => {});
		},
	};
}

/** How long a connect waits for the demo's SSH servers to start (about 20 ms idle; seconds on a loaded machine). */
const LAB_NETWORK_WAIT_MS = 30_000;

/** Waits, bounded, for the demo's SSH servers; a sentence saying why not when they cannot start. */
async function labNetworkReady(starting: Promise<unknown>, logger: RunOptions['logger']): Promise<string | undefined> {
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<'timeout'>(resolve => {
		timer = setTimeout(() => resolve('timeout'), LAB_NETWORK_WAIT_MS);
	});
	try {
		const result = await Promise.race([starting.then(() => 'ready' as const), timedOut]);
		if (result === 'ready') return undefined;
		return `The demo lab's SSH servers did not start within ${LAB_NETWORK_WAIT_MS / 1000} s. Try again in a moment; if it keeps failing, quit (q) and run vmux --demo again.`;
	} catch (error) {
		logger.error('demo lab: SSH servers did not start', error);
		return `The demo lab's SSH servers could not start (${(error as Error).message}). Quit (q) and run vmux --demo again.`;
	} finally {
		clearTimeout(timer);
	}
}
