import {type KeyObject, createPrivateKey, randomBytes} from 'node:crypto';
import {writeStrings} from './ssh-wire.js';

/**
 * ssh2 does not read PKCS#8 (`BEGIN PRIVATE KEY` / `BEGIN ENCRYPTED PRIVATE KEY`), which is what
 * `ssh-keygen -m PKCS8`, OpenSSL 3 and many secret stores produce. Node's crypto reads it (decrypting with
 * the passphrase) and re-exports it in a form ssh2 reads: PKCS#1 for RSA, SEC1 for ECDSA, and, since Node
 * can only export Ed25519 as PKCS#8, an unencrypted OpenSSH key built here. The result lives in memory only.
 */

export type Pkcs8Conversion =
	| {ok: true; text: string; keyType: string}
	| {ok: false; reason: 'needs-passphrase' | 'wrong-passphrase' | 'damaged'; detail?: string}
	| {ok: false; reason: 'unsupported'; detail: string};

const PKCS8 = /-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/;

export function isPkcs8(text: string): boolean {
	return PKCS8.test(text);
}

export function isEncryptedPkcs8(text: string): boolean {
	return text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');
}

/** The only curves SSH defines ECDSA key types for (RFC 5656). */
const SSH_CURVES: Record<string, string> = {
	prime256v1: 'ecdsa-sha2-nistp256',
	secp384r1: 'ecdsa-sha2-nistp384',
	secp521r1: 'ecdsa-sha2-nistp521',
};

export function convertPkcs8(text: string, passphrase?: string): Pkcs8Conversion {
	// OpenSSL reports a missing passphrase as "interrupted or cancelled"; asking first gives a clean answer.
	if (isEncryptedPkcs8(text) && !passphrase) return {ok: false, reason: 'needs-passphrase'};
	let key: KeyObject;
	try {
		key = createPrivateKey({key: text, format: 'pem', passphrase: passphrase || undefined});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? '';
		if (isEncryptedPkcs8(text) && /BAD_DECRYPT/.test(code)) return {ok: false, reason: 'wrong-passphrase'};
		return {ok: false, reason: 'damaged', detail: (error as Error).message};
	}

	switch (key.asymmetricKeyType) {
		case 'rsa':
			return {ok: true, text: key.export({type: 'pkcs1', format: 'pem'}) as string, keyType: 'ssh-rsa'};
		case 'ec': {
			const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
			const keyType = SSH_CURVES[curve];
			if (!keyType) return {ok: false, reason: 'unsupported', detail: `an ECDSA key on the ${curve} curve, which SSH does not use`};
			return {ok: true, text: key.export({type: 'sec1', format: 'pem'}) as string, keyType};
		}
		case 'ed25519':
			return {ok: true, text: openSshEd25519(key), keyType: 'ssh-ed25519'};
		default:
			return {ok: false, reason: 'unsupported', detail: `a ${key.asymmetricKeyType ?? 'unknown'} key, which vmux cannot use for SSH`};
	}
}

/** An unencrypted `openssh-key-v1` container (OpenSSH PROTOCOL.key) holding one Ed25519 key. */
function openSshEd25519(key: KeyObject): string {
	const jwk = key.export({format: 'jwk'});
	const seed = Buffer.from(jwk.d!, 'base64url');
	const publicKey = Buffer.from(jwk.x!, 'base64url');
	const publicBlob = writeStrings('ssh-ed25519', publicKey);

	const check = randomBytes(4);
	let secret = Buffer.concat([
		check,
		check,
		writeStrings('ssh-ed25519', publicKey, Buffer.concat([seed, publicKey]), ''),
	]);
	// Pad to the cipher block size ("none" counts as 8) with 1, 2, 3, … as the format requires.
	const padding = (8 - (secret.length % 8)) % 8;
	secret = Buffer.concat([secret, Buffer.from(Array.from({length: padding}, (_, i) => i + 1))]);

	const count = Buffer.alloc(4);
	count.writeUInt32BE(1);
	const container = Buffer.concat([
		Buffer.from('openssh-key-v1\0', 'latin1'),
		writeStrings('none', 'none', ''),
		count,
		writeStrings(publicBlob, secret),
	]);
	const body = container.toString('base64').replace(/.{1,70}/g, line => `${line}\n`);
	return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}-----END OPENSSH PRIVATE KEY-----\n`;
}
