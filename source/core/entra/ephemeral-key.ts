import {createHash, createPublicKey, generateKeyPair} from 'node:crypto';
import {inspect} from 'node:util';
import {readString, writeStrings} from '../credentials/ssh-wire.js';

/**
 * The key pair a Microsoft Entra SSH certificate is issued for (contracts §4.1–4.2): RSA, made here, kept in
 * memory only, and described to Entra as a JWK. The JWK is built exactly as the Azure CLI's `ssh` extension
 * builds it (`rsa_parser.RSAParser` + `custom._prepare_jwk_data`), so Entra sees the same request from vmux as
 * from `az ssh vm`.
 */

/** Entra's certificates are for RSA keys; 3072 bits is OpenSSH's default RSA size today. */
export const EPHEMERAL_KEY_BITS = 3072;

/** The `req_cnf` JWK of a certificate request. */
export interface EntraJwk {
	kty: 'RSA';
	/** base64url with `=` padding of the modulus as in the SSH key blob (mpint bytes, leading 0x00 kept). */
	n: string;
	/** base64url with `=` padding of the exponent's mpint bytes (`AQAB` for 65537). */
	e: string;
	/** Hex SHA-256 of the `n` and `e` strings above, concatenated. */
	kid: string;
}

export class EphemeralKey {
	/** The private key as PKCS#1 PEM, the form ssh2 parses; it never leaves memory. */
	readonly privateKey: string;
	/** The plain `ssh-rsa` public key blob (string "ssh-rsa", mpint e, mpint n). */
	readonly publicKeyBlob: Buffer;
	readonly jwk: EntraJwk;

	constructor(privateKeyPem: string, publicKeyBlob: Buffer) {
		this.privateKey = privateKeyPem;
		this.publicKeyBlob = publicKeyBlob;
		this.jwk = entraJwk(publicKeyBlob);
		// Keep the private key out of JSON, util.inspect and console.log of this object.
		Object.defineProperty(this, 'privateKey', {enumerable: false});
	}

	get kid(): string {
		return this.jwk.kid;
	}

	/** `ssh-rsa AAAA… comment`, what `az ssh cert --public-key-file` reads. */
	publicKeyLine(comment = 'vmux-entra-ephemeral'): string {
		return `ssh-rsa ${this.publicKeyBlob.toString('base64')}${comment ? ` ${comment}` : ''}`;
	}

	toJSON(): {publicKey: string; kid: string} {
		return {publicKey: this.publicKeyLine(), kid: this.kid};
	}

	[inspect.custom](): string {
		return `EphemeralKey { ${this.publicKeyLine()}, kid ${this.kid}, private key hidden }`;
	}
}

/** A new RSA key pair, made off the main thread (a 3072-bit key takes a noticeable fraction of a second). */
export async function createEphemeralKey(bits = EPHEMERAL_KEY_BITS): Promise<EphemeralKey> {
	const {privateKey, publicKey} = await new Promise<{privateKey: string; publicKey: string}>((resolve, reject) => {
		generateKeyPair(
			'rsa',
			{modulusLength: bits, publicKeyEncoding: {type: 'spki', format: 'pem'}, privateKeyEncoding: {type: 'pkcs1', format: 'pem'}},
			(error, publicPem, privatePem) => (error ? reject(error) : resolve({privateKey: privatePem, publicKey: publicPem})),
		);
	});
	const jwk = createPublicKey(publicKey).export({format: 'jwk'});
	const blob = writeStrings('ssh-rsa', mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url')));
	return new EphemeralKey(privateKey, blob);
}

/**
 * The JWK for an `ssh-rsa` public key blob, as the Azure CLI makes it: `n` and `e` are the blob's mpint fields
 * exactly (Python's `base64.urlsafe_b64encode`, padded), and `kid` hashes the two strings as sent.
 */
export function entraJwk(publicKeyBlob: Buffer): EntraJwk {
	const type = readString(publicKeyBlob, 0);
	const e = type && readString(publicKeyBlob, type.next);
	const n = e && readString(publicKeyBlob, e.next);
	if (!type || !e || !n || type.value.toString('latin1') !== 'ssh-rsa' || n.next !== publicKeyBlob.length) {
		throw new Error('An Entra SSH certificate needs an ssh-rsa public key; this key blob is not one.');
	}
	const nText = paddedBase64Url(n.value);
	const eText = paddedBase64Url(e.value);
	return {kty: 'RSA', n: nText, e: eText, kid: entraKid(nText, eText)};
}

/** Hex SHA-256 of the encoded modulus then exponent (`custom._prepare_jwk_data`). */
export function entraKid(n: string, e: string): string {
	return createHash('sha256').update(n, 'utf8').update(e, 'utf8').digest('hex');
}

function paddedBase64Url(bytes: Buffer): string {
	return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** An SSH mpint's bytes for a non-negative integer: no redundant leading zeros, one zero when the top bit is set. */
function mpint(unsigned: Buffer): Buffer {
	let start = 0;
	while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
	const trimmed = unsigned.subarray(start);
	return trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}
