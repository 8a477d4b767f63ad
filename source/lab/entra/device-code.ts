import type {IncomingMessage, ServerResponse} from 'node:http';
import {randomBytes, randomInt, randomUUID} from 'node:crypto';
import {readBody, sendJson, type LabHandler, type LabHttpsServer, type LabRequestContext} from '../https-server.js';
import {AZURE_CLOUDS} from '../../core/azure/cloud.js';
import {AZURE_CLI_CLIENT_ID} from '../../core/azure/public-client.js';
import {LAB_DEFAULT_IDENTITY, scopeToAudience, type LabIdentity, type LabTokenIssuer} from '../arm/tokens.js';
import {createLabSshCa, type LabSshCa} from './ssh-ca.js';
import {CLIENT_CREDENTIALS_GRANT, clientCredentialsGrant, type LabConfidentialClient} from './client-credentials.js';
import {SSH_CERT_TOKEN_TYPE, sshCertGrant} from './ssh-cert-grant.js';

/**
 * A Microsoft Entra ID stand-in for the OAuth 2.0 device authorization grant, as MSAL node drives it: OpenID
 * metadata discovery, `/{tenant}/oauth2/v2.0/devicecode`, and polling `/{tenant}/oauth2/v2.0/token` until the
 * user approves or declines the code (here through `approve`/`decline`, or the small `/devicelogin` page).
 * Access tokens come from the lab's `LabTokenIssuer`, so a token signed in for here is one the lab's ARM and Key
 * Vault accept. A refresh-token grant with `token_type=ssh-cert` gets an SSH certificate from the lab CA instead
 * (ssh-cert-grant.ts), as Entra's certificate service answers `az ssh vm`. Errors use Entra's shape: `error`, `error_description` (with an AADSTS code), `error_codes`,
 * `timestamp`, `trace_id`, `correlation_id`.
 */

/** The Azure CLI's public client id, which vmux signs in as by default: registered in the lab directory. */
export const LAB_AZURE_CLI_CLIENT_ID = AZURE_CLI_CLIENT_ID;

/** RFC 8628's grant type, as Microsoft's protocol docs give it. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** The short form MSAL sends (msal-common `GrantType.DEVICE_CODE_GRANT`); Entra accepts both. */
export const MSAL_DEVICE_CODE_GRANT = 'device_code';
const DEVICE_CODE_GRANTS = new Set([DEVICE_CODE_GRANT, MSAL_DEVICE_CODE_GRANT]);

/** Scopes MSAL adds to every request; they do not name a resource. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export interface LabEntraOptions {
	/** The issuer shared with the lab's ARM (and Key Vault), so the tokens work there. */
	tokens: LabTokenIssuer;
	/** The user's home directory (where `organizations` signs in); defaults to the issuer's home tenant. */
	tenantId?: string;
	/**
	 * Every directory the user is a member of (the home one and those where they are a guest): a token request
	 * naming one of them in its authority path gets a token for it (`tid`). Default: the issuer's tenants.
	 */
	tenants?: readonly string[];
	/** Confidential clients (app registrations with a secret) for the client-credentials grant; default none. */
	confidentialClients?: readonly LabConfidentialClient[];
	/** Public clients registered in the lab directory; default: the Azure CLI's. */
	clientIds?: string[];
	/** Who signs in when a code is approved (per-code override in `approve`). */
	identity?: Partial<LabIdentity>;
	/** Seconds between polls the client is told to wait (Entra says 5; tests use 1). */
	interval?: number;
	/** Device code lifetime in seconds (Entra: 900). */
	expiresIn?: number;
	/** Access token lifetime in seconds. */
	tokenLifetimeSeconds?: number;
	/** Where users are sent; default `{origin the client used}/devicelogin` (served here). */
	verificationUri?: string;
	/** Only answer for this Host name (e.g. `login.localhost`); default any host, matched by path. */
	host?: string;
	/**
	 * The CA that signs SSH certificates; default a new one, made on first use (`sshCa`). A promise lets the lab
	 * answer everything else while the CA's RSA key is still being made (the demo): a certificate grant waits for it.
	 */
	sshCa?: LabSshCa | Promise<LabSshCa>;
	/** SSH certificate lifetime in seconds (Entra: about an hour); short values let tests cover renewal. */
	sshCertLifetimeSeconds?: number;
	/** The scope SSH certificates are asked for; default the public cloud's PAS scope, as the lab cloud uses. */
	sshCertificateScope?: string;
	/**
	 * Lab only (the demo): approve every new code by itself after `afterMs`, as `identity` (default the
	 * directory's user), so the code is on screen for a moment and then the sign-in completes.
	 */
	autoApprove?: {afterMs: number; identity?: Partial<LabIdentity>};
}

export type LabDeviceCodeStatus = 'pending' | 'approved' | 'declined' | 'redeemed';

export interface LabDeviceCode {
	userCode: string;
	deviceCode: string;
	clientId: string;
	/** The tenant segment the client used (`organizations`, a tenant id, …). */
	tenant: string;
	/** The tenant that segment names: `organizations` and the home domain are the home tenant. */
	tenantId: string;
	scopes: string[];
	status: LabDeviceCodeStatus;
	/** ms since epoch. */
	expiresAt: number;
	/** Token-endpoint polls for this code so far. */
	polls: number;
	identity?: LabIdentity;
}

export interface LabEntraRequest {
	method: string;
	path: string;
	/** The `grant_type` of a token request. */
	grantType?: string;
	status: number;
	/** The OAuth `error` answered, if any. */
	error?: string;
	/** A token request's `token_type`: the one answered (`Bearer`, `ssh-cert`), or the one asked for when refused. */
	tokenType?: string;
}

export interface LabEntra {
	/** The user's home tenant. */
	tenantId: string;
	/** Every tenant the user can get tokens for, home first. */
	tenants: readonly string[];
	/** Every request the stand-in answered, in order. */
	requests: LabEntraRequest[];
	/** Codes still waiting for the user. */
	pending(): LabDeviceCode[];
	/** Every code issued (any status). */
	codes(): LabDeviceCode[];
	/** The user signs in and approves the code; the next poll gets tokens. Throws for unknown/closed codes. */
	approve(userCode: string, identity?: Partial<LabIdentity>): void;
	/** The user declines; the next poll gets `authorization_declined`. */
	decline(userCode: string): void;
	/** Ages the code past its lifetime; the next poll gets `expired_token`. */
	expire(userCode: string): void;
	/** Resolves with the next code issued after this call — for tests and demos that approve it. */
	nextCode(): Promise<LabDeviceCode>;
	/** The CA that signs the SSH certificates: lab SSH servers (and OpenSSH's TrustedUserCAKeys) trust its key. */
	readonly sshCa: LabSshCa;
	close(): void;
}

interface RefreshGrant {
	clientId: string;
	identity: LabIdentity;
	expiresAt: number;
}

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `/{tenant}/...` routes this stand-in owns (the tenant segment is any single path segment). */
const ROUTE =
	/^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|oauth2\/v2\.0\/devicecode|oauth2\/v2\.0\/token)$/i;

export function mountLabEntra(server: LabHttpsServer, options: LabEntraOptions): LabEntra {
	const tenantId = options.tenantId ?? options.tokens.tenantId;
	const memberTenants = [tenantId, ...(options.tenants ?? options.tokens.tenants).filter(tenant => tenant.toLowerCase() !== tenantId.toLowerCase())];
	const clientIds = new Set((options.clientIds ?? [LAB_AZURE_CLI_CLIENT_ID]).map(id => id.toLowerCase()));
	const baseIdentity: LabIdentity = {...LAB_DEFAULT_IDENTITY, ...options.identity};
	const interval = options.interval ?? 5;
	const expiresIn = options.expiresIn ?? 900;
	const byDeviceCode = new Map<string, LabDeviceCode>();
	const byUserCode = new Map<string, LabDeviceCode>();
	const refreshTokens = new Map<string, RefreshGrant>();
	const requests: LabEntraRequest[] = [];
	let waiters: Array<(code: LabDeviceCode) => void> = [];
	let sshCa = options.sshCa instanceof Promise ? undefined : options.sshCa;
	const sshCaMade = options.sshCa instanceof Promise ? options.sshCa.then(made => (sshCa = made)) : undefined;
	// A CA that could not be made fails its grants (below), not the process.
	sshCaMade?.catch(() => {});
	const pasScope = options.sshCertificateScope ?? AZURE_CLOUDS.AzureCloud.sshCertificateScope;
	const autoApprovals = new Set<NodeJS.Timeout>();

	/**
	 * The tenant a path's tenant segment names, as Entra resolves it: the multi-tenant aliases and the home domain
	 * are the user's home tenant, a member tenant's id is that tenant; anything else is not a tenant here.
	 */
	function resolveTenant(segment: string): string | undefined {
		const lower = segment.toLowerCase();
		const domain = baseIdentity.upn.split('@')[1]?.toLowerCase();
		if (lower === 'organizations' || lower === 'common' || lower === domain) return tenantId;
		return memberTenants.find(tenant => tenant.toLowerCase() === lower);
	}

	function record(req: IncomingMessage, ctx: LabRequestContext, status: number, extra: Partial<LabEntraRequest> = {}): void {
		requests.push({method: req.method ?? 'GET', path: ctx.url.pathname, status, ...extra});
	}

	function oauthError(
		req: IncomingMessage,
		res: ServerResponse,
		ctx: LabRequestContext,
		status: number,
		error: string,
		aadsts: number,
		description: string,
		grantType?: string,
		tokenType?: string,
	): void {
		const traceId = randomUUID();
		const correlationId = headerValue(req, 'client-request-id') ?? randomUUID();
		const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
		record(req, ctx, status, {error, ...(grantType ? {grantType} : {}), ...(tokenType ? {tokenType} : {})});
		sendJson(res, status, {
			error,
			error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
			error_codes: [aadsts],
			timestamp,
			trace_id: traceId,
			correlation_id: correlationId,
			error_uri: `${ctx.url.origin}/error?code=${aadsts}`,
		});
	}

	function openIdConfiguration(req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext, tenant: string, v2: boolean): void {
		const resolved = resolveTenant(tenant);
		if (!resolved) {
			oauthError(req, res, ctx, 400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
			return;
		}
		const origin = ctx.url.origin;
		const multi = ['organizations', 'common'].includes(tenant.toLowerCase());
		// As Entra: endpoints keep the segment asked for; the issuer of a multi-tenant alias is a template.
		const issuerTenant = multi ? '{tenantid}' : resolved;
		const suffix = v2 ? '/v2.0' : '';
		const body = {
			token_endpoint: `${origin}/${tenant}/oauth2${suffix}/token`,
			token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
			jwks_uri: `${origin}/${tenant}/discovery${suffix}/keys`,
			response_modes_supported: ['query', 'fragment', 'form_post'],
			subject_types_supported: ['pairwise'],
			id_token_signing_alg_values_supported: ['RS256'],
			response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
			scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
			issuer: v2 ? `${origin}/${issuerTenant}/v2.0` : `https://sts.windows.net/${issuerTenant}/`,
			request_uri_parameter_supported: false,
			userinfo_endpoint: `${origin}/oidc/userinfo`,
			authorization_endpoint: `${origin}/${tenant}/oauth2${suffix}/authorize`,
			device_authorization_endpoint: `${origin}/${tenant}/oauth2${suffix}/devicecode`,
			http_logout_supported: true,
			frontchannel_logout_supported: true,
			end_session_endpoint: `${origin}/${tenant}/oauth2${suffix}/logout`,
			claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
			kerberos_endpoint: `${origin}/${tenant}/kerberos`,
			tenant_region_scope: 'EU',
			cloud_instance_name: 'vmux.lab',
			cloud_graph_host_name: 'graph.windows.net',
			msgraph_host: 'graph.microsoft.com',
			rbac_url: 'https://pas.windows.net',
		};
		record(req, ctx, 200);
		sendJson(res, 200, body);
	}

	/** Common checks of a form POST; returns the parsed form and the tenant named, or undefined once an error is sent. */
	async function readForm(req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext, tenant: string): Promise<{form: URLSearchParams; tenantId: string} | undefined> {
		if (req.method !== 'POST') {
			oauthError(req, res, ctx, 400, 'invalid_request', 900561, 'The endpoint only accepts POST requests. Received a GET request.');
			return undefined;
		}
		const resolved = resolveTenant(tenant);
		if (!resolved) {
			oauthError(req, res, ctx, 400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
			return undefined;
		}
		const type = (headerValue(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
		const text = await readBody(req);
		if (type !== 'application/x-www-form-urlencoded') {
			oauthError(req, res, ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
			return undefined;
		}
		return {form: new URLSearchParams(text), tenantId: resolved};
	}

	/** `client_id` present and registered; returns it lower-cased, or undefined once an error is sent. */
	function checkClient(req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext, form: URLSearchParams, grantType?: string): string | undefined {
		const clientId = form.get('client_id');
		if (!clientId) {
			oauthError(req, res, ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.", grantType);
			return undefined;
		}
		if (!clientIds.has(clientId.toLowerCase())) {
			oauthError(
				req,
				res,
				ctx,
				400,
				'unauthorized_client',
				700016,
				`Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
				grantType,
			);
			return undefined;
		}
		return clientId.toLowerCase();
	}

	async function deviceCode(req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext, tenant: string): Promise<void> {
		const read = await readForm(req, res, ctx, tenant);
		if (!read) return;
		const {form} = read;
		const clientId = checkClient(req, res, ctx, form);
		if (!clientId) return;
		const scope = form.get('scope');
		if (!scope) {
			oauthError(req, res, ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
			return;
		}
		const scopes = scope.split(/\s+/).filter(Boolean);
		if (resourcesOf(scopes).size > 1) {
			oauthError(req, res, ctx, 400, 'invalid_scope', 28000, 'Provided value for the input parameter scope is not valid because it contains more than one resource.');
			return;
		}
		const code: LabDeviceCode = {
			userCode: newUserCode(byUserCode),
			deviceCode: randomBytes(96).toString('base64url'),
			clientId,
			tenant,
			tenantId: read.tenantId,
			scopes,
			status: 'pending',
			expiresAt: Date.now() + expiresIn * 1000,
			polls: 0,
		};
		byDeviceCode.set(code.deviceCode, code);
		byUserCode.set(code.userCode, code);
		const verificationUri = options.verificationUri ?? `${ctx.url.origin}/devicelogin`;
		record(req, ctx, 200);
		sendJson(res, 200, {
			user_code: code.userCode,
			device_code: code.deviceCode,
			verification_uri: verificationUri,
			expires_in: expiresIn,
			interval,
			message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${code.userCode} to authenticate.`,
		});
		const ready = waiters;
		waiters = [];
		for (const resolve of ready) resolve(code);
		if (options.autoApprove) {
			const {afterMs, identity} = options.autoApprove;
			const timer = setTimeout(() => {
				autoApprovals.delete(timer);
				if (code.status === 'pending' && Date.now() < code.expiresAt) {
					code.status = 'approved';
					code.identity = {...baseIdentity, ...identity};
				}
			}, afterMs);
			timer.unref();
			autoApprovals.add(timer);
		}
	}

	async function token(req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext, tenant: string): Promise<void> {
		const read = await readForm(req, res, ctx, tenant);
		if (!read) return;
		const {form} = read;
		const grantType = form.get('grant_type') ?? undefined;
		if (!grantType) {
			oauthError(req, res, ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
			return;
		}
		if (grantType === CLIENT_CREDENTIALS_GRANT) {
			appToken(req, res, ctx, form, read.tenantId);
			return;
		}
		if (!DEVICE_CODE_GRANTS.has(grantType) && grantType !== 'refresh_token') {
			oauthError(req, res, ctx, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`, grantType);
			return;
		}
		const clientId = checkClient(req, res, ctx, form, grantType);
		if (!clientId) return;
		const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
		if (grantType === 'refresh_token') {
			// A refresh token is good in every tenant of the user: the answer is for the tenant of the path.
			refresh(req, res, ctx, form, clientId, scopes, read.tenantId);
			return;
		}
		const given = form.get('device_code');
		if (!given) {
			oauthError(req, res, ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'device_code'.", grantType);
			return;
		}
		const code = byDeviceCode.get(given);
		if (!code) {
			oauthError(req, res, ctx, 400, 'bad_verification_code', 70000, 'The provided value for the input parameter \'device_code\' is not valid.', grantType);
			return;
		}
		code.polls++;
		if (code.clientId !== clientId) {
			oauthError(req, res, ctx, 400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed. The device code was issued to a different client.', grantType);
			return;
		}
		if (code.status === 'redeemed') {
			oauthError(req, res, ctx, 400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed. The device code was already redeemed.', grantType);
			return;
		}
		if (Date.now() >= code.expiresAt) {
			oauthError(req, res, ctx, 400, 'expired_token', 70019, 'Verification code expired.', grantType);
			return;
		}
		if (code.status === 'declined') {
			oauthError(req, res, ctx, 400, 'authorization_declined', 70000, 'The user declined the sign-in request for this device code.', grantType);
			return;
		}
		if (code.status === 'pending') {
			oauthError(req, res, ctx, 400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.', grantType);
			return;
		}
		code.status = 'redeemed';
		byUserCode.delete(code.userCode);
		sendTokens(req, res, ctx, grantType, clientId, code.identity ?? baseIdentity, scopes.length > 0 ? scopes : code.scopes, code.tenantId);
	}

	function refresh(req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext, form: URLSearchParams, clientId: string, scopes: string[], forTenant: string): void {
		const given = form.get('refresh_token');
		if (!given) {
			oauthError(req, res, ctx, 400, 'invalid_request', 900144, "The request body must contain the following parameter: 'refresh_token'.", 'refresh_token');
			return;
		}
		const grant = refreshTokens.get(given);
		const tokenType = form.get('token_type') ?? undefined;
		if (!grant || grant.clientId !== clientId || Date.now() >= grant.expiresAt) {
			oauthError(req, res, ctx, 400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.', 'refresh_token', tokenType);
			return;
		}
		if (tokenType !== undefined) {
			if (!sshCa && sshCaMade) {
				sshCaMade.then(
					() => refresh(req, res, ctx, form, clientId, scopes, forTenant),
					(error: Error) => oauthError(req, res, ctx, 500, 'server_error', 50000, `The lab's SSH certificate authority could not be made: ${error.message}`, 'refresh_token', tokenType),
				);
				return;
			}
			const outcome = sshCertGrant({
				form,
				scopes,
				pasScope,
				identity: grant.identity,
				tenantId: forTenant,
				ca: labSshCa(),
				lifetimeSeconds: options.sshCertLifetimeSeconds ?? 3600,
			});
			if (!outcome.ok) {
				oauthError(req, res, ctx, 400, outcome.error, outcome.aadsts, outcome.description, 'refresh_token', tokenType);
				return;
			}
			sendTokens(req, res, ctx, 'refresh_token', clientId, grant.identity, scopes, forTenant, {
				tokenType: SSH_CERT_TOKEN_TYPE,
				accessToken: outcome.certificate.toString('base64'),
				expiresIn: outcome.expiresIn,
				scope: outcome.scope,
			});
			return;
		}
		sendTokens(req, res, ctx, 'refresh_token', clientId, grant.identity, scopes, forTenant);
	}

	/** The client-credentials grant (client-credentials.ts): an app-only token for the tenant of the path. */
	function appToken(req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext, form: URLSearchParams, forTenant: string): void {
		const outcome = clientCredentialsGrant(form, options.confidentialClients ?? [], forTenant);
		if (!outcome.ok) {
			oauthError(req, res, ctx, outcome.status, outcome.error, outcome.aadsts, outcome.description, CLIENT_CREDENTIALS_GRANT);
			return;
		}
		const issued = options.tokens.issue({audience: outcome.audience, identity: outcome.client.identity, lifetimeSeconds: options.tokenLifetimeSeconds, tenantId: forTenant});
		const lifetime = issued.claims.exp - Math.floor(Date.now() / 1000);
		record(req, ctx, 200, {grantType: CLIENT_CREDENTIALS_GRANT, tokenType: 'Bearer'});
		sendJson(res, 200, {token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: issued.token}, {'cache-control': 'no-store', pragma: 'no-cache'});
	}

	function labSshCa(): LabSshCa {
		if (!sshCa && sshCaMade) throw new Error("The lab's SSH certificate authority is still being made: wait for the promise given as sshCa.");
		sshCa ??= createLabSshCa();
		return sshCa;
	}

	/**
	 * The token answer for `forTenant` (access token and ID token `tid`); `access` replaces the bearer access token
	 * (an SSH certificate). `client_info` names the home tenant whatever the tenant, as Entra's does: MSAL keys the
	 * account by it and keeps one tenant profile per tenant.
	 */
	function sendTokens(
		req: IncomingMessage,
		res: ServerResponse,
		ctx: LabRequestContext,
		grantType: string,
		clientId: string,
		identity: LabIdentity,
		scopes: string[],
		forTenant: string,
		access?: {tokenType: string; accessToken: string; expiresIn: number; scope: string},
	): void {
		const resources = [...resourcesOf(scopes)];
		const resourceScopes = scopes.filter(scope => !OIDC_SCOPES.has(scope.toLowerCase()));
		const now = Math.floor(Date.now() / 1000);
		// Only OIDC scopes: Entra issues a Microsoft Graph token, as it does for `openid profile`.
		const issued = access
			? {token: access.accessToken, exp: now + access.expiresIn}
			: (() => {
					const token = options.tokens.issue({audience: resources[0] ?? 'https://graph.microsoft.com/', identity, lifetimeSeconds: options.tokenLifetimeSeconds, tenantId: forTenant});
					return {token: token.token, exp: token.claims.exp};
				})();
		const idToken = unsignedJwt({
			aud: clientId,
			iss: `${ctx.url.origin}/${forTenant}/v2.0`,
			iat: now,
			nbf: now,
			exp: issued.exp,
			name: identity.name,
			oid: identity.oid,
			preferred_username: identity.upn,
			sub: randomBytes(32).toString('base64url').slice(0, 43),
			tid: forTenant,
			uti: randomBytes(16).toString('base64url'),
			ver: '2.0',
		});
		const refreshToken = randomBytes(64).toString('base64url');
		refreshTokens.set(refreshToken, {clientId, identity, expiresAt: Date.now() + 90 * 24 * 3600 * 1000});
		const lifetime = issued.exp - now;
		const tokenType = access?.tokenType ?? 'Bearer';
		record(req, ctx, 200, {grantType, tokenType});
		sendJson(
			res,
			200,
			{
				token_type: tokenType,
				scope: access?.scope ?? (resourceScopes.length > 0 ? resourceScopes : ['openid', 'profile', 'email']).join(' '),
				expires_in: lifetime,
				ext_expires_in: lifetime,
				access_token: issued.token,
				refresh_token: refreshToken,
				id_token: idToken,
				client_info: Buffer.from(JSON.stringify({uid: identity.oid, utid: tenantId})).toString('base64url'),
			},
			{'cache-control': 'no-store', pragma: 'no-cache'},
		);
	}

	/** A tiny page so a person can approve a lab code by hand (`vmux --demo`). */
	async function deviceLoginPage(req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext): Promise<void> {
		let note = '';
		if (req.method === 'POST') {
			const form = new URLSearchParams(await readBody(req));
			const userCode = (form.get('otc') ?? '').trim().toUpperCase();
			const code = byUserCode.get(userCode);
			if (code && code.status === 'pending' && Date.now() < code.expiresAt) {
				if (form.get('action') === 'decline') code.status = 'declined';
				else {
					code.status = 'approved';
					code.identity = baseIdentity;
				}
				note = `Code ${userCode} ${code.status}. You can close this page.`;
			} else {
				note = 'That code is not valid or has expired.';
			}
		}
		record(req, ctx, 200);
		const html = `<!doctype html><title>vmux lab sign-in</title><h1>Enter code</h1><p>${escapeHtml(note)}</p><form method="post"><input name="otc" autofocus> <button name="action" value="approve">Sign in as ${escapeHtml(baseIdentity.upn)}</button> <button name="action" value="decline">Decline</button></form>`;
		res.writeHead(200, {'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html)});
		res.end(html);
	}

	const handler: LabHandler = async (req, res, ctx) => {
		if (/^\/devicelogin$/i.test(ctx.path)) {
			await deviceLoginPage(req, res, ctx);
			return;
		}
		const match = ROUTE.exec(ctx.path);
		if (!match) {
			record(req, ctx, 404);
			sendJson(res, 404, {error: 'not_found', error_description: `No Entra endpoint at ${ctx.path}.`});
			return;
		}
		const tenant = decodeURIComponent(match[1]!);
		const route = match[2]!.toLowerCase();
		if (route.endsWith('openid-configuration')) {
			if (req.method !== 'GET') {
				oauthError(req, res, ctx, 400, 'invalid_request', 900561, `The endpoint only accepts GET requests. Received a ${req.method ?? ''} request.`);
				return;
			}
			openIdConfiguration(req, res, ctx, tenant, route.startsWith('v2.0/'));
		} else if (route === 'oauth2/v2.0/devicecode') {
			await deviceCode(req, res, ctx, tenant);
		} else {
			await token(req, res, ctx, tenant);
		}
	};

	const isEntraPath = (_req: IncomingMessage, url: URL) => ROUTE.test(url.pathname) || /^\/devicelogin$/i.test(url.pathname);
	const unmount = server.mount({...(options.host ? {host: options.host} : {}), match: isEntraPath}, handler);

	function openCode(userCode: string): LabDeviceCode {
		const code = byUserCode.get(userCode.trim().toUpperCase());
		if (!code) throw new Error(`No device code with user code '${userCode}'.`);
		if (code.status !== 'pending') throw new Error(`Device code '${userCode}' is already ${code.status}.`);
		if (Date.now() >= code.expiresAt) throw new Error(`Device code '${userCode}' has expired.`);
		return code;
	}

	return {
		tenantId,
		tenants: memberTenants,
		requests,
		pending: () => [...byDeviceCode.values()].filter(code => code.status === 'pending' && Date.now() < code.expiresAt),
		codes: () => [...byDeviceCode.values()],
		approve(userCode, identity) {
			const code = openCode(userCode);
			code.status = 'approved';
			code.identity = {...baseIdentity, ...identity};
		},
		decline(userCode) {
			openCode(userCode).status = 'declined';
		},
		expire(userCode) {
			const code = byUserCode.get(userCode.trim().toUpperCase());
			if (!code) throw new Error(`No device code with user code '${userCode}'.`);
			code.expiresAt = Date.now() - 1;
		},
		nextCode() {
			return new Promise(resolve => waiters.push(resolve));
		},
		get sshCa() {
			return labSshCa();
		},
		close: () => {
			for (const timer of autoApprovals) clearTimeout(timer);
			autoApprovals.clear();
			unmount();
		},
	};
}

/** The resources (audiences) named by a set of scopes: `https://management.azure.com/.default` -> `https://management.azure.com/`. */
function resourcesOf(scopes: string[]): Set<string> {
	const resources = new Set<string>();
	for (const scope of scopes) {
		if (OIDC_SCOPES.has(scope.toLowerCase())) continue;
		const audience = scopeToAudience(scope);
		if (audience !== scope) {
			resources.add(audience);
			continue;
		}
		// `https://host/permission` -> `https://host/`; a bare permission name is Microsoft Graph's.
		const slash = scope.lastIndexOf('/');
		resources.add(slash > 'https://'.length ? scope.slice(0, slash + 1) : 'https://graph.microsoft.com/');
	}
	return resources;
}

function newUserCode(taken: Map<string, unknown>): string {
	for (;;) {
		let code = '';
		for (let i = 0; i < 9; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
		if (!taken.has(code)) return code;
	}
}

/** A JWT with `alg: none` and an empty signature: parseable by MSAL (which does not verify ID tokens). */
function unsignedJwt(claims: Record<string, unknown>): string {
	const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
	return `${encode({typ: 'JWT', alg: 'none'})}.${encode(claims)}.`;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, char => `&#${char.charCodeAt(0)};`);
}
