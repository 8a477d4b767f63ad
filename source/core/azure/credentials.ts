import {
	AzureCliCredential,
	ChainedTokenCredential,
	CredentialUnavailableError,
	EnvironmentCredential,
	ManagedIdentityCredential,
	WorkloadIdentityCredential,
	type ManagedIdentityCredentialClientIdOptions,
	type TokenCredential,
} from '@azure/identity';
import type {Agent as HttpsAgent} from 'node:https';
import type {CloudSettings} from './cloud.js';
import {cloudHttpsAgent} from './cloud-agent.js';

export {AZURE_CLI_CLIENT_ID, type DeviceCodePrompt} from './public-client.js';

/**
 * Sign-in. A terminal user is usually signed in with the Azure CLI already, so that comes first; then the rest of
 * DefaultAzureCredential's chain for automation (environment service principal, workload identity, managed
 * identity). When none of them works the app offers a device-code sign-in (URL and code on screen), vmux's own
 * msal-node sign-in in core/entra/msal-sign-in.ts, which also serves Entra SSH certificates.
 */

export interface CredentialOptions {
	cloud: CloudSettings;
	/** `--tenant`; otherwise each credential's default (the CLI's current tenant, AZURE_TENANT_ID, …). */
	tenantId?: string;
}

export interface NamedCredential {
	name: 'AzureCliCredential' | 'EnvironmentCredential' | 'WorkloadIdentityCredential' | 'ManagedIdentityCredential';
	credential: TokenCredential;
}

/**
 * The chain, in order. Exposed so the doctor can try and report each source on its own.
 *
 * A user's subscriptions, vaults and Bastions may sit in several tenants, and vmux asks for a token of the tenant
 * concerned (a subscription's, a Key Vault challenge's). @azure/identity refuses a tenant other than the one a
 * credential was made for unless `additionallyAllowedTenants` lists it, so every credential allows all tenants
 * the sign-in can reach (`*`) — unless `--tenant` narrows the sign-in, and then only that tenant.
 */
export function signInChain(options: CredentialOptions): NamedCredential[] {
	const authorityHost = options.cloud.authorityHost;
	const identity = identityClientOptions(options.cloud);
	const tenantId = options.tenantId;
	const additionallyAllowedTenants = tenantId ? [tenantId] : ['*'];
	return [
		{name: 'AzureCliCredential', credential: new AzureCliCredential(tenantId ? {tenantId} : {additionallyAllowedTenants})},
		// Its tenant is AZURE_TENANT_ID's; `--tenant` may name another, which it then allows too.
		{name: 'EnvironmentCredential', credential: new EnvironmentCredential({...identity, additionallyAllowedTenants})},
		{
			name: 'WorkloadIdentityCredential',
			// Throws in its constructor when its environment is missing; DefaultAzureCredential treats that as
			// "unavailable", and so does this chain.
			credential: unavailableOnThrow('WorkloadIdentityCredential', () => new WorkloadIdentityCredential({...identity, additionallyAllowedTenants, ...(tenantId ? {tenantId} : {})})),
		},
		{
			name: 'ManagedIdentityCredential',
			credential: unavailableOnThrow('ManagedIdentityCredential', () => {
				// As in DefaultAzureCredential: probe IMDS first so a laptop fails fast instead of waiting on retries.
				const managedOptions = {
					authorityHost,
					retryOptions: {maxRetries: 5, retryDelayInMs: 800},
					sendProbeRequest: true,
					...(process.env.AZURE_CLIENT_ID ? {clientId: process.env.AZURE_CLIENT_ID} : {}),
				} as ManagedIdentityCredentialClientIdOptions;
				return new ManagedIdentityCredential(managedOptions);
			}),
		},
	];
}

/**
 * How @azure/identity's Entra credentials (a service principal's secret or certificate, workload identity) reach
 * this cloud's Entra: its authority host; for a custom cloud, no instance discovery (Microsoft's discovery does
 * not know its host; MSAL then reads the authority's OpenID metadata directly) and an agent trusting its CA, if
 * it has one. The chain uses it, and so does anything else that signs in a service principal to the cloud.
 */
export function identityClientOptions(cloud: CloudSettings): {authorityHost: string; disableInstanceDiscovery?: boolean; agent?: HttpsAgent} {
	const agent = cloudHttpsAgent(cloud);
	return {authorityHost: cloud.authorityHost, ...(cloud.name === 'custom' ? {disableInstanceDiscovery: true} : {}), ...(agent ? {agent} : {})};
}

/** Azure CLI first, then environment, workload identity and managed identity. */
export function createAzureCredential(options: CredentialOptions): TokenCredential {
	return new ChainedTokenCredential(...signInChain(options).map(entry => entry.credential));
}

function unavailableOnThrow(name: string, create: () => TokenCredential): TokenCredential {
	try {
		return create();
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return {
			getToken: async () => {
				throw new CredentialUnavailableError(`${name}: ${message}`);
			},
		};
	}
}
