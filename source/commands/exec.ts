/**
 * `vmux exec <filter> -- <command…>`: runs one command on every VM the browser's filter matches and that has a
 * profile, a few at a time, and prints a table (VM, exit status, first line of output), each VM's whole output
 * (--full) or JSON (--json). Exit status 0 when every VM that ran exited 0; 1 when any failed; 2 bad usage.
 */
import type {Client, ClientChannel} from 'ssh2';
import {fuzzyVmFilter} from '../core/inventory/fuzzy-filter.js';
import {displayText} from '../core/text/display-text.js';
import {inventorySettled} from '../core/wiring/open-profile-connection.js';
import {ConnectFailure, startCliSession, type CliGlobals, type CliIo, type CliSession, type ResolvedTarget} from './cli-session.js';
import {demoProgress, parseVerbArgs} from './verb-args.js';

/** Bytes kept per VM and stream: a command that prints a lot on many VMs cannot fill vmux's memory. */
export const OUTPUT_LIMIT = 64 * 1024;
const DEFAULT_PARALLEL = 8;
const DEFAULT_TIMEOUT_S = 300;

export const EXEC_USAGE = `Usage
  vmux exec <filter> [--parallel N] [--full | --json] [--timeout S] -- <command…>
    <filter>       the browser's fuzzy filter (name, resource group, subscription, IP, tags); "" matches all
    --parallel N   at most N VMs at once (default ${DEFAULT_PARALLEL})
    --full         each VM's whole output, in a block per VM, instead of the table
    --json         the results as JSON (stdout, stderr, exit status per VM)
    --timeout S    give up on a VM after S seconds (default ${DEFAULT_TIMEOUT_S})
  Each VM's output is kept up to ${OUTPUT_LIMIT / 1024} KiB per stream (the rest is cut, and the result says so).
`;


export interface ExecResult {
	vm: string;
	profile?: string;
	/** `ran`: the command ran and exited (see exitCode); `failed`: no connection or no exit status; `skipped`: not run. */
	state: 'ran' | 'failed' | 'skipped';
	exitCode?: number;
	stdout: string;
	stderr: string;
	truncated: boolean;
	/** Why it failed or was skipped, as a sentence. */
	reason?: string;
	ms?: number;
}

export async function runExecCommand(argv: string[], globals: CliGlobals, io: CliIo & {stderr: CliIo['stderr'] & NodeJS.WritableStream}): Promise<number> {
	const args = parseVerbArgs(argv, io, {
		verb: 'exec',
		usage: EXEC_USAGE,
		options: {parallel: {type: 'string'}, full: {type: 'boolean'}, json: {type: 'boolean'}, timeout: {type: 'string'}},
		command: true,
	});
	if (args.exit !== undefined) return args.exit;
	const {values, positionals, usage} = args;
	const command = args.command ?? '';
	if (positionals.length !== 1) return usage(positionals.length === 0 ? 'name a filter for the VMs ("" for all of them).' : `one filter only (got ${positionals.length}); quote it if it has spaces, and put the command after --.`);
	if (command.trim() === '') return usage('give the command to run after --, e.g. vmux exec web -- uptime');
	if (values.full && values.json) return usage('--full and --json do not go together; choose one.');
	const parallel = values.parallel === undefined ? DEFAULT_PARALLEL : Number(values.parallel);
	if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64) return usage(`--parallel takes a whole number from 1 to 64, not "${displayText(values.parallel ?? '')}".`);
	const timeoutS = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout);
	if (!(timeoutS > 0 && timeoutS <= 86_400)) return usage(`--timeout takes seconds (1 to 86400), not "${displayText(values.timeout ?? '')}".`);
	const filter = positionals[0]!;

	let session: CliSession;
	try {
		session = await startCliSession(globals, io, demoProgress(globals, io.stderr));
	} catch (error) {
		io.stderr.write(`vmux exec: ${(error as Error).message}\n`);
		return 1;
	}
	try {
		await inventorySettled(session.services);
		const view = session.services.inventory.current();
		const matches = fuzzyVmFilter()(view.vms, filter).map(match => match.vm);
		if (matches.length === 0) {
			io.stderr.write(`vmux exec: no VM matches "${displayText(filter)}"${view.problem ? ` (${displayText(view.problem)})` : ''}.\n`);
			return 1;
		}
		const results = await runAll(session, matches, command, parallel, timeoutS * 1000);
		io.stdout.write(values.json ? `${JSON.stringify(results, undefined, '\t')}\n` : values.full ? formatFull(results) : formatTable(results));
		return results.some(result => result.state === 'failed' || (result.state === 'ran' && result.exitCode !== 0)) ? 1 : 0;
	} finally {
		await session.dispose();
	}
}

/** Runs on every VM, at most `parallel` at once, keeping the matches' order in the results. */
async function runAll(session: CliSession, vms: ResolvedTarget['vm'][], command: string, parallel: number, timeoutMs: number): Promise<ExecResult[]> {
	const results: ExecResult[] = new Array(vms.length);
	let next = 0;
	const worker = async () => {
		while (next < vms.length) {
			const index = next++;
			results[index] = await runOne(session, vms[index]!, command, timeoutMs);
		}
	};
	await Promise.all(Array.from({length: Math.min(parallel, vms.length)}, worker));
	return results;
}

async function runOne(session: CliSession, vm: ResolvedTarget['vm'], command: string, timeoutMs: number): Promise<ExecResult> {
	const profile = session.services.profiles.profileFor(vm);
	const base = {vm: vm.name, stdout: '', stderr: '', truncated: false};
	if (!profile) return {...base, state: 'skipped', reason: 'no profile: connect to it once in vmux (Enter) to make one'};
	const started = Date.now();
	const abort = new AbortController();
	const timer = setTimeout(() => abort.abort(), timeoutMs);
	let opened;
	try {
		const asked = session.prompter.questionsAsked;
		try {
			opened = await session.open({profile, vm}, {signal: abort.signal});
		} catch (error) {
			// Its handshake timed out while the user answered other VMs' questions (asked one at a time): once more.
			const waitedForUser = session.prompter.questionsAsked !== asked && error instanceof ConnectFailure && error.cause === 'network';
			if (!waitedForUser || abort.signal.aborted) throw error;
			opened = await session.open({profile, vm}, {signal: abort.signal});
		}
	} catch (error) {
		clearTimeout(timer);
		const reason = abort.signal.aborted ? `no connection within ${timeoutMs / 1000} s` : error instanceof ConnectFailure ? error.message : String((error as Error).message ?? error);
		return {...base, profile: profile.name, state: 'failed', reason, ms: Date.now() - started};
	}
	try {
		const output = await execCollect(opened.client, command, abort.signal);
		return {
			...base,
			profile: profile.name,
			state: output.exitCode === undefined ? 'failed' : 'ran',
			...(output.exitCode === undefined ? {reason: output.reason ?? 'the command ended without an exit status'} : {exitCode: output.exitCode}),
			stdout: output.stdout,
			stderr: output.stderr,
			truncated: output.truncated,
			ms: Date.now() - started,
		};
	} finally {
		clearTimeout(timer);
		opened.close();
	}
}

/** Runs the command without a terminal, keeping at most OUTPUT_LIMIT bytes of each stream. */
function execCollect(client: Client, command: string, signal: AbortSignal): Promise<{exitCode?: number; stdout: string; stderr: string; truncated: boolean; reason?: string}> {
	return new Promise(resolve => {
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		const size = {out: 0, err: 0};
		let truncated = false;
		let exitCode: number | undefined;
		let reason: string | undefined;
		let settled = false;
		const finish = () => {
			if (settled) return;
			settled = true;
			signal.removeEventListener('abort', onAbort);
			resolve({...(exitCode === undefined ? {} : {exitCode}), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), truncated, ...(reason ? {reason} : {})});
		};
		const onAbort = () => {
			reason = 'timed out; the command was left to the VM';
			finish();
		};
		signal.addEventListener('abort', onAbort, {once: true});
		const keep = (chunks: Buffer[], key: 'out' | 'err', data: Buffer) => {
			const room = OUTPUT_LIMIT - size[key];
			if (room <= 0) {
				truncated = true;
				return;
			}
			const part = data.length > room ? data.subarray(0, room) : data;
			if (part.length < data.length) truncated = true;
			chunks.push(Buffer.from(part));
			size[key] += part.length;
		};
		client.exec(command, (error: Error | undefined, channel: ClientChannel) => {
			if (error) {
				reason = `could not start the command: ${error.message}`;
				return finish();
			}
			channel.end();
			channel.on('data', (data: Buffer) => keep(out, 'out', data));
			channel.stderr.on('data', (data: Buffer) => keep(err, 'err', data));
			channel.on('exit', (code: number | null, signalName?: string) => {
				if (code !== null && code !== undefined) exitCode = code;
				else if (signalName) reason = `killed by signal ${signalName}`;
			});
			channel.on('close', finish);
		});
		client.on('close', () => {
			reason ??= 'the connection closed before the command ended';
			finish();
		});
	});
}

/** The first line with anything on it (stdout first, else stderr, else the reason), safe for the terminal. */
function firstLine(result: ExecResult): string {
	const text = [result.stdout, result.stderr].map(s => s.split(/\r?\n/).find(line => line.trim() !== '')).find(Boolean) ?? '';
	return displayText(text || result.reason || '').trim();
}

function statusText(result: ExecResult): string {
	if (result.state === 'skipped') return 'skipped';
	if (result.state === 'failed') return 'failed';
	return String(result.exitCode);
}

export function formatTable(results: ExecResult[]): string {
	const width = Math.max(2, ...results.map(r => displayText(r.vm).length));
	const statusWidth = Math.max(6, ...results.map(r => statusText(r).length));
	const rows = [`${'VM'.padEnd(width)}  ${'STATUS'.padEnd(statusWidth)}  OUTPUT`];
	for (const result of results) {
		const line = result.state === 'ran' ? firstLine(result) : displayText(result.reason ?? '');
		const cut = result.truncated ? ' (output cut)' : '';
		rows.push(`${displayText(result.vm).padEnd(width)}  ${statusText(result).padEnd(statusWidth)}  ${line.slice(0, 200)}${cut}`);
	}
	const ran = results.filter(r => r.state === 'ran');
	const ok = ran.filter(r => r.exitCode === 0).length;
	const failed = results.filter(r => r.state === 'failed').length + ran.length - ok;
	const skipped = results.filter(r => r.state === 'skipped').length;
	rows.push('', `${ok} ok, ${failed} failed, ${skipped} skipped.`);
	return `${rows.join('\n')}\n`;
}

export function formatFull(results: ExecResult[]): string {
	const blocks = results.map(result => {
		const head = `── ${displayText(result.vm)} · ${result.state === 'ran' ? `exit ${result.exitCode}` : result.state}${result.reason ? ` · ${displayText(result.reason)}` : ''}`;
		const body = [result.stdout, result.stderr ? `[stderr]\n${result.stderr}` : ''].filter(Boolean).join(result.stdout.endsWith('\n') ? '' : '\n');
		const text = displayText(body, {multiline: true}).replace(/\n+$/, '');
		return [head, ...(text ? [text] : []), ...(result.truncated ? [`[output cut at ${OUTPUT_LIMIT / 1024} KiB per stream]`] : [])].join('\n');
	});
	return `${blocks.join('\n\n')}\n`;
}
