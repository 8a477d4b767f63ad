import {EventEmitter} from 'node:events';
import {connect as tcpConnect, createServer, type Server, type Socket} from 'node:net';
import type {Duplex} from 'node:stream';
import type {Client, ClientChannel, TcpConnectionDetails} from 'ssh2';
import type {Forward} from '../profiles/schema.js';
import {displayText} from '../text/display-text.js';
import {SOCKS_REPLY, socksHandshake} from './socks5.js';

/**
 * The port forwards of one connection (ssh's -L, -R, -D), kept across reconnects: `attach` starts the enabled
 * ones on a fresh connection, `detach` stops them when it drops (they wait for the next one), `toggle` turns one on
 * or off. Each reports its state (listening, failed with the reason, off, waiting for the connection), the bytes
 * both ways and the connections open now, for the forwards view.
 *
 * -L: a local `net` server; each accepted socket becomes a `direct-tcpip` channel (ssh2 `forwardOut`).
 * -R: `tcpip-forward` (ssh2 `forwardIn`); the server's `forwarded-tcpip` channels arrive as the client's
 *     `tcp connection` events and are joined to a local TCP connection.
 * -D: a local SOCKS5 server (./socks5.ts) whose CONNECT targets become `direct-tcpip` channels.
 */

/** What a forward needs of an ssh2 Client. */
export type ForwardingClient = Pick<Client, 'forwardOut' | 'forwardIn' | 'unforwardIn' | 'on' | 'off'>;

export type ForwardState = 'off' | 'waiting' | 'starting' | 'listening' | 'failed';

export interface ForwardStatus {
	forward: Forward;
	state: ForwardState;
	/** Why it failed (state failed), or what went wrong with the last connection through it. */
	reason?: string;
	/** Bytes sent towards the far end, and received from it, since vmux started it. */
	bytesOut: number;
	bytesIn: number;
	/** Connections open through it now, and in all. */
	open: number;
	total: number;
}

interface Entry extends ForwardStatus {
	server?: Server;
	sockets: Set<Duplex>;
	/** The remote listener's (bind, port), while the server holds it for us. */
	remoteBound?: boolean;
}

export class ForwardSet extends EventEmitter<{change: []}> {
	private readonly entries: Entry[];
	private client: ForwardingClient | undefined;
	private readonly onTcpConnection = (details: TcpConnectionDetails, accept: () => ClientChannel, reject: () => void) => this.remoteConnection(details, accept, reject);

	/** `vm` names the far side in messages. */
	constructor(
		forwards: readonly Forward[],
		private readonly vm: string,
	) {
		super();
		this.entries = forwards.map(forward => ({forward, state: forward.enabled ? 'waiting' : 'off', bytesIn: 0, bytesOut: 0, open: 0, total: 0, sockets: new Set()}));
	}

	statuses(): ForwardStatus[] {
		return this.entries.map(({forward, state, reason, bytesIn, bytesOut, open, total}) => ({forward, state, ...(reason ? {reason} : {}), bytesIn, bytesOut, open, total}));
	}

	get forwards(): Forward[] {
		return this.entries.map(entry => entry.forward);
	}

	/** A connection is up: the enabled forwards start on it. Resolves once each is listening or failed. */
	async attach(client: ForwardingClient): Promise<void> {
		if (this.client) this.detach();
		this.client = client;
		client.on('tcp connection', this.onTcpConnection);
		await Promise.all(this.entries.filter(entry => entry.forward.enabled).map(entry => this.start(entry)));
	}

	/** The connection is gone: listeners close and wait for the next one. */
	detach(): void {
		const client = this.client;
		// Remote listeners are cancelled on the connection while it is still known (a live one keeps them otherwise).
		for (const entry of this.entries) this.stop(entry, entry.forward.enabled ? 'waiting' : 'off');
		this.client = undefined;
		client?.off('tcp connection', this.onTcpConnection);
		this.emit('change');
	}

	/** Turns forward `index` on or off; on a live connection it starts or stops at once. */
	async toggle(index: number): Promise<void> {
		const entry = this.entries[index];
		if (!entry) return;
		entry.forward = {...entry.forward, enabled: !entry.forward.enabled};
		if (!entry.forward.enabled) {
			this.stop(entry, 'off');
			this.emit('change');
			return;
		}
		if (this.client) await this.start(entry);
		else {
			entry.state = 'waiting';
			this.emit('change');
		}
	}

	async add(forward: Forward): Promise<void> {
		const entry: Entry = {forward, state: forward.enabled ? 'waiting' : 'off', bytesIn: 0, bytesOut: 0, open: 0, total: 0, sockets: new Set()};
		this.entries.push(entry);
		this.emit('change');
		if (forward.enabled && this.client) await this.start(entry);
	}

	remove(index: number): void {
		const [entry] = this.entries.splice(index, 1);
		if (!entry) return;
		this.stop(entry, 'off');
		this.emit('change');
	}

	close(): void {
		this.detach();
	}

	private async start(entry: Entry): Promise<void> {
		const client = this.client;
		if (!client) return;
		entry.state = 'starting';
		delete entry.reason;
		this.emit('change');
		const {forward} = entry;
		try {
			if (forward.kind === 'remote') {
				await new Promise<void>((resolve, reject) => {
					client.forwardIn(forward.bind, forward.port, error => (error ? reject(error) : resolve()));
				});
				entry.remoteBound = true;
			} else {
				entry.server = await listen(forward.bind, forward.port, socket => (forward.kind === 'local' ? this.localConnection(entry, socket) : this.socksConnection(entry, socket)));
			}
			// Stopped (toggled off, connection gone) while it started: undo.
			if (this.client !== client || !entry.forward.enabled) return this.stop(entry, entry.forward.enabled ? 'waiting' : 'off');
			entry.state = 'listening';
		} catch (error) {
			entry.state = 'failed';
			entry.reason = failureReason(forward, error as NodeJS.ErrnoException, this.vm);
		}
		this.emit('change');
	}

	private stop(entry: Entry, state: ForwardState): void {
		entry.server?.close();
		delete entry.server;
		for (const socket of entry.sockets) socket.destroy();
		entry.sockets.clear();
		entry.open = 0;
		if (entry.remoteBound && this.client) {
			try {
				this.client.unforwardIn(entry.forward.bind, entry.forward.port, () => {});
			} catch {
				// The connection is already gone, and the server's listener with it.
			}
		}
		entry.remoteBound = false;
		entry.state = state;
		if (state !== 'failed') delete entry.reason;
	}

	/** -L: one accepted socket becomes a direct-tcpip channel to host:hostPort. */
	private localConnection(entry: Entry, socket: Socket): void {
		const forward = entry.forward;
		if (forward.kind !== 'local') {
			socket.destroy();
			return;
		}
		this.openChannel(entry, socket, forward.host, forward.hostPort, channel => this.join(entry, socket, channel));
	}

	/** -D: the SOCKS handshake names the target; the answer waits for the channel. */
	private socksConnection(entry: Entry, socket: Socket): void {
		socksHandshake(socket).then(
			({target, reply, rest}) => {
				this.openChannel(
					entry,
					socket,
					target.host,
					target.port,
					channel => {
						reply(SOCKS_REPLY.succeeded);
						if (rest.length > 0) channel.write(rest);
						this.join(entry, socket, channel);
					},
					() => reply(SOCKS_REPLY.hostUnreachable),
				);
			},
			(error: Error) => {
				entry.reason = `last SOCKS client: ${error.message}`;
				this.emit('change');
			},
		);
	}

	private openChannel(entry: Entry, socket: Socket, host: string, port: number, onOpen: (channel: ClientChannel) => void, onRefused?: () => void): void {
		const client = this.client;
		if (!client) return void socket.destroy();
		socket.pause();
		client.forwardOut(socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0, host, port, (error, channel) => {
			if (error) {
				entry.reason = `last connection: ${this.vm} could not reach ${host}:${port} (${displayText(error.message)})`;
				onRefused?.();
				socket.end();
				this.emit('change');
				return;
			}
			socket.resume();
			onOpen(channel);
		});
	}

	/** -R: a connection the VM received on a port we asked it to listen on. */
	private remoteConnection(details: TcpConnectionDetails, accept: () => ClientChannel, reject: () => void): void {
		const entry = this.entries.find(candidate => candidate.remoteBound && candidate.forward.kind === 'remote' && candidate.forward.port === details.destPort);
		if (entry?.forward.kind !== 'remote') return reject();
		const {host, hostPort} = entry.forward;
		const local = tcpConnect({host, port: hostPort});
		local.once('connect', () => {
			const channel = accept();
			this.join(entry, local, channel);
		});
		local.once('error', error => {
			if (local.connecting || !entry.sockets.has(local)) {
				reject();
				entry.reason = `last connection: ${host}:${hostPort} could not be reached here (${(error as NodeJS.ErrnoException).code ?? error.message})`;
				this.emit('change');
			}
		});
	}

	/** Pipes both ways, counting bytes, and keeps the connection count. */
	private join(entry: Entry, near: Duplex, far: ClientChannel): void {
		entry.sockets.add(near);
		entry.sockets.add(far);
		entry.open += 1;
		entry.total += 1;
		this.emit('change');
		near.on('data', (chunk: Buffer) => {
			entry.bytesOut += chunk.length;
		});
		far.on('data', (chunk: Buffer) => {
			entry.bytesIn += chunk.length;
		});
		near.pipe(far);
		far.pipe(near);
		let closed = false;
		const close = () => {
			if (closed) return;
			closed = true;
			entry.sockets.delete(near);
			entry.sockets.delete(far);
			near.destroy();
			far.destroy();
			entry.open = Math.max(0, entry.open - 1);
			this.emit('change');
		};
		near.on('close', close);
		far.on('close', close);
		near.on('error', close);
		far.on('error', close);
	}
}

function listen(bind: string, port: number, onConnection: (socket: Socket) => void): Promise<Server> {
	return new Promise((resolve, reject) => {
		const server = createServer(onConnection);
		server.once('error', reject);
		server.listen({host: bind, port, exclusive: true}, () => {
			server.off('error', reject);
			server.on('error', () => {});
			resolve(server);
		});
	});
}

/** A sentence for a forward that could not start: the address, what is wrong, what to do. */
export function failureReason(forward: Forward, error: NodeJS.ErrnoException, vm: string): string {
	const address = `${forward.bind.includes(':') ? `[${forward.bind}]` : forward.bind}:${forward.port}`;
	if (forward.kind === 'remote') {
		return `${vm} refused to listen on ${address}: the port is in use there, or its sshd does not allow it (AllowTcpForwarding, GatewayPorts for an address other than loopback); pick another remote port.`;
	}
	switch (error.code) {
		case 'EADDRINUSE':
			return `${address} is in use by another program; pick another local port.`;
		case 'EACCES':
			return `${address} needs root (ports below 1024 are privileged); pick a local port from 1024.`;
		case 'EADDRNOTAVAIL':
			return `${forward.bind} is not an address of this machine; listen on 127.0.0.1 (or another address it has).`;
		default:
			return `${address} could not be opened (${error.code ?? displayText(error.message)}).`;
	}
}
