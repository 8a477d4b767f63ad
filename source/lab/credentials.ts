import {randomInt} from 'node:crypto';
import ssh2 from 'ssh2';

/** The demo user every lab VM knows. */
export const LAB_USERNAME = 'azureuser';

/**
 * What the lab's SSH servers accept, and what its Key Vault hands out for the demo profiles. Made fresh for
 * every demo run and kept in memory (the key file a key-file profile needs lives in the run's private
 * directory, see demo-run-dir.ts), so nothing shipped with vmux or left from an earlier run logs in.
 */
export interface LabCredentials {
	username: string;
	password: string;
	/** OpenSSH private key text (unencrypted). */
	privateKey: string;
	/** Its public line, `ssh-ed25519 AAAA… comment`. */
	publicKey: string;
}

export function generateLabCredentials(): LabCredentials {
	const pair = generateEd25519KeyPair('vmux demo key (this run only)');
	return {username: LAB_USERNAME, password: readablePassword(), privateKey: pair.private, publicKey: pair.public.trim()};
}

/**
 * An ed25519 key pair in OpenSSH format that ssh2 can read back. ssh2 1.17's generator writes a key its own parser
 * rejects ("Malformed OpenSSH private key") about once in 250 tries (measured here): such a key would make a demo
 * fail to start, so it is made again.
 */
export function generateEd25519KeyPair(comment?: string): {private: string; public: string} {
	for (let attempt = 1; ; attempt++) {
		const pair = ssh2.utils.generateKeyPairSync('ed25519', comment === undefined ? {} : {comment});
		if (!(ssh2.utils.parseKey(pair.private) instanceof Error) || attempt >= 20) return pair;
	}
}

// No look-alike characters (0/o, 1/l/i): the password is read off the screen and typed by a person.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Three groups of four from 31 characters: about 59 bits, typeable, new each run. */
function readablePassword(): string {
	const group = () => Array.from({length: 4}, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
	return `${group()}-${group()}-${group()}`;
}
