import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';

/**
 * How OpenSSH decides whether a known_hosts host field names a host (hostfile.c / match.c), kept separate
 * from parsing so the rules can be read and tested on their own.
 */

/**
 * The name a host is filed under: `host` on port 22, `[host]:port` otherwise. OpenSSH lower-cases host
 * names before looking them up or hashing them, so vmux does too.
 */
export function lookupName(host: string, port: number): string {
	const name = host.trim().toLowerCase();
	return port === 22 ? name : `[${name}]:${port}`;
}

/** A glob in OpenSSH's dialect: `*` any run of characters, `?` exactly one; case-insensitive. */
export function globMatch(text: string, pattern: string): boolean {
	const t = text.toLowerCase();
	const p = pattern.toLowerCase();
	// Iterative wildcard matching with one backtrack point: linear-ish, no regex, so a hostile line cannot
	// make lookups slow.
	let ti = 0;
	let pi = 0;
	let starPi = -1;
	let starTi = 0;
	while (ti < t.length) {
		if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
			ti++;
			pi++;
		} else if (pi < p.length && p[pi] === '*') {
			starPi = pi++;
			starTi = ti;
		} else if (starPi !== -1) {
			pi = starPi + 1;
			ti = ++starTi;
		} else {
			return false;
		}
	}
	while (pi < p.length && p[pi] === '*') pi++;
	return pi === p.length;
}

/**
 * A comma-separated pattern list against a name. A negated pattern (`!pat`) that matches vetoes the whole
 * line, even when a positive pattern also matches; otherwise some positive pattern has to match.
 */
export function patternListMatches(name: string, patternList: string): boolean {
	let positive = false;
	for (const raw of patternList.split(',')) {
		if (raw === '') continue;
		const negated = raw.startsWith('!');
		const pattern = negated ? raw.slice(1) : raw;
		if (!globMatch(name, pattern)) continue;
		if (negated) return false;
		positive = true;
	}
	return positive;
}

export interface HashedHost {
	salt: Buffer;
	hash: Buffer;
}

const HASH_MAGIC = '|1|';

/** Parses `|1|<base64 salt>|<base64 hmac>`; undefined when the field is not a well-formed hashed host. */
export function parseHashedHost(field: string): HashedHost | undefined {
	if (!field.startsWith(HASH_MAGIC)) return undefined;
	const parts = field.slice(HASH_MAGIC.length).split('|');
	if (parts.length !== 2) return undefined;
	const [salt, hash] = parts.map(part => (isBase64(part) ? Buffer.from(part, 'base64') : undefined));
	// SHA-1 HMAC: OpenSSH uses a 20-byte salt and the digest is 20 bytes.
	if (!salt || !hash || salt.length !== 20 || hash.length !== 20) return undefined;
	return {salt, hash};
}

export function hashedHostMatches(name: string, hashed: HashedHost): boolean {
	const digest = createHmac('sha1', hashed.salt).update(name).digest();
	return timingSafeEqual(digest, hashed.hash);
}

/** A fresh hashed host field for `name`, as `HashKnownHosts yes` (or `ssh-keygen -H`) writes it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
	const digest = createHmac('sha1', salt).update(name).digest();
	return `${HASH_MAGIC}${salt.toString('base64')}|${digest.toString('base64')}`;
}

/** Standard base64, padded or not (a length of 1 mod 4 cannot be either). */
export function isBase64(text: string): boolean {
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return false;
	return text.includes('=') ? text.length % 4 === 0 : text.length % 4 !== 1;
}
