import {appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import {displayPath, shellPath, shellWord} from '../credentials/home-path.js';
import {fingerprintSha256, keyTypeOfBlob, plainKeyType} from '../credentials/ssh-wire.js';
import {hashHostName, lookupName} from './known-hosts-match.js';
import {type KnownHostsEntry, type SkippedLine, parseKnownHosts} from './known-hosts-parse.js';

/**
 * Host key trust, the OpenSSH way (DESIGN §5: host keys are checked before any credential is sent). vmux
 * reads its own known_hosts (the only file it writes) and the user's ~/.ssh/known_hosts (read-only), so a
 * VM the user already reached with `ssh` is not a stranger. Files are re-read on every check: a user who
 * follows a remove hint in another terminal is trusted again without restarting vmux.
 */

export {fingerprintSha256} from '../credentials/ssh-wire.js';
export {lookupName} from './known-hosts-match.js';
export type {SkippedLine} from './known-hosts-parse.js';

export interface KnownHostKey {
	fingerprint: string;
	file: string;
	line: number;
	keyType: string;
}

export type HostKeyCheck =
	| {status: 'match'; file: string; line: number}
	| {
			status: 'unknown';
			/** Fingerprint of the key the server offered. */
			fingerprint: string;
			keyType: string;
			/** Keys of other types known for this host: not a conflict (OpenSSH semantics), but worth showing. */
			otherKeys: KnownHostKey[];
			message: string;
	  }
	| {
			status: 'changed';
			/** `mismatch`: a known key of the same type differs. `revoked`: the offered key is marked @revoked. */
			reason: 'mismatch' | 'revoked';
			/** Fingerprint of the key the server offered (the new one). */
			fingerprint: string;
			keyType: string;
			/** The entries that conflict: the old keys, or the @revoked lines. */
			known: KnownHostKey[];
			/** A sentence naming the file, the line and what to run (or edit) to accept a legitimate change. */
			removeHint: string;
			/** The bare `ssh-keygen -R …` commands, for a UI that offers to copy them (empty when revoked). */
			removeCommands: string[];
			message: string;
	  };

export interface KnownHostsOptions {
	/** vmux's config dir; its `known_hosts` is the file vmux appends to. */
	configDir: string;
	/** The user's OpenSSH file, read only. Defaults to ~/.ssh/known_hosts; null reads none. */
	userFile?: string | null;
	/** For `~` in messages; defaults to the OS home. */
	homeDir?: string;
}

export class KnownHosts {
	/** The file vmux writes: `<configDir>/known_hosts`. */
	readonly vmuxFile: string;
	/** Every file consulted, vmux's first. */
	readonly files: readonly string[];
	private readonly home: string;

	constructor(options: KnownHostsOptions) {
		this.home = options.homeDir ?? homedir();
		this.vmuxFile = join(options.configDir, 'known_hosts');
		const userFile = options.userFile === undefined ? join(this.home, '.ssh', 'known_hosts') : options.userFile;
		this.files = userFile === null ? [this.vmuxFile] : [this.vmuxFile, userFile];
	}

	/**
	 * Whether the key a server offered is the one on file for `host:port`. `keyType` may be the negotiated
	 * algorithm (`rsa-sha2-512`); the type written inside the blob wins when they disagree, since that is
	 * what known_hosts lines record.
	 */
	check(host: string, port: number, keyType: string, keyBlob: Buffer): HostKeyCheck {
		const name = lookupName(host, port);
		const type = keyTypeOfBlob(keyBlob) ?? plainKeyType(keyType);
		const fingerprint = fingerprintSha256(keyBlob);
		const entries = this.read(name).entries;

		// Revocation beats everything, even the same key listed as trusted elsewhere (as in OpenSSH).
		const revoked = entries.filter(entry => entry.marker === 'revoked' && entry.keyBlob.equals(keyBlob));
		if (revoked.length > 0) {
			const where = revoked.map(entry => this.where(entry)).join(' and ');
			return {
				status: 'changed',
				reason: 'revoked',
				fingerprint,
				keyType: type,
				known: revoked.map(entry => this.describe(entry)),
				removeHint:
					`Ask the VM's administrator to replace its host key. If that key was revoked by mistake, ` +
					`delete ${where} by hand.`,
				removeCommands: [],
				message:
					`${name} offered the ${type} host key ${fingerprint}, which is marked @revoked in ${where}; ` +
					`vmux will not connect with a revoked key.`,
			};
		}

		// @cert-authority lines vouch for host certificates, not plain keys, so they play no part here.
		const plain = entries.filter(entry => entry.marker === undefined);
		const found = plain.find(entry => entry.keyBlob.equals(keyBlob));
		if (found) return {status: 'match', file: found.file, line: found.line};

		const sameType = plain.filter(entry => entry.keyType === type);
		if (sameType.length > 0) {
			const known = sameType.map(entry => this.describe(entry));
			const was = known.map(key => `${key.fingerprint} (${this.where(key)})`).join(', ');
			return {
				status: 'changed',
				reason: 'mismatch',
				fingerprint,
				keyType: type,
				known,
				removeHint: this.removeHint(name, sameType),
				removeCommands: this.removeCommands(name, sameType),
				message:
					`The ${type} host key of ${name} has changed: the server now offers ${fingerprint}, but vmux ` +
					`knows ${was}. Someone may be intercepting the connection, or the VM was rebuilt; ` +
					`vmux will not connect until the old key is removed.`,
			};
		}

		const otherKeys = plain.map(entry => this.describe(entry));
		let message = `vmux has not seen the ${type} host key of ${name} before. Its fingerprint is ${fingerprint}.`;
		if (otherKeys.length > 0) {
			const types = [...new Set(otherKeys.map(key => key.keyType))].join(', ');
			message +=
				` ${name} is known with ${types} (${otherKeys.map(key => this.where(key)).join(', ')}), ` +
				`so this is a new key rather than a changed one: the server offered a different key type.`;
		}
		return {status: 'unknown', fingerprint, keyType: type, otherKeys, message};
	}

	/**
	 * Trusts a key for `host:port` by appending a hashed line to vmux's file (as `HashKnownHosts yes`
	 * would), creating the file 0600 and its folder 0700. Existing lines are never rewritten; a key that is
	 * already on file in vmux's own file is not added twice.
	 */
	add(host: string, port: number, keyType: string, keyBlob: Buffer): void {
		const name = lookupName(host, port);
		const type = keyTypeOfBlob(keyBlob);
		if (type === undefined) throw new Error(`The host key offered by ${name} is not a valid SSH public key.`);
		if (type !== plainKeyType(keyType)) {
			throw new Error(`The host key offered by ${name} says ${type}, not ${keyType}; vmux did not save it.`);
		}
		try {
			const own = parseKnownHosts(readIfPresent(this.vmuxFile) ?? '', this.vmuxFile, name).entries;
			if (own.some(entry => !entry.marker && entry.keyBlob.equals(keyBlob))) return;

			mkdirSync(dirname(this.vmuxFile), {recursive: true, mode: 0o700});
			const line = `${hashHostName(name)} ${type} ${keyBlob.toString('base64')}\n`;
			// A file whose last line lacks its newline (hand-edited) must not get our entry glued onto it.
			const separator = endsWithoutNewline(this.vmuxFile) ? '\n' : '';
			appendFileSync(this.vmuxFile, separator + line, {mode: 0o600});
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code ?? String(error);
			const file = displayPath(this.vmuxFile, this.home);
			throw new Error(
				`vmux could not save the host key of ${name} to ${file} (${code}). ` +
					`Check that you own ${displayPath(dirname(this.vmuxFile), this.home)} and can write to it.`,
				{cause: error},
			);
		}
	}

	/** Lines vmux could not read in any of its files, for the doctor view. */
	problems(): SkippedLine[] {
		return this.read().skipped;
	}

	/** Every file's entries (only those naming `forHost`, when given) and unreadable lines. */
	private read(forHost?: string): {entries: KnownHostsEntry[]; skipped: SkippedLine[]} {
		const entries: KnownHostsEntry[] = [];
		const skipped: SkippedLine[] = [];
		for (const file of this.files) {
			let text: string | undefined;
			try {
				text = readIfPresent(file);
			} catch (error) {
				// An unreadable ~/.ssh/known_hosts only means fewer known keys, never a crash.
				skipped.push({file, line: 0, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`});
				continue;
			}
			if (text === undefined) continue;
			const parsed = parseKnownHosts(text, file, forHost);
			// Not push(...list): a 130k-line file overflows the stack as call arguments.
			for (const entry of parsed.entries) entries.push(entry);
			for (const line of parsed.skipped) skipped.push(line);
		}
		return {entries, skipped};
	}

	private describe(entry: KnownHostsEntry): KnownHostKey {
		return {fingerprint: fingerprintSha256(entry.keyBlob), file: entry.file, line: entry.line, keyType: entry.keyType};
	}

	private where(entry: {file: string; line: number}): string {
		return `${displayPath(entry.file, this.home)} line ${entry.line}`;
	}

	private removeCommands(name: string, entries: KnownHostsEntry[]): string[] {
		const files = [...new Set(entries.map(entry => entry.file))];
		return files.map(file => `ssh-keygen -R ${shellWord(name)} -f ${shellPath(file, this.home)}`);
	}

	private removeHint(name: string, entries: KnownHostsEntry[]): string {
		const commands = this.removeCommands(name, entries);
		const lines = entries.map(entry => this.where(entry)).join(', ');
		let hint =
			`If the change is expected (the VM was rebuilt or its key rotated), remove the old key (${lines}) ` +
			`with: ${commands.join(' and ')} — then connect again to review the new key.`;
		// `ssh-keygen -R` deletes the whole line, so a line that also covers other hosts loses them too.
		const shared = entries.filter(entry => entry.patterns !== undefined && /[,*?!]/.test(entry.patterns));
		for (const entry of shared) {
			hint +=
				` Note that ${this.where(entry)} (${entry.patterns}) also covers other hosts, which that ` +
				`command would forget as well; edit the line by hand to keep them.`;
		}
		return hint;
	}
}

function readIfPresent(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

function endsWithoutNewline(file: string): boolean {
	let fd: number;
	try {
		fd = openSync(file, 'r');
	} catch {
		return false;
	}
	try {
		const size = fstatSync(fd).size;
		if (size === 0) return false;
		const last = Buffer.alloc(1);
		readSync(fd, last, 0, 1, size - 1);
		return last[0] !== 0x0a;
	} finally {
		closeSync(fd);
	}
}
