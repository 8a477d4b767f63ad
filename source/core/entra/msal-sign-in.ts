import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/identity';
import {PublicClientApplication, type AccountInfo, type AuthenticationResult, type DeviceCodeRequest} from '@azure/msal-node';
import {armScope, type CloudSettings} from '../azure/cloud.js';
import {AZURE_CLI_CLIENT_ID, type DeviceCodePrompt} from '../azure/public-client.js';
import type {EntraJwk} from './ephemeral-key.js';
import {MsalHttpsClient} from './msal-network.js';
import {EntraSignInError, entraSignInFailure} from './sign-in-error.js';

/**
 * vmux's own sign-in to Microsoft Entra ID: one msal-node PublicClientApplication, signed in once with a device
 * code, that serves ARM and Key Vault tokens (as a TokenCredential) and Entra SSH certificates (contracts §4.3).
 *
 * The certificate is asked for the way the Azure CLI asks: a silent refresh-token grant for the PAS scope with
 * `token_type=ssh-cert`, `req_cnf` and `key_id` as extra body fields. msal-common's RefreshTokenClient copies
 * `extraParameters` into the token request body (`addExtraParameters` in `createTokenRequestBody`); its own
 * `authenticationScheme: 'ssh-cert'`/`sshJwk` route cannot be used, since msal-node's `initializeBaseRequest`
 * resets every request's scheme to Bearer.
 *
 * Tokens stay in MSAL's in-memory cache: nothing is written to disk, so a restart signs in again.
 */

export interface EntraSignInOptions {
	cloud: CloudSettings;
	/** The tenant to sign in to; default `organizations` (the user's home tenant). */
	tenantId?: string;
	/** Public client to sign in as; default the Azure CLI's, as `az login --use-device-code` does. */
	clientId?: string;
}

export interface DeviceCodeSignInOptions {
	/** What the sign-in asks consent for; default ARM (the first thing the app needs). */
	scopes?: string[];
	/** Stop waiting for the code after this many seconds (Entra's code lives 15 minutes). */
	timeoutSeconds?: number;
}

export interface SshCertificateGrant {
	/** The raw OpenSSH certificate blob (the base64-decoded access token). */
	certificate: Buffer;
	/** When Entra says the token expires (the certificate's own validBefore is what counts for SSH). */
	expiresOn?: Date;
}

/** What is used of a signal; the Azure SDK passes its own AbortSignalLike, the app a DOM AbortSignal. */
type SignalLike = {
	readonly aborted: boolean;
	addEventListener(type: 'abort', listener: () => void, options?: {once?: boolean}): void;
	removeEventListener(type: 'abort', listener: () => void): void;
};

/** A device-code sign-in in progress, shared by everyone who asks for one while it runs. */
interface PendingSignIn {
	request: DeviceCodeRequest;
	result: Promise<AccountInfo>;
	prompt?: DeviceCodePrompt;
	listeners: Set<(prompt: DeviceCodePrompt) => void>;
	waiters: number;
}

export class EntraSignIn {
	readonly cloud: CloudSettings;
	readonly tenantId: string | undefined;
	private readonly app: PublicClientApplication;
	private readonly network: MsalHttpsClient;
	private signedInAccount: AccountInfo | undefined;
	private pending: PendingSignIn | undefined;

	/** The sign-in as a TokenCredential, for the Azure SDK clients (ARM, Key Vault). */
	readonly credential: TokenCredential = {getToken: (scopes, options) => this.getToken(scopes, options)};

	constructor(options: EntraSignInOptions) {
		this.cloud = options.cloud;
		this.tenantId = options.tenantId;
		this.network = new MsalHttpsClient(options.cloud.tlsCa ? {ca: options.cloud.tlsCa} : {});
		const custom = options.cloud.name === 'custom';
		this.app = new PublicClientApplication({
			auth: {
				clientId: options.clientId ?? AZURE_CLI_CLIENT_ID,
				authority: this.authority(options.tenantId),
				// A custom cloud (Azure Stack Hub, the lab's) is not in Microsoft's instance discovery; listing its host
				// as known makes MSAL trust it as configured and read its OpenID metadata directly.
				...(custom ? {knownAuthorities: [options.cloud.authorityHost]} : {}),
			},
			system: {networkClient: this.network},
		});
	}

	get signedIn(): boolean {
		return this.signedInAccount !== undefined;
	}

	get account(): AccountInfo | undefined {
		return this.signedInAccount;
	}

	/** True while a device-code sign-in waits for the user. */
	get signingIn(): boolean {
		return this.pending !== undefined;
	}

	/**
	 * Signs in with a device code: `onPrompt` gets the URL and code to show, then the promise resolves once the
	 * user has entered it. Callers arriving while one sign-in runs share it (and get its prompt); the sign-in
	 * stops when every caller's signal has aborted. Rejects with an EntraSignInError (declined, expired, …).
	 */
	signInWithDeviceCode(onPrompt: (prompt: DeviceCodePrompt) => void, signal?: SignalLike, options: DeviceCodeSignInOptions = {}): Promise<AccountInfo> {
		if (signal?.aborted) return Promise.reject(cancelled());
		this.pending ??= this.startDeviceCode(options);
		const pending = this.pending;
		pending.waiters++;
		pending.listeners.add(onPrompt);
		if (pending.prompt) onPrompt(pending.prompt);
		return new Promise<AccountInfo>((resolve, reject) => {
			let settled = false;
			const leave = () => {
				pending.listeners.delete(onPrompt);
				signal?.removeEventListener('abort', onAbort);
			};
			const onAbort = () => {
				if (settled) return;
				settled = true;
				leave();
				// The last one out stops the polling (MSAL checks the flag before each poll), and a new sign-in may start.
				if (--pending.waiters === 0) {
					pending.request.cancel = true;
					if (this.pending === pending) this.pending = undefined;
				}
				reject(cancelled());
			};
			signal?.addEventListener('abort', onAbort, {once: true});
			pending.result.then(
				account => {
					if (settled) return;
					settled = true;
					leave();
					resolve(account);
				},
				(error: unknown) => {
					if (settled) return;
					settled = true;
					leave();
					reject(error);
				},
			);
		});
	}

	private startDeviceCode(options: DeviceCodeSignInOptions): PendingSignIn {
		const pending: PendingSignIn = {
			listeners: new Set(),
			waiters: 0,
			request: {
				scopes: options.scopes ?? [armScope(this.cloud)],
				deviceCodeCallback: response => {
					const prompt = {url: response.verificationUri, code: response.userCode, message: response.message};
					pending.prompt = prompt;
					for (const listener of pending.listeners) listener(prompt);
				},
				...(options.timeoutSeconds ? {timeout: options.timeoutSeconds} : {}),
			},
			result: Promise.resolve(undefined as unknown as AccountInfo),
		};
		pending.result = this.app.acquireTokenByDeviceCode(pending.request).then(
			result => {
				if (this.pending === pending) this.pending = undefined;
				const account = result?.account;
				if (!account) throw new EntraSignInError('failed', 'Microsoft Entra ID signed you in but named no account; sign in again.');
				this.signedInAccount = account;
				return account;
			},
			(error: unknown) => {
				if (this.pending === pending) this.pending = undefined;
				throw entraSignInFailure(error, 'signing in with a device code', this.network.lastFailure);
			},
		);
		// A sign-in everyone walked away from still settles; nobody is left to hear it.
		pending.result.catch(() => {});
		return pending;
	}

	/**
	 * An access token for `scopes`, silently from the signed-in account (cache, else its refresh token). Waits
	 * for a device-code sign-in in progress; throws EntraSignInError `not-signed-in` when there is none.
	 */
	async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
		const account = await this.accountForRequest(options.abortSignal);
		const result = await this.silent(
			{
				account: inTenant(account, options.tenantId),
				scopes: Array.isArray(scopes) ? scopes : [scopes],
				...(options.tenantId ? {authority: this.authority(options.tenantId)} : {}),
				// A CAE claims challenge from a service: MSAL asks Entra afresh with these claims.
				...(options.claims ? {claims: options.claims} : {}),
			},
			'getting an access token',
			options.abortSignal,
		);
		return {
			token: result.accessToken,
			expiresOnTimestamp: (result.expiresOn ?? new Date(Date.now() + 5 * 60_000)).getTime(),
			...(result.refreshOn ? {refreshAfterTimestamp: result.refreshOn.getTime()} : {}),
			tokenType: 'Bearer',
		};
	}

	/**
	 * An Entra SSH certificate for the key `jwk` describes (contracts §4.3). Always a fresh grant: a certificate
	 * is bound to one key, and MSAL's cache would hand back a certificate for whichever key asked last.
	 */
	async sshCertificate(request: {jwk: EntraJwk; kid?: string; tenantId?: string}, signal?: SignalLike): Promise<SshCertificateGrant> {
		const account = await this.accountForRequest(signal);
		const kid = request.kid ?? request.jwk.kid;
		const result = await this.silent(
			{
				scopes: [this.cloud.sshCertificateScope],
				forceRefresh: true,
				extraParameters: {token_type: 'ssh-cert', req_cnf: JSON.stringify(request.jwk), key_id: kid},
				account: inTenant(account, request.tenantId),
				...(request.tenantId ? {authority: this.authority(request.tenantId)} : {}),
			},
			'getting an SSH certificate',
			signal,
		);
		if (result.tokenType.toLowerCase() !== 'ssh-cert') {
			throw new EntraSignInError(
				'not-ssh-cert',
				`Microsoft Entra ID answered the SSH certificate request with a ${result.tokenType || 'untyped'} token instead of a certificate; check that the cloud's SSH certificate scope (${this.cloud.sshCertificateScope}) is right.`,
				result.tokenType,
			);
		}
		const certificate = Buffer.from(result.accessToken, 'base64');
		if (certificate.length === 0) throw new EntraSignInError('not-ssh-cert', 'Microsoft Entra ID answered the SSH certificate request with an empty certificate.');
		return {certificate, ...(result.expiresOn ? {expiresOn: result.expiresOn} : {})};
	}

	private authority(tenantId: string | undefined): string {
		return `${this.cloud.authorityHost}/${tenantId ?? 'organizations'}`;
	}

	private async accountForRequest(signal?: SignalLike): Promise<AccountInfo> {
		if (this.signedInAccount) return this.signedInAccount;
		// A sign-in in progress: the request goes on once the user has entered the code.
		if (this.pending) return this.signInWithDeviceCode(() => {}, signal);
		throw new EntraSignInError('not-signed-in', 'vmux is not signed in to Microsoft Entra ID yet.');
	}

	private async silent(request: Parameters<PublicClientApplication['acquireTokenSilent']>[0], doing: string, signal?: SignalLike): Promise<AuthenticationResult> {
		if (signal?.aborted) throw cancelled();
		const call = this.app.acquireTokenSilent(request).catch((error: unknown) => {
			throw entraSignInFailure(error, doing, this.network.lastFailure);
		});
		if (!signal) return call;
		// MSAL takes no signal: the caller stops waiting, and the request's answer (if any) lands in the cache.
		call.catch(() => {});
		return new Promise((resolve, reject) => {
			const onAbort = () => reject(cancelled());
			signal.addEventListener('abort', onAbort, {once: true});
			call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
		});
	}
}

/**
 * The account as seen from `tenantId`. msal-common's silent flow looks up cached tokens by the account's own
 * `tenantId` before the request's authority, so the signed-in (home) account asked for another tenant would get
 * its home tenant's cached token back. With the tenant set, a tenant the account has no token for yet is asked
 * through the account's refresh token at that tenant's authority (MSAL then keeps a profile for that tenant).
 */
function inTenant(account: AccountInfo, tenantId: string | undefined): AccountInfo {
	if (!tenantId || tenantId.toLowerCase() === account.tenantId.toLowerCase()) return account;
	const profile = account.tenantProfiles?.get(tenantId);
	return {...account, tenantId, ...(profile ? {localAccountId: profile.localAccountId, name: profile.name ?? account.name} : {})};
}

function cancelled(): EntraSignInError {
	return new EntraSignInError('cancelled', 'The sign-in was cancelled.');
}
