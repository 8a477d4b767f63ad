import {readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import type {ConfigPaths} from '../../core/config/paths.js';
import type {FetchResult} from '../../core/inventory/inventory-controller.js';
import type {WorkerDemo} from '../../lab/demo-in-worker.js';

/** The label the demo's inventory goes by on the status line (core/azure/azure-access: injected clients). */
export const DEMO_LABEL = 'demo lab';

/**
 * `vmux --demo` started before the app's modules load: the lab in its worker thread, the Azure SDK in this one,
 * then the first inventory fetch through that SDK, whose list is drawn as soon as it arrives (run-app) while Ink
 * and the rest still load; the services then start from it (core-services `firstInventory`).
 */
export interface EarlyDemo {
	demo: Promise<WorkerDemo>;
	/** The Azure SDK modules are loaded (the app loads its own modules after them, so they do not compete). */
	sdkLoaded: Promise<unknown>;
	firstInventory: Promise<FetchResult>;
}

export function startDemoEarly(options: {paths: ConfigPaths; labTopology?: string | undefined; onProgress?: ((step: string) => void) | undefined}): EarlyDemo {
	const sdkLoaded = import('../../lab/demo-azure-clients.js');
	const demo = (async () => {
		const [{startDemoInWorker}, {labAssetPath}] = await Promise.all([import('../../lab/demo-in-worker.js'), import('../../lab/assets.js')]);
		// A topology path is the user's, relative to where vmux was started.
		const topologyPath = options.labTopology ? resolve(options.labTopology) : labAssetPath('topology/demo-topology.json');
		return startDemoInWorker({topologyPath, configDir: options.paths.dir, ...(options.onProgress ? {onProgress: options.onProgress} : {})});
	})();
	const firstInventory = (async (): Promise<FetchResult> => {
		const [started, {armInventorySource}] = await Promise.all([demo, import('../../core/inventory/arm-inventory-source.js'), sdkLoaded]);
		options.onProgress?.('listing the VMs (Resource Graph)');
		const source = armInventorySource(DEMO_LABEL, async () => started.clients, () => selectedSubscriptions(options.paths));
		// The list is drawn with the demo profiles already in place (the worker seeds them meanwhile).
		const [result] = await Promise.all([source.fetch(() => {}, new AbortController().signal), started.seeded.catch(() => {})]);
		return result;
	})();
	// Whoever awaits these reports their failures; unawaited they must not end the process.
	for (const promise of [demo, sdkLoaded, firstInventory]) promise.catch(() => {});
	return {demo, sdkLoaded, firstInventory};
}

/**
 * settings.json's `selectedSubscriptions`, read without the settings store (zod and conf load later, after the
 * list is drawn). A file the store would reject lists every subscription here; the store reports it at once.
 */
function selectedSubscriptions(paths: ConfigPaths): string[] {
	try {
		const settings = JSON.parse(readFileSync(join(paths.dir, 'settings.json'), 'utf8')) as {selectedSubscriptions?: unknown};
		const chosen = settings.selectedSubscriptions;
		return Array.isArray(chosen) && chosen.every(id => typeof id === 'string') ? chosen : [];
	} catch {
		return [];
	}
}
