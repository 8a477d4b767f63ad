/**
 * The command line's global options, read wherever they stand (`vmux --config-dir D profiles list` and
 * `vmux profiles list --config-dir D` mean the same), and the subcommand with what is left for it.
 */

export const SUBCOMMANDS = ['profiles', 'doctor', 'ssh', 'cp', 'exec', 'tunnel'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** Global options that take a value, by flag, with the word the usage error names. */
const VALUE_OPTIONS = {
	'--config-dir': {key: 'configDir', what: 'a directory'},
	'--debug-log': {key: 'debugLog', what: 'a file'},
	'--prefix': {key: 'prefix', what: 'a key, e.g. C-a'},
	'--tenant': {key: 'tenant', what: 'a tenant id'},
	'--lab-topology': {key: 'labTopology', what: 'a file'},
} as const;

type ValueKey = (typeof VALUE_OPTIONS)[keyof typeof VALUE_OPTIONS]['key'];

export interface GlobalArgs {
	command?: Subcommand;
	options: Partial<Record<ValueKey, string>> & {demo: boolean};
	/** Everything else, in order: the subcommand's own arguments, or `--help` and unknowns for the app. */
	rest: string[];
}

export class UsageError extends Error {}

function isValueOption(name: string): name is keyof typeof VALUE_OPTIONS {
	return Object.hasOwn(VALUE_OPTIONS, name);
}

/**
 * Splits argv into global options, the subcommand and the rest. A value option with no value (at the end,
 * followed by another option, or `--opt=`) is a usage error: taking the next word or the current
 * directory instead would write files where the user never meant to.
 */
export function parseGlobalArgs(argv: readonly string[]): GlobalArgs {
	const options: GlobalArgs['options'] = {demo: false};
	const rest: string[] = [];
	let command: Subcommand | undefined;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--') {
			rest.push(...argv.slice(i));
			break;
		}
		if (arg === '--demo') {
			options.demo = true;
			continue;
		}
		const eq = arg.indexOf('=');
		const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
		if (isValueOption(name)) {
			const {key, what} = VALUE_OPTIONS[name];
			let value: string | undefined;
			if (name !== arg) value = arg.slice(eq + 1);
			else {
				const next = argv[i + 1];
				if (next !== undefined && !next.startsWith('-')) {
					value = next;
					i++;
				}
			}
			if (value === undefined || value.trim() === '') throw new UsageError(`${name} needs ${what} after it (${name} <value> or ${name}=<value>).`);
			if (options[key] !== undefined && options[key] !== value) throw new UsageError(`${name} is given twice ("${options[key]}" and "${value}"); give it once.`);
			options[key] = value;
			continue;
		}
		if (command === undefined && !arg.startsWith('-') && rest.every(earlier => earlier.startsWith('-')) && (SUBCOMMANDS as readonly string[]).includes(arg)) {
			command = arg as Subcommand;
			continue;
		}
		rest.push(arg);
	}
	return {command, options, rest};
}
