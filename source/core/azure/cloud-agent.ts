import {Agent as HttpsAgent} from 'node:https';
import type {CloudSettings} from './cloud.js';
import {localhostLookup} from './localhost-lookup.js';

/**
 * The HTTPS agent for a cloud's SDK clients (ARM, Key Vault, the identity credentials), or undefined to keep the
 * SDK's own (system roots, and the SDK's proxy support from HTTPS_PROXY). A cloud with its own CA gets an agent
 * that trusts that CA for these connections only (Node's `ca` replaces the roots for this agent, never globally),
 * and resolves `*.localhost` names to loopback as RFC 6761 asks — Node's resolver does not — so a custom cloud
 * on this machine (the lab is one) needs no rule of its own.
 */
export function cloudHttpsAgent(cloud: CloudSettings): HttpsAgent | undefined {
	if (!cloud.tlsCa) return undefined;
	return new HttpsAgent({ca: cloud.tlsCa, keepAlive: true, lookup: localhostLookup});
}
