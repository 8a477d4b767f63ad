import {lookup as dnsLookup, type LookupAddress, type LookupOptions} from 'node:dns';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for vmux's own HTTPS agents, whatever the cloud: `localhost` and `*.localhost` resolve to loopback
 * (RFC 6761 says they do; Node's resolver does not map the subdomains), anything else goes to DNS as usual.
 */
export function localhostLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
	if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
		if (options.all) callback(null, [{address: '127.0.0.1', family: 4}]);
		else callback(null, '127.0.0.1', 4);
		return;
	}
	dnsLookup(hostname, options, callback as never);
}
