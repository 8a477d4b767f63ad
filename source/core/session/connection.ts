import {EventEmitter} from 'node:events';
import ssh2 from 'ssh2';
import type {ClientChannel, ClientErrorExtensions, PseudoTtyOptions} from 'ssh2';
import {MAX_AUTOMATIC_RECONNECTS, reconnectDelayMs} from './backoff.js';
import {describeAuthFailure, describeConnectError} from './errors.js';
import type {HostKeyPolicy} from './host-key-policy.js';
import type {AuthStep, ConnectionSpec, ConnectionState, Prompter} from './types.js';

const {Client} = ssh2;

/**
 * One SSH connection (one ssh2 Client over one transport) that carries any number of shell channels.
 * It owns the lifecycle: connect -> verify host key -> authenticate -> open, and on transport loss
 * disconnected -> backoff -> reconnect, telling its channels to reopen.
 */
export class SshConnection extends EventEmitter<{state: [ConnectionState]; ready: [reconnected: boolean]}> {
	state: ConnectionState = {kind: 'connecting', attempt: 1};
	private client: InstanceType<typeof Client> | undefined;
	private abort: AbortController | undefined;
	private retryTimer: NodeJS.Timeout | undefined;
	private attempt = 0;
	private everOpened = false;
	private closedByUser = false;
	/** Remembered for reconnects of this connection only (typed passwords), never written anywhere. */
	private cachedAuth: AuthStep[] | undefined;

	constructor(
		readonly spec: ConnectionSpec,
		private readonly hostKeys: HostKeyPolicy,
		private readonly prompter: Prompter,
	) {
		super();
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
		let socket;
		try {
			socket = await this.spec.transport.open(abort.signal);
		} catch (error) {
			if (abort.signal.aborted) return;
			return this.fail(describeConnectError(error, this.where));
		}
		if (abort.signal.aborted) {
			socket.destroy();
			return;
		}
		const client = new Client();
		this.client = client;
		const tried: string[] = [];
		let refused: string | undefined;
		client.on('ready', () => {
			if (this.client !== client) return;
			const reconnected = this.everOpened;
			this.everOpened = true;
			this.attempt = 0;
			this.setState({kind: 'open', since: Date.now()});
			this.emit('ready', reconnected);
		});
		client.on('error', (error: Error & ClientErrorExtensions) => {
			if (this.client !== client) return;
			this.teardownClient();
			if (refused) return this.fail({message: refused, retriable: false});
			if (error.level === 'client-authentication') {
				// A cached password may have been changed on the VM: forget it so the next connect asks again.
				this.cachedAuth = undefined;
				return this.fail({message: describeAuthFailure(this.spec.username, this.spec.label, tried), retriable: false});
			}
			this.fail(describeConnectError(error, this.where));
		});
		client.on('close', () => {
			if (this.client !== client) return;
			this.teardownClient();
			this.fail({message: `The connection to ${this.where} was closed.`, retriable: true});
		});
		let steps: AuthStep[] | undefined;
		client.connect({
			sock: socket,
			username: this.spec.username,
			readyTimeout: 20_000,
			keepaliveInterval: (this.spec.keepaliveIntervalSec ?? 15) * 1000,
			keepaliveCountMax: this.spec.keepaliveCountMax ?? 3,
			hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
				this.setState({kind: 'verifying-host-key'});
				this.hostKeys
					.verify(this.spec.host, this.spec.port, key, this.prompter)
					.then(outcome => {
						if (!outcome.ok) refused = outcome.reason;
						verify(outcome.ok);
					})
					.catch(error => {
						refused = `Could not check the host key of ${this.spec.label}: ${(error as Error).message}`;
						verify(false);
					});
			},
			authHandler: (_methodsLeft, _partial, next) => {
				void (async () => {
					try {
						if (!steps) {
							this.cachedAuth ??= await this.spec.credentials({prompter: this.prompter, reconnect: this.everOpened});
							// A copy: the steps are consumed one by one, the cache must survive for the next reconnect.
							steps = [...this.cachedAuth];
						}
					} catch (error) {
						refused = error instanceof Error ? error.message : String(error);
						return next(false as never);
					}
					const step = steps.shift();
					if (!step) return next(false as never);
					tried.push(step.label);
					this.setState({kind: 'authenticating', method: step.label});
					switch (step.type) {
						case 'publickey':
							return next({type: 'publickey', username: this.spec.username, key: step.key, passphrase: step.passphrase} as never);
						case 'agent':
							return next({type: 'agent', username: this.spec.username, agent: step.socket} as never);
						case 'password': {
							// Servers that only offer keyboard-interactive get the same password at their prompt.
							if (_methodsLeft && !_methodsLeft.includes('password') && _methodsLeft.includes('keyboard-interactive')) {
								return next({
									type: 'keyboard-interactive',
									username: this.spec.username,
									prompt: (_name: string, _instructions: string, _lang: string, prompts: unknown[], finish: (answers: string[]) => void) =>
										finish(prompts.map(() => step.password)),
								} as never);
							}
							return next({type: 'password', username: this.spec.username, password: step.password} as never);
						}
					}
				})();
			},
		});
	}

	private fail(described: {message: string; retriable: boolean}): void {
		if (this.closedByUser) return;
		const attempt = this.attempt;
		// Only transport trouble retries on its own, and only for connections that worked before or are new.
		const automatic = described.retriable && attempt < MAX_AUTOMATIC_RECONNECTS;
		const retryAt = automatic ? Date.now() + reconnectDelayMs(Math.max(1, attempt)) : undefined;
		const reason =
			described.retriable && !automatic
				? `${described.message} Gave up after ${attempt} attempts; Ctrl-b r tries again.`
				: described.message;
		this.setState({kind: 'disconnected', reason, retriable: described.retriable, retryAt, attempt});
		if (retryAt !== undefined) {
			this.retryTimer = setTimeout(() => this.connect(), retryAt - Date.now());
			this.retryTimer.unref?.();
		}
	}
}
