import {resolve as resolvePath} from 'node:path';
import {parseGlobalArgs, SUBCOMMANDS, UsageError, type GlobalArgs} from './cli-args.js';
import {configPaths, defaultConfigDir, ensureConfigDir} from './core/config/paths.js';
import {redact} from './core/credentials/redact.js';
import {createLogger, setLogRedactor} from './core/log.js';

// Only light modules are imported up front: `vmux --demo` paints its first frame before anything heavy loads
// (run-app), and the help text (meow, the command table) loads only for --help and --version.

/** The --help text, with the key bindings from the command table. */
async function helpText(): Promise<string> {
	const [{keysForCommandLine}, {defaultKeymap}] = await Promise.all([import('./core/commands/help-rows.js'), import('./core/commands/keymap.js')]);
	return `
  Usage
    $ vmux [options]                 open the VM browser (full screen)
    $ vmux --demo                    open vmux on the built-in lab (no Azure account needed)
    $ vmux profiles list [--json]    list saved connection profiles
    $ vmux profiles import <file> [--replace]
    $ vmux profiles export [file]
    $ vmux profiles import-ssh-config [file] [--dry-run] [--replace]
                                     add the Host entries of ~/.ssh/config (or file) as profiles
    $ vmux doctor <vm> [--profile <name>] [--json] [--demo]
                                     check everything a connection to the VM needs, in order
    $ vmux ssh <profile> [-t] [--wait] [-- <command…>]
                                     a shell on the VM in this terminal, or run a command (its exit status)
    $ vmux exec <filter> [--parallel N] [--full | --json] [--timeout S] -- <command…>
                                     run a command on every matching VM with a profile; a table of results
    $ vmux tunnel <profile> --remote-port P --local-port L [-v]
                                     keep 127.0.0.1:L open to the VM's port P (Bastion or SSH) until Ctrl-C
    $ vmux cp [-r] <profile>:<remote> <local>   download from the VM (SFTP, resumable, sha256-checked)
    $ vmux cp [-r] <local> <profile>:<remote>   upload to the VM

  Options
    --demo                 start the local lab (demo VMs, real SSH servers) and open vmux on it
    --config-dir <dir>     where profiles, settings, cache and known_hosts live
                           (default: ${defaultConfigDir()})
    --debug-log <file>     write a debug log (secrets are redacted)
    --prefix <key>         session prefix key, e.g. C-a (default: C-b)
    --tenant <id>          sign in to this Microsoft Entra tenant (default: the Azure CLI's)
    --lab-topology <file>  with --demo: serve this ARM-shaped topology instead of the built-in one
    --help                 show this help
    --version              show the version

${keysForCommandLine(defaultKeymap())}
`;
}

const USAGE_LINE =
	'Usage: vmux [--demo] [--config-dir <dir>] [--debug-log <file>] [--prefix <key>] [--tenant <id>] | vmux profiles … | vmux doctor <vm> | vmux ssh <profile> [-- cmd] | vmux exec <filter> -- cmd | vmux tunnel <profile> --remote-port P --local-port L (vmux --help for more)';

/** Options only the app reads; anything else starting with `-` is a typo worth stopping for. */
const APP_FLAGS = new Set(['--help', '-h', '--version', '-v']);

function unknownFlag(argv: string[]): string | undefined {
	for (const arg of argv) {
		if (arg === '--') return undefined;
		if (!arg.startsWith('-') || arg === '-') continue;
		if (!APP_FLAGS.has(arg.split('=')[0]!)) return arg;
	}
	return undefined;
}

/** Creates the config dir; on failure (a file in its place, permissions) says so in one line instead of a stack trace. */
function openConfigDir(paths: ReturnType<typeof configPaths>): boolean {
	try {
		ensureConfigDir(paths);
		return true;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
		process.stderr.write(`vmux: cannot use ${paths.dir} as the config directory (${code}): make it a directory you own, or choose another with --config-dir.\n`);
		return false;
	}
}

/** `vmux doctor <vm>`: against Azure, or with --demo against the lab. */
async function doctor(args: string[], global: GlobalArgs['options']): Promise<number> {
	const paths = configPaths(global.configDir ?? defaultConfigDir());
	if (!openConfigDir(paths)) return 1;
	const {runDoctorCommand} = await import('./commands/doctor.js');
	const io = {configDir: paths.dir, stdout: process.stdout, stderr: process.stderr, env: process.env};
	// The cloud and tenant come from settings.json, checked by the doctor command itself.
	if (!global.demo) {
		if (global.labTopology) {
			process.stderr.write('vmux doctor: --lab-topology names the world of the demo lab; add --demo (vmux doctor <vm> --demo --lab-topology <file>).\n');
			return 2;
		}
		return runDoctorCommand(args, io, global.tenant ? {tenantId: global.tenant} : {});
	}
	// Loading the Azure SDK and starting the lab takes seconds: say so at once (stderr keeps --json clean).
	const progress = (line: string) => process.stderr.write(`vmux doctor: ${line}\n`);
	progress('Starting the demo lab…');
	// The demo's run directory is removed on exit; a signal (even while the lab starts) must end the process through exit to get there.
	const onSignal = (signal: NodeJS.Signals) => process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
	const {loadDemoTopology, loadTopologyFile, TopologyError} = await import('./lab/topology/index.js');
	let topology: ReturnType<typeof loadDemoTopology>;
	try {
		// The same world the app serves with --demo --lab-topology, so the doctor checks what the browser shows.
		topology = global.labTopology ? loadTopologyFile(resolvePath(global.labTopology)) : loadDemoTopology();
	} catch (error) {
		if (!(error instanceof TopologyError)) throw error;
		process.stderr.write(`vmux doctor: ${error.message}\n`);
		return 1;
	}
	const {ProfileStore} = await import('./core/profiles/store.js');
	const {startDemo} = await import('./lab/demo.js');
	const lab = await startDemo({topology, configDir: paths.dir, store: new ProfileStore({configDir: paths.dir}), ssh: false, onProgress: progress});
	progress('Demo lab ready; running the checks…');
	try {
		return await runDoctorCommand(args, io, {clients: lab.azure.clients});
	} finally {
		await lab.stop();
	}
}

/** `vmux ssh|exec|tunnel`: connections through saved profiles without the TUI (commands/cli-session). */
async function cliVerb(command: 'ssh' | 'cp' | 'exec' | 'tunnel', args: string[], global: GlobalArgs['options']): Promise<number> {
	const io = {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env};
	let code: number;
	if (command === 'ssh') code = await (await import('./commands/ssh.js')).runSshCommand(args, global, io);
	else if (command === 'cp') {
		// Ctrl-C cancels the copy (its partial file stays for a resume) instead of killing vmux mid-write.
		const abort = new AbortController();
		process.once('SIGINT', () => abort.abort());
		code = await (await import('./commands/cp.js')).runCpCommand(args, global, io, {signal: abort.signal});
	}
	else if (command === 'exec') code = await (await import('./commands/exec.js')).runExecCommand(args, global, io);
	else code = await (await import('./commands/tunnel.js')).runTunnelCommand(args, global, io);
	// The demo lab's worker, sockets and timers are closed; exit rather than wait on a straggling handle.
	process.exit(code);
}

async function main(): Promise<number> {
	let parsed: GlobalArgs;
	try {
		parsed = parseGlobalArgs(process.argv.slice(2));
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		process.stderr.write(`vmux: ${error.message}\n${USAGE_LINE}\n`);
		return 2;
	}
	const {command, options, rest} = parsed;
	if (command === 'profiles') {
		const paths = configPaths(options.configDir ?? defaultConfigDir());
		if (!openConfigDir(paths)) return 1;
		const {runProfilesCommand} = await import('./commands/profiles.js');
		return runProfilesCommand(rest, {configDir: paths.dir, stdout: process.stdout, stderr: process.stderr});
	}
	if (command === 'doctor') return doctor(rest, options);
	if (command === 'ssh' || command === 'cp' || command === 'exec' || command === 'tunnel') return cliVerb(command, rest, options);
	const bad = unknownFlag(rest);
	if (bad) {
		process.stderr.write(`vmux: unknown option ${bad}\n${USAGE_LINE}\n`);
		return 2;
	}
	// meow only answers --help and --version here (and exits); the options were read above, wherever they stood.
	const afterFlags = rest.indexOf('--');
	const flags = afterFlags === -1 ? rest : rest.slice(0, afterFlags);
	if (flags.some(arg => APP_FLAGS.has(arg.split('=')[0]!))) {
		const {default: meow} = await import('meow');
		meow(await helpText(), {importMeta: import.meta, argv: rest, autoHelp: true, autoVersion: true, allowUnknownFlags: true, description: 'vmux — SSH sessions to Azure VMs, from the terminal.'});
	}
	const paths = configPaths(options.configDir ?? defaultConfigDir());
	// Every other flag was refused above: what remains are words (all of them after a `--`), and vmux takes none.
	const unknownCommand = [...flags.filter(arg => !arg.startsWith('-')), ...(afterFlags === -1 ? [] : rest.slice(afterFlags + 1))][0];
	if (unknownCommand) {
		process.stderr.write(`vmux: unknown command "${unknownCommand}". Commands: ${SUBCOMMANDS.join(', ')}. See vmux --help.\n`);
		return 2;
	}
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		process.stderr.write('vmux: the browser needs an interactive terminal (stdin and stdout must be a TTY).\n');
		return 2;
	}
	if (!openConfigDir(paths)) return 1;
	setLogRedactor(text => redact(text));
	const logger = createLogger(options.debugLog);
	const {runApp} = await import('./app/run-app.js');
	const code = await runApp({paths, logger, demo: options.demo, prefix: options.prefix, labTopology: options.labTopology, tenant: options.tenant});
	// Sessions, the lab and timers are all closed by now; exit rather than wait on a straggling handle.
	process.exit(code);
}

const code = await main();
process.exitCode = code;
