import {keyTypeOfBlob} from '../credentials/ssh-wire.js';
import {type HashedHost, hashedHostMatches, isBase64, parseHashedHost, patternListMatches} from './known-hosts-match.js';

/**
 * Reads OpenSSH known_hosts text (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
 *   [@cert-authority|@revoked] host-patterns key-type base64-key [comment]
 * Comments and blank lines are skipped; a line vmux cannot read is reported, never fatal, because the user's
 * own ~/.ssh/known_hosts may hold anything (SSH-1 keys, typos, keys types vmux has never heard of).
 */

export type KnownHostsMarker = 'cert-authority' | 'revoked';

export interface KnownHostsEntry {
	file: string;
	/** 1-based, as editors and `ssh-keygen -F` count. */
	line: number;
	marker?: KnownHostsMarker;
	/** Exactly one of these is set: a `|1|salt|hash` field, or a comma-separated pattern list. */
	hashed?: HashedHost;
	patterns?: string;
	keyType: string;
	keyBlob: Buffer;
	comment?: string;
}

export interface SkippedLine {
	file: string;
	line: number;
	reason: string;
}

export interface ParsedKnownHosts {
	entries: KnownHostsEntry[];
	skipped: SkippedLine[];
}

/**
 * `forHost`, when given, keeps only the lines whose host field names that host, and checks it before the key
 * is decoded: a 150k-line ~/.ssh/known_hosts then costs one host-field match per line, not a base64 decode.
 * Lines for other hosts are neither entries nor skipped. Plain loops only: files this size overflow the stack
 * when spread into a call.
 */
export function parseKnownHosts(text: string, file: string, forHost?: string): ParsedKnownHosts {
	const entries: KnownHostsEntry[] = [];
	const skipped: SkippedLine[] = [];
	// \r alone ends a line too (old Mac editors); OpenSSH would read such a file as one broken line.
	const lines = text.split(/\r\n?|\n/);
	for (let index = 0; index < lines.length; index++) {
		const result = parseLine(lines[index]!, file, index + 1, forHost);
		if (result === undefined) continue;
		if ('reason' in result) skipped.push(result);
		else entries.push(result);
	}
	return {entries, skipped};
}

function parseLine(raw: string, file: string, line: number, forHost: string | undefined): KnownHostsEntry | SkippedLine | undefined {
	const text = raw.trim();
	if (text === '' || text.startsWith('#')) return undefined;
	const skip = (reason: string): SkippedLine => ({file, line, reason});

	const fields = text.split(/\s+/);
	let marker: KnownHostsMarker | undefined;
	if (fields[0].startsWith('@')) {
		const name = fields.shift()!;
		if (name === '@cert-authority') marker = 'cert-authority';
		else if (name === '@revoked') marker = 'revoked';
		else return skip(`unknown marker ${name}`);
	}
	if (fields.length < 3) return skip('expected host patterns, a key type and a base64 key');
	const [hostField, keyType, keyBase64] = fields as [string, string, string];
	if (forHost !== undefined && !hostFieldNames(hostField, forHost)) return undefined;
	const comment = fields.slice(3).join(' ') || undefined;

	if (!isBase64(keyBase64)) return skip(`the key of type ${keyType} is not base64 (an SSH-1 key or a damaged line)`);
	const keyBlob = Buffer.from(keyBase64, 'base64');
	const blobType = keyTypeOfBlob(keyBlob);
	if (blobType === undefined) return skip(`the ${keyType} key is not a valid SSH public key`);
	// OpenSSH rejects a line whose key says another type than its type field; so does vmux.
	if (blobType !== keyType) return skip(`the line says ${keyType} but the key is ${blobType}`);

	const base = {file, line, marker, keyType, keyBlob, comment};
	if (hostField.startsWith('|')) {
		const hashed = parseHashedHost(hostField);
		if (!hashed) return skip('malformed hashed host name');
		return {...base, hashed};
	}
	return {...base, patterns: hostField};
}

/** Whether a host field (a `|1|salt|hash` or a pattern list) names `host`; a malformed hashed field names nobody. */
function hostFieldNames(hostField: string, host: string): boolean {
	if (hostField.startsWith('|')) {
		const hashed = parseHashedHost(hostField);
		return hashed !== undefined && hashedHostMatches(host, hashed);
	}
	return patternListMatches(host, hostField);
}
