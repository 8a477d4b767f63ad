import type {TokenCredential} from '@azure/identity';
import {armScope, type CloudSettings} from '../../core/azure/cloud.js';
import {describeAzureError, describeDeviceCodeFailure, type AzureProblem} from '../../core/azure/errors.js';
import type {ArmClients} from '../../core/azure/clients.js';
import type {DeviceCodePrompt} from '../../core/azure/credentials.js';
import type {InventoryProgress} from '../../core/inventory/azure-source.js';
import {loadInventoryCache, saveInventoryCache, type CachedInventory} from '../../core/inventory/cache.js';
import type {InventoryCache, InventorySource} from './inventory-controller.js';

/** The cloud the settings name (`cloud` in settings.json); the checks live in core so `vmux doctor` shares them. */
export {cloudFromSettings} from '../../core/azure/cloud.js';

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
			const {fetchAzureInventory} = await import('../../core/inventory/azure-source.js');
			return fetchAzureInventory({
				clients: await clients(),
				subscriptionIds: chosen.length > 0 ? chosen : undefined,
				signal,
				onProgress: progress => onProgress(describeProgress(progress)),
			});
		},
	};
}

/** The inventory cache on disk; `preloaded` (read for the splash) serves the first load instead of reading again. */
export function diskCache(configDir: string, tenantKey: string, preloaded?: CachedInventory, onProblem?: (message: string) => void): InventoryCache {
	let first = preloaded;
	return {
		load: () => {
			const cached = first ?? loadInventoryCache(configDir, tenantKey, onProblem ? {onProblem} : {});
			first = undefined;
			return cached;
		},
		save: inventory => void saveInventoryCache(configDir, tenantKey, inventory),
	};
}

/**
 * Sign-in for real Azure: the CLI-first chain, and a device-code credential when that fails. @azure/identity
 * (~22 MB) is loaded on the first token request, not at start.
 */
export class AzureSignIn {
	private current: Promise<TokenCredential> | undefined;
	/** A TokenCredential the SDK clients hold; it forwards to whichever credential is in use now. */
	readonly credential: TokenCredential = {getToken: async (scopes, options) => (await this.resolve()).getToken(scopes, options)};

	constructor(
		readonly cloud: CloudSettings,
		readonly tenantId: string | undefined,
	) {}

	private resolve(): Promise<TokenCredential> {
		this.current ??= import('../../core/azure/credentials.js').then(m => m.createAzureCredential({cloud: this.cloud, tenantId: this.tenantId}));
		return this.current;
	}

	/** Gets an ARM token: undefined when that works, otherwise the problem, as a sentence. */
	async check(): Promise<AzureProblem | undefined> {
		try {
			await this.credential.getToken(armScope(this.cloud));
			return undefined;
		} catch (error) {
			return describeAzureError(error, {doing: 'signing in'});
		}
	}

	/**
	 * From now on tokens come from a device-code sign-in. `onDone` runs once, when the first token arrives (the
	 * user entered the code) or the first request fails (declined, expired), so the prompt can be taken down.
	 */
	useDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, onDone?: (error?: Error) => void): void {
		let done = false;
		const finish = (error?: Error) => {
			if (done) return;
			done = true;
			onDone?.(error);
		};
		this.current = import('../../core/azure/credentials.js').then(m => {
			const deviceCode = m.createDeviceCodeCredential({cloud: this.cloud, tenantId: this.tenantId, onPrompt});
			const credential: TokenCredential = {
				getToken: async (scopes, options) => {
					try {
						const token = await deviceCode.getToken(scopes, options);
						finish();
						return token;
					} catch (error) {
						finish(new Error(describeDeviceCodeFailure(error)));
						throw error;
					}
				},
			};
			return credential;
		});
	}
}
