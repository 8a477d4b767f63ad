import type {TokenCredential} from '@azure/identity';
import {armScope, type CloudSettings} from '../../core/azure/cloud.js';
import type {Transport} from '../../core/session/types.js';
import {BastionTransport, type BastionInfo, type BastionTunnelTarget} from '../../core/transport/bastion.js';
import {bastionEndpoints} from '../../core/transport/bastion-endpoints.js';

/**
 * Builds Bastion tunnels for one cloud and sign-in: each connection gets its own tunnel, paid for with a fresh
 * ARM token at every (re)connect, so a reconnect after an hour does not fail on an expired token.
 */
export function bastionTunnels(cloud: CloudSettings, credential: TokenCredential): (bastion: BastionInfo, target: BastionTunnelTarget) => Transport {
	const endpoint = bastionEndpoints(cloud);
	const scope = armScope(cloud);
	return (bastion, target) =>
		new BastionTransport({
			bastion,
			target,
			endpoint,
			armToken: async signal => {
				const token = await credential.getToken(scope, {abortSignal: signal});
				if (!token) throw new Error('no Azure sign-in gave a token');
				return token.token;
			},
		});
}
