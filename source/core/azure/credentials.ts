import {
	AzureCliCredential,
	ChainedTokenCredential,
	CredentialUnavailableError,
	DeviceCodeCredential,
	EnvironmentCredential,
	ManagedIdentityCredential,
	WorkloadIdentityCredential,
	type AccessToken,
	type GetTokenOptions,
	type ManagedIdentityCredentialClientIdOptions,
	type TokenCredential,
} from '@azure/identity';
import {Agent as HttpsAgent} from 'node:https';
import type {CloudSettings} from './cloud.js';

/**
 * Sign-in. A terminal user is usually signed in with the Azure CLI already, so that comes first; then the rest of
 * DefaultAzureCredential's chain for automation (environment service principal, workload identity, managed
 * identity). When none of them works the app offers a device-code sign-in (URL and code on screen).
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

/** The chain, in order. Exposed so the doctor can try and report each source on its own. */
export function signInChain(options: CredentialOptions): NamedCredential[] {
	const authorityHost = options.cloud.authorityHost;
	const tenantId = options.tenantId;
	return [
		{name: 'AzureCliCredential', credential: new AzureCliCredential(tenantId ? {tenantId} : {})},
		{name: 'EnvironmentCredential', credential: new EnvironmentCredential({authorityHost})},
		{
			name: 'WorkloadIdentityCredential',
			// Throws in its constructor when its environment is missing; DefaultAzureCredential treats that as
			// "unavailable", and so does this chain.
			credential: unavailableOnThrow('WorkloadIdentityCredential', () => new WorkloadIdentityCredential({authorityHost, ...(tenantId ? {tenantId} : {})})),
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

/** Azure CLI first, then environment, workload identity and managed identity. */
export function createAzureCredential(options: CredentialOptions): TokenCredential {
	return new ChainedTokenCredential(...signInChain(options).map(entry => entry.credential));
}

export interface DeviceCodePrompt {
	/** Where the user signs in (e.g. https://microsoft.com/devicelogin). */
	url: string;
	code: string;
	/** Entra's full instruction sentence. */
	message: string;
}

export interface DeviceCodeOptions extends CredentialOptions {
	/** Called with the URL and code to show on screen. */
	onPrompt: (prompt: DeviceCodePrompt) => void;
	/** Public client to sign in as; defaults to the Azure CLI's, as `az login --use-device-code` does. */
	clientId?: string;
}

/** The Azure CLI's public client id (contracts §4). */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/**
 * DeviceCodeCredential keeps tokens for continuous access evaluation (CAE) in a second MSAL application with its
 * own cache. The Azure SDK clients ask with `enableCae: true` and vmux's sign-in check without, so the user would
 * be asked to sign in twice (found by test/lab/entra). Every request goes through the CAE application instead:
 * one sign-in, one cache, and tokens that every Azure service accepts.
 */
class SingleSignInDeviceCodeCredential extends DeviceCodeCredential {
	override getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
		return super.getToken(scopes, {...options, enableCae: true});
	}
}

export function createDeviceCodeCredential(options: DeviceCodeOptions): DeviceCodeCredential {
	const {cloud} = options;
	return new SingleSignInDeviceCodeCredential({
		tenantId: options.tenantId ?? 'organizations',
		clientId: options.clientId ?? AZURE_CLI_CLIENT_ID,
		authorityHost: cloud.authorityHost,
		userPromptCallback: info => options.onPrompt({url: info.verificationUri, code: info.userCode, message: info.message}),
		// The cloud's CA (the lab's) is trusted by this credential's own HTTPS agent only: Node's `ca` replaces the
		// default roots for this agent, and every other connection keeps the system's. No keep-alive, since a
		// credential has no close(); sign-in is a handful of requests.
		...(cloud.tlsCa ? {agent: new HttpsAgent({ca: cloud.tlsCa})} : {}),
		// MSAL validates an unknown authority host through instance discovery on login.microsoftonline.com, which
		// a custom cloud (Azure Stack, the lab) is not listed in; those authorities are trusted as configured.
		...(cloud.name === 'custom' || cloud.name === 'lab' ? {disableInstanceDiscovery: true} : {}),
	});
}

export type LabTokenSource = (scopes: string[]) => AccessToken | Promise<AccessToken>;

/**
 * A TokenCredential for the lab: the token comes from the lab's issuer (in-process for `vmux --demo`), so the
 * real SDK clients authenticate against the lab's stand-ins exactly as against Azure.
 */
export class LabCredential implements TokenCredential {
	private readonly source: LabTokenSource;

	constructor(source: LabTokenSource | AccessToken) {
		this.source = typeof source === 'function' ? source : () => source;
	}

	async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
		const token = await this.source(Array.isArray(scopes) ? scopes : [scopes]);
		return {token: token.token, expiresOnTimestamp: token.expiresOnTimestamp, tokenType: 'Bearer'};
	}
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
