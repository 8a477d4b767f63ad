/**
 * A CLI verb's own command line, read one way for all six (doctor, profiles, ssh, exec, tunnel, cp): node:util's
 * parseArgs over the verb's option table plus -h/--help; a parse error is `vmux <verb>: <why>`, a blank line and
 * the usage on stderr (exit 2); --help is the usage on stdout (exit 0). What the arguments mean stays with the verb.
 *
 * The global options (--demo, --config-dir, --tenant, --lab-topology, --debug-log) never reach the parser here:
 * cli-args takes them wherever they stand and hands them to the verb as `globals`, so a verb's table holds only its
 * own options. What the connecting verbs do with the globals themselves is `demoProgress`.
 */
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {displayText} from '../core/text/display-text.js';

/** An option table as parseArgs takes it (@types/node does not export its name). */
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface VerbIo {
	stdout: {write(text: string): unknown};
	stderr: {write(text: string): unknown};
}

export interface VerbSpec<O extends ParseArgsOptionsConfig> {
	/** The verb as messages name it: `ssh` in `vmux ssh: …`. */
	verb: string;
	/** The whole usage text, ending in a newline: printed for --help, and after a parse error or `usage(…)`. */
	usage: string;
	/** The verb's own options, as parseArgs takes them; -h/--help is added. */
	options: O;
	/**
	 * The words after `--` are a remote command (ssh, exec): they are kept from the parser (a `-t` there is the
	 * command's) and returned joined by spaces as `command`, which is undefined when there is no `--`.
	 */
	command?: boolean;
	/** A first word that asks for the usage too (`vmux profiles help`). */
	helpWord?: string;
}

const HELP = {help: {type: 'boolean', short: 'h'}} as const;

type Values<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{args: string[]; allowPositionals: true; strict: true; options: O & typeof HELP}>>['values'];

/** Either the verb is done (`exit`: --help, or a parse error already reported), or its arguments. */
export type VerbArgs<O extends ParseArgsOptionsConfig> =
	| {exit: number}
	| {
			exit?: undefined;
			values: Values<O>;
			positionals: string[];
			/** The words after `--`, joined (only with `command: true`). */
			command: string | undefined;
			/** Reports a usage error the verb found (`vmux <verb>: <message>`, then the usage) and returns 2. */
			usage(message: string): number;
			/** The same without the usage after it, for a mistake the one line fully explains; returns 2. */
			refuse(message: string): number;
	  };

/** `argv` is what follows `vmux <verb>` once cli-args has taken the global options out. */
export function parseVerbArgs<const O extends ParseArgsOptionsConfig>(argv: readonly string[], io: VerbIo, spec: VerbSpec<O>): VerbArgs<O> {
	const dashes = spec.command ? argv.indexOf('--') : -1;
	const own = dashes === -1 ? [...argv] : argv.slice(0, dashes);
	const command = dashes === -1 ? undefined : argv.slice(dashes + 1).join(' ');
	// The user's words come back in the messages (parseArgs quotes an unknown option): stripped for the terminal.
	const refuse = (message: string) => {
		io.stderr.write(`vmux ${spec.verb}: ${displayText(message)}\n`);
		return 2;
	};
	const usage = (message: string) => {
		io.stderr.write(`vmux ${spec.verb}: ${displayText(message)}\n\n${spec.usage}`);
		return 2;
	};
	let parsed;
	try {
		parsed = parseArgs({args: own, allowPositionals: true, strict: true, options: {...spec.options, ...HELP}});
	} catch (error) {
		return {exit: usage((error as Error).message)};
	}
	const values = parsed.values as Values<O>;
	if ((parsed.values as {help?: boolean}).help || (spec.helpWord !== undefined && parsed.positionals[0] === spec.helpWord)) {
		io.stdout.write(spec.usage);
		return {exit: 0};
	}
	return {values, positionals: parsed.positionals, command, usage, refuse};
}

/**
 * With --demo, a connecting verb (ssh, exec, tunnel, cp) says on a terminal's stderr that the lab is starting (it
 * takes a second or two); nothing otherwise, so a script's stderr holds only what went wrong.
 */
export function demoProgress(globals: {demo: boolean}, stderr: {isTTY?: boolean; write(text: string): unknown}): {progress?: (line: string) => void} {
	if (!(stderr.isTTY && globals.demo)) return {};
	return {progress: line => void (line.startsWith('Starting') && stderr.write(`vmux: ${line}\n`))};
}
