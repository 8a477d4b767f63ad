import {readFile, stat} from 'node:fs/promises';
import {basename, resolve} from 'node:path';
import ssh2, {type ParsedKey} from 'ssh2';
import {describeKey, inspectOpenSsh, type KeyDescription} from './key-description.js';
import {repairKey} from './key-repair.js';
import {convertPkcs8, isPkcs8} from './pkcs8.js';
import {displayPath, expandHome, shellPath} from './home-path.js';

/**
 * Loads an SSH private key for ssh2 (DESIGN §5 "SSH private key from local file"): the key stays in memory,
 * nothing is written, and every failure is a sentence naming the file and the fix. An encrypted key is not
 * a failure but its own result, so the UI can ask for the passphrase and call again.
 */

export {describeKey, type KeyDescription} from './key-description.js';

export type KeyFormat = 'openssh' | 'pem' | 'pkcs8' | 'ppk';

export interface LoadedKey {
	/** The key as a user would name it: `~/.ssh/id_ed25519`, or "the secret x in Key Vault y". */
	source: string;
	/** Text ssh2 reads as `privateKey` (PKCS#8 arrives here already converted and decrypted). */
	privateKey: string;
	/** Give ssh2 this `passphrase` alongside `privateKey`; undefined when the text is not encrypted. */
	passphrase?: string;
	/** ssh2's parsed key, usable directly as an authHandler `key`. */
	parsed: ParsedKey;
	format: KeyFormat;
	encrypted: boolean;
	description: KeyDescription;
	/** Things worth telling the user that do not stop the connection (loose permissions, a repaired key). */
	warnings: string[];
}

export type PrivateKeyErrorCode =
	| 'not-found'
	| 'permission-denied'
	| 'not-a-file'
	| 'too-large'
	| 'empty'
	| 'public-key'
	| 'certificate'
	| 'wrong-passphrase'
	| 'damaged'
	| 'unsupported';

export type PrivateKeyResult =
	| {status: 'ok'; key: LoadedKey}
	| {
			status: 'needs-passphrase';
			source: string;
			format: KeyFormat;
			message: string;
			/** What the key is, when the file shows it without the passphrase (OpenSSH keys do). */
			publicKey?: KeyDescription;
	  }
	| {status: 'error'; code: PrivateKeyErrorCode; message: string};

export interface LoadPrivateKeyOptions {
	passphrase?: string;
	/** For `~` expansion and display; defaults to the OS home. */
	homeDir?: string;
}

/** No private key file is anywhere near this big; a bigger file was chosen by mistake. */
const MAX_KEY_BYTES = 256 * 1024;

export async function loadPrivateKeyFile(path: string, options: LoadPrivateKeyOptions = {}): Promise<PrivateKeyResult> {
	const absolute = resolve(expandHome(path.trim(), options.homeDir));
	const shown = displayPath(absolute, options.homeDir);
	const shell = shellPath(absolute, options.homeDir);
	let data: Buffer;
	let mode: number;
	try {
		const info = await stat(absolute);
		if (info.isDirectory()) {
			return fail('not-a-file', `${shown} is a folder, not a key file. Choose the private key inside it, such as ${shown === '~/.ssh' ? '~/.ssh/id_ed25519' : `${shown}/id_ed25519`}.`);
		}
		if (!info.isFile()) return fail('not-a-file', `${shown} is not a regular file. Choose the private key file itself.`);
		if (info.size > MAX_KEY_BYTES) {
			return fail('too-large', `${shown} is ${Math.round(info.size / 1024)} KiB, far too big to be an SSH private key. Choose the key file (such as ~/.ssh/id_ed25519).`);
		}
		mode = info.mode;
		data = await readFile(absolute);
	} catch (error) {
		return readError(error, shown, shell);
	}

	const result = parsePrivateKey(data, {source: shown, passphrase: options.passphrase, fileName: basename(absolute)});
	if (result.status === 'ok' && process.platform !== 'win32' && (mode & 0o077) !== 0) {
		result.key.warnings.push(
			`${shown} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); OpenSSH refuses such keys. ` +
				`Run: chmod 600 ${shell}`,
		);
	}
	return result;
}

export interface ParsePrivateKeyOptions {
	/** How messages name the key (`~/.ssh/id_rsa`, "the secret x in Key Vault y"). */
	source: string;
	passphrase?: string;
	/** The file's base name, to suggest the private key next to a chosen `.pub`. */
	fileName?: string;
	/** What to do instead, appended to errors that mean "this is not a usable private key". */
	fix?: string;
}

/** Parses key text already in memory (a file's contents, a Key Vault secret). */
export function parsePrivateKey(data: string | Buffer, options: ParsePrivateKeyOptions): PrivateKeyResult {
	const text = (typeof data === 'string' ? data : data.toString('utf8')).replace(/^\uFEFF/, '');
	const first = parseText(text, options);
	if (first.status !== 'error' || !['damaged', 'unsupported'].includes(first.code)) return first;

	// A key pasted into a file through a one-line box is damaged the same way as a portal secret.
	const repaired = repairKey(text);
	if (!repaired.ok || !repaired.repaired) return first;
	const second = parseText(repaired.key, options);
	if (second.status === 'ok') {
		second.key.warnings.push(`${capitalize(options.source)} is damaged: vmux repaired it in memory (${lowerFirst(repaired.how)}). Save a clean copy of the key to stop this warning.`);
	}
	return second.status === 'error' ? first : second;
}

function parseText(text: string, options: ParsePrivateKeyOptions): PrivateKeyResult {
	const {source} = options;
	const passphrase = options.passphrase || undefined;
	const trimmed = text.trim();
	if (trimmed === '') return fail('empty', `${capitalize(source)} is empty. ${options.fix ?? 'Choose the private key file; it starts with -----BEGIN.'}`);

	const format = detectFormat(trimmed);
	if (/^[a-z0-9-]+-cert-v01@openssh\.com\s/.test(trimmed)) {
		const key = options.fileName?.replace(/-cert\.pub$/, '');
		return fail('certificate', `${capitalize(source)} is an SSH certificate, not a private key. ${options.fix ?? `Choose the private key it was issued for${key && key !== options.fileName ? ` (${key})` : ''}.`}`);
	}
	if (trimmed.startsWith('PuTTY-User-Key-File-3')) {
		return fail('unsupported', `${capitalize(source)} is a PuTTY version 3 key, which vmux cannot read. Convert it: puttygen ${options.fileName ?? 'key.ppk'} -O private-openssh -o ~/.ssh/id_vmux`);
	}

	let keyText = trimmed;
	let keyPassphrase = passphrase;
	if (format === 'pkcs8') {
		const converted = convertPkcs8(trimmed, passphrase);
		if (!converted.ok) {
			if (converted.reason === 'needs-passphrase') return needsPassphrase(source, format);
			if (converted.reason === 'wrong-passphrase') return wrongPassphrase(source);
			if (converted.reason === 'unsupported') return fail('unsupported', `${capitalize(source)} holds ${converted.detail}. ${options.fix ?? 'Use an Ed25519, ECDSA or RSA key (ssh-keygen -t ed25519).'}`);
			return damaged(source, formatName('pkcs8'), converted.detail, options.fix);
		}
		// The converted text is decrypted, so ssh2 must not be handed the passphrase for it.
		keyText = converted.text;
		keyPassphrase = undefined;
	}

	let parsed: ParsedKey | Error;
	try {
		parsed = ssh2.utils.parseKey(keyText, keyPassphrase);
	} catch (error) {
		// ssh2 returns its errors, but a decipher on garbage can still throw.
		parsed = error instanceof Error ? error : new Error(String(error));
	}
	if (Array.isArray(parsed)) parsed = parsed[0] as ParsedKey;
	if (parsed instanceof Error) return explainParseError(parsed, text, format, options);

	if (!parsed.isPrivateKey()) {
		const privateName = options.fileName?.endsWith('.pub') ? options.fileName.slice(0, -4) : undefined;
		return fail(
			'public-key',
			`${capitalize(source)} is a public key; vmux needs the private key. ${options.fix ?? (privateName ? `Choose ${privateName} (the same name without .pub) instead.` : 'Choose the private key file it was made from (the one without .pub).')}`,
		);
	}

	const encrypted = format === 'pkcs8' ? text.includes('ENCRYPTED PRIVATE KEY') : isEncrypted(trimmed);
	return {
		status: 'ok',
		key: {
			source,
			privateKey: keyText.endsWith('\n') ? keyText : `${keyText}\n`,
			passphrase: encrypted && format !== 'pkcs8' ? keyPassphrase : undefined,
			parsed,
			format: format ?? 'openssh',
			encrypted,
			description: describeKey(parsed),
			warnings: [],
		},
	};
}

function explainParseError(error: Error, text: string, format: KeyFormat | undefined, options: ParsePrivateKeyOptions): PrivateKeyResult {
	const {source} = options;
	const message = error.message;
	if (/no passphrase given/i.test(message)) {
		return needsPassphrase(source, format ?? 'openssh', format === 'openssh' ? inspectOpenSsh(text)?.publicKey : undefined);
	}
	if (/bad passphrase|bad decrypt/i.test(message)) return wrongPassphrase(source);
	const type = /Unsupported OpenSSH private key type: (\S+)/.exec(message)?.[1];
	if (type?.startsWith('sk-')) {
		return fail('unsupported', `${capitalize(source)} is a security-key (FIDO) key, which needs the hardware token; vmux cannot use it. ${options.fix ?? 'Use a regular key (ssh-keygen -t ed25519).'}`);
	}
	if (format === undefined) {
		return fail(
			'unsupported',
			`${capitalize(source)} is not an SSH private key vmux can read: it should start with -----BEGIN OPENSSH PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY-----, -----BEGIN EC PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----. ${options.fix ?? 'Choose the private key file (such as ~/.ssh/id_ed25519).'}`,
		);
	}
	if (type || /^(Unsupported|Cipher .* not supported)/.test(message)) {
		return fail('unsupported', `${capitalize(source)} uses something vmux cannot read (${message}). ${options.fix ?? 'Use an Ed25519, ECDSA or RSA key in OpenSSH format (ssh-keygen -t ed25519).'}`);
	}
	return damaged(source, formatName(format), message, options.fix);
}

function detectFormat(text: string): KeyFormat | undefined {
	if (text.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) return 'openssh';
	if (isPkcs8(text)) return 'pkcs8';
	if (/-----BEGIN (RSA|EC|DSA) PRIVATE KEY-----/.test(text)) return 'pem';
	if (text.startsWith('PuTTY-User-Key-File-')) return 'ppk';
	return undefined;
}

function isEncrypted(text: string): boolean {
	if (text.includes('Proc-Type: 4,ENCRYPTED')) return true;
	if (text.startsWith('PuTTY-User-Key-File-')) return !/^Encryption: none$/m.test(text);
	if (text.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) return inspectOpenSsh(text)?.encrypted ?? false;
	return false;
}

/** With its article, to read "looks like an OpenSSH private key". */
function formatName(format: KeyFormat): string {
	return {openssh: 'an OpenSSH', pem: 'a PEM', pkcs8: 'a PKCS#8', ppk: 'a PuTTY'}[format];
}

function needsPassphrase(source: string, format: KeyFormat, publicKey?: KeyDescription): PrivateKeyResult {
	return {
		status: 'needs-passphrase',
		source,
		format,
		message: `${capitalize(source)} is protected by a passphrase. Type it to unlock the key.`,
		publicKey,
	};
}

function wrongPassphrase(source: string): PrivateKeyResult {
	return fail('wrong-passphrase', `The passphrase for ${source} is wrong. Type it again; it is case-sensitive.`);
}

function damaged(source: string, format: string, detail: string | undefined, fix: string | undefined): PrivateKeyResult {
	return fail(
		'damaged',
		`${capitalize(source)} looks like ${format} private key but its contents are damaged${detail ? ` (${detail})` : ''}. ${fix ?? 'Copy the key again from where it came from.'}`,
	);
}

function readError(error: unknown, shown: string, shell: string): PrivateKeyResult {
	const code = (error as NodeJS.ErrnoException).code;
	switch (code) {
		case 'ENOENT':
			return fail('not-found', `There is no file at ${shown}. Check the key path in the profile, or create a key with: ssh-keygen -t ed25519`);
		case 'ENOTDIR':
			return fail('not-found', `There is no file at ${shown}: part of that path is a file, not a folder. Check the key path in the profile.`);
		case 'EACCES':
		case 'EPERM':
			return fail('permission-denied', `vmux may not read ${shown} (permission denied). Make the key yours and readable by you: chmod 600 ${shell}`);
		case 'EISDIR':
			return fail('not-a-file', `${shown} is a folder, not a key file. Choose the private key inside it.`);
		default:
			return fail('not-found', `vmux could not read ${shown} (${code ?? (error as Error).message}). Check the key path in the profile.`);
	}
}

function fail(code: PrivateKeyErrorCode, message: string): PrivateKeyResult {
	return {status: 'error', code, message};
}

/** "Restored line breaks." -> "restored line breaks", to sit inside a sentence. */
function lowerFirst(text = ''): string {
	return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}

/** Messages start with the source; "the secret …" needs a capital there, paths stay as they are. */
function capitalize(text: string): string {
	return text.startsWith('the ') ? `T${text.slice(1)}` : text;
}

/** Exposed for the errors a running process may hit that tests cannot provoke as root (EACCES). */
export const describeReadError = (error: unknown, path: string, homeDir?: string): string => {
	const result = readError(error, displayPath(path, homeDir), shellPath(path, homeDir));
	return result.status === 'error' ? result.message : '';
};
