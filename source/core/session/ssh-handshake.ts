import ssh2 from 'ssh2';
import type {Client, ClientErrorExtensions} from 'ssh2';
import {describeAuthFailure, describeConnectError} from './errors.js';
import type {HostKeyPolicy} from './host-key-policy.js';
import type {AuthStep, ConnectionSpec, Prompter} from './types.js';

/** Why a handshake failed, as a sentence, and whether retrying could help. */
export class HandshakeError extends Error {
	constructor(
		message: string,
		readonly retriable: boolean,
		readonly authFailed = false,
	) {
		super(message);
	}
}

export interface HandshakeOptions {
	spec: ConnectionSpec;
	hostKeys: HostKeyPolicy;
	prompter: Prompter;
	signal: AbortSignal;
	/** Credentials from an earlier connect of the same connection (typed passwords): reused, not re-asked. */
	cachedAuth?: AuthStep[];
	reconnect: boolean;
	onPhase?(phase: {kind: 'verifying-host-key'} | {kind: 'authenticating'; method: string}): void;
}

/**
 * Opens the transport and runs the SSH handshake: host key verification (before any credential is
 * built, let alone sent), then authentication with the profile's steps in order. Resolves with a ready
 * ssh2 client and the credentials used; rejects with a HandshakeError sentence.
 */
export async function sshHandshake(options: HandshakeOptions): Promise<{client: Client; auth: AuthStep[]}> {
	const {spec, signal} = options;
	const where = `${spec.label} (${spec.transport.description})`;
	let socket;
	try {
		socket = await spec.transport.open(signal);
	} catch (error) {
		// A jump transport fails with a sentence of its own (its own host key, its own login).
		if (error instanceof HandshakeError) throw error;
		const described = describeConnectError(error, where);
		throw new HandshakeError(described.message, described.retriable);
	}
	if (signal.aborted) {
		socket.destroy();
		throw new HandshakeError('aborted', false);
	}
	const client = new ssh2.Client();
	const tried: string[] = [];
	let refused: string | undefined;
	let auth: AuthStep[] | undefined = options.cachedAuth;
	let steps: AuthStep[] | undefined;
	return new Promise((resolve, reject) => {
		const finish = (error?: HandshakeError) => {
			client.removeAllListeners('ready');
			client.removeAllListeners('error');
			client.removeAllListeners('close');
			signal.removeEventListener('abort', onAbort);
			if (!error) return resolve({client, auth: auth ?? []});
			client.on('error', () => {});
			client.destroy();
			reject(error);
		};
		const onAbort = () => finish(new HandshakeError('aborted', false));
		signal.addEventListener('abort', onAbort, {once: true});
		client.once('ready', () => finish());
		client.once('error', (error: Error & ClientErrorExtensions) => {
			if (refused) return finish(new HandshakeError(refused, false));
			if (error.level === 'client-authentication') {
				return finish(new HandshakeError(describeAuthFailure(spec.username, spec.label, tried), false, true));
			}
			const described = describeConnectError(error, where);
			finish(new HandshakeError(described.message, described.retriable));
		});
		client.once('close', () => finish(new HandshakeError(refused ?? `The connection to ${where} closed during the SSH handshake.`, !refused)));
		client.connect({
			sock: socket,
			username: spec.username,
			readyTimeout: 20_000,
			keepaliveInterval: (spec.keepaliveIntervalSec ?? 15) * 1000,
			keepaliveCountMax: spec.keepaliveCountMax ?? 3,
			hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
				options.onPhase?.({kind: 'verifying-host-key'});
				options.hostKeys
					.verify(spec.host, spec.port, key, options.prompter)
					.then(outcome => {
						if (!outcome.ok) refused = outcome.reason;
						verify(outcome.ok);
					})
					.catch(error => {
						refused = `Could not check the host key of ${spec.label}: ${(error as Error).message}`;
						verify(false);
					});
			},
			authHandler: (methodsLeft, _partial, next) => {
				void (async () => {
					try {
						if (!steps) {
							auth ??= await spec.credentials({prompter: options.prompter, reconnect: options.reconnect, signal});
							// A copy: steps are consumed one by one; the list itself is kept for reconnects.
							steps = [...auth];
						}
					} catch (error) {
						refused = error instanceof Error ? error.message : String(error);
						return next(false as never);
					}
					const step = steps.shift();
					if (!step) return next(false as never);
					tried.push(step.label);
					options.onPhase?.({kind: 'authenticating', method: step.label});
					switch (step.type) {
						case 'publickey':
							return next({type: 'publickey', username: spec.username, key: step.key, passphrase: step.passphrase} as never);
						case 'agent':
							return next({type: 'agent', username: spec.username, agent: step.socket} as never);
						case 'password':
							// Servers that only offer keyboard-interactive get the same password at their prompt.
							if (methodsLeft && !methodsLeft.includes('password') && methodsLeft.includes('keyboard-interactive')) {
								return next({
									type: 'keyboard-interactive',
									username: spec.username,
									prompt: (_name: string, _instructions: string, _lang: string, prompts: unknown[], done: (answers: string[]) => void) =>
										done(prompts.map(() => step.password)),
								} as never);
							}
							return next({type: 'password', username: spec.username, password: step.password} as never);
					}
				})();
			},
		});
	});
}
