import {Agent as HttpsAgent} from 'node:https';
import type {CloudSettings} from '../azure/cloud.js';
import {localhostLookup} from '../azure/localhost-lookup.js';
import type {BastionEndpoint} from './bastion.js';

/**
 * Where a cloud's Bastion hosts are reached. In Azure, the Bastion's own `dnsName` (with the cloud's extra CA
 * when it has one). In the lab, every Bastion lives on the lab's HTTPS port under `{first label}.bastion.localhost`
 * (see labBastionHost), resolved to loopback here: Node's resolver does not map `*.localhost` names.
 */
export function bastionEndpoints(cloud: CloudSettings): (host: string) => BastionEndpoint {
	if (cloud.name !== 'lab') {
		const agent = cloud.tlsCa ? new HttpsAgent({ca: cloud.tlsCa}) : undefined;
		return host => ({origin: `https://${host}`, host, ...(agent ? {agent} : {})});
	}
	const port = new URL(cloud.armEndpoint).port;
	const agent = new HttpsAgent({...(cloud.tlsCa ? {ca: cloud.tlsCa} : {}), lookup: localhostLookup});
	return host => {
		const labHost = labBastionHost(host);
		return {origin: `https://${labHost}${port ? `:${port}` : ''}`, host: labHost, agent};
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

