import {keyTypeOfBlob} from '../credentials/ssh-wire.js';
import {type KnownHosts, fingerprintSha256} from './known-hosts.js';
import type {Prompter} from './types.js';

export type HostKeyOutcome =
	| {ok: true}
	| {
			ok: false;
			reason: string;
			/** `changed`/`revoked`: against a known_hosts file; `changed-this-run`: against a key accepted once; `rejected`: the user said no. */
			kind: 'changed' | 'revoked' | 'changed-this-run' | 'rejected';
	  };

/**
 * Decides whether to trust a host key before any credential is sent: known -> go on; unknown -> ask the
 * user (once, or once and save to vmux's known_hosts); changed or revoked -> refuse with both fingerprints
 * and the line to remove. "Accept once" lasts for this vmux process, so reconnects don't ask again, and a
 * different key offered later for the same host is refused as CHANGED, like a changed key on file.
 */
export class HostKeyPolicy {
	private readonly acceptedThisRun = new Set<string>();
	/**
	 * Keys accepted once (not saved), by `host:port`: a stand-in known_hosts for this process, so a different
	 * key of the same type on a reconnect is a CHANGED key, not a stranger to ask about again.
	 */
	private readonly acceptedOnce = new Map<string, Array<{keyType: string; fingerprint: string}>>();

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
			return {ok: false, kind: result.reason === 'revoked' ? 'revoked' : 'changed', reason: `${what} vmux sent no credentials. ${result.removeHint}`};
		}
		if (this.acceptedThisRun.has(memo)) return {ok: true};
		const once = (this.acceptedOnce.get(`${host}:${port}`) ?? []).filter(k => k.keyType === keyType);
		if (once.length > 0) {
			const old = once.map(k => k.fingerprint).join(', ');
			return {
				ok: false,
				kind: 'changed-this-run',
				reason:
					`The host key of ${hostLabel(host, port)} has CHANGED since you accepted it once in this vmux run: it was ${old}, it is now ${fingerprint}. ` +
					`This could be an attack, or the VM was rebuilt. vmux sent no credentials. ` +
					`The old key was never saved, so there is no line to remove: if the change is expected, quit vmux and connect again to review the new key.`,
			};
		}
		const decision = await prompter.confirmUnknownHostKey({host, port, keyType, fingerprint});
		if (decision === 'reject') return {ok: false, kind: 'rejected', reason: `You rejected the host key ${fingerprint} of ${hostLabel(host, port)}; nothing was sent.`};
		this.acceptedThisRun.add(memo);
		if (decision === 'accept-save') this.knownHosts.add(host, port, keyType, key);
		// Only keys kept in memory: a saved key lives in the file, where the user can remove it (the file is re-read).
		else this.acceptedOnce.set(`${host}:${port}`, [...(this.acceptedOnce.get(`${host}:${port}`) ?? []), {keyType, fingerprint}]);
		return {ok: true};
	}
}

function hostLabel(host: string, port: number): string {
	return port === 22 ? host : `[${host}]:${port}`;
}
