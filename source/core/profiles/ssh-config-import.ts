import {readdirSync, readFileSync, statSync} from 'node:fs';
import {homedir, userInfo} from 'node:os';
import {basename, dirname, isAbsolute, join} from 'node:path';
import SSHConfig from 'ssh-config';
import {ProfileSchema, type Profile} from './schema.js';

/**
 * Reads OpenSSH client config (`~/.ssh/config`) into vmux profiles: one per concrete `Host` alias, with the values
 * ssh itself would use for it (`Host *` defaults included, first value wins: the `ssh-config` package computes
 * them). `Include` is followed (relative to ~/.ssh, `*` and `?` globs in the file name), bounded in depth and size.
 * What vmux cannot honour is reported, not guessed: wildcard-only hosts, `Match` blocks, `ProxyCommand`, a
 * `ProxyJump` that names no Host entry or profile.
 */

/** Bounds: a config (with its includes) bigger than this is refused with a sentence, not read into memory. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_INCLUDE_DEPTH = 8;
const MAX_FILES = 64;
const MAX_HOSTS = 2000;

export interface SshConfigImport {
	profiles: Profile[];
	skipped: Array<{host: string; reason: string}>;
	/** Files read, in order (the config and its includes). */
	files: string[];
}

export class SshConfigError extends Error {}

export interface SshConfigImportOptions {
	homeDir?: string;
	/** The user name ssh would use when the config names none. */
	localUser?: string;
	/** Names of profiles already saved: a ProxyJump may name one of them. */
	existingNames?: readonly string[];
}

export function importSshConfig(path: string, options: SshConfigImportOptions = {}): SshConfigImport {
	const home = options.homeDir ?? homedir();
	const sshDir = join(home, '.ssh');
	const files: string[] = [];
	let total = 0;
	const skipped: SshConfigImport['skipped'] = [];

	/** The file's text with its Include lines replaced by the included files' text (as ssh reads them in place). */
	const expand = (file: string, depth: number): string => {
		if (depth > MAX_INCLUDE_DEPTH) throw new SshConfigError(`${file}: Include goes deeper than ${MAX_INCLUDE_DEPTH} levels (a loop?); nothing was imported.`);
		if (files.length >= MAX_FILES) throw new SshConfigError(`More than ${MAX_FILES} files are included from ${path}; nothing was imported.`);
		let size: number;
		try {
			const stat = statSync(file);
			if (!stat.isFile()) throw new SshConfigError(`${file} is not a file: name an ssh_config file (default ~/.ssh/config).`);
			size = stat.size;
		} catch (error) {
			if (error instanceof SshConfigError) throw error;
			const code = (error as NodeJS.ErrnoException).code;
			throw new SshConfigError(code === 'ENOENT' ? `${file} does not exist: name an ssh_config file (default ~/.ssh/config).` : `${file} cannot be read (${code ?? (error as Error).message}).`);
		}
		total += size;
		if (total > MAX_CONFIG_BYTES) throw new SshConfigError(`${path} with its includes is over ${MAX_CONFIG_BYTES / 1024} KiB, more than an ssh_config holds; nothing was imported.`);
		files.push(file);
		const text = readFileSync(file, 'utf8');
		if (text.includes('\0')) throw new SshConfigError(`${file} is not a text file (it has NUL bytes); nothing was imported.`);
		return text
			.split(/\r?\n/)
			.map(line => {
				const include = /^\s*Include\s*(?:=\s*)?(.+?)\s*$/i.exec(line);
				if (!include) return line;
				return include[1]!
					.split(/\s+/)
					.flatMap(pattern => globFiles(pattern.replace(/^"|"$/g, ''), sshDir, home))
					.map(included => expand(included, depth + 1))
					.join('\n');
			})
			.join('\n');
	};

	const text = expand(path, 0);
	let config: SSHConfig;
	try {
		config = SSHConfig.parse(text);
	} catch (error) {
		throw new SshConfigError(`${path} could not be read as an ssh_config: ${(error as Error).message}`);
	}
	// Match blocks are not evaluated (they test the command line, the network, exec results): left out, reported.
	const kept = config.filter(line => {
		if (line.type === SSHConfig.DIRECTIVE && /^match$/i.test(line.param)) {
			skipped.push({host: `Match ${valueText(line.value)}`, reason: 'Match blocks are not imported (vmux cannot evaluate their conditions); copy what you need into a Host entry.'});
			return false;
		}
		return true;
	});
	const usable = SSHConfig.parse('');
	usable.push(...kept);

	const aliases: string[] = [];
	for (const line of usable) {
		if (line.type !== SSHConfig.DIRECTIVE || !/^host$/i.test(line.param)) continue;
		const patterns = valueList(line.value);
		const concrete = patterns.filter(p => !/[*?!]/.test(p));
		if (concrete.length === 0) {
			skipped.push({host: `Host ${patterns.join(' ')}`, reason: 'a wildcard-only Host entry is a set of defaults, not a host; its settings apply to the hosts imported with it.'});
			continue;
		}
		for (const alias of concrete) if (!aliases.includes(alias)) aliases.push(alias);
	}
	if (aliases.length > MAX_HOSTS) throw new SshConfigError(`${path} names ${aliases.length} hosts, more than ${MAX_HOSTS}; nothing was imported.`);

	const importing = new Set(aliases);
	const existing = new Set(options.existingNames ?? []);
	const localUser = options.localUser ?? safeLocalUser();
	const profiles: Profile[] = [];
	for (const alias of aliases) {
		const computed = usable.compute(alias);
		const one = (key: string): string | undefined => {
			const value = computed[key] ?? computed[Object.keys(computed).find(k => k.toLowerCase() === key.toLowerCase()) ?? ''];
			return Array.isArray(value) ? value[0] : value;
		};
		if (one('ProxyCommand') && one('ProxyCommand')!.toLowerCase() !== 'none') {
			skipped.push({host: alias, reason: 'it uses ProxyCommand, which vmux does not run; use ProxyJump (a jump-host profile) instead.'});
			continue;
		}
		const hostName = (one('HostName') ?? alias).replaceAll('%h', alias).replaceAll('%%', '%');
		const portText = one('Port') ?? '22';
		const port = Number(portText);
		let transport: Profile['transport'] = {kind: 'direct'};
		const jump = one('ProxyJump');
		if (jump && jump.toLowerCase() !== 'none') {
			if (jump.includes(',')) {
				skipped.push({host: alias, reason: `its ProxyJump goes through several hosts (${jump}); vmux imports one jump host per profile: make a profile for the chain by hand.`});
				continue;
			}
			const via = jump.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
			const name = importing.has(jump) ? jump : importing.has(via) ? via : existing.has(jump) ? jump : existing.has(via) ? via : undefined;
			if (!name) {
				skipped.push({host: alias, reason: `its ProxyJump ${jump} is neither a Host entry of this file nor a saved profile; add a Host entry for it, then import again.`});
				continue;
			}
			if (name === alias) {
				skipped.push({host: alias, reason: 'its ProxyJump names itself.'});
				continue;
			}
			transport = {kind: 'jump', via: name};
		}
		const identity = one('IdentityFile');
		const auth: Profile['auth'] = identity ? {type: 'key-file', path: identity.replace(/^%d(?=\/)/, '~')} : {type: 'agent'};
		const candidate = {
			name: alias,
			target: {kind: 'host', host: hostName},
			transport,
			protocol: 'ssh',
			port,
			username: one('User') ?? localUser,
			auth,
			options: one('ForwardAgent')?.toLowerCase() === 'yes' ? {forwardAgent: true} : {},
		};
		const parsed = ProfileSchema.safeParse(candidate);
		if (!parsed.success) {
			const issue = parsed.error.issues[0]!;
			skipped.push({host: alias, reason: `${issue.path.join('.') || 'the entry'}: ${issue.message} (${describe(issue.path, candidate)}).`});
			continue;
		}
		profiles.push(parsed.data);
	}
	// A jump host that was skipped takes the hosts that go through it along.
	const names = new Set(profiles.map(p => p.name));
	const result = profiles.filter(profile => {
		if (profile.transport.kind !== 'jump' || names.has(profile.transport.via) || existing.has(profile.transport.via)) return true;
		skipped.push({host: profile.name, reason: `its jump host ${profile.transport.via} was not imported (see above).`});
		return false;
	});
	return {profiles: result, skipped, files};
}

function valueList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(part => String((part as {val?: string}).val ?? part));
	return String(value).split(/\s+/).filter(Boolean);
}

function valueText(value: unknown): string {
	return valueList(value).join(' ');
}

function describe(path: readonly PropertyKey[], candidate: Record<string, unknown>): string {
	let value: unknown = candidate;
	for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
	return `got ${JSON.stringify(value)}`;
}

function safeLocalUser(): string {
	try {
		return userInfo().username;
	} catch {
		return 'root';
	}
}

/** Files an Include pattern names: `~` expanded, relative to ~/.ssh, `*` and `?` in the last component, sorted. */
function globFiles(pattern: string, sshDir: string, home: string): string[] {
	const expanded = pattern.startsWith('~/') ? join(home, pattern.slice(2)) : pattern;
	const full = isAbsolute(expanded) ? expanded : join(sshDir, expanded);
	const last = basename(full);
	if (!/[*?]/.test(last)) {
		try {
			return statSync(full).isFile() ? [full] : [];
		} catch {
			// ssh ignores an Include that names nothing.
			return [];
		}
	}
	const folder = dirname(full);
	if (/[*?]/.test(folder)) return [];
	const matcher = new RegExp(`^${last.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
	try {
		return readdirSync(folder)
			.filter(name => matcher.test(name))
			.sort()
			.map(name => join(folder, name))
			.filter(file => statSync(file).isFile());
	} catch {
		return [];
	}
}
