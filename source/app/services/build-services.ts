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
	options: RunOptions & {settings: SettingsStore; router: InputRouter; prefixLabel: string; onProgress?: (step: string) => void},
): Promise<BuiltServices> {
	const {settings} = options;
	const store = new ProfileStore({configDir: options.paths.dir});
	let azure: AzureSource = {kind: 'settings', settings: settings.settings, settingsPath: settings.path, tenant: options.tenant};
	let demoHooks: Pick<CoreServicesOptions, 'cacheKey' | 'resolveAddress' | 'secretRequest'> = {};
	let stopDemo: (() => Promise<void>) | undefined;
	if (options.demo) {
		const {loadDemoTopology, loadTopologyFile} = await import('../../lab/topology/index.js');
		const {startDemo, withDemoPasswordHint} = await import('../../lab/demo.js');
		const topology = options.labTopology ? loadTopologyFile(options.labTopology) : loadDemoTopology();
		// The lab knows its own world (which VMs run, their addresses); vmux learns it over HTTPS like from Azure.
		// Its credentials are this run's only; the run's files (key, shell homes) go when it stops.
		const demo = await startDemo({topology, configDir: options.paths.dir, store, ssh: true, ...(options.onProgress ? {onProgress: options.onProgress} : {})});
		stopDemo = () => demo.stop();
		// The demo's clients are signed in to the lab (and closed with it); its Entra device code is approved by the
		// lab after a moment.
		azure = {kind: 'clients', clients: demo.azure.clients, label: 'demo lab'};
		demoHooks = {
			cacheKey: `lab-${topology.tenantId}`,
			resolveAddress: demo.resolve,
			// The demo says its per-run password in the password prompt.
			secretRequest: request => withDemoPasswordHint(request, demo.credentials),
		};
	}
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
