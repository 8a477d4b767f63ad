import type {CloudSettings} from '../azure/cloud.js';
import type {DeviceCodePrompt} from '../azure/public-client.js';
import {createEphemeralKey, type EphemeralKey} from './ephemeral-key.js';
import type {EntraSignIn} from './msal-sign-in.js';
import {EntraSignInError} from './sign-in-error.js';
import {certificateValidity, parseSshCertificate, type SshCertificate} from './ssh-certificate.js';

/**
 * Entra SSH certificates for logging in (issue 9): one ephemeral key per (cloud, tenant), kept in memory with
 * its current certificate, reused until shortly before the certificate expires and then renewed silently, so
 * reconnects and new connections never meet an expired certificate. Concurrent callers share one request.
 *
 * The certificate comes from the Azure CLI (`az ssh cert`, when installed and signed in) or from vmux's own
 * sign-in (msal-node, a device code when not signed in yet), as the `entraCertificateSource` setting says.
 */

/** The `entraCertificateSource` setting: `auto` uses the Azure CLI when it is usable, else vmux's own sign-in. */
export type EntraCertificateSourceSetting = 'auto' | 'cli' | 'device-code';

/** The Azure CLI as a certificate source (`azCliCertificates` in ./az-cli-certificate.ts: `az ssh cert`). */
export interface CliCertificateSource {
	/** Whether `az` is installed, signed in and has the `ssh` extension (decides `auto`); else why not, with the fix. */
	usable(signal?: AbortSignal): Promise<{ok: true} | {ok: false; reason: string}>;
	/** The certificate blob the CLI gets for this public key line (`ssh-rsa AAAA…`). */
	certificate(publicKeyLine: string, signal?: AbortSignal): Promise<Buffer>;
}

/**
 * Shows a device-code prompt until the returned function is called; `onCancel` runs when the user closes it
 * first (the same shape as the session Prompter's `showSignIn`).
 */
export type ShowSignIn = (prompt: DeviceCodePrompt, onCancel: () => void) => () => void;

export interface EntraLogin {
	/** PKCS#1 PEM of the ephemeral key; memory only. */
	privateKey: string;
	/** The raw certificate blob, for the SSH client. */
	certificate: Buffer;
	parsed: SshCertificate;
	/** Who to log in as: the certificate's first principal, lower-cased (as `az ssh vm` does). */
	username: string;
	/** The certificate's validBefore. */
	expiresAt: Date;
	/** Where it came from: the Azure CLI or vmux's own sign-in. */
	source: 'cli' | 'own';
}

export interface EntraCertificatesOptions {
	cloud: CloudSettings;
	setting: EntraCertificateSourceSetting;
	/** vmux's own sign-in for this cloud (or how to get it): `device-code`, and `auto` without a usable CLI. */
	own?: EntraSignIn | (() => Promise<EntraSignIn>);
	cli?: CliCertificateSource;
	/** Shows a device-code sign-in when the own source is not signed in; without it that is an error. */
	needsSignIn?: ShowSignIn;
	/** Renew this long before the certificate's validBefore; default 5 minutes. */
	renewBeforeMs?: number;
	/** Makes the ephemeral key; default a 3072-bit RSA key. */
	createKey?: () => Promise<EphemeralKey>;
	now?: () => number;
}

export interface EntraCertificateRequest {
	/** The tenant the certificate is for; default the sign-in's. */
	tenantId?: string;
	/** Overrides the constructor's `needsSignIn` for this request (e.g. the connecting session's dialog). */
	needsSignIn?: ShowSignIn;
}

/** One (cloud, tenant)'s key, its current login and the request under way. */
interface Slot {
	key?: Promise<EphemeralKey>;
	current?: EntraLogin;
	inflight?: Shared<EntraLogin>;
}

const DEFAULT_RENEW_BEFORE_MS = 5 * 60_000;

export class EntraCertificates {
	private readonly slots = new Map<string, Slot>();
	private readonly renewBeforeMs: number;
	private readonly now: () => number;

	constructor(private readonly options: EntraCertificatesOptions) {
		this.renewBeforeMs = options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
		this.now = options.now ?? Date.now;
	}

	/**
	 * A login for the tenant: the current certificate while it has more than `renewBeforeMs` left, else a new one
	 * for the same key. Rejects with a sentence (EntraSignInError and friends) when no certificate can be had.
	 */
	get(signal?: AbortSignal, request: EntraCertificateRequest = {}): Promise<EntraLogin> {
		const slot = this.slot(request.tenantId);
		const current = slot.current;
		if (current && current.expiresAt.getTime() - this.renewBeforeMs > this.now()) return Promise.resolve(current);
		slot.inflight ??= new Shared(async inner => {
			try {
				const login = await this.fetch(slot, request, inner);
				slot.current = login;
				return login;
			} finally {
				slot.inflight = undefined;
			}
		});
		return slot.inflight.join(signal);
	}

	/** The login `get` would return now without asking anyone, if there is one. */
	peek(tenantId?: string): EntraLogin | undefined {
		const current = this.slot(tenantId).current;
		return current && current.expiresAt.getTime() > this.now() ? current : undefined;
	}

	/** Forgets every key and certificate (sign-out, or a test). */
	clear(): void {
		this.slots.clear();
	}

	private slot(tenantId: string | undefined): Slot {
		const {cloud} = this.options;
		const name = `${cloud.name}|${cloud.authorityHost}|${(tenantId ?? '').toLowerCase()}`;
		let slot = this.slots.get(name);
		if (!slot) {
			slot = {};
			this.slots.set(name, slot);
		}
		return slot;
	}

	private async fetch(slot: Slot, request: EntraCertificateRequest, signal: AbortSignal): Promise<EntraLogin> {
		// One key per slot for its whole life: a renewal certifies the same key again.
		slot.key ??= (this.options.createKey ?? (() => createEphemeralKey()))();
		const key = await slot.key.catch(error => {
			slot.key = undefined;
			throw error;
		});
		const source = await this.chooseSource(signal);
		const blob = source === 'cli' ? await this.options.cli!.certificate(key.publicKeyLine(), signal) : await this.fromOwnSignIn(key, request, signal);
		return this.login(key, blob, source);
	}

	private async chooseSource(signal: AbortSignal): Promise<'cli' | 'own'> {
		const {setting, cli} = this.options;
		if (setting === 'cli') {
			if (!cli) throw new Error("The setting entraCertificateSource is 'cli', but the Azure CLI cannot be used here; install the Azure CLI with its ssh extension, or set entraCertificateSource to 'auto'.");
			return 'cli';
		}
		const usable = setting === 'auto' && cli ? await cli.usable(signal) : undefined;
		if (usable?.ok) return 'cli';
		if (!this.options.own) {
			throw new Error(
				setting === 'auto'
					? usable && !usable.ok
						? `No Entra SSH certificate source is usable, since vmux has no sign-in of its own here. ${usable.reason}`
						: 'No Entra SSH certificate source is usable: the Azure CLI is not installed and signed in with its ssh extension (az login; az extension add --name ssh), and vmux has no sign-in of its own here.'
					: "The setting entraCertificateSource is 'device-code', but vmux has no sign-in of its own here.",
			);
		}
		return 'own';
	}

	private async fromOwnSignIn(key: EphemeralKey, request: EntraCertificateRequest, signal: AbortSignal): Promise<Buffer> {
		const own = this.options.own!;
		const signIn = typeof own === 'function' ? await own() : own;
		const needsSignIn = request.needsSignIn ?? this.options.needsSignIn;
		const ask = () => signIn.sshCertificate({jwk: key.jwk, ...(request.tenantId ? {tenantId: request.tenantId} : {})}, signal);
		if (!signIn.signedIn) await this.signIn(signIn, needsSignIn, signal);
		try {
			return (await ask()).certificate;
		} catch (error) {
			// The refresh token has expired or was revoked: one new sign-in, then the same request again.
			if (!(error instanceof EntraSignInError && error.reason === 'sign-in-expired')) throw error;
			await this.signIn(signIn, needsSignIn, signal, error);
			return (await ask()).certificate;
		}
	}

	private async signIn(signIn: EntraSignIn, show: ShowSignIn | undefined, signal: AbortSignal, why?: EntraSignInError): Promise<void> {
		if (!show) {
			throw new EntraSignInError(
				'not-signed-in',
				`${why ? why.message : 'vmux is not signed in to Microsoft Entra ID.'} Sign in (L in the browser) or with the Azure CLI (az login), then connect again.`,
			);
		}
		const stop = new AbortController();
		const onAbort = () => stop.abort();
		signal.addEventListener('abort', onAbort, {once: true});
		let dismiss: (() => void) | undefined;
		try {
			await signIn.signInWithDeviceCode(
				prompt => {
					dismiss?.();
					dismiss = show(prompt, () => stop.abort());
				},
				stop.signal,
			);
		} finally {
			signal.removeEventListener('abort', onAbort);
			dismiss?.();
		}
	}

	private login(key: EphemeralKey, blob: Buffer, source: 'cli' | 'own'): EntraLogin {
		const who = source === 'cli' ? 'The Azure CLI' : 'Microsoft Entra ID';
		const parsed = parseSshCertificate(blob);
		if (!parsed.publicKey.equals(key.publicKeyBlob)) throw new Error(`${who} returned a certificate for another key than the one vmux asked for; connect again.`);
		if (parsed.certType !== 'user') throw new Error(`${who} returned a host certificate, not a user certificate.`);
		const principal = parsed.principals[0];
		if (!principal) throw new Error(`${who} returned a certificate that names no principal to log in as.`);
		if (certificateValidity(parsed, new Date(this.now())) === 'expired') {
			throw new Error(`${who} returned a certificate that expired at ${parsed.validBefore.toISOString()}; check this computer's clock.`);
		}
		return {privateKey: key.privateKey, certificate: blob, parsed, username: principal.toLowerCase(), expiresAt: parsed.validBefore, source};
	}
}

/**
 * One piece of work that several callers wait for: each caller's signal lets that caller go, and the work's own
 * signal aborts once every caller has gone.
 */
class Shared<T> {
	private readonly controller = new AbortController();
	private readonly result: Promise<T>;
	private waiters = 0;

	constructor(work: (signal: AbortSignal) => Promise<T>) {
		this.result = work(this.controller.signal);
		this.result.catch(() => {});
	}

	join(signal?: AbortSignal): Promise<T> {
		if (signal?.aborted) return Promise.reject(abortError());
		this.waiters++;
		if (!signal) return this.result;
		return new Promise<T>((resolve, reject) => {
			const onAbort = () => {
				if (--this.waiters === 0) this.controller.abort();
				reject(abortError());
			};
			signal.addEventListener('abort', onAbort, {once: true});
			this.result.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
		});
	}
}

function abortError(): EntraSignInError {
	return new EntraSignInError('cancelled', 'Getting the Entra SSH certificate was cancelled.');
}
