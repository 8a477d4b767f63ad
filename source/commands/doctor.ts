/**
 * `vmux doctor <vm> [--profile <name>] [--json]`: checks, in order, everything a Bastion connection to one VM
 * needs, and says what to fix. Exit codes: 0 nothing failed (warnings allowed), 1 a check failed, 2 bad usage.
 */
import {azureTarget, openAzureAccess, type AzureAccess, type AzureSource} from '../core/azure/azure-access.js';
import type {ArmClients} from '../core/azure/clients.js';
import {CloudSettingsError, type CloudSettings} from '../core/azure/cloud.js';
import {idKey} from '../core/azure/resource-id.js';
import {isVmId, runDoctor, STATUS_SYMBOLS, type CheckStatus, type DoctorReport} from '../core/doctor/index.js';
import type {Profile} from '../core/profiles/schema.js';
import {SettingsStore} from '../core/profiles/settings-store.js';
import {ProfileStore} from '../core/profiles/store.js';
import {displayText} from '../core/text/display-text.js';
import {parseVerbArgs} from './verb-args.js';

export interface DoctorCommandIo {
	configDir: string;
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	/** Environment to read `HOME` from (for `~` in key paths); defaults to the process's. */
	env?: NodeJS.ProcessEnv;
}

export interface DoctorCommandDeps {
	/** Ready clients (the demo's lab, tests): used as they are and left open for their owner. */
	clients?: ArmClients;
	/** Otherwise Azure is reached as the app reaches it (core/azure/azure-access, from settings.json) with `--tenant` over its tenantId. */
	tenantId?: string;
	/** For `~` in key paths; defaults to env HOME, then the OS home. */
	homeDir?: string;
	signal?: AbortSignal;
}

export const DOCTOR_USAGE = `Usage
  vmux doctor <vm> [--profile <name>] [--json] [--demo]

  <vm>              a VM name (searched in every subscription you can read) or its resource id
  --profile <name>  check against this saved profile (default: the profile saved for the VM)
  --json            print the report as JSON
  --demo            check a VM of the built-in demo lab (no Azure account needed)
  --config-dir <dir>, --tenant <id>  as for vmux itself

  Exit code 0 when no check fails, 1 when one does, 2 for usage errors.
`;

/** `argv` is what follows `vmux doctor` on the command line. */
export async function runDoctorCommand(argv: string[], io: DoctorCommandIo, deps: DoctorCommandDeps = {}): Promise<number> {
	const args = parseVerbArgs(argv, io, {verb: 'doctor', usage: DOCTOR_USAGE, options: {profile: {type: 'string'}, json: {type: 'boolean'}}});
	if (args.exit !== undefined) return args.exit;
	const {values, positionals, usage: usageError} = args;
	if (positionals.length === 0) return usageError('name the VM to check, by name or resource id.');
	if (positionals.length > 1) return usageError(`check one VM at a time (got ${positionals.map(arg => `"${arg}"`).join(', ')}).`);
	const target = positionals[0]!.trim();
	if (target === '') return usageError('the VM name is empty.');
	if (values.profile !== undefined && values.profile.trim() === '') return usageError('--profile needs a profile name.');

	const store = new ProfileStore({configDir: io.configDir});
	if (store.isReadOnly) {
		io.stderr.write(`vmux doctor: ${store.path} has problems; only its readable profiles are used:\n`);
		for (const problem of store.readOnlyProblems) io.stderr.write(`  - ${problem}\n`);
	}
	let profile: Profile | undefined;
	if (values.profile !== undefined) {
		profile = store.get(values.profile);
		if (!profile) {
			const names = store.list().map(candidate => `"${candidate.name}"`);
			return usageError(`there is no profile named "${values.profile}"${names.length > 0 ? `; saved profiles: ${names.join(', ')}` : ' (no profiles are saved yet)'}.`);
		}
	} else {
		const found = profileFor(target, store.list());
		profile = found.profile;
		if (found.others.length > 0) {
			io.stderr.write(`vmux doctor: profiles ${[found.profile!, ...found.others].map(candidate => `"${candidate.name}"`).join(', ')} all target ${target}; checking "${found.profile!.name}" (choose with --profile).\n`);
		}
	}

	let source: AzureSource;
	if (deps.clients) source = {kind: 'clients', clients: deps.clients, label: 'Azure'};
	else {
		// settings.json is checked as the app checks it, but a broken file is not quietly replaced by the defaults'
		// public cloud as the app does: the doctor would then check the wrong Azure.
		const settings = settingsForDoctor(io.configDir);
		if (!settings.ok) {
			io.stderr.write(`vmux doctor: ${settings.problem}\n`);
			return 1;
		}
		source = {kind: 'settings', settings: settings.store.settings, settingsPath: settings.store.path, tenant: deps.tenantId};
	}
	// The same Azure side as the app's: cloud, tenant, sign-in, clients and their retry policy, Key Vault.
	let azure: AzureAccess;
	try {
		azure = openAzureAccess(source);
	} catch (error) {
		if (!(error instanceof CloudSettingsError)) throw error;
		io.stderr.write(`vmux doctor: ${error.message}\n`);
		return 1;
	}
	let report: DoctorReport;
	let stopThrottle = () => {};
	try {
		const clients = await azure.clients();
		// Azure's throttling can make a check wait; say so rather than look stuck (stderr keeps --json clean).
		const stop = clients.onThrottle(event => {
			io.stderr.write(`vmux doctor: Azure is throttling requests; retrying in ${Math.ceil(event.retryAfterMs / 1000)} s (attempt ${event.attempt} of ${event.maxAttempts}).\n`);
		});
		stopThrottle = () => void stop();
		const homeDir = deps.homeDir ?? (io.env ?? process.env).HOME;
		report = await runDoctor({
			clients,
			vm: target,
			...(profile ? {profile} : {}),
			...(deps.signal ? {signal: deps.signal} : {}),
			...(homeDir ? {homeDir} : {}),
			// Key Vault profiles: the secret is read as connecting would (loaded only when a profile needs it).
			readSecret: azure.readSecret,
		});
	} catch (error) {
		io.stderr.write(`vmux doctor: ${displayText((error as Error).message, {multiline: true})}\n`);
		return 1;
	} finally {
		stopThrottle();
		// Injected clients stay open for their owner.
		await azure.close();
	}
	io.stdout.write(values.json ? `${JSON.stringify(report, undefined, '\t')}\n` : formatDoctorReport(report));
	return report.ok ? 0 : 1;
}

/** settings.json for the doctor, or one message naming the file, the field and the fix. */
function settingsForDoctor(configDir: string): {ok: true; store: SettingsStore} | {ok: false; problem: string} {
	const store = new SettingsStore(configDir);
	if (store.problems.length === 0) return {ok: true, store};
	// The app runs on defaults meanwhile; the doctor does not, so the store's "using default settings" is dropped.
	const problems = store.problems.map(problem => problem.replace(/;? ?using (the )?default settings[^.]*\./i, '.'));
	return {ok: false, problem: `${problems.join(' ').replace(/\s+/g, ' ').replace(/\.+\s*$/, '')}. Fix it, then run vmux doctor again.`};
}

/** settings.json's cloud and tenant as the doctor (and the app) reads them, or one message naming the file, the field and the fix. */
export function cloudFromSettingsFile(configDir: string): {ok: true; cloud: CloudSettings; tenantId?: string} | {ok: false; problem: string} {
	const settings = settingsForDoctor(configDir);
	if (!settings.ok) return settings;
	try {
		return {ok: true, ...azureTarget(settings.store.settings, settings.store.path)};
	} catch (error) {
		if (error instanceof CloudSettingsError) return {ok: false, problem: error.message};
		throw error;
	}
}

/**
 * The saved profile for a VM: one whose target is that VM (by id, or by name), preferring one named like the VM;
 * otherwise a profile with exactly that name. `others` are further matches, to mention.
 */
export function profileFor(target: string, profiles: readonly Profile[]): {profile?: Profile; others: Profile[]} {
	const byId = isVmId(target);
	const lower = target.toLowerCase();
	const matches = profiles.filter(
		profile => profile.target.kind === 'azure-vm' && (byId ? idKey(profile.target.vmId) === idKey(target) : profile.target.vmName.toLowerCase() === lower),
	);
	if (matches.length === 0) {
		const named = profiles.find(profile => profile.name === target);
		return named ? {profile: named, others: []} : {others: []};
	}
	const vmName = (profile: Profile) => (profile.target.kind === 'azure-vm' ? profile.target.vmName : '');
	const preferred = matches.find(profile => profile.name === target || profile.name === vmName(profile)) ?? matches[0]!;
	return {profile: preferred, others: matches.filter(profile => profile !== preferred)};
}

/** The readable report: one line per check with its symbol, the detail and fix indented beneath. */
export function formatDoctorReport(report: DoctorReport): string {
	const lines: string[] = [];
	const vm = report.vm ? `${report.vm.name} (resource group ${report.vm.resourceGroup}, ${report.vm.subscriptionName ?? report.vm.subscriptionId})` : report.target;
	lines.push(`vmux doctor: ${vm}${report.profileName ? `, profile "${report.profileName}"` : ', no saved profile'}`, '');
	for (const check of report.checks) {
		lines.push(`${STATUS_SYMBOLS[check.status]} ${check.title}`);
		lines.push(`    ${check.detail}`);
		if (check.fix) lines.push(`    Fix: ${check.fix}`);
	}
	lines.push('', summary(report));
	// Names and Azure's messages are quoted in the report: printed on the user's terminal, so made safe for it.
	return `${displayText(lines.join('\n'), {multiline: true})}\n`;
}

function summary(report: DoctorReport): string {
	const count = (status: CheckStatus) => report.checks.filter(check => check.status === status).length;
	const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
	const failed = count('fail');
	const warned = count('warn');
	const skippedCount = count('skip');
	const rest = [warned ? plural(warned, 'warning') : '', skippedCount ? `${skippedCount} skipped` : ''].filter(Boolean).join(', ');
	if (failed > 0) return `${plural(failed, 'check')} failed${rest ? `, ${rest}` : ''}: fix ${failed === 1 ? 'it' : 'them'} and run vmux doctor again.`;
	return `No check failed${rest ? ` (${rest})` : ''}.`;
}
