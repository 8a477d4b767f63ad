import {createHash} from 'node:crypto';

/**
 * The few SSH wire-format facts vmux needs about a public key blob (RFC 4253 §6.6): its first field is the
 * key type as a length-prefixed string, and its identity is the SHA-256 of the whole blob.
 */

/** `SHA256:<base64 without padding>`, byte for byte what `ssh-keygen -lf` prints. */
export function fingerprintSha256(keyBlob: Buffer): string {
	return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a public key blob names (e.g. `ssh-ed25519`), or undefined when the blob is not well formed. */
export function keyTypeOfBlob(keyBlob: Buffer): string | undefined {
	const field = readString(keyBlob, 0);
	if (!field) return undefined;
	const type = field.value.toString('latin1');
	// Key type names are printable ASCII; anything else means the bytes were not a key blob.
	return /^[\x21-\x7e]+$/.test(type) ? type : undefined;
}

/**
 * The plain key type for a signature algorithm name: servers negotiate `rsa-sha2-256`/`-512` but the key
 * (and known_hosts) still says `ssh-rsa`.
 */
export function plainKeyType(algorithm: string): string {
	return algorithm === 'rsa-sha2-256' || algorithm === 'rsa-sha2-512' ? 'ssh-rsa' : algorithm;
}

export interface WireField {
	value: Buffer;
	/** Offset just past this field. */
	next: number;
}

/** One `string` field (uint32 length + bytes) at `offset`, or undefined when the buffer is too short. */
export function readString(buffer: Buffer, offset: number): WireField | undefined {
	if (offset + 4 > buffer.length) return undefined;
	const length = buffer.readUInt32BE(offset);
	const start = offset + 4;
	if (start + length > buffer.length) return undefined;
	return {value: buffer.subarray(start, start + length), next: start + length};
}

/** Encodes fields as consecutive SSH `string`s. */
export function writeStrings(...fields: Array<Buffer | string>): Buffer {
	const parts: Buffer[] = [];
	for (const field of fields) {
		const bytes = typeof field === 'string' ? Buffer.from(field) : field;
		const length = Buffer.alloc(4);
		length.writeUInt32BE(bytes.length);
		parts.push(length, bytes);
	}
	return Buffer.concat(parts);
}
