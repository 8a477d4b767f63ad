import {keyTypeOfBlob} from '../credentials/ssh-wire.js';
import {type KnownHosts, fingerprintSha256} from './known-hosts.js';
import type {Prompter} from './types.js';

export type HostKeyOutcome = {ok: true} | {ok: false; reason: string};


/**
 * Decides whether to trust a host key before any credential is sent: known -> go on; unknown -> ask the
 * user (once, or once and save to vmux's known_hosts); changed or revoked -> refuse with both fingerprints
 * and the line to remove. "Accept once" lasts for this vmux process, so reconnects don't ask again.
 */
export class HostKeyPolicy {
	private readonly acceptedThisRun = new Set<string>();

	constructor(private readonly knownHosts: KnownHosts) {}

	async verify(host: string, port: number, key: Buffer, prompter: Prompter): Promise<HostKeyOutcome> {
		const keyType = keyTypeOfBlob(key) ?? 'unknown';
		const fingerprint = fingerprintSha256(key);
		const memo = `${host}:${port}:${fingerprint}`;
		const result = this.knownHosts.check(host, port, keyType, key);
		if (result.status === 'match') return {ok: true};
		if (result.status === 'changed') {
			const old = result.known.map(k => `${k.fingerprint} (${k.file}:${k.line})`).join(', ');
			const what =
				result.reason === 'revoked'
					? `The host key ${fingerprint} of ${hostLabel(host, port)} is REVOKED (${old}).`
					: `The host key of ${hostLabel(host, port)} has CHANGED: it was ${old}, it is now ${fingerprint}. This could be an attack, or the VM was rebuilt.`;
			return {ok: false, reason: `${what} vmux sent no credentials. ${result.removeHint}`};
		}
		if (this.acceptedThisRun.has(memo)) return {ok: true};
		const decision = await prompter.confirmUnknownHostKey({host, port, keyType, fingerprint});
		if (decision === 'reject') return {ok: false, reason: `You rejected the host key ${fingerprint} of ${hostLabel(host, port)}; nothing was sent.`};
		this.acceptedThisRun.add(memo);
		if (decision === 'accept-save') this.knownHosts.add(host, port, keyType, key);
		return {ok: true};
	}
}

function hostLabel(host: string, port: number): string {
	return port === 22 ? host : `[${host}]:${port}`;
}
