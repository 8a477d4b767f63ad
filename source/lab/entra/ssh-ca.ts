import {generateKeyPair, generateKeyPairSync, randomBytes, sign, type KeyObject} from 'node:crypto';
import {promisify} from 'node:util';
import {writeStrings} from '../../core/credentials/ssh-wire.js';

/**
 * The lab's SSH certificate authority: what Entra ID's certificate service is to Azure VMs (contracts §4.4). It
 * signs `ssh-rsa-cert-v01@openssh.com` user certificates with `rsa-sha2-256`, and its public key line is what lab
 * SSH servers (and a test's OpenSSH `TrustedUserCAKeys`) trust. A new CA per lab: nothing it signed outlives it.
 */

export interface SignRequest {
	/** The certified key as a plain `ssh-rsa` public key blob (string "ssh-rsa", mpint e, mpint n). */
	publicKey: Buffer;
	keyId: string;
	principals: string[];
	validAfter: Date;
	validBefore: Date;
	/** Name -> value; an empty value is a flag (`permit-pty`). Written sorted, as OpenSSH requires. */
	extensions?: Record<string, string>;
	criticalOptions?: Record<string, string>;
	serial?: bigint;
	certType?: 'user' | 'host';
	/** The signature algorithm; Entra signs with rsa-sha2-256. Tests use others to prove they are checked. */
	signatureAlgorithm?: 'rsa-sha2-256' | 'rsa-sha2-512' | 'ssh-rsa';
}

export interface LabSshCa {
	/** `ssh-rsa AAAA… vmux-lab-ca`, for TrustedUserCAKeys. */
	publicKeyLine: string;
	publicKeyBlob: Buffer;
	/** Signs a user certificate; returns the raw certificate blob. */
	sign(request: SignRequest): Buffer;
}

export const CERT_TYPE = 'ssh-rsa-cert-v01@openssh.com';

/** The extensions Entra's certificates carry besides its own `oid@`/`tid@` ones (contracts §4.4). */
export const PERMIT_EXTENSIONS = ['permit-X11-forwarding', 'permit-agent-forwarding', 'permit-port-forwarding', 'permit-pty', 'permit-user-rc'] as const;

export function createLabSshCa(options: {bits?: number} = {}): LabSshCa {
	return labSshCaFrom(generateKeyPairSync('rsa', {modulusLength: options.bits ?? 3072}));
}

/** The same, with the key made off the main thread: the demo makes it while its SSH servers start. */
export async function createLabSshCaAsync(options: {bits?: number} = {}): Promise<LabSshCa> {
	return labSshCaFrom(await promisify(generateKeyPair)('rsa', {modulusLength: options.bits ?? 3072}));
}

function labSshCaFrom({privateKey, publicKey}: {privateKey: KeyObject; publicKey: KeyObject}): LabSshCa {
	const publicKeyBlob = rsaPublicBlob(publicKey);
	return {
		publicKeyBlob,
		publicKeyLine: `ssh-rsa ${publicKeyBlob.toString('base64')} vmux-lab-ca`,
		sign: request => signCertificate(privateKey, publicKeyBlob, request),
	};
}

function signCertificate(caKey: KeyObject, caBlob: Buffer, request: SignRequest): Buffer {
	const key = readRsaBlob(request.publicKey);
	const algorithm = request.signatureAlgorithm ?? 'rsa-sha2-256';
	const body = Buffer.concat([
		writeStrings(CERT_TYPE, randomBytes(32), key.e, key.n),
		uint64(request.serial ?? 0n),
		uint32(request.certType === 'host' ? 2 : 1),
		writeStrings(request.keyId, writeStrings(...request.principals)),
		uint64(BigInt(Math.floor(request.validAfter.getTime() / 1000))),
		uint64(BigInt(Math.floor(request.validBefore.getTime() / 1000))),
		writeStrings(optionList(request.criticalOptions ?? {}), optionList(request.extensions ?? {}), Buffer.alloc(0), caBlob),
	]);
	const hash = {'rsa-sha2-256': 'sha256', 'rsa-sha2-512': 'sha512', 'ssh-rsa': 'sha1'}[algorithm];
	const signature = sign(hash, body, caKey);
	return Buffer.concat([body, writeStrings(writeStrings(algorithm, signature))]);
}

/** The `ssh-rsa` public key blob of a node RSA key: string "ssh-rsa", mpint e, mpint n. */
export function rsaPublicBlob(key: KeyObject): Buffer {
	const jwk = key.export({format: 'jwk'});
	return writeStrings('ssh-rsa', mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url')));
}

/**
 * The `ssh-rsa` blob for the key a JWK describes (the `req_cnf` of a certificate request). Padded and unpadded
 * base64url both decode; `n` may carry the SSH mpint's leading zero (as the Azure CLI sends it) or not.
 */
export function rsaPublicBlobFromJwk(jwk: {n: string; e: string}): Buffer {
	const decode = (value: string) => Buffer.from(value.replace(/=+$/, ''), 'base64url');
	return writeStrings('ssh-rsa', mpint(decode(jwk.e)), mpint(decode(jwk.n)));
}

function readRsaBlob(blob: Buffer): {e: Buffer; n: Buffer} {
	let offset = 0;
	const fields: Buffer[] = [];
	for (let i = 0; i < 3; i++) {
		if (offset + 4 > blob.length) throw new Error('The key to certify is not an ssh-rsa public key blob.');
		const length = blob.readUInt32BE(offset);
		fields.push(blob.subarray(offset + 4, offset + 4 + length));
		offset += 4 + length;
	}
	if (fields[0]!.toString('latin1') !== 'ssh-rsa' || offset !== blob.length) throw new Error('The key to certify is not an ssh-rsa public key blob.');
	return {e: fields[1]!, n: fields[2]!};
}

/** An SSH mpint's bytes: no redundant leading zeros, and one zero byte when the top bit is set (positive). */
function mpint(unsigned: Buffer): Buffer {
	let start = 0;
	while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
	const trimmed = unsigned.subarray(start);
	return trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

function optionList(options: Record<string, string>): Buffer {
	const names = Object.keys(options).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
	return Buffer.concat(names.map(name => writeStrings(name, options[name] ? writeStrings(options[name]) : Buffer.alloc(0))));
}

function uint32(value: number): Buffer {
	const buffer = Buffer.alloc(4);
	buffer.writeUInt32BE(value);
	return buffer;
}

function uint64(value: bigint): Buffer {
	const buffer = Buffer.alloc(8);
	buffer.writeBigUInt64BE(value);
	return buffer;
}
