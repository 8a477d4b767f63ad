/**
 * Checks that a local file is an SSH private key, for inline validation in the editor. Reads the file only
 * to parse it; the key never leaves memory and is never copied anywhere (DESIGN §5).
 */
import {createPrivateKey} from 'node:crypto';
import {readFileSync, statSync} from 'node:fs';
import {isAbsolute, resolve} from 'node:path';
import ssh2 from 'ssh2';
import {expandHome} from '../credentials/home-path.js';

// `~` is expanded the one way vmux does everywhere (core/credentials/home-path).
export {expandHome};

export function resolveKeyPath(path: string, home?: string): string {
	const expanded = expandHome(path.trim(), home);
	return isAbsolute(expanded) ? expanded : resolve(expanded);
}

export type KeyFileCheck =
	| {ok: true; path: string; format: 'openssh-or-pem' | 'pkcs8'; encrypted: boolean; keyType?: string}
	| {ok: false; path: string; message: string};

// Private keys are a few KB at most; refuse to slurp a huge file someone pointed at by mistake.
const MAX_KEY_BYTES = 64 * 1024;

export function checkPrivateKeyFile(path: string, home?: string): KeyFileCheck {
	const resolved = resolveKeyPath(path, home);
	let data: Buffer;
	try {
		const stat = statSync(resolved);
		if (stat.isDirectory()) return {ok: false, path: resolved, message: `${resolved} is a directory; expected an SSH private key file.`};
		if (stat.size > MAX_KEY_BYTES) {
			return {ok: false, path: resolved, message: `${resolved} is ${stat.size} bytes, too large for an SSH private key; choose the private key file (such as ~/.ssh/id_ed25519).`};
		}
		data = readFileSync(resolved);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return {ok: false, path: resolved, message: `${resolved} does not exist; expected an SSH private key file such as ~/.ssh/id_ed25519.`};
		if (code === 'EACCES') return {ok: false, path: resolved, message: `${resolved} cannot be read (permission denied); fix its permissions or choose another key file.`};
		return {ok: false, path: resolved, message: `${resolved} cannot be read (${(error as Error).message}).`};
	}

	const parsed = ssh2.utils.parseKey(data);
	if (!(parsed instanceof Error)) {
		const key = Array.isArray(parsed) ? parsed[0] : parsed;
		if (!key?.isPrivateKey()) {
			return {ok: false, path: resolved, message: `${resolved} is a public key; choose the private key (usually the same name without .pub).`};
		}
		return {ok: true, path: resolved, format: 'openssh-or-pem', encrypted: false, keyType: key.type};
	}
	// An encrypted key is still a key: its passphrase is asked for at connect time.
	if (/encrypted/i.test(parsed.message) && /passphrase/i.test(parsed.message)) {
		return {ok: true, path: resolved, format: 'openssh-or-pem', encrypted: true};
	}
	// ssh2 does not read PKCS#8 ("BEGIN PRIVATE KEY"), but OpenSSH does and Node can convert it (contracts §5).
	const text = data.toString('utf8');
	if (/-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
		if (text.includes('BEGIN ENCRYPTED PRIVATE KEY')) return {ok: true, path: resolved, format: 'pkcs8', encrypted: true};
		try {
			const key = createPrivateKey(data);
			return {ok: true, path: resolved, format: 'pkcs8', encrypted: false, keyType: key.asymmetricKeyType};
		} catch {
			// Fall through to the generic message.
		}
	}
	return {ok: false, path: resolved, message: `${resolved} is not an SSH private key (${parsed.message}); expected an OpenSSH or PEM private key such as ~/.ssh/id_ed25519.`};
}
