import {createHmac, randomBytes, randomUUID, timingSafeEqual} from 'node:crypto';

/**
 * Bearer tokens for the lab's stand-ins. They are JWT-shaped (header.payload.signature, HMAC-signed with a key
 * that lives only in this process) so they look like Entra access tokens to any code that peeks at claims, and
 * a stand-in accepts only tokens this issuer handed out — a made-up string gets ARM's 401.
 */

export interface LabIdentity {
	/** Object id of the signed-in principal. */
	oid: string;
	upn: string;
	name: string;
}

export interface LabTokenClaims extends LabIdentity {
	aud: string;
	iss: string;
	tid: string;
	iat: number;
	nbf: number;
	exp: number;
	[claim: string]: unknown;
}

export interface LabIssuedToken {
	token: string;
	/** ms since epoch, as `AccessToken.expiresOnTimestamp`. */
	expiresOnTimestamp: number;
	claims: LabTokenClaims;
}

export type LabTokenCheck =
	| {ok: true; claims: LabTokenClaims}
	| {ok: false; code: 'InvalidAuthenticationToken' | 'ExpiredAuthenticationToken' | 'InvalidAuthenticationTokenAudience'; message: string};

export const LAB_DEFAULT_IDENTITY: LabIdentity = {
	oid: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
	upn: 'alice@contoso.com',
	name: 'Alice',
};

/** ARM's own list of accepted audiences; tokens for other resources (e.g. Key Vault) are refused. */
export const ARM_AUDIENCES = [
	'https://management.core.windows.net/',
	'https://management.core.windows.net',
	'https://management.azure.com/',
	'https://management.azure.com',
];

export class LabTokenIssuer {
	/** The home tenant of the lab's user: tokens are for it unless another tenant is asked for. */
	readonly tenantId: string;
	/** Every tenant the lab's user is a member of (home first), as Entra would issue tokens for. */
	readonly tenants: readonly string[];
	private readonly key = randomBytes(32);
	private readonly revoked = new Set<string>();

	constructor(options: {tenantId: string; tenants?: readonly string[]}) {
		this.tenantId = options.tenantId;
		const others = (options.tenants ?? []).filter(tenant => tenant.toLowerCase() !== options.tenantId.toLowerCase());
		this.tenants = [options.tenantId, ...others];
	}

	/** Issues a token; `audience` is the resource (scope without `/.default`), `tenantId` the tenant it is for (`tid`). */
	issue(options: {audience?: string; identity?: Partial<LabIdentity>; lifetimeSeconds?: number; now?: number; tenantId?: string} = {}): LabIssuedToken {
		const now = Math.floor((options.now ?? Date.now()) / 1000);
		const identity = {...LAB_DEFAULT_IDENTITY, ...options.identity};
		const tenantId = options.tenantId ?? this.tenantId;
		const claims: LabTokenClaims = {
			aud: options.audience ?? 'https://management.azure.com/',
			iss: tokenIssuer(tenantId),
			tid: tenantId,
			iat: now,
			nbf: now,
			exp: now + (options.lifetimeSeconds ?? 3600),
			...identity,
			uti: randomUUID(),
			ver: '1.0',
		};
		const header = base64url(JSON.stringify({typ: 'JWT', alg: 'HS256', kid: 'vmux-lab'}));
		const payload = base64url(JSON.stringify(claims));
		const signature = this.sign(`${header}.${payload}`);
		return {token: `${header}.${payload}.${signature}`, expiresOnTimestamp: claims.exp * 1000, claims};
	}

	/** Convenience for TokenCredential adapters: scopes (`…/.default`) and the tenant asked for in, token out. */
	issueForScopes(scopes: string | string[], identity?: Partial<LabIdentity>, tenantId?: string): LabIssuedToken {
		const scope = Array.isArray(scopes) ? scopes[0] : scopes;
		return this.issue({audience: scopeToAudience(scope ?? 'https://management.azure.com/.default'), identity, ...(tenantId ? {tenantId} : {})});
	}

	validate(token: string, options: {audiences?: readonly string[]; now?: number} = {}): LabTokenCheck {
		const parts = token.split('.');
		if (parts.length !== 3 || this.revoked.has(token)) return invalid();
		const [header, payload, signature] = parts as [string, string, string];
		const expected = Buffer.from(this.sign(`${header}.${payload}`));
		const given = Buffer.from(signature);
		if (expected.length !== given.length || !timingSafeEqual(expected, given)) return invalid();
		let claims: LabTokenClaims;
		try {
			claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LabTokenClaims;
		} catch {
			return invalid();
		}
		const now = Math.floor((options.now ?? Date.now()) / 1000);
		if (claims.exp <= now) {
			return {
				ok: false,
				code: 'ExpiredAuthenticationToken',
				message: `The access token expiry UTC time '${new Date(claims.exp * 1000).toUTCString()}' is earlier than current UTC time '${new Date(now * 1000).toUTCString()}'.`,
			};
		}
		if (options.audiences && !options.audiences.includes(claims.aud)) {
			return {
				ok: false,
				code: 'InvalidAuthenticationTokenAudience',
				message: `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences ${options.audiences.map(a => `'${a}'`).join(',')}.`,
			};
		}
		return {ok: true, claims};
	}

	/** Makes a previously issued token invalid (tests of the 401 path). */
	revoke(token: string): void {
		this.revoked.add(token);
	}

	private sign(input: string): string {
		return createHmac('sha256', this.key).update(input).digest('base64url');
	}
}

/** A v1 token's `iss` for a tenant, as services quote it when they refuse a token of the wrong tenant. */
export function tokenIssuer(tenantId: string): string {
	return `https://sts.windows.net/${tenantId}/`;
}

/** True when a token (its `tid`) was issued for `tenantId`. */
export function sameTenant(claims: {tid?: unknown}, tenantId: string): boolean {
	return typeof claims.tid === 'string' && claims.tid.toLowerCase() === tenantId.toLowerCase();
}

/** `https://management.azure.com/.default` -> `https://management.azure.com/` (as Entra sets `aud` for v1 tokens). */
export function scopeToAudience(scope: string): string {
	return scope.endsWith('/.default') ? scope.slice(0, -'.default'.length) : scope;
}

function base64url(text: string): string {
	return Buffer.from(text, 'utf8').toString('base64url');
}

function invalid(): LabTokenCheck {
	return {ok: false, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.'};
}
