import {Agent as HttpAgent} from 'node:http';
import type {Agent as HttpsAgent} from 'node:https';
import type {ComputeManagementClient} from '@azure/arm-compute';
import type {NetworkManagementClient} from '@azure/arm-network';
import {ResourceGraphClient} from '@azure/arm-resourcegraph';
import {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import type {TokenCredential} from '@azure/identity';
import {armScope, type CloudSettings} from './cloud.js';
import {cloudHttpsAgent} from './cloud-agent.js';
import {sendWithRetries, type RetryOptions} from './retry.js';
import {SubscriptionTenants, tenantCredential} from './tenants.js';
import type {ThrottleListener} from './throttle.js';
import {cachingCredential} from './token-cache.js';

/**
 * The Azure SDK clients vmux uses, built from the cloud setting: endpoint and token scope come from it, a custom
 * cloud's CA is trusted through a per-client HTTPS agent only when the cloud carries one (never globally), and every
 * client shares one retry policy: 429s with progress, transient 5xx and dropped connections with backoff, all
 * within one bound on the total wait (see retry.ts).
 */

export interface ArmClientsOptions {
	cloud: CloudSettings;
	credential: TokenCredential;
	/**
	 * The one tenant the sign-in is narrowed to (`--tenant`, the cloud setting's `tenantId`): only its subscriptions
	 * are listed. Without it, every tenant the user belongs to is listed.
	 */
	tenantId?: string;
	/** 429 retries before the error surfaces (default 5). */
	maxThrottleRetries?: number;
	/** Wait when a 429 has no Retry-After (default 5 s). */
	defaultThrottleDelayMs?: number;
	/** Retries of a 5xx or dropped connection (default 3). */
	maxTransientRetries?: number;
	/** First backoff after a transient failure (default 800 ms); tests make it short. */
	transientBaseDelayMs?: number;
	/** All the waiting one request may do across its retries (default 3 minutes). */
	maxTotalWaitMs?: number;
}

export interface ArmClients {
	cloud: CloudSettings;
	credential: TokenCredential;
	/** The tenant the sign-in is narrowed to, if any (see ArmClientsOptions). */
	tenantId?: string;
	/** The tenant of each subscription, filled by the subscription lists; calls on a subscription use its tenant. */
	tenants: SubscriptionTenants;
	/** The credential for calls on one subscription: it asks for tokens of that subscription's tenant. */
	credentialFor(subscriptionId: string): TokenCredential;
	/** Subscriptions and tenants lists, with tokens of `tenantId` (default: the sign-in's own tenant). */
	subscriptions(tenantId?: string): SubscriptionClient;
	/**
	 * Compute and network clients load their SDK packages on first use (about a second of module loading on a busy
	 * machine, more than the rest of the start): listing VMs goes through Resource Graph and needs neither.
	 */
	compute(subscriptionId: string): Promise<ComputeManagementClient>;
	network(subscriptionId: string): Promise<NetworkManagementClient>;
	/** Resource Graph answers for the tenant of its token: one client per tenant (default: the sign-in's own). */
	resourceGraph(tenantId?: string): ResourceGraphClient;
	/** Listen for throttling (to show "retrying in N s"); returns the unsubscribe function. */
	onThrottle(listener: ThrottleListener): () => void;
	/** Frees keep-alive sockets. */
	close(): void;
}

type CorePolicy = Parameters<NetworkManagementClient['pipeline']['addPolicy']>[0];
type GraphOptions = NonNullable<ConstructorParameters<typeof ResourceGraphClient>[1]>;
type GraphRequestPolicyFactory = Extract<NonNullable<GraphOptions['requestPolicyFactories']>, unknown[]>[number];

export function createArmClients(options: ArmClientsOptions): ArmClients {
	const {cloud, credential} = options;
	const listeners = new Set<ThrottleListener>();
	const retry: RetryOptions = {
		maxRetries: options.maxThrottleRetries,
		defaultDelayMs: options.defaultThrottleDelayMs,
		maxTransientRetries: options.maxTransientRetries,
		transientBaseDelayMs: options.transientBaseDelayMs,
		maxTotalWaitMs: options.maxTotalWaitMs,
		listeners,
	};
	const scope = armScope(cloud);
	// A cloud with its own CA trusts it for these clients only; every other connection keeps the system's roots.
	const httpsAgent = cloudHttpsAgent(cloud);
	const coreOptions = {
		endpoint: cloud.armEndpoint,
		// One retry policy (below) instead of the SDK's silent ones.
		retryOptions: {maxRetries: 0},
		userAgentOptions: {userAgentPrefix: 'vmux'},
		...(httpsAgent ? {agent: httpsAgent} : {}),
	};
	const policy = retryPolicy(retry);

	const tenants = new SubscriptionTenants();
	// Narrowed to one tenant, every call is that tenant's already: no tenant is named per call, so a tenant given by
	// domain name (`contoso.onmicrosoft.com`) is not refused for differing from the subscriptions' tenant ids.
	const credentialFor = (subscriptionId: string): TokenCredential =>
		options.tenantId ? credential : tenantCredential(credential, () => tenants.tenantOf(subscriptionId));
	const credentialOfTenant = (tenantId: string | undefined): TokenCredential =>
		tenantId && !options.tenantId ? tenantCredential(credential, () => tenantId) : credential;
	const subscriptionClients = new Map<string, SubscriptionClient>();
	const graphClients = new Map<string, ResourceGraphClient>();
	// Promises, so that calls made while the package loads share one client.
	const computeClients = new Map<string, Promise<ComputeManagementClient>>();
	const networkClients = new Map<string, Promise<NetworkManagementClient>>();

	return {
		cloud,
		credential,
		...(options.tenantId ? {tenantId: options.tenantId} : {}),
		tenants,
		credentialFor,
		subscriptions(tenantId) {
			const key = tenantId?.toLowerCase() ?? '';
			let client = subscriptionClients.get(key);
			if (!client) {
				client = withPolicy(
					new SubscriptionClient(credentialOfTenant(tenantId), {...coreOptions, $host: cloud.armEndpoint, credentialScopes: [scope]}),
					policy,
				);
				subscriptionClients.set(key, client);
			}
			return client;
		},
		compute(subscriptionId) {
			let client = computeClients.get(subscriptionId);
			if (!client) {
				client = import('@azure/arm-compute').then(({ComputeManagementClient}) =>
					withPolicy(new ComputeManagementClient(credentialFor(subscriptionId), subscriptionId, {...coreOptions, credentials: {scopes: [scope]}}), policy),
				);
				computeClients.set(subscriptionId, client);
			}
			return client;
		},
		network(subscriptionId) {
			let client = networkClients.get(subscriptionId);
			if (!client) {
				client = import('@azure/arm-network').then(({NetworkManagementClient}) =>
					withPolicy(
						new NetworkManagementClient(credentialFor(subscriptionId), subscriptionId, {...coreOptions, $host: cloud.armEndpoint, credentialScopes: [scope]}),
						policy,
					),
				);
				networkClients.set(subscriptionId, client);
			}
			return client;
		},
		resourceGraph(tenantId) {
			const key = tenantId?.toLowerCase() ?? '';
			let client = graphClients.get(key);
			if (!client) {
				client = createGraphClient(cloud, credentialOfTenant(tenantId), scope, retry, httpsAgent);
				graphClients.set(key, client);
			}
			return client;
		},
		onThrottle(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		close() {
			httpsAgent?.destroy();
		},
	};
}

type AddPolicyOptions = Parameters<NetworkManagementClient['pipeline']['addPolicy']>[1];

function withPolicy<T extends {pipeline: {addPolicy(policy: CorePolicy, options?: AddPolicyOptions): void}}>(client: T, policy: CorePolicy): T {
	// In the Retry phase: inside deserialization (which turns a 429 into a thrown error) and outside signing (so a
	// retry carries a fresh token).
	client.pipeline.addPolicy(policy, {phase: 'Retry'});
	return client;
}

/** core-rest-pipeline policy (compute, network, subscriptions). */
function retryPolicy(options: RetryOptions): CorePolicy {
	return {
		name: 'vmuxRetry',
		sendRequest: (request, next) =>
			sendWithRetries(() => next(request), response => response.headers.get('retry-after'), {url: request.url, signal: request.abortSignal}, options),
	};
}

/**
 * arm-resourcegraph 4 is built on the older ms-rest-js runtime: it takes ServiceClientCredentials, request
 * policy factories and agent settings instead of the core options, so it gets the same behaviour through those.
 */
function createGraphClient(
	cloud: CloudSettings,
	credential: TokenCredential,
	scope: string,
	retry: RetryOptions,
	httpsAgent: HttpsAgent | undefined,
): ResourceGraphClient {
	// ms-rest-js signs every request itself, with no token cache of its own: without this, each page of a large
	// fleet asked the credential again (with AzureCliCredential, one `az` process per page).
	const tokens = cachingCredential(credential);
	// ms-rest-js would pick the token scope from a fixed list of public ARM hosts; sign with the cloud's scope instead.
	const credentials = {
		async signRequest<T extends {headers: {set(name: string, value: string): void}}>(webResource: T): Promise<T> {
			const token = await tokens.getToken(scope);
			if (!token) throw new Error(`No access token was returned for ${scope}.`);
			webResource.headers.set('authorization', `Bearer ${token.token}`);
			return webResource;
		},
	};
	const retryFactory = {
		create: (nextPolicy: {sendRequest(request: unknown): Promise<unknown>}) => ({
			sendRequest: (request: {clone(): unknown; url: string; abortSignal?: {aborted: boolean; addEventListener?: (type: 'abort', listener: () => void) => void}}) =>
				sendWithRetries(
					() => nextPolicy.sendRequest(request.clone()) as Promise<{status: number; headers: {get(name: string): string | undefined}}>,
					response => response.headers.get('retry-after'),
					{url: request.url, signal: request.abortSignal},
					retry,
				),
		}),
	} as unknown as GraphRequestPolicyFactory;
	const graphOptions: GraphOptions = {
		baseUri: cloud.armEndpoint,
		noRetryPolicy: true,
		// Last, next to the HTTP client: ms-rest-js's deserialization policy turns a 429 or a 503 into an error
		// before any outer policy could see the status.
		requestPolicyFactories: defaults => [...defaults, retryFactory],
		...(httpsAgent ? {agentSettings: {https: httpsAgent, http: new HttpAgent()}} : {}),
	};
	return new ResourceGraphClient(credentials as unknown as ConstructorParameters<typeof ResourceGraphClient>[0], graphOptions);
}
