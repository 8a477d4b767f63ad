/**
 * `vmux tunnel <profile> --remote-port P --local-port L [-v]`: keeps 127.0.0.1:L open in the foreground (like
 * `az network bastion tunnel`) until Ctrl-C; each connection accepted there is carried to port P on the VM. Through
 * a Bastion profile every connection gets its own native-client tunnel to port P, under the SKU's port rules
 * (Developer, QuickConnect and Basic: port 22 only; IP-based connections: port 22); direct and jump profiles carry
 * them over one SSH connection (`direct-tcpip`, as `ssh -L L:localhost:P`).
 */
import {execFile} from 'node:child_process';
import {createServer, type Server, type Socket} from 'node:net';
import type {Duplex} from 'node:stream';
import {displayText} from '../core/text/display-text.js';
import {ConnectFailure, startCliSession, type CliGlobals, type CliIo, type CliSession, type OpenedConnection, type ResolvedTarget} from './cli-session.js';
import {demoProgress, parseVerbArgs} from './verb-args.js';

export const TUNNEL_USAGE = `Usage
  vmux tunnel <profile> --remote-port P --local-port L [-v]
    keeps 127.0.0.1:L open until Ctrl-C; each connection to it reaches port P on the VM
    (through the profile's Bastion, or its SSH connection for direct and jump profiles)
    -v   a line for each connection
`;

export interface TunnelIo extends CliIo {
	stderr: CliIo['stderr'] & NodeJS.WritableStream;
}

/** Opens one stream to the VM's port; `close` releases what it holds (a Bastion token). */
type Connector = (signal: AbortSignal) => Promise<{stream: Duplex; close(): void}>;

export async function runTunnelCommand(argv: string[], globals: CliGlobals, io: TunnelIo, options: {signal?: AbortSignal; onListening?: (port: number) => void} = {}): Promise<number> {
	const args = parseVerbArgs(argv, io, {
		verb: 'tunnel',
		usage: TUNNEL_USAGE,
		options: {'remote-port': {type: 'string'}, 'local-port': {type: 'string'}, verbose: {type: 'boolean', short: 'v'}},
	});
	if (args.exit !== undefined) return args.exit;
	const {values, positionals, usage} = args;
	if (positionals.length !== 1) return usage(positionals.length === 0 ? 'name the profile (or VM) to tunnel to.' : 'name one profile only.');
	const remotePort = port(values['remote-port']);
	const localPort = port(values['local-port'], true);
	if (remotePort === undefined) return usage(`--remote-port needs the VM's port (1-65535)${values['remote-port'] === undefined ? '' : `, not "${displayText(values['remote-port'])}"`}.`);
	if (localPort === undefined) return usage(`--local-port needs a local port (1-65535, or 0 for any free one)${values['local-port'] === undefined ? '' : `, not "${displayText(values['local-port'])}"`}.`);
	const say = (line: string) => io.stderr.write(`${line}\n`);

	let session: CliSession;
	try {
		session = await startCliSession(globals, io, demoProgress(globals, io.stderr));
	} catch (error) {
		say(`vmux tunnel: ${(error as Error).message}`);
		return 1;
	}
	let ssh: OpenedConnection | undefined;
	let server: Server | undefined;
	const sockets = new Set<Socket>();
	try {
		let target: ResolvedTarget;
		let connector: Connector;
		let via: string;
		try {
			target = await session.resolve(positionals[0]!);
			if (target.profile.transport.kind === 'bastion') {
				const bastion = bastionConnector(session, target, remotePort);
				// Planned once up front: a SKU that refuses the port says so before anything listens.
				const first = await bastion.plan();
				via = first.description;
				connector = bastion.connect;
			} else {
				ssh = await session.open(target);
				const client = ssh.client;
				via = `SSH to ${ssh.spec.label} (${ssh.spec.transport.description})`;
				connector = () =>
					new Promise((resolve, reject) =>
						client.forwardOut('127.0.0.1', 0, 'localhost', remotePort, (error, channel) => {
							if (error) return reject(new Error(`${target.vm.name} refused to open port ${remotePort} (${error.message}): is something listening there, and does its sshd allow TCP forwarding?`));
							resolve({stream: channel, close: () => channel.destroy()});
						}),
					);
			}
		} catch (error) {
			say(`vmux tunnel: ${error instanceof ConnectFailure ? error.message : displayText((error as Error).message)}`);
			return error instanceof ConnectFailure ? error.exitCode : 255;
		}
		const vmName = displayText(target.vm.name);
		let count = 0;
		server = createServer(socket => {
			const id = ++count;
			sockets.add(socket);
			const from = `${socket.remoteAddress}:${socket.remotePort}`;
			if (values.verbose) say(`[${id}] ${from} → ${vmName}:${remotePort}: opening`);
			const abort = new AbortController();
			socket.on('error', () => {});
			socket.once('close', () => {
				sockets.delete(socket);
				abort.abort();
			});
			connector(abort.signal).then(
				({stream, close}) => {
					if (socket.destroyed) return close();
					let bytesIn = 0;
					let bytesOut = 0;
					stream.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
					socket.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
					stream.on('error', () => socket.destroy());
					socket.pipe(stream).pipe(socket);
					const done = () => {
						close();
						socket.destroy();
					};
					stream.once('close', done);
					socket.once('close', () => {
						stream.destroy();
						close();
						if (values.verbose) say(`[${id}] closed (${bytesOut} bytes sent, ${bytesIn} received)`);
					});
					if (values.verbose) say(`[${id}] open`);
				},
				(error: Error) => {
					if (!abort.signal.aborted) say(`vmux tunnel: [${id}] ${from}: ${displayText(error.message)}`);
					socket.destroy();
				},
			);
		});
		const listening = await listen(server, localPort);
		if (!listening.ok) {
			say(`vmux tunnel: ${await portInUse(localPort, listening.error)}`);
			return 1;
		}
		say(`Listening on 127.0.0.1:${listening.port} → ${vmName}:${remotePort} (through ${displayText(via)}). Ctrl-C stops.`);
		options.onListening?.(listening.port);
		return await new Promise<number>(resolve => {
			const stop = (code: number) => {
				// The handlers stay until vmux exits: a signal can arrive twice (the demo lab's thread), and with no
				// listener of ours left, a library's signal-exit handler re-raises it and kills vmux mid-cleanup.
				resolve(code);
			};
			const onSignal = () => stop(0);
			process.on('SIGINT', onSignal);
			process.on('SIGTERM', onSignal);
			options.signal?.addEventListener('abort', () => stop(0), {once: true});
			ssh?.client.once('close', () => {
				say(`vmux tunnel: the SSH connection to ${vmName} closed; the tunnel stops.`);
				stop(255);
			});
		});
	} finally {
		server?.close();
		for (const socket of sockets) socket.destroy();
		ssh?.close();
		await session.dispose();
	}
}

/** A Bastion tunnel to the port for each connection (a Bastion transport carries one tunnel at a time). */
function bastionConnector(session: CliSession, target: ResolvedTarget, remotePort: number): {plan(): Promise<{description: string; open: Connector}>; connect: Connector} {
	let planned: Awaited<ReturnType<typeof plan>> | undefined;
	const plan = async () => {
		const outcome = await session.services.planConnect(target.vm, {port: remotePort});
		if (outcome.kind === 'needs-profile') throw new ConnectFailure(`${target.vm.name} has no profile yet: open vmux and connect to it once to make one.`, 1);
		if (outcome.kind === 'error') throw new ConnectFailure(displayText(outcome.message.replace(/[Ss]et the port to (\d+)/, 'use --remote-port $1')), 1);
		const transport = outcome.spec.transport;
		const open: Connector = async signal => {
			const stream = await transport.open(signal);
			return {stream, close: () => void transport.close?.()};
		};
		return {description: transport.description, open};
	};
	return {
		plan: async () => {
			planned = await plan();
			return planned;
		},
		connect: async signal => {
			// The first connection takes the transport planned up front; later ones plan their own.
			const next = planned ?? (await plan());
			planned = undefined;
			return next.open(signal);
		},
	};
}

function port(text: string | undefined, allowZero = false): number | undefined {
	if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
	const value = Number(text);
	return value <= 65535 && (value >= 1 || (allowZero && value === 0)) ? value : undefined;
}

function listen(server: Server, localPort: number): Promise<{ok: true; port: number} | {ok: false; error: NodeJS.ErrnoException}> {
	return new Promise(resolve => {
		server.once('error', error => resolve({ok: false, error}));
		server.listen(localPort, '127.0.0.1', () => {
			const address = server.address();
			resolve({ok: true, port: typeof address === 'object' && address ? address.port : localPort});
		});
	});
}

/** Why the port cannot be listened on, naming who holds it when `ss` or `lsof` can tell, and the fix. */
export async function portInUse(localPort: number, error: NodeJS.ErrnoException): Promise<string> {
	if (error.code === 'EACCES') return `127.0.0.1:${localPort} needs privileges to listen on (ports below 1024 do): choose --local-port 1024 or above.`;
	if (error.code !== 'EADDRINUSE') return `cannot listen on 127.0.0.1:${localPort}: ${error.message}`;
	const holder = await portHolder(localPort);
	return `127.0.0.1:${localPort} is already in use${holder ? ` by ${holder}` : ''}: choose another --local-port${holder ? ', or stop that program' : ''}.`;
}

async function portHolder(localPort: number): Promise<string | undefined> {
	const run = (file: string, args: string[]) =>
		new Promise<string>(resolve => execFile(file, args, {timeout: 2000, maxBuffer: 64 * 1024}, (error, stdout) => resolve(error && !stdout ? '' : String(stdout))));
	const ss = await run('ss', ['-Hltnp', `sport = :${localPort}`]);
	const user = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss);
	if (user) return `${displayText(user[1]!)} (pid ${user[2]})`;
	const lsof = await run('lsof', ['-nP', `-iTCP:${localPort}`, '-sTCP:LISTEN', '-Fpc']);
	const pid = /^p(\d+)/m.exec(lsof);
	const command = /^c(.+)$/m.exec(lsof);
	if (pid) return `${command ? displayText(command[1]!) : 'a process'} (pid ${pid[1]})`;
	return ss.trim() ? 'another program (ss does not say which: it may belong to another user)' : undefined;
}
