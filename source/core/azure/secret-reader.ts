import {vaultUrlInCloud, type CloudSettings} from './cloud.js';
import type {KeyVaultClients} from './keyvault.js';

/**
 * Reads secret values for connecting and for the doctor, from the vault URL a profile keeps (see
 * vaultUrlInCloud). Light on purpose: the Key Vault SDK loads through `clients()` when a secret is first read.
 */
export function secretReader(clients: () => Promise<KeyVaultClients>, cloud: () => Promise<CloudSettings>): (vaultUrl: string, secretName: string, signal?: AbortSignal) => Promise<string> {
	return async (vaultUrl, secretName, signal) => {
		const url = vaultUrlInCloud(await cloud(), vaultUrl);
		return (await clients()).getSecret(url, secretName, signal ? {abortSignal: signal} : {});
	};
}
