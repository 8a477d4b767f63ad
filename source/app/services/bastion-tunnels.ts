import type {TokenCredential} from '@azure/identity';
import {armScope, type CloudSettings} from '../../core/azure/cloud.js';
import type {Transport} from '../../core/session/types.js';
import type {BastionInfo, BastionTunnelTarget} from '../../core/transport/bastion.js';
import {bastionEndpoints} from '../../core/transport/bastion-endpoints.js';

/**
 * Builds Bastion tunnels for one cloud and sign-in: each connection gets its own tunnel, paid for with a fresh
 * ARM token at every (re)connect, so a reconnect after an hour does not fail on an expired token.
 */
export function bastionTunnels(cloud: CloudSettings, credential: TokenCredential): (bastion: BastionInfo, target: BastionTunnelTarget) => Transport {
	const endpoint = bastionEndpoints(cloud);
	const scope = armScope(cloud);
	return (bastion, target) =>
		// The tunnel code (and its WebSocket library) loads with the first Bastion connection, not at start.
		new DeferredTransport(`Bastion ${bastion.name}`, async () => {
			const {BastionTransport} = await import('../../core/transport/bastion.js');
			return new BastionTransport({
				bastion,
				target,
				endpoint,
				armToken: async signal => {
					const token = await credential.getToken(scope, {abortSignal: signal});
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
