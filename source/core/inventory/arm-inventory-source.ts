import type {AzureProblem} from '../azure/errors.js';
import type {ArmClients} from '../azure/clients.js';
import type {InventoryProgress} from './azure-source.js';
import type {InventorySource} from './inventory-controller.js';

/** A refresh's progress as the status line says it. */
export function describeProgress(progress: InventoryProgress): string {
	switch (progress.kind) {
		case 'subscriptions':
			return `refreshing: ${progress.count} subscription${progress.count === 1 ? '' : 's'}…`;
		case 'graph-page':
			return `refreshing: Resource Graph page ${progress.page}${progress.totalRecords ? ` (${progress.rows} of ${progress.totalRecords})` : ''}…`;
		case 'arm-subscription':
			return `refreshing: ${progress.name} (${progress.completed}/${progress.total})…`;
		case 'throttled':
			return `Azure is throttling requests: waiting ${Math.ceil(progress.retryAfterMs / 1000)} s as asked (retry ${progress.attempt}/${progress.maxAttempts})…`;
		case 'fallback':
			return `Resource Graph failed (${progress.reason}); listing per subscription…`;
	}
}

/**
 * Reads the fleet through the real SDK clients (Resource Graph first, ARM listing as the fallback). With
 * `signedIn`, the sign-in is tried first, so a failed sign-in is reported without loading the SDKs.
 */
export function armInventorySource(
	label: string,
	clients: () => Promise<ArmClients>,
	subscriptions: () => readonly string[],
	signedIn?: () => Promise<AzureProblem | undefined>,
): InventorySource {
	return {
		label,
		fetch: async (onProgress, signal) => {
			const problem = await signedIn?.();
			if (problem) return {ok: false, error: problem, problems: []};
			const chosen = subscriptions();
			const {fetchAzureInventory} = await import('./azure-source.js');
			return fetchAzureInventory({
				clients: await clients(),
				subscriptionIds: chosen.length > 0 ? chosen : undefined,
				signal,
				onProgress: progress => onProgress(describeProgress(progress)),
			});
		},
	};
}
