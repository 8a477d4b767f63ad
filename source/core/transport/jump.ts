import type {Duplex} from 'node:stream';
import type {Client} from 'ssh2';
import type {HostKeyPolicy} from '../session/host-key-policy.js';
import {HandshakeError, sshHandshake} from '../session/ssh-handshake.js';
import type {AuthStep, ConnectionSpec, Prompter, Transport} from '../session/types.js';

/**
 * Reaches the VM through another SSH server (`ssh -J`): logs in to the jump host — verifying its host key
 * first, like any connection — and opens a `direct-tcpip` channel to the VM's sshd. The VM's own host key
 * is then verified end to end by the connection that uses this transport.
 */
export class JumpTransport implements Transport {
	readonly description: string;
	private client: Client | undefined;
	private cachedAuth: AuthStep[] | undefined;

	constructor(
		private readonly jump: ConnectionSpec,
		private readonly target: {host: string; port: number},
		private readonly hostKeys: HostKeyPolicy,
		private readonly prompter: Prompter,
	) {
		this.description = `via ${jump.label} to ${target.host}:${target.port}`;
	}

	async open(signal: AbortSignal): Promise<Duplex> {
		this.closeClient();
		let client: Client;
		try {
			const result = await sshHandshake({
				spec: this.jump,
				hostKeys: this.hostKeys,
				prompter: this.prompter,
				signal,
				cachedAuth: this.cachedAuth,
				reconnect: this.cachedAuth !== undefined,
			});
			client = result.client;
			this.cachedAuth = result.auth;
		} catch (error) {
			const failure = error as HandshakeError;
			throw new HandshakeError(`Jump host ${this.jump.label}: ${failure.message}`, failure.retriable, failure.authFailed, failure.disconnectCause);
		}
		this.client = client;
		client.on('error', () => {});
		return new Promise((resolve, reject) => {
			client.forwardOut('127.0.0.1', 0, this.target.host, this.target.port, (error, channel) => {
				if (error) {
					this.closeClient();
					return reject(
						Object.assign(
							new Error(`${this.jump.label} could not open a connection to ${this.target.host}:${this.target.port} (${error.message}). Check that the jump host can reach the VM.`),
							{code: 'EJUMP'},
						),
					);
				}
				// The tunnel's end ends the jump login too: one jump connection per VM connection.
				channel.on('close', () => this.closeClient());
				resolve(channel);
			});
		});
	}

	async close(): Promise<void> {
		this.closeClient();
	}

	private closeClient(): void {
		const client = this.client;
		this.client = undefined;
		client?.end();
	}
}
