/**
 * `vmux profiles list|import|export`: saved profiles from the shell, without the UI.
 * Exit codes: 0 done, 1 a problem with the data (each reported as a sentence on stderr), 2 bad usage.
 */
import {writeFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {parseArgs} from 'node:util';
import {exportProfiles, parseImport} from '../core/profiles/import-export.js';
import {readConfigFile} from '../core/profiles/read-config-file.js';
import type {Profile} from '../core/profiles/schema.js';
import {ProfileStore, ProfileStoreError} from '../core/profiles/store.js';
import {displayText} from '../core/text/display-text.js';

export interface ProfilesCommandIo {
	configDir: string;
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	/** Base for relative file arguments; defaults to process.cwd(). */
	cwd?: string;
}

export const PROFILES_USAGE = `Usage
  vmux profiles list [--json]             show saved profiles (a table, or JSON)
  vmux profiles import <file> [--replace] add profiles from a file; same names are kept unless --replace
  vmux profiles export [file]             write profiles to a file, or to stdout without one
`;

/** `argv` is what follows `vmux profiles` on the command line. */
export async function runProfilesCommand(argv: string[], io: ProfilesCommandIo): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			strict: true,
			options: {json: {type: 'boolean'}, replace: {type: 'boolean'}, help: {type: 'boolean', short: 'h'}},
		});
	} catch (error) {
		io.stderr.write(`vmux profiles: ${(error as Error).message}\n\n${PROFILES_USAGE}`);
		return 2;
	}
	const {values, positionals} = parsed;
	const [subcommand, ...rest] = positionals;
	if (values.help || subcommand === 'help') {
		io.stdout.write(PROFILES_USAGE);
		return 0;
	}

	const usageError = (message: string) => {
		io.stderr.write(`vmux profiles: ${message}\n\n${PROFILES_USAGE}`);
		return 2;
	};
	const allowed: Record<string, {maxArgs: number; minArgs: number; flags: Array<'json' | 'replace'>}> = {
		list: {minArgs: 0, maxArgs: 0, flags: ['json']},
		import: {minArgs: 1, maxArgs: 1, flags: ['replace']},
		export: {minArgs: 0, maxArgs: 1, flags: []},
	};
	if (subcommand === undefined) return usageError('name a subcommand: list, import or export.');
	const shape = allowed[subcommand];
	if (!shape) return usageError(`"${subcommand}" is not a profiles subcommand; use list, import or export.`);
	if (rest.length < shape.minArgs || rest.length > shape.maxArgs) return usageError(`wrong number of arguments for "${subcommand}".`);
	for (const flag of ['json', 'replace'] as const) {
		if (values[flag] && !shape.flags.includes(flag)) return usageError(`--${flag} does not apply to "${subcommand}".`);
	}

	const store = new ProfileStore({configDir: io.configDir});
	const cwd = io.cwd ?? process.cwd();
	switch (subcommand) {
		case 'list':
			return list(store, io, values.json === true);
		case 'import':
			return importFile(store, io, resolve(cwd, rest[0]), values.replace === true);
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
