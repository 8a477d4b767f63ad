import type {TokenCredential} from '@azure/identity';
import {armScope, type CloudSettings} from '../../core/azure/cloud.js';
import {describeAzureError, describeDeviceCodeFailure, type AzureProblem} from '../../core/azure/errors.js';
import type {ArmClients} from '../../core/azure/clients.js';
import type {DeviceCodePrompt} from '../../core/azure/public-client.js';
import type {EntraSignIn} from '../../core/entra/msal-sign-in.js';
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
 * Sign-in for real Azure: the CLI-first chain, and vmux's own device-code sign-in (msal-node) when that fails.
 * The device-code sign-in is one object for everything: ARM and Key Vault tokens, and Entra SSH certificates
 * (`entra()`). @azure/identity (~22 MB) and msal-node are loaded on first use, not at start.
 */
export class AzureSignIn {
	private current: Promise<TokenCredential> | undefined;
	private entraSignIn: Promise<EntraSignIn> | undefined;
	/** A TokenCredential the SDK clients hold; it forwards to whichever credential is in use now. */
	readonly credential: TokenCredential = {
		getToken: async (scopes, options) => {
			// Once the user has signed in with vmux's own sign-in (L, or while connecting an Entra profile), that
			// sign-in serves every call: it is the one they chose, and the chain may have failed already.
			const own = this.entraSignIn ? await this.entraSignIn : undefined;
			return (own?.signedIn ? own.credential : await this.resolve()).getToken(scopes, options);
		},
	};

	constructor(
		readonly cloud: CloudSettings,
		readonly tenantId: string | undefined,
	) {}

	private resolve(): Promise<TokenCredential> {
		this.current ??= import('../../core/azure/credentials.js').then(m => m.createAzureCredential({cloud: this.cloud, tenantId: this.tenantId}));
		return this.current;
	}

	/** vmux's own Entra sign-in for this cloud and tenant (made on first use, signed in or not). */
	entra(): Promise<EntraSignIn> {
		this.entraSignIn ??= import('../../core/entra/msal-sign-in.js').then(m => new m.EntraSignIn({cloud: this.cloud, tenantId: this.tenantId}));
		return this.entraSignIn;
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
	 * Signs in with a device code, and from now on tokens come from that sign-in. `onDone` runs once, when the
	 * user has entered the code or the sign-in failed (declined, expired), so the prompt can be taken down.
	 */
	useDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, onDone?: (error?: Error) => void): void {
		this.current = this.entra().then(entra => {
			// Started before the credential is handed out, so a token request made now waits for this sign-in.
			entra.signInWithDeviceCode(onPrompt).then(
				() => onDone?.(),
				(error: unknown) => onDone?.(new Error(describeDeviceCodeFailure(error))),
			);
			return entra.credential;
		});
	}
}
