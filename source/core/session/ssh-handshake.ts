import {HandshakeClock} from './handshake-clock.js';
import ssh2 from 'ssh2';
import type {Client, ClientErrorExtensions} from 'ssh2';
import {describeEntraRefusal} from '../entra/vm-requirements.js';
import {certificateAuthAnswer} from './certificate-auth.js';
import {describeAuthFailure, describeCertificateRefusal, describeConnectError} from './errors.js';
import type {HostKeyOutcome, HostKeyPolicy} from './host-key-policy.js';
import type {AuthStep, ConnectionSpec, DisconnectCause, Prompter} from './types.js';

/** How long the network and the server may take to complete the handshake and login (ssh2's default readyTimeout). */
const HANDSHAKE_TIMEOUT_MS = 20_000;

/** Typed passwords get this many tries per connect, like OpenSSH's NumberOfPasswordPrompts. */
export const PASSWORD_TRIES = 3;

/** Why a handshake failed, as a sentence, whether retrying could help, and what kind of failure it was. */
export class HandshakeError extends Error {
	readonly disconnectCause: DisconnectCause;

	constructor(
		message: string,
		readonly retriable: boolean,
		readonly authFailed = false,
		cause?: DisconnectCause,
	) {
		super(message);
		this.disconnectCause = cause ?? (authFailed ? 'auth' : retriable ? 'network' : 'credentials');
	}
}

const HOST_KEY_CAUSE: Record<Extract<HostKeyOutcome, {ok: false}>['kind'], DisconnectCause> = {
	changed: 'host-key',
	revoked: 'host-key',
	'changed-this-run': 'host-key-this-run',
	rejected: 'host-key-rejected',
};

type Phase = {kind: 'verifying-host-key'} | {kind: 'authenticating'; method?: string; activity?: string};

export interface HandshakeOptions {
	spec: ConnectionSpec;
	hostKeys: HostKeyPolicy;
	prompter: Prompter;
	signal: AbortSignal;
	/** Credentials from an earlier connect of the same connection (typed passwords): reused, not re-asked. */
	cachedAuth?: AuthStep[];
	reconnect: boolean;
	onPhase?(phase: Phase): void;
}

/**
 * Opens the transport and runs the SSH handshake: host key verification (before any credential is
 * built, let alone sent), then authentication with the profile's steps in order. Resolves with a ready
 * ssh2 client, the credentials built and the step the server accepted; rejects with a HandshakeError sentence.
 */
export async function sshHandshake(options: HandshakeOptions): Promise<{client: Client; auth: AuthStep[]; used?: AuthStep}> {
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
	let refused: {message: string; cause: DisconnectCause} | undefined;
	let auth: AuthStep[] | undefined = options.cachedAuth;
	let steps: AuthStep[] | undefined;
	/** The step sent last and how often a typed password was sent: a refused typed password is asked again. */
	let lastStep: AuthStep | undefined;
	/** The last certificate sent: its refusal is told in its own words (who it logs in as, whether it expired). */
	let certificateTried: Extract<AuthStep, {type: 'certificate'}> | undefined;
	let passwordTries = 0;
	let cancelled = false;
	// The status follows what vmux waits for: the user's typing, then unlocking the key (no longer the host key).
	const preparing = 'Preparing the credentials';
	// The handshake's deadline stops while the user is asked anything (see HandshakeClock).
	const clock = new HandshakeClock(HANDSHAKE_TIMEOUT_MS, () => {
		const error = Object.assign(new Error('Timed out while waiting for handshake'), {level: 'client-timeout'});
		client.emit('error', error);
	});
	const prompter: Prompter = {
		confirmUnknownHostKey: info => clock.whileAsking(() => options.prompter.confirmUnknownHostKey(info)),
		askSecret: async request => {
			options.onPhase?.({kind: 'authenticating', activity: `Waiting for you to type: ${request.title}`});
			const answer = await clock.whileAsking(() => options.prompter.askSecret(request));
			if (answer === undefined) cancelled = true;
			else options.onPhase?.({kind: 'authenticating', activity: preparing});
			return answer;
		},
		...(options.prompter.showSignIn
			? {
					showSignIn: (prompt, onCancel) => {
						options.onPhase?.({kind: 'authenticating', activity: `Waiting for you to sign in: open ${prompt.url} and enter the code ${prompt.code}`});
						clock.pause();
						let shown = true;
						const closed = () => {
							if (shown) clock.resume();
							shown = false;
						};
						const dismiss = options.prompter.showSignIn!(prompt, () => {
							closed();
							cancelled = true;
							onCancel();
						});
						return () => {
							closed();
							dismiss();
							if (!signal.aborted) options.onPhase?.({kind: 'authenticating', activity: preparing});
						};
					},
				}
			: {}),
	};
	return new Promise((resolve, reject) => {
		const finish = (error?: HandshakeError) => {
			clock.stop();
			client.removeAllListeners('ready');
			client.removeAllListeners('error');
			client.removeAllListeners('close');
			signal.removeEventListener('abort', onAbort);
			if (!error) return resolve({client, auth: auth ?? [], ...(lastStep ? {used: lastStep} : {})});
			client.on('error', () => {});
			client.destroy();
			reject(error);
		};
		const onAbort = () => finish(new HandshakeError('aborted', false));
		signal.addEventListener('abort', onAbort, {once: true});
		client.once('ready', () => finish());
		const refusal = () => new HandshakeError(refused!.message, false, refused!.cause === 'auth', refused!.cause);
		client.once('error', (error: Error & ClientErrorExtensions) => {
			if (refused) return finish(refusal());
			if (error.level === 'client-authentication') {
				// An Entra profile refused with a certificate still in date: the VM lacks the extension, the identity or
				// your role, and the server says no more than that, so name all three. An expired one says so instead.
				const expired = certificateTried?.expiresAt !== undefined && certificateTried.expiresAt <= Date.now();
				const message =
					spec.entraVm && !expired
						? describeEntraRefusal(spec.entraVm, certificateTried?.username || spec.username || undefined)
						: certificateTried
							? describeCertificateRefusal(certificateTried, spec.label, tried)
							: describeAuthFailure(spec.username, spec.label, tried);
				return finish(new HandshakeError(message, false, true));
			}
			const described = describeConnectError(error, where);
			finish(new HandshakeError(described.message, described.retriable));
		});
		client.once('close', () => finish(refused ? refusal() : new HandshakeError(`The connection to ${where} closed during the SSH handshake.`, true)));
		client.connect({
			sock: socket,
			username: spec.username,
			// vmux's own clock instead (HandshakeClock): ssh2's would count the user's answers too.
			readyTimeout: 0,
			keepaliveInterval: (spec.keepaliveIntervalSec ?? 15) * 1000,
			keepaliveCountMax: spec.keepaliveCountMax ?? 3,
			// ssh2 then asks for agent forwarding on every session channel it opens (auth-agent-req@openssh.com).
			...(spec.forwardAgent ? {agent: spec.forwardAgent, agentForward: true} : {}),
			hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
				options.onPhase?.({kind: 'verifying-host-key'});
				options.hostKeys
					.verify(spec.host, spec.port, key, prompter)
					.then(outcome => {
						if (!outcome.ok) refused = {message: outcome.reason, cause: HOST_KEY_CAUSE[outcome.kind]};
						else if (!signal.aborted) options.onPhase?.({kind: 'authenticating', activity: preparing});
						verify(outcome.ok);
					})
					.catch(error => {
						refused = {message: `Could not check the host key of ${spec.label}: ${(error as Error).message}`, cause: 'credentials'};
						verify(false);
					});
			},
			authHandler: (methodsLeft, _partial, next) => {
				void (async () => {
					try {
						if (!steps) {
							auth ??= await spec.credentials({prompter, reconnect: options.reconnect, signal});
							// A copy: steps are consumed one by one; the list itself is kept for reconnects.
							steps = [...auth];
						}
					} catch (error) {
						refused = {message: error instanceof Error ? error.message : String(error), cause: cancelled ? 'cancelled' : 'credentials'};
						return next(false as never);
					}
					let step: AuthStep | undefined;
					// Called again after a typed password: the server refused it. Ask again, as OpenSSH does.
					if (lastStep?.type === 'password' && lastStep.typed && passwordTries < PASSWORD_TRIES && auth) {
						const again = await prompter.askSecret({
							title: `Permission denied, please try again. Password for ${spec.username}@${spec.label} (try ${passwordTries + 1} of ${PASSWORD_TRIES})`,
							prompt: 'Password:',
						});
						if (again === undefined) {
							refused = {message: 'Connection cancelled: no password was entered.', cause: 'cancelled'};
							return next(false as never);
						}
						step = {...lastStep, password: again};
						// The password that works is the one kept for reconnects.
						const index = auth.indexOf(lastStep);
						if (index !== -1) auth[index] = step;
					} else {
						step = steps.shift();
					}
					lastStep = step;
					if (!step) {
						if (passwordTries >= PASSWORD_TRIES) {
							refused = {
								message: `Permission denied: ${spec.username}@${spec.label} refused the password ${PASSWORD_TRIES} times, so vmux stopped asking. Check the username in the profile, and the password.`,
								cause: 'auth',
							};
						}
						return next(false as never);
					}
					if (step.type === 'password' && step.typed) passwordTries += 1;
					tried.push(step.label);
					options.onPhase?.({kind: 'authenticating', method: step.label});
					switch (step.type) {
						case 'publickey':
							return next({type: 'publickey', username: spec.username, key: step.key, passphrase: step.passphrase} as never);
						case 'agent':
							return next({type: 'agent', username: spec.username, agent: step.socket} as never);
						case 'certificate': {
							// The certificate logs in as its own user (its principal), whatever the profile says.
							const prepared = certificateAuthAnswer(step);
							if (!prepared.ok) {
								refused = {message: prepared.message, cause: 'credentials'};
								return next(false as never);
							}
							certificateTried = step;
							return next(prepared.answer as never);
						}
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
		clock.start();
	});
}
