/**
 * `vmux profiles list|import|export`: saved profiles from the shell, without the UI.
 * Exit codes: 0 done, 1 a problem with the data (each reported as a sentence on stderr), 2 bad usage.
 */
import {writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join, resolve} from 'node:path';
import {exportProfiles, parseImport} from '../core/profiles/import-export.js';
import {readConfigFile} from '../core/profiles/read-config-file.js';
import type {Profile} from '../core/profiles/schema.js';
import {ProfileStore, ProfileStoreError} from '../core/profiles/store.js';
import {importSshConfig, SshConfigError} from '../core/profiles/ssh-config-import.js';
import {displayText} from '../core/text/display-text.js';
import {parseVerbArgs} from './verb-args.js';

export interface ProfilesCommandIo {
	configDir: string;
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	/** Base for relative file arguments; defaults to process.cwd(). */
	cwd?: string;
	/** Where ~/.ssh is (import-ssh-config); defaults to the OS home. */
	homeDir?: string;
}

export const PROFILES_USAGE = `Usage
  vmux profiles list [--json]             show saved profiles (a table, or JSON)
  vmux profiles import <file> [--replace] add profiles from a file; same names are kept unless --replace
  vmux profiles export [file]             write profiles to a file, or to stdout without one
  vmux profiles import-ssh-config [file] [--dry-run] [--replace]
                                          add the Host entries of an ssh_config (default ~/.ssh/config)
`;

/** `argv` is what follows `vmux profiles` on the command line. */
export async function runProfilesCommand(argv: string[], io: ProfilesCommandIo): Promise<number> {
	const args = parseVerbArgs(argv, io, {
		verb: 'profiles',
		usage: PROFILES_USAGE,
		options: {json: {type: 'boolean'}, replace: {type: 'boolean'}, 'dry-run': {type: 'boolean'}},
		helpWord: 'help',
	});
	if (args.exit !== undefined) return args.exit;
	const {values, positionals, usage: usageError} = args;
	const [subcommand, ...rest] = positionals;

	const allowed: Record<string, {maxArgs: number; minArgs: number; flags: Array<'json' | 'replace' | 'dry-run'>}> = {
		list: {minArgs: 0, maxArgs: 0, flags: ['json']},
		import: {minArgs: 1, maxArgs: 1, flags: ['replace']},
		export: {minArgs: 0, maxArgs: 1, flags: []},
		'import-ssh-config': {minArgs: 0, maxArgs: 1, flags: ['replace', 'dry-run']},
	};
	if (subcommand === undefined) return usageError('name a subcommand: list, import, export or import-ssh-config.');
	const shape = allowed[subcommand];
	if (!shape) return usageError(`"${subcommand}" is not a profiles subcommand; use list, import, export or import-ssh-config.`);
	if (rest.length < shape.minArgs || rest.length > shape.maxArgs) return usageError(`wrong number of arguments for "${subcommand}".`);
	for (const flag of ['json', 'replace', 'dry-run'] as const) {
		if (values[flag] && !shape.flags.includes(flag)) return usageError(`--${flag} does not apply to "${subcommand}".`);
	}

	const store = new ProfileStore({configDir: io.configDir});
	const cwd = io.cwd ?? process.cwd();
	switch (subcommand) {
		case 'list':
			return list(store, io, values.json === true);
		case 'import':
			return importFile(store, io, resolve(cwd, rest[0]), values.replace === true);
		case 'import-ssh-config':
			return importSshConfigFile(store, io, rest[0] === undefined ? join(io.homeDir ?? homedir(), '.ssh', 'config') : resolve(cwd, rest[0]), {replace: values.replace === true, dryRun: values['dry-run'] === true, homeDir: io.homeDir});
		default:
			return exportTo(store, io, rest[0] === undefined || rest[0] === '-' ? undefined : resolve(cwd, rest[0]));
	}
}

function reportReadOnly(store: ProfileStore, io: ProfilesCommandIo): void {
	io.stderr.write(`vmux: ${store.path} has problems, so profiles are read-only until it is fixed:\n`);
	for (const problem of store.readOnlyProblems) io.stderr.write(`  - ${problem}\n`);
	// Only the first few are listed (a file may have thousands); fixing those usually shows the pattern.
	if (store.moreProblemsNote) io.stderr.write(`  ${store.moreProblemsNote}\n`);
}

function list(store: ProfileStore, io: ProfilesCommandIo, json: boolean): number {
	const profiles = store.list();
	if (json) {
		io.stdout.write(`${JSON.stringify(profiles, undefined, '\t')}\n`);
	} else if (profiles.length === 0) {
		io.stdout.write(store.isReadOnly ? 'No readable profiles.\n' : `No saved profiles yet (${store.path}).\n`);
	} else {
		io.stdout.write(formatTable(profiles));
	}
	if (store.isReadOnly) {
		reportReadOnly(store, io);
		return 1;
	}
	return 0;
}

const AUTH_SHORT: Record<Profile['auth']['type'], string> = {
	entra: 'Entra ID',
	password: 'password',
	'keyvault-password': 'Key Vault password',
	'key-file': 'key file',
	agent: 'ssh-agent',
	'keyvault-key': 'Key Vault key',
};

export function formatTable(profiles: readonly Profile[]): string {
	const header = ['NAME', 'TARGET', 'TRANSPORT', 'PORT', 'USER', 'AUTH'];
	const rows = profiles.map(profile => [
		profile.name,
		profile.target.kind === 'azure-vm' ? `${profile.target.vmName} (${profile.target.resourceGroup})` : profile.target.host,
		describeTransport(profile.transport),
		String(profile.port),
		profile.username ?? '-',
		AUTH_SHORT[profile.auth.type],
	].map(cell => displayText(cell)));
	// A loop, not Math.max(...rows): spreading 150,000 arguments overflows the stack.
	const widths = header.map((title, column) => rows.reduce((widest, row) => Math.max(widest, width(row[column])), width(title)));
	const line = (cells: string[]) =>
		`${cells
			.map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat(widths[column] - width(cell))))
			.join('  ')}\n`;
	return [header, ...rows].map(line).join('');
}

function describeTransport(transport: Profile['transport']): string {
	switch (transport.kind) {
		case 'bastion':
			return `Bastion ${transport.bastionName} (${transport.sku})`;
		case 'direct':
			return 'direct';
		default:
			return `jump via ${transport.via}`;
	}
}

// Code points, not UTF-16 units, so accented names line up.
function width(text: string): number {
	return [...text].length;
}

function importFile(store: ProfileStore, io: ProfilesCommandIo, file: string, replace: boolean): number {
	if (store.isReadOnly) {
		reportReadOnly(store, io);
		io.stderr.write('Nothing was imported.\n');
		return 1;
	}
	// The same careful read as the store's own file: bounded, strict UTF-8, no FIFO or directory surprises.
	const read = readConfigFile(file);
	if (read.kind !== 'text') {
		io.stderr.write(read.kind === 'missing' ? `vmux: cannot read ${file} (ENOENT); nothing was imported.\n` : `vmux: ${read.problem} Nothing was imported.\n`);
		return 1;
	}
	const text = read.text;
	const parsed = parseImport(text, file, store.list().map(profile => profile.name));
	if (!parsed.ok) {
		io.stderr.write(`vmux: ${file} has ${parsed.problemCount} problem${parsed.problemCount === 1 ? '' : 's'}; nothing was imported:\n`);
		for (const problem of parsed.problems) io.stderr.write(`  - ${problem}\n`);
		if (parsed.moreNote) io.stderr.write(`  ${parsed.moreNote}\n`);
		return 1;
	}
	try {
		const result = store.importProfiles(parsed.profiles, {replace});
		const names = (list: string[]) => list.map(name => `"${name}"`).join(', ');
		io.stdout.write(`Imported ${result.added.length + result.replaced.length} of ${parsed.profiles.length} profiles from ${file}.\n`);
		if (result.added.length > 0) io.stdout.write(`  added: ${names(result.added)}\n`);
		if (result.replaced.length > 0) io.stdout.write(`  replaced: ${names(result.replaced)}\n`);
		if (result.kept.length > 0) io.stdout.write(`  kept the saved ${names(result.kept)} (same name; use --replace to overwrite)\n`);
		return 0;
	} catch (error) {
		if (!(error instanceof ProfileStoreError)) throw error;
		io.stderr.write(`vmux: the import was refused; nothing was imported:\n`);
		for (const problem of error.problems) io.stderr.write(`  - ${problem}\n`);
		return 1;
	}
}

/** `vmux profiles import-ssh-config`: Host entries become profiles; what cannot is listed with the reason. */
function importSshConfigFile(store: ProfileStore, io: ProfilesCommandIo, file: string, options: {replace: boolean; dryRun: boolean; homeDir?: string | undefined}): number {
	if (store.isReadOnly && !options.dryRun) {
		reportReadOnly(store, io);
		io.stderr.write('Nothing was imported.\n');
		return 1;
	}
	const existing = store.list().map(profile => profile.name);
	let found;
	try {
		found = importSshConfig(file, {existingNames: existing, ...(options.homeDir ? {homeDir: options.homeDir} : {})});
	} catch (error) {
		if (!(error instanceof SshConfigError)) throw error;
		io.stderr.write(`vmux: ${displayText(error.message)}\n`);
		return 1;
	}
	const show = (text: string) => displayText(text);
	const describeProfile = (profile: Profile) => {
		const target = profile.target.kind === 'host' ? profile.target.host : profile.target.vmName;
		const via = profile.transport.kind === 'jump' ? ` via ${profile.transport.via}` : '';
		const auth = profile.auth.type === 'key-file' ? `key ${profile.auth.path}` : profile.auth.type === 'agent' ? 'ssh-agent' : profile.auth.type;
		return `${show(profile.name)}: ${show(profile.username ?? '')}@${show(target)}:${profile.port}${show(via)}, ${show(auth)}${profile.options.forwardAgent ? ', forwards the agent' : ''}`;
	};
	const taken = new Set(existing);
	const lines: string[] = [];
	if (options.dryRun) {
		lines.push(`Would import ${found.profiles.length} profile${found.profiles.length === 1 ? '' : 's'} from ${show(file)} (dry run: nothing changed):`);
		for (const profile of found.profiles) {
			const verb = !taken.has(profile.name) ? 'add' : options.replace ? 'replace' : 'keep the saved';
			lines.push(`  ${verb} ${describeProfile(profile)}`);
		}
	} else {
		let result;
		try {
			result = store.importProfiles(found.profiles, {replace: options.replace});
		} catch (error) {
			if (!(error instanceof ProfileStoreError)) throw error;
			io.stderr.write('vmux: the import was refused; nothing was imported:\n');
			for (const problem of error.problems) io.stderr.write(`  - ${problem}\n`);
			return 1;
		}
		const byName = new Map(found.profiles.map(profile => [profile.name, profile]));
		lines.push(`Imported ${result.added.length + result.replaced.length} of ${found.profiles.length} hosts from ${show(file)}.`);
		for (const name of result.added) lines.push(`  added ${describeProfile(byName.get(name)!)}`);
		for (const name of result.replaced) lines.push(`  replaced ${describeProfile(byName.get(name)!)}`);
		for (const name of result.kept) lines.push(`  kept the saved "${show(name)}" (same name; use --replace to overwrite)`);
	}
	if (found.skipped.length > 0) {
		lines.push(`Skipped ${found.skipped.length}:`);
		for (const skip of found.skipped) lines.push(`  ${show(skip.host)}: ${show(skip.reason)}`);
	}
	io.stdout.write(`${lines.join('\n')}\n`);
	return 0;
}

function exportTo(store: ProfileStore, io: ProfilesCommandIo, file: string | undefined): number {
	const text = exportProfiles(store.list());
	if (file === undefined) {
		io.stdout.write(text);
	} else {
		try {
			// Profiles hold no secrets, but they map hosts and users: private like the store itself.
			writeFileSync(file, text, {mode: 0o600});
		} catch (error) {
			io.stderr.write(`vmux: cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).\n`);
			return 1;
		}
		io.stderr.write(`Exported ${store.list().length} profiles to ${file}.\n`);
	}
	if (store.isReadOnly) {
		reportReadOnly(store, io);
		io.stderr.write('Only the readable profiles were exported.\n');
		return 1;
	}
	return 0;
}
