import {Agent as HttpsAgent} from 'node:https';
import type {CloudSettings} from '../azure/cloud.js';
import {localhostLookup} from '../azure/localhost-lookup.js';
import type {BastionEndpoint} from './bastion.js';
import {describeProxy, proxyAgentCache, proxyFromEnvironment, type ProxyLookup} from './proxy.js';

/**
 * Where a cloud's Bastion hosts are reached: at the Bastion's own `dnsName` (and the data-pod hosts it hands
 * out), on the cloud's data-plane port when it is not 443, trusting the cloud's extra CA when it has one. Every
 * cloud takes this one path; names under `*.localhost` resolve to loopback (RFC 6761; Node's resolver does not),
 * which is all a cloud on this machine, such as the lab, needs.
 * A proxy from HTTPS_PROXY (unless NO_PROXY lists the host) carries the connection; the proxy resolves the name
 * then, and the CA still checks the Bastion's certificate end to end.
 */
export function bastionEndpoints(cloud: CloudSettings, proxyFor: ProxyLookup = proxyFromEnvironment): (host: string) => BastionEndpoint {
	const ca = cloud.tlsCa ? {ca: cloud.tlsCa} : {};
	const proxyAgent = proxyAgentCache();
	const port = cloud.dataPlanePort ? `:${cloud.dataPlanePort}` : '';
	const direct = new HttpsAgent({...ca, lookup: localhostLookup});
	return dnsName => {
		const host = dnsName.trim().toLowerCase();
		const origin = `https://${host}${port}`;
		// Read at every connect, so a changed environment (or a test's) applies to the next tunnel.
		const proxy = proxyFor(origin);
		if (proxy) return {origin, host, agent: proxyAgent(proxy), ...ca, proxy: describeProxy(proxy)};
		return {origin, host, agent: direct, ...ca};
	};
}
