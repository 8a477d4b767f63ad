import type {Agent} from 'node:http';
import {HttpsProxyAgent} from 'https-proxy-agent';
import {getProxyForUrl} from 'proxy-from-env';

/**
 * The proxy settings corporate networks rely on, for the calls vmux makes itself (the Bastion tunnel's `/api/*`
 * and its WebSocket; the Azure SDKs read the same variables on their own): `HTTPS_PROXY` (or `https_proxy`,
 * `ALL_PROXY`), minus the hosts `NO_PROXY` lists, as curl and the Azure CLI read them. Through a proxy the TLS
 * session still runs end to end with the Bastion (HTTP CONNECT), so its certificate is checked as without one.
 */

/** The proxy URL for an `https://` URL, or undefined to connect directly. */
export type ProxyLookup = (url: string) => string | undefined;

export const proxyFromEnvironment: ProxyLookup = url => getProxyForUrl(url) || undefined;

/** One CONNECT agent per proxy URL, made on first use (keep-alive off: a tunnel holds its socket for hours). */
export function proxyAgentCache(): (proxyUrl: string) => Agent {
	const agents = new Map<string, Agent>();
	return proxyUrl => {
		let agent = agents.get(proxyUrl);
		if (!agent) {
			agent = new HttpsProxyAgent(proxyUrl);
			agents.set(proxyUrl, agent);
		}
		return agent;
	};
}

/** A proxy URL fit for a message: scheme, host and port, never its user name or password. */
export function describeProxy(proxyUrl: string): string {
	try {
		const url = new URL(proxyUrl);
		return `${url.protocol}//${url.host}`;
	} catch {
		return 'the proxy in HTTPS_PROXY';
	}
}
