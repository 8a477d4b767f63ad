import {EventEmitter} from 'node:events';
import type {Client, ClientChannel, PseudoTtyOptions} from 'ssh2';
import {ForwardSet} from '../forwards/forward-set.js';
import {MAX_AUTOMATIC_RECONNECTS, reconnectDelayMs} from './backoff.js';
import {withoutBrowserKeys} from './disconnect-text.js';
import {describeConnectError, sentence} from './errors.js';
import {sshHandshake, type HandshakeError} from './ssh-handshake.js';
import type {HostKeyPolicy} from './host-key-policy.js';
import type {AuthStep, ConnectionSpec, ConnectionState, DisconnectCause, LoginIdentity, Prompter} from './types.js';

/** A credential this close to its expiry is built again at the next connect (Entra certificates: 5 minutes). */
export const CREDENTIAL_RENEW_MARGIN_MS = 5 * 60_000;

/**
 * One SSH connection (one ssh2 Client over one transport) that carries any number of shell channels.
 * It owns the lifecycle: connect -> verify host key -> authenticate -> open, and on transport loss
 * disconnected -> backoff -> reconnect, telling its channels to reopen.
 */
export class SshConnection extends EventEmitter<{state: [ConnectionState]; ready: [reconnected: boolean]}> {
	state: ConnectionState = {kind: 'connecting', attempt: 1};
	private client: Client | undefined;
	private abort: AbortController | undefined;
	private retryTimer: NodeJS.Timeout | undefined;
	private attempt = 0;
	private everOpened = false;
	private closedByUser = false;
	/** Remembered for reconnects of this connection only (typed passwords), never written anywhere. */
	private cachedAuth: AuthStep[] | undefined;
	/** The profile's port forwards: they start each time the connection opens and wait while it is down. */
	readonly forwards: ForwardSet;

	constructor(
		readonly spec: ConnectionSpec,
		private readonly hostKeys: HostKeyPolicy,
		private readonly prompter: Prompter,
	) {
		super();
		this.forwards = new ForwardSet(spec.forwards ?? [], spec.label);
	}

	get where(): string {
		return `${this.spec.label} (${this.spec.transport.description})`;
	}

	get isOpen(): boolean {
		return this.state.kind === 'open';
	}

	connect(): void {
		if (this.closedByUser) return;
		clearTimeout(this.retryTimer);
		this.retryTimer = undefined;
		this.teardownClient();
		this.attempt += 1;
		void this.run();
	}

	/** `Ctrl-b r`: retry at once, resetting the backoff. */
	reconnectNow(): void {
		if (this.state.kind === 'open' || this.closedByUser) return;
		this.attempt = 0;
		this.connect();
	}

	close(): void {
		this.closedByUser = true;
		clearTimeout(this.retryTimer);
		this.teardownClient();
		void this.spec.transport.close?.();
		this.setState({kind: 'closed'});
	}

	openShell(size: {cols: number; rows: number}, env: Record<string, string> = {}): Promise<ClientChannel> {
		const client = this.client;
		if (!client || this.state.kind !== 'open') return Promise.reject(new Error(`${this.spec.label} is not connected.`));
		const pty: PseudoTtyOptions = {term: 'xterm-256color', cols: size.cols, rows: size.rows, width: 0, height: 0};
		return new Promise((resolve, reject) => {
			client.shell(pty, {env}, (error, channel) => (error ? reject(error) : resolve(channel)));
		});
	}

	private setState(state: ConnectionState): void {
		this.state = state;
		this.emit('state', state);
	}

	private teardownClient(): void {
		this.abort?.abort();
		this.abort = undefined;
		const client = this.client;
		this.forwards.detach();
		this.client = undefined;
		if (client) {
			client.removeAllListeners();
			client.on('error', () => {});
			client.destroy();
		}
	}

	private async run(): Promise<void> {
		const attempt = this.attempt;
		const abort = new AbortController();
		this.abort = abort;
		this.setState({kind: 'connecting', attempt});
		let client: Client;
		let login: LoginIdentity | undefined;
		try {
			const result = await sshHandshake({
				spec: this.spec,
				hostKeys: this.hostKeys,
				prompter: this.prompter,
				signal: abort.signal,
				cachedAuth: this.reusableAuth(),
				reconnect: this.everOpened,
				onPhase: phase => !abort.signal.aborted && this.setState(phase),
			});
			client = result.client;
			this.cachedAuth = result.auth;
			login = result.used?.login;
		} catch (error) {
			if (abort.signal.aborted) return;
			const failure = error as HandshakeError;
			// A cached password may have been changed on the VM: forget it so the next connect asks again.
			if (failure.authFailed) this.cachedAuth = undefined;
			return this.fail({message: failure.message, retriable: failure.retriable, cause: failure.disconnectCause});
		}
		if (abort.signal.aborted) {
			client.destroy();
			return;
		}
		this.client = client;
		client.on('error', (error: Error) => {
			if (this.client !== client) return;
			this.teardownClient();
			this.fail(describeConnectError(error, this.where));
		});
		client.on('close', () => {
			if (this.client !== client) return;
			this.teardownClient();
			this.fail({message: `The connection to ${this.where} was closed.`, retriable: true});
		});
		const reconnected = this.everOpened;
		this.everOpened = true;
		this.attempt = 0;
		this.setState({kind: 'open', since: Date.now(), ...(login ? {login} : {})});
		// Each forward reports its own failure (a port in use) in the forwards view; the session goes on.
		void this.forwards.attach(client);
		this.emit('ready', reconnected);
	}

	/**
	 * The credentials of the last connect, unless one of them expires soon: a reconnect then builds them again,
	 * so a short-lived certificate is renewed (silently, while the sign-in lasts) instead of being refused.
	 */
	private reusableAuth(): AuthStep[] | undefined {
		const cached = this.cachedAuth;
		if (!cached) return undefined;
		const soon = Date.now() + CREDENTIAL_RENEW_MARGIN_MS;
		return cached.some(step => step.expiresAt !== undefined && step.expiresAt <= soon) ? undefined : cached;
	}

	/** The ready ssh2 client, for channels other than shells (e.g. a jump host's forwarding). */
	get sshClient(): Client | undefined {
		return this.state.kind === 'open' ? this.client : undefined;
	}

	private fail(described: {message: string; retriable: boolean; cause?: DisconnectCause}): void {
		if (this.closedByUser) return;
		const attempt = this.attempt;
		// Only transport trouble retries on its own, and only for connections that worked before or are new.
		const automatic = described.retriable && attempt < MAX_AUTOMATIC_RECONNECTS;
		const retryAt = automatic ? Date.now() + reconnectDelayMs(Math.max(1, attempt)) : undefined;
		// Shown inside the session, where browser keys such as "e" go to the VM: the session says what to do instead.
		const message = sentence(withoutBrowserKeys(described.message));
		const reason = described.retriable && !automatic ? `${message} Gave up after ${attempt} attempts.` : message;
		const cause = described.cause ?? (described.retriable ? 'network' : undefined);
		this.setState({kind: 'disconnected', reason, retriable: described.retriable, retryAt, attempt, cause});
		if (retryAt !== undefined) {
			this.retryTimer = setTimeout(() => this.connect(), retryAt - Date.now());
			this.retryTimer.unref?.();
		}
	}
}
