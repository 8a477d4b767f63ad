import {createPublicKey, verify, type KeyObject} from 'node:crypto';
import {readString, writeStrings} from '../credentials/ssh-wire.js';

/**
 * OpenSSH certificates (PROTOCOL.certkeys): the short-lived user certificate Microsoft Entra ID issues for an
 * ephemeral key (contracts §4.4), read field by field. vmux reads one to log in as its first principal and to
 * know when to renew it; the lab reads one to decide whether to let it in, so the parser refuses anything
 * malformed with a sentence instead of guessing.
 */

export type CertificateKind = 'user' | 'host';

export interface SshCertificate {
	/** The certificate's key type, e.g. `ssh-rsa-cert-v01@openssh.com`. */
	type: string;
	nonce: Buffer;
	/** The certified key as a plain public key blob (`ssh-rsa` e n, `ssh-ed25519` pk, …). */
	publicKey: Buffer;
	serial: bigint;
	certType: CertificateKind;
	keyId: string;
	/** Empty means "any principal" (OpenSSH's meaning), which Entra never issues. */
	principals: string[];
	validAfter: Date;
	/** `forever` certificates (uint64 max) read as a date far in the future. */
	validBefore: Date;
	criticalOptions: Record<string, string>;
	extensions: Record<string, string>;
	/** The CA's public key blob. */
	signatureKey: Buffer;
	signature: {algorithm: string; blob: Buffer};
	/** Everything the CA signed: the certificate up to and including the signature key. */
	signedData: Buffer;
	/** The whole certificate blob. */
	raw: Buffer;
}

export class SshCertificateError extends Error {
	override name = 'SshCertificateError';
}

/** Certificate types and the fields of the key they certify (after the nonce). */
const KEY_FIELDS: Record<string, {plain: string; fields: number}> = {
	'ssh-rsa-cert-v01@openssh.com': {plain: 'ssh-rsa', fields: 2},
	'ssh-ed25519-cert-v01@openssh.com': {plain: 'ssh-ed25519', fields: 1},
	'ecdsa-sha2-nistp256-cert-v01@openssh.com': {plain: 'ecdsa-sha2-nistp256', fields: 2},
	'ecdsa-sha2-nistp384-cert-v01@openssh.com': {plain: 'ecdsa-sha2-nistp384', fields: 2},
	'ecdsa-sha2-nistp521-cert-v01@openssh.com': {plain: 'ecdsa-sha2-nistp521', fields: 2},
};

/** The plain key type a certificate type certifies (`ssh-rsa` for `ssh-rsa-cert-v01@openssh.com`). */
export function certifiedKeyType(certificateType: string): string | undefined {
	return KEY_FIELDS[certificateType]?.plain;
}

const SSH_CERT_TYPE_USER = 1;
const SSH_CERT_TYPE_HOST = 2;
/** The largest date a JS Date holds: OpenSSH's `forever` (2^64-1 seconds) maps here. */
const FAR_FUTURE = new Date(8.64e15);
/** Certificates are a few kB; a bound keeps a hostile blob from costing anything. */
const MAX_CERTIFICATE_BYTES = 64 * 1024;

/**
 * Reads a certificate from its raw blob, its base64 text, or an OpenSSH public key line
 * (`ssh-rsa-cert-v01@openssh.com AAAA… comment`, as `*-cert.pub` files hold).
 */
export function parseSshCertificate(input: Buffer | string): SshCertificate {
	const raw = typeof input === 'string' ? decodeText(input) : input;
	if (raw.length > MAX_CERTIFICATE_BYTES) throw new SshCertificateError(`The SSH certificate is ${raw.length} bytes, more than any certificate needs (${MAX_CERTIFICATE_BYTES}); it is not a certificate.`);
	const reader = new WireReader(raw);
	const type = reader.string('the key type').toString('latin1');
	const key = KEY_FIELDS[type];
	if (!key) throw new SshCertificateError(`Not an OpenSSH certificate: its type is "${printable(type)}", not one of ${Object.keys(KEY_FIELDS).join(', ')}.`);
	const nonce = reader.string('the nonce');
	const keyFields: Buffer[] = [];
	for (let i = 0; i < key.fields; i++) keyFields.push(reader.string('the certified key'));
	// RSA certificates carry e before n, as the plain `ssh-rsa` blob does; every other type keeps its order too.
	const publicKey = writeStrings(key.plain, ...keyFields);
	const serial = reader.uint64('the serial number');
	const kind = reader.uint32('the certificate type');
	if (kind !== SSH_CERT_TYPE_USER && kind !== SSH_CERT_TYPE_HOST) throw new SshCertificateError(`The SSH certificate's type is ${kind}: neither a user (1) nor a host (2) certificate.`);
	const keyId = utf8(reader.string('the key id'), 'the key id');
	const principals = stringList(reader.string('the principals')).map(p => utf8(p, 'a principal'));
	const validAfter = toDate(reader.uint64('the start of validity'));
	const validBefore = toDate(reader.uint64('the end of validity'));
	const criticalOptions = optionMap(reader.string('the critical options'), 'critical option');
	const extensions = optionMap(reader.string('the extensions'), 'extension');
	reader.string('the reserved field');
	const signatureKey = reader.string('the signature key');
	const signedData = raw.subarray(0, reader.offset);
	const signatureField = reader.string('the signature');
	if (reader.offset !== raw.length) throw new SshCertificateError(`The SSH certificate has ${raw.length - reader.offset} stray bytes after its signature.`);
	const signatureReader = new WireReader(signatureField);
	const algorithm = signatureReader.string("the signature's algorithm").toString('latin1');
	const blob = signatureReader.string('the signature');
	return {
		type,
		nonce,
		publicKey,
		serial,
		certType: kind === SSH_CERT_TYPE_USER ? 'user' : 'host',
		keyId,
		principals,
		validAfter,
		validBefore,
		criticalOptions,
		extensions,
		signatureKey,
		signature: {algorithm, blob},
		signedData,
		raw,
	};
}

/** `ssh-rsa-cert-v01@openssh.com AAAA… comment`, as ssh-keygen writes `*-cert.pub` files. */
export function certificateLine(blob: Buffer, comment?: string): string {
	const type = readString(blob, 0)?.value.toString('latin1') ?? 'ssh-rsa-cert-v01@openssh.com';
	return `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

export type CertificateValidity = 'not-yet-valid' | 'valid' | 'expired';

/** Where `now` falls in the validity window. OpenSSH's check: valid_after <= now < valid_before. */
export function certificateValidity(cert: SshCertificate, now: Date = new Date()): CertificateValidity {
	if (now.getTime() < cert.validAfter.getTime()) return 'not-yet-valid';
	if (now.getTime() >= cert.validBefore.getTime()) return 'expired';
	return 'valid';
}

/**
 * Whether the CA's signature over the certificate verifies with the CA key the certificate names. Says nothing
 * about whether that CA is trusted: the caller compares `signatureKey` with its trusted keys.
 */
export function verifyCertificateSignature(cert: SshCertificate): boolean {
	let key: KeyObject;
	try {
		key = publicKeyFromBlob(cert.signatureKey);
	} catch {
		return false;
	}
	return verifySshSignature(key, cert.signature.algorithm, cert.signedData, cert.signature.blob);
}

/** Verifies an SSH signature blob (`rsa-sha2-256`, `rsa-sha2-512`, `ssh-rsa`, `ssh-ed25519`, `ecdsa-sha2-*`). */
export function verifySshSignature(key: KeyObject, algorithm: string, data: Buffer, signature: Buffer): boolean {
	try {
		switch (algorithm) {
			case 'rsa-sha2-256':
				return key.asymmetricKeyType === 'rsa' && verify('sha256', data, key, signature);
			case 'rsa-sha2-512':
				return key.asymmetricKeyType === 'rsa' && verify('sha512', data, key, signature);
			case 'ssh-rsa':
				return key.asymmetricKeyType === 'rsa' && verify('sha1', data, key, signature);
			case 'ssh-ed25519':
				return key.asymmetricKeyType === 'ed25519' && verify(null, data, key, signature);
			case 'ecdsa-sha2-nistp256':
			case 'ecdsa-sha2-nistp384':
			case 'ecdsa-sha2-nistp521': {
				if (key.asymmetricKeyType !== 'ec') return false;
				// SSH's ECDSA signature is two mpints (r, s); node wants them as IEEE P1363 (fixed-width r || s).
				const reader = new WireReader(signature);
				const r = stripLeadingZeros(reader.string('r'));
				const s = stripLeadingZeros(reader.string('s'));
				const width = {'ecdsa-sha2-nistp256': 32, 'ecdsa-sha2-nistp384': 48, 'ecdsa-sha2-nistp521': 66}[algorithm];
				if (r.length > width || s.length > width) return false;
				const p1363 = Buffer.concat([Buffer.alloc(width - r.length), r, Buffer.alloc(width - s.length), s]);
				const hash = {'ecdsa-sha2-nistp256': 'sha256', 'ecdsa-sha2-nistp384': 'sha384', 'ecdsa-sha2-nistp521': 'sha512'}[algorithm];
				return verify(hash, data, {key, dsaEncoding: 'ieee-p1363'}, p1363);
			}
			default:
				return false;
		}
	} catch {
		return false;
	}
}

/** A node KeyObject for a plain SSH public key blob (RSA, Ed25519, ECDSA). Throws SshCertificateError otherwise. */
export function publicKeyFromBlob(blob: Buffer): KeyObject {
	const reader = new WireReader(blob);
	const type = reader.string('the key type').toString('latin1');
	if (type === 'ssh-rsa') {
		const e = stripLeadingZeros(reader.string('e'));
		const n = stripLeadingZeros(reader.string('n'));
		return createPublicKey({key: {kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url')}, format: 'jwk'});
	}
	if (type === 'ssh-ed25519') {
		return createPublicKey({key: {kty: 'OKP', crv: 'Ed25519', x: reader.string('the key').toString('base64url')}, format: 'jwk'});
	}
	const curve = {'ecdsa-sha2-nistp256': ['P-256', 32], 'ecdsa-sha2-nistp384': ['P-384', 48], 'ecdsa-sha2-nistp521': ['P-521', 66]}[type] as [string, number] | undefined;
	if (curve) {
		reader.string('the curve name');
		const point = reader.string('the point');
		const [crv, width] = curve;
		if (point.length !== 1 + 2 * width || point[0] !== 4) throw new SshCertificateError(`The ${type} key's point is not an uncompressed point of ${crv}.`);
		return createPublicKey({
			key: {kty: 'EC', crv, x: point.subarray(1, 1 + width).toString('base64url'), y: point.subarray(1 + width).toString('base64url')},
			format: 'jwk',
		});
	}
	throw new SshCertificateError(`Keys of type "${printable(type)}" are not supported here.`);
}

/** One line for the status bar: who the certificate logs in as, and until when. */
export function describeCertificate(cert: SshCertificate, formatTime: (date: Date) => string = isoMinute): string {
	const who = cert.principals[0] ?? cert.keyId;
	return `${who}, certificate valid until ${formatTime(cert.validBefore)}`;
}

function isoMinute(date: Date): string {
	return date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** A bounds-checked reader of SSH wire fields; every shortfall names the field that was cut off. */
class WireReader {
	offset = 0;

	constructor(private readonly buffer: Buffer) {}

	string(what: string): Buffer {
		const field = readString(this.buffer, this.offset);
		if (!field) throw new SshCertificateError(`The SSH certificate is cut off or malformed at ${what}.`);
		this.offset = field.next;
		return field.value;
	}

	uint32(what: string): number {
		if (this.offset + 4 > this.buffer.length) throw new SshCertificateError(`The SSH certificate is cut off at ${what}.`);
		const value = this.buffer.readUInt32BE(this.offset);
		this.offset += 4;
		return value;
	}

	uint64(what: string): bigint {
		if (this.offset + 8 > this.buffer.length) throw new SshCertificateError(`The SSH certificate is cut off at ${what}.`);
		const value = this.buffer.readBigUInt64BE(this.offset);
		this.offset += 8;
		return value;
	}
}

function decodeText(text: string): Buffer {
	const parts = text.trim().split(/\s+/);
	// `type base64 [comment]`, as `*-cert.pub` files hold, or the base64 alone (Entra's access token).
	const named = parts.length >= 2 ? parts[0]! : undefined;
	if (named !== undefined && !KEY_FIELDS[named]) throw new SshCertificateError(`Not an OpenSSH certificate line: it starts with "${printable(named)}", not a certificate type such as ssh-rsa-cert-v01@openssh.com.`);
	const base64 = named ? parts[1]! : parts[0]!;
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new SshCertificateError('The SSH certificate text is not base64 (expected "ssh-rsa-cert-v01@openssh.com AAAA…").');
	const raw = Buffer.from(base64, 'base64');
	if (named && readString(raw, 0)?.value.toString('latin1') !== named) throw new SshCertificateError(`The SSH certificate line says ${named}, but its data is another type.`);
	return raw;
}

function stringList(field: Buffer): Buffer[] {
	const reader = new WireReader(field);
	const items: Buffer[] = [];
	while (reader.offset < field.length) items.push(reader.string('a list entry'));
	return items;
}

/**
 * Critical options and extensions: name, then data that is itself an SSH string holding the value (empty data
 * for flags such as `permit-pty`). A repeated name is refused; order is not checked (OpenSSH writes them sorted,
 * but vmux must not refuse a certificate sshd would take).
 */
function optionMap(field: Buffer, what: string): Record<string, string> {
	const reader = new WireReader(field);
	const options: Record<string, string> = Object.create(null);
	while (reader.offset < field.length) {
		const name = utf8(reader.string(`a ${what}'s name`), `a ${what}'s name`);
		const data = reader.string(`the ${what} ${printable(name)}`);
		if (Object.hasOwn(options, name)) throw new SshCertificateError(`The SSH certificate repeats the ${what} "${printable(name)}".`);
		if (data.length === 0) options[name] = '';
		else {
			const inner = readString(data, 0);
			if (!inner || inner.next !== data.length) throw new SshCertificateError(`The SSH certificate's ${what} "${printable(name)}" has malformed data.`);
			options[name] = utf8(inner.value, `the ${what} ${printable(name)}`);
		}
	}
	return {...options};
}

function utf8(bytes: Buffer, what: string): string {
	const text = bytes.toString('utf8');
	if (!Buffer.from(text, 'utf8').equals(bytes)) throw new SshCertificateError(`The SSH certificate's ${what} is not UTF-8.`);
	return text;
}

function toDate(seconds: bigint): Date {
	const ms = seconds * 1000n;
	return ms >= BigInt(FAR_FUTURE.getTime()) ? new Date(FAR_FUTURE.getTime()) : new Date(Number(ms));
}

function stripLeadingZeros(bytes: Buffer): Buffer {
	let start = 0;
	while (start < bytes.length - 1 && bytes[start] === 0) start++;
	return bytes.subarray(start);
}

/** For messages: a name from a hostile blob, with control characters and length bounded. */
function printable(text: string): string {
	const clean = text.replace(/[^\x20-\x7e]/g, '?');
	return clean.length > 60 ? `${clean.slice(0, 60)}…` : clean;
}
