import {generateKeyPairSync} from 'node:crypto';
import {convertPkcs8} from '../../core/credentials/pkcs8.js';

/**
 * A fresh Ed25519 host key for a lab SSH server, as an OpenSSH private key ssh2 reads. Made with node:crypto,
 * not ssh2's generator: ssh2's Ed25519 keys fail its own parser about once in 200 (a 300-VM topology then
 * failed one start in three).
 */
export function generateHostKey(): string {
	const pkcs8 = generateKeyPairSync('ed25519').privateKey.export({type: 'pkcs8', format: 'pem'}) as string;
	const converted = convertPkcs8(pkcs8);
	// Node made this key a moment ago: a failure here is a bug, not bad input.
	if (!converted.ok) throw new Error(`could not convert a new Ed25519 host key (${converted.reason})`);
	return converted.text;
}
