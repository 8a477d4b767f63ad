import meow from 'meow';
import {configPaths, defaultConfigDir, ensureConfigDir} from './core/config/paths.js';
import {redact} from './core/credentials/redact.js';
import {createLogger, setLogRedactor} from './core/log.js';

const HELP = `
  Usage
    $ vmux [options]                 open the VM browser (full screen)
    $ vmux --demo                    open vmux on the built-in lab (no Azure account needed)
    $ vmux profiles list [--json]    list saved connection profiles
    $ vmux profiles import <file> [--replace]
    $ vmux profiles export [file]
    $ vmux doctor <vm> [--profile <name>] [--json] [--demo]
                                     check everything a connection to the VM needs, in order

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

  Keys (browser)
    j/k ↑/↓ move   / filter   Enter connect   e edit profile   n new   D delete
    r refresh   ? help   q quit   Esc clears the filter (never quits)

  Keys (sessions, after the prefix Ctrl-b)
    c new shell on the same connection   n/p next/previous   0-9 jump   w picker
    d back to browser   x close   r reconnect   [ scrollback   ? help   Ctrl-b literal Ctrl-b
`;

const FLAGS = {
	demo: {type: 'boolean', default: false},
	configDir: {type: 'string'},
	debugLog: {type: 'string'},
	prefix: {type: 'string'},
	labTopology: {type: 'string'},
	tenant: {type: 'string'},
} as const;

const KNOWN_FLAGS = new Set(['--help', '-h', '--version', '-v', '--demo', '--config-dir', '--debug-log', '--prefix', '--lab-topology', '--tenant']);

function unknownFlag(argv: string[]): string | undefined {
	for (const arg of argv) {
		if (arg === '--') return undefined;
		if (!arg.startsWith('-') || arg === '-') continue;
		const name = arg.split('=')[0]!;
		if (!KNOWN_FLAGS.has(name)) return arg;
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
async function doctor(argv: string[]): Promise<number> {
	const {configDir, rest} = splitConfigDir(argv);
	const paths = configPaths(configDir ?? defaultConfigDir());
	if (!openConfigDir(paths)) return 1;
	const demo = rest.includes('--demo');
	const args = rest.filter(arg => arg !== '--demo');
	const tenantAt = args.indexOf('--tenant');
	const tenantId = tenantAt === -1 ? undefined : args[tenantAt + 1];
	if (tenantAt !== -1) args.splice(tenantAt, 2);
	const {runDoctorCommand} = await import('./commands/doctor.js');
	const io = {configDir: paths.dir, stdout: process.stdout, stderr: process.stderr, env: process.env};
	if (!demo) {
		const {SettingsStore} = await import('./core/profiles/settings-store.js');
		const {cloudFromSettings} = await import('./app/services/azure-services.js');
		const settings = new SettingsStore(paths.dir).settings;
		return runDoctorCommand(args, io, {cloud: cloudFromSettings(settings.cloud), tenantId: tenantId ?? settings.cloud.tenantId});
	}
	const {loadDemoTopology} = await import('./lab/topology/index.js');
	const {buildLocalInventory} = await import('./core/inventory/local-source.js');
	const {seedDemoProfiles} = await import('./lab/demo-profiles.js');
	const {ProfileStore} = await import('./core/profiles/store.js');
	const {startDemoAzure} = await import('./lab/demo-azure.js');
	const topology = loadDemoTopology();
	seedDemoProfiles(new ProfileStore({configDir: paths.dir}), buildLocalInventory(topology).vms);
	const azure = await startDemoAzure(topology);
	try {
		return await runDoctorCommand(args, io, {clients: azure.clients});
	} finally {
		await azure.close();
	}
}

/** `--config-dir` given to a subcommand, wherever it stands; the rest goes to the subcommand. */
function splitConfigDir(argv: string[]): {configDir?: string; rest: string[]} {
	const rest: string[] = [];
	let configDir: string | undefined;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--config-dir') configDir = argv[++i];
		else if (arg.startsWith('--config-dir=')) configDir = arg.slice('--config-dir='.length);
		else rest.push(arg);
	}
	return {configDir, rest};
}

async function main(): Promise<number> {
	const argv = process.argv.slice(2);
	if (argv[0] === 'profiles') {
		const {configDir, rest} = splitConfigDir(argv.slice(1));
		const paths = configPaths(configDir ?? defaultConfigDir());
		if (!openConfigDir(paths)) return 1;
		const {runProfilesCommand} = await import('./commands/profiles.js');
		return runProfilesCommand(rest, {configDir: paths.dir, stdout: process.stdout, stderr: process.stderr});
	}
	if (argv[0] === 'doctor') return doctor(argv.slice(1));
	const bad = unknownFlag(argv);
	if (bad) {
		process.stderr.write(`vmux: unknown option ${bad}\nUsage: vmux [--demo] [--config-dir <dir>] [--debug-log <file>] [--prefix <key>] | vmux profiles … (vmux --help for more)\n`);
		return 2;
	}
	const cli = meow(HELP, {importMeta: import.meta, flags: FLAGS, autoHelp: true, autoVersion: true, allowUnknownFlags: true, description: 'vmux — SSH sessions to Azure VMs, from the terminal.'});
	const paths = configPaths(cli.flags.configDir ?? defaultConfigDir());
	const [command] = cli.input;
	if (command) {
		process.stderr.write(`vmux: unknown command "${command}". Commands: profiles, doctor. See vmux --help.\n`);
		return 2;
	}
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		process.stderr.write('vmux: the browser needs an interactive terminal (stdin and stdout must be a TTY).\n');
		return 2;
	}
	if (!openConfigDir(paths)) return 1;
	setLogRedactor(text => redact(text));
	const logger = createLogger(cli.flags.debugLog);
	const {runApp} = await import('./app/run-app.js');
	const code = await runApp({paths, logger, demo: cli.flags.demo, prefix: cli.flags.prefix, labTopology: cli.flags.labTopology, tenant: cli.flags.tenant});
	// Sessions, the lab and timers are all closed by now; exit rather than wait on a straggling handle.
	process.exit(code);
}

const code = await main();
process.exitCode = code;
