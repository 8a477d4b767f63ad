import {Agent, request} from 'node:https';
import {localhostLookup} from '../azure/localhost-lookup.js';
import {proxyAgentCache, proxyFromEnvironment, type ProxyLookup} from '../transport/proxy.js';
import {AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse} from '@azure/msal-node';

/**
 * MSAL's HTTP client for one sign-in. msal-node's own client is the global `fetch`, which cannot be told to
 * trust one extra CA; this one sends MSAL's requests with node:https through an agent that trusts the cloud's CA
 * (the lab's, an Azure Stack Hub's) for this sign-in only — Node's `ca` replaces the default roots for this agent,
 * and every other connection in the process keeps the system's.
 */

/** Token responses are a few kB; anything far larger is not Entra talking. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface NetworkFailure {
	url: string;
	/** Node's error code (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, …) or undefined. */
	code?: string;
	message: string;
}

export class MsalHttpsClient implements INetworkModule {
	private readonly agent: Agent | undefined;
	private readonly ca: string | undefined;
	private readonly proxyFor: ProxyLookup;
	private readonly proxyAgent = proxyAgentCache();
	/**
	 * The last request that failed below HTTP. MSAL reports a failed OpenID discovery only as
	 * `endpoints_resolution_error`; this keeps the cause (a refused connection, an untrusted certificate) so the
	 * user is told which.
	 */
	lastFailure: NetworkFailure | undefined;

	constructor(options: {ca?: string; proxy?: ProxyLookup} = {}) {
		// No keep-alive: a sign-in is a handful of requests, and an idle socket would hold the process open.
		this.agent = options.ca ? new Agent({ca: options.ca, keepAlive: false, lookup: localhostLookup}) : undefined;
		this.ca = options.ca;
		// Behind a corporate proxy Entra is reached through it, as the Azure SDK and the Bastion tunnel do.
		this.proxyFor = options.proxy ?? proxyFromEnvironment;
	}

	sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
		return this.send<T>('GET', url, options, timeout);
	}

	sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
		return this.send<T>('POST', url, options);
	}

	private send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions = {}, timeout?: number): Promise<NetworkResponse<T>> {
		return new Promise((resolve, reject) => {
			const body = method === 'POST' ? Buffer.from(options.body ?? '', 'utf8') : undefined;
			const headers: Record<string, string | number> = {...options.headers};
			if (body) headers['content-length'] = body.length;
			const fail = (code: string | undefined, message: string) => {
				this.lastFailure = {url, code, message};
				reject(new AuthError('network_error', '', `Network request failed: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`));
			};
			const proxy = this.proxyFor(url);
			// Through a proxy the TLS session still runs end to end with Entra (CONNECT): the cloud's CA, if any, is
			// handed to that TLS connection through the request's own options.
			const route = proxy ? {agent: this.proxyAgent(proxy), ...(this.ca ? {ca: this.ca} : {})} : this.agent ? {agent: this.agent} : {};
			const req = request(url, {method, headers, ...route, ...(timeout ? {timeout} : {})}, res => {
				const chunks: Buffer[] = [];
				let size = 0;
				res.on('data', (chunk: Buffer) => {
					size += chunk.length;
					if (size > MAX_RESPONSE_BYTES) {
						res.destroy();
						fail(undefined, `the answer from ${new URL(url).host} is larger than ${MAX_RESPONSE_BYTES} bytes`);
						return;
					}
					chunks.push(chunk);
				});
				res.on('error', error => fail((error as NodeJS.ErrnoException).code, error.message));
				res.on('end', () => {
					if (size > MAX_RESPONSE_BYTES) return;
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed: unknown;
					try {
						parsed = text ? JSON.parse(text) : {};
					} catch {
						reject(new AuthError('token_parsing_error', '', `Failed to parse response: ${new URL(url).host} answered HTTP ${res.statusCode} with a body that is not JSON.`));
						return;
					}
					this.lastFailure = undefined;
					resolve({headers: headerRecord(res.headers), body: parsed as T, status: res.statusCode ?? 0});
				});
			});
			req.on('timeout', () => req.destroy(Object.assign(new Error('Request timeout'), {code: 'ETIMEDOUT'})));
			req.on('error', error => fail((error as NodeJS.ErrnoException).code, error.message));
			req.end(body);
		});
	}
}

function headerRecord(headers: NodeJS.Dict<string | string[]>): Record<string, string> {
	const record: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) record[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return record;
}
