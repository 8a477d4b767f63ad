import {createPublicKey} from 'node:crypto';
import ssh2, {type ParsedKey} from 'ssh2';
import {fingerprintSha256, readString} from './ssh-wire.js';

/** What the UI shows about a key, in the terms `ssh-keygen -l` uses. */
export interface KeyDescription {
	/** SSH key type, e.g. `ssh-ed25519`. */
	type: string;
	/** ssh-keygen's short name: ED25519, RSA, ECDSA, DSA. */
	label: string;
	bits: number;
	/** Empty when the format has no room for one (PEM, PKCS#8). */
	comment: string;
	fingerprint: string;
	/** `256 SHA256:… comment (ED25519)`, exactly `ssh-keygen -lf`'s line. */
	summary: string;
}

const LABELS: Record<string, string> = {
	'ssh-ed25519': 'ED25519',
	'ssh-rsa': 'RSA',
	'ssh-dss': 'DSA',
	'ecdsa-sha2-nistp256': 'ECDSA',
	'ecdsa-sha2-nistp384': 'ECDSA',
	'ecdsa-sha2-nistp521': 'ECDSA',
};

export function describeKey(key: ParsedKey): KeyDescription {
	const blob = key.getPublicSSH();
	const type = key.type;
	const label = LABELS[type] ?? type.toUpperCase();
	const fingerprint = fingerprintSha256(blob);
	const comment = key.comment ?? '';
	const bits = keyBits(key);
	return {type, label, bits, comment, fingerprint, summary: `${bits} ${fingerprint} ${comment || 'no comment'} (${label})`};
}

function keyBits(key: ParsedKey): number {
	if (key.type === 'ssh-ed25519') return 256;
	const curve = /^ecdsa-sha2-nistp(\d+)$/.exec(key.type);
	if (curve) return Number(curve[1]);
	try {
		return createPublicKey(key.getPublicPEM()).asymmetricKeyDetails?.modulusLength ?? 0;
	} catch {
		return 0;
	}
}

/**
 * An OpenSSH-format key keeps its public half in the clear (PROTOCOL.key), so vmux can say which key is
 * asking for a passphrase, and whether it is encrypted at all, before anyone types one.
 */
export function inspectOpenSsh(text: string): {encrypted: boolean; publicKey?: KeyDescription} | undefined {
	const match = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
	if (!match) return undefined;
	const data = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
	const magic = 'openssh-key-v1\0';
	if (data.subarray(0, magic.length).toString('latin1') !== magic) return undefined;
	const cipher = readString(data, magic.length);
	const kdf = cipher && readString(data, cipher.next);
	const kdfOptions = kdf && readString(data, kdf.next);
	if (!cipher || !kdfOptions || kdfOptions.next + 4 > data.length) return undefined;
	const encrypted = cipher.value.toString('latin1') !== 'none';
	const publicBlob = readString(data, kdfOptions.next + 4);
	if (!publicBlob) return {encrypted};
	const parsed = ssh2.utils.parseKey(publicBlob.value);
	return {encrypted, publicKey: parsed instanceof Error ? undefined : describeKey(parsed)};
}
