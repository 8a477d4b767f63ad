import {Agent as HttpsAgent} from 'node:https';
import type {CloudSettings} from '../azure/cloud.js';
import {localhostLookup} from '../azure/localhost-lookup.js';
import type {BastionEndpoint} from './bastion.js';
import {describeProxy, proxyAgentCache, proxyFromEnvironment, type ProxyLookup} from './proxy.js';

/**
 * Where a cloud's Bastion hosts are reached. In Azure, the Bastion's own `dnsName` (with the cloud's extra CA
 * when it has one). In the lab, every Bastion lives on the lab's HTTPS port under `{first label}.bastion.localhost`
 * (see labBastionHost), resolved to loopback here: Node's resolver does not map `*.localhost` names.
 * Either way, a proxy from HTTPS_PROXY (unless NO_PROXY lists the host) carries the connection; the proxy
 * resolves the name then, and the CA still checks the Bastion's certificate end to end.
 */
export function bastionEndpoints(cloud: CloudSettings, proxyFor: ProxyLookup = proxyFromEnvironment): (host: string) => BastionEndpoint {
	const ca = cloud.tlsCa ? {ca: cloud.tlsCa} : {};
	const proxyAgent = proxyAgentCache();
	const lab = cloud.name === 'lab';
	const port = lab ? new URL(cloud.armEndpoint).port : '';
	const direct = lab ? new HttpsAgent({...ca, lookup: localhostLookup}) : cloud.tlsCa ? new HttpsAgent(ca) : undefined;
	return dnsName => {
		const host = lab ? labBastionHost(dnsName) : dnsName;
		const origin = `https://${host}${port ? `:${port}` : ''}`;
		// Read at every connect, so a changed environment (or a test's) applies to the next tunnel.
		const proxy = proxyFor(origin);
		if (proxy) return {origin, host, agent: proxyAgent(proxy), ...ca, proxy: describeProxy(proxy)};
		return {origin, host, ...(direct ? {agent: direct} : {}), ...ca};
	};
}

/**
 * `bst-1234.bastion.azure.com` -> `bst-1234.bastion.localhost`: one label under `bastion.localhost`, which the
 * lab certificate's `*.bastion.localhost` covers (Node refuses a bare `*.localhost` wildcard).
 */
export function labBastionHost(host: string): string {
	const lower = host.toLowerCase();
	return /^[a-z0-9-]+\.bastion\.localhost$/.test(lower) ? lower : `${lower.split('.')[0]!}.bastion.localhost`;
}

