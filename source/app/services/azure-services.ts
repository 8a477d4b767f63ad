import type {TokenCredential} from '@azure/identity';
import {cloudByName, customCloud, type CloudSettings} from '../../core/azure/cloud.js';
import {createArmClients, type ArmClients} from '../../core/azure/clients.js';
import {createAzureCredential, createDeviceCodeCredential, type DeviceCodePrompt} from '../../core/azure/credentials.js';
import {fetchAzureInventory, type InventoryProgress} from '../../core/inventory/azure-source.js';
import {loadInventoryCache, saveInventoryCache} from '../../core/inventory/cache.js';
import type {Settings} from '../../core/profiles/schema.js';
import type {InventoryCache, InventorySource} from './inventory-controller.js';

/** The cloud the settings name (`cloud` in settings.json); custom endpoints are validated with readable errors. */
export function cloudFromSettings(settings: Settings['cloud']): CloudSettings {
	if (settings.name !== 'Custom') return cloudByName(settings.name);
	if (!settings.resourceManagerEndpoint || !settings.authorityHost || !settings.keyVaultDnsSuffix) {
		throw new Error('settings.json: a Custom cloud needs cloud.resourceManagerEndpoint, cloud.authorityHost and cloud.keyVaultDnsSuffix.');
	}
	return customCloud({armEndpoint: settings.resourceManagerEndpoint, authorityHost: settings.authorityHost, keyVaultSuffix: settings.keyVaultDnsSuffix});
}

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

/** Reads the fleet through the real SDK clients (Resource Graph first, ARM listing as the fallback). */
export function armInventorySource(label: string, clients: ArmClients, subscriptions: () => readonly string[]): InventorySource {
	return {
		label,
		fetch: (onProgress, signal) => {
			const chosen = subscriptions();
			return fetchAzureInventory({
				clients,
				subscriptionIds: chosen.length > 0 ? chosen : undefined,
				signal,
				onProgress: progress => onProgress(describeProgress(progress)),
			});
		},
	};
}

export function diskCache(configDir: string, tenantKey: string): InventoryCache {
	return {
		load: () => loadInventoryCache(configDir, tenantKey),
		save: inventory => void saveInventoryCache(configDir, tenantKey, inventory),
	};
}

/** Sign-in for real Azure: the CLI-first chain, and a device-code credential when that fails. */
export class AzureSignIn {
	credential: TokenCredential;

	constructor(
		readonly cloud: CloudSettings,
		readonly tenantId: string | undefined,
	) {
		this.credential = createAzureCredential({cloud, tenantId});
	}

	useDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void): TokenCredential {
		this.credential = createDeviceCodeCredential({cloud: this.cloud, tenantId: this.tenantId, onPrompt});
		return this.credential;
	}
}
