import type {TokenCredential} from '@azure/identity';
import {armScope, type CloudSettings} from '../azure/cloud.js';
import {parseResourceId} from '../azure/resource-id.js';
import type {Transport} from '../session/types.js';
import type {BastionInfo, BastionTunnelTarget} from './bastion.js';
import {bastionEndpoints} from './bastion-endpoints.js';

/**
 * Builds Bastion tunnels for one cloud and sign-in: each connection gets its own tunnel, paid for with a fresh
 * ARM token at every (re)connect, so a reconnect after an hour does not fail on an expired token. The token is
 * for the tenant of the Bastion's subscription (`tenantOf`, from the subscription list), as the Azure CLI asks:
 * a Bastion refuses a token of another tenant, such as the user's home tenant when the Bastion is where they are
 * a guest.
 */
export function bastionTunnels(
	cloud: CloudSettings,
	credential: TokenCredential,
	tenantOf?: (subscriptionId: string) => string | undefined,
): (bastion: BastionInfo, target: BastionTunnelTarget) => Transport {
	const endpoint = bastionEndpoints(cloud);
	const scope = armScope(cloud);
	return (bastion, target) =>
		// The tunnel code (and its WebSocket library) loads with the first Bastion connection, not at start.
		new DeferredTransport(`Bastion ${bastion.name}`, async () => {
			const {BastionTransport} = await import('./bastion.js');
			return new BastionTransport({
				bastion,
				target,
				endpoint,
				armToken: async signal => {
					const subscriptionId = parseResourceId(bastion.id)?.subscriptionId;
					const tenantId = subscriptionId ? tenantOf?.(subscriptionId) : undefined;
					const token = await credential.getToken(scope, {abortSignal: signal, ...(tenantId ? {tenantId} : {})});
					if (!token) throw new Error('no Azure sign-in gave a token');
					return token.token;
				},
			});
		});
}

/** A transport built on first use; same description, same open/close. */
class DeferredTransport implements Transport {
	private inner: Promise<Transport> | undefined;

	constructor(
		readonly description: string,
		private readonly make: () => Promise<Transport>,
	) {}

	async open(signal: AbortSignal) {
		this.inner ??= this.make();
		return (await this.inner).open(signal);
	}

	async close(): Promise<void> {
		if (this.inner) await (await this.inner).close?.();
	}
}
