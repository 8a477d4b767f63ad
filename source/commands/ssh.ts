/**
 * `vmux ssh <profile> [-t] [--wait] [-- command…]`: a session in the current terminal without the TUI, or one command whose
 * exit status becomes vmux's (255 when the connection fails, as OpenSSH). The connection is the browser's
 * (cli-session: host keys, Key Vault secrets, Entra certificates, jump hosts, Bastion tunnels).
 */
import type {ClientChannel, PseudoTtyOptions} from 'ssh2';
import {displayText} from '../core/text/display-text.js';
import {ConnectFailure, openProfileConnection, type CliGlobals, type CliIo} from './cli-session.js';
import {demoProgress, parseVerbArgs} from './verb-args.js';
import {terminalGuard, type RawTerminal} from './terminal-guard.js';

export const SSH_USAGE = `Usage
  vmux ssh <profile> [-t] [--wait]                 an interactive shell on the VM, in this terminal
  vmux ssh <profile> [-t] [--wait] -- <command…>   run a command on the VM; vmux exits with its status (255: no connection)
    <profile>   a profile name, or a VM name (one fuzzy match, as the browser's / filter)
    -t          give the command a terminal (for programs that need one, e.g. top, sudo prompts)
    --wait      a VM that is starting: wait until it runs; stopping or deallocating: wait, then start it (at most 10 min)
`;

export interface SshCommandIo extends CliIo {
	stdin: CliIo['stdin'] & RawTerminal & NodeJS.ReadableStream;
	stdout: CliIo['stdout'] & {columns?: number; rows?: number; on?(event: 'resize', listener: () => void): unknown};
	stderr: CliIo['stderr'] & NodeJS.WritableStream;
}

/** `argv`: what follows `vmux ssh`. Resolves to the exit status. */
export async function runSshCommand(argv: string[], globals: CliGlobals, io: SshCommandIo): Promise<number> {
	const args = parseVerbArgs(argv, io, {verb: 'ssh', usage: SSH_USAGE, options: {tty: {type: 'boolean', short: 't'}, wait: {type: 'boolean'}}, command: true});
	if (args.exit !== undefined) return args.exit;
	const {values, command} = args;
	const [target, ...extra] = args.positionals;
	if (!target) return args.usage('name a profile (or VM) to connect to.');
	if (extra.length > 0) return args.refuse(`a command goes after --, e.g. vmux ssh ${displayText(target)} -- ${displayText(extra.join(' '))}`);
	if (command !== undefined && command.trim() === '') return args.refuse('the command after -- is empty; leave out -- for an interactive shell.');
	const interactive = command === undefined;
	if (interactive && !io.stdin.isTTY) return args.refuse('an interactive shell needs a terminal (stdin is not one); give a command after --.');
	let connection;
	try {
		connection = await openProfileConnection({
			globals,
			target,
			io,
			...demoProgress(globals, io.stderr),
			// What --wait does is said even without a terminal on stderr: it may take minutes.
			...(values.wait ? {wait: (line: string) => io.stderr.write(`vmux: ${line}\n`)} : {}),
		});
	} catch (error) {
		io.stderr.write(`vmux ssh: ${error instanceof ConnectFailure ? error.message : displayText(String((error as Error).message ?? error))}\n`);
		return error instanceof ConnectFailure ? error.exitCode : 255;
	}
	const {client, spec} = connection;
	const wantPty = interactive || values.tty === true;
	const cols = io.stdout.columns ?? 80;
	const rows = io.stdout.rows ?? 24;
	const pty: PseudoTtyOptions = {term: io.env?.TERM || 'xterm-256color', cols, rows, width: 0, height: 0};
	let channel: ClientChannel;
	try {
		channel = await new Promise<ClientChannel>((resolve, reject) => {
			const done = (error: Error | undefined, opened: ClientChannel) => (error ? reject(error) : resolve(opened));
			if (interactive) client.shell(pty, {env: langEnv(io.env)}, done);
			else client.exec(command!, {...(wantPty ? {pty} : {}), env: langEnv(io.env)}, done);
		});
	} catch (error) {
		io.stderr.write(`vmux ssh: ${displayText(spec.label)} refused to open a ${interactive ? 'shell' : 'command'} channel: ${displayText((error as Error).message)}\n`);
		await connection.close();
		return 255;
	}
	const guard = wantPty && io.stdin.isTTY ? terminalGuard(io.stdin) : undefined;
	const code = await new Promise<number>(resolve => {
		let exit: number | undefined;
		let finished = false;
		const off: Array<() => void> = [];
		const finish = (status: number, message?: string) => {
			if (finished) return;
			finished = true;
			io.stdin.off('data', onInput);
			io.stdin.pause();
			for (const fn of off) fn();
			guard?.restore();
			if (message) io.stderr.write(`${message}\n`);
			resolve(status);
		};
		const onInput = (chunk: Buffer | string) => channel.write(chunk);
		const forwardInput = wantPty || !io.stdin.isTTY;
		if (forwardInput) {
			io.stdin.on('data', onInput);
			io.stdin.once('end', () => channel.end());
			io.stdin.resume();
		} else {
			channel.end();
		}
		channel.on('data', (data: Buffer) => io.stdout.write(data));
		channel.stderr.on('data', (data: Buffer) => io.stderr.write(data));
		channel.on('exit', (status: number | null, signal?: string) => {
			exit = status ?? (signal ? 255 : undefined);
		});
		channel.on('close', () => finish(exit ?? 255));
		client.on('close', () => finish(exit ?? 255, exit === undefined ? `vmux ssh: the connection to ${displayText(spec.label)} was closed.` : undefined));
		client.on('error', error => finish(255, `vmux ssh: the connection to ${displayText(spec.label)} failed: ${displayText(error.message)}`));
		if (wantPty && io.stdout.isTTY) {
			const onResize = () => channel.setWindow(io.stdout.rows ?? rows, io.stdout.columns ?? cols, 0, 0);
			// The terminal's own 'resize' event, not SIGWINCH: Node reads the new size in its SIGWINCH handler, and a
			// handler of ours that ran first would send the old size (the window change then never arrives).
			const stdout = io.stdout as NodeJS.WriteStream;
			stdout.on('resize', onResize);
			off.push(() => stdout.off('resize', onResize));
		}
		// A signal to vmux ends the session with the terminal put back (the guard restores it on exit too).
		for (const [signal, status] of [
			['SIGTERM', 143],
			['SIGHUP', 129],
		] as const) {
			// Kept until vmux exits: a signal can arrive twice (the demo lab's thread), and with no listener of ours
			// left a library's signal-exit handler re-raises it, killing vmux before the terminal is restored.
			process.on(signal, () => finish(status));
		}
	});
	await connection.close();
	return code;
}

/** The locale goes with the session (as OpenSSH's SendEnv LANG LC_*), when the server accepts it. */
function langEnv(env: NodeJS.ProcessEnv | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(env ?? {})) if (value && (key === 'LANG' || key.startsWith('LC_'))) out[key] = value;
	return out;
}
