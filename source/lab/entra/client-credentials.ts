import {createHash, timingSafeEqual} from 'node:crypto';
import type {LabIdentity} from '../arm/tokens.js';

/**
 * The lab's answer to Entra's client-credentials grant (OAuth 2.0 §4.4, as Microsoft's identity platform serves it
 * at `/{tenant}/oauth2/v2.0/token`): a confidential client (an app registration with a client secret, sent in the
 * form as `client_secret_post`, which MSAL uses) gets an app-only access token for one resource named as
 * `{resource}/.default`. The checks and their AADSTS codes follow Entra's: missing or wrong secret (401
 * invalid_client), unknown app (400 unauthorized_client), a scope without `/.default` or naming two resources
 * (400 invalid_scope). No refresh token and no ID token, as Entra answers this grant.
 */

export const CLIENT_CREDENTIALS_GRANT = 'client_credentials';

/** An app registration with a client secret, whose service principal is in every tenant of the lab's world. */
export interface LabConfidentialClient {
	clientId: string;
	secret: string;
	/** The service principal the tokens are for (`oid`; `upn` is the app id, as ARM names an app in its errors). */
	identity: LabIdentity;
}

export type ClientCredentialsOutcome =
	| {ok: true; client: LabConfidentialClient; audience: string}
	| {ok: false; status: number; error: string; aadsts: number; description: string};

export function clientCredentialsGrant(form: URLSearchParams, clients: readonly LabConfidentialClient[], tenantId: string): ClientCredentialsOutcome {
	const refuse = (status: number, error: string, aadsts: number, description: string): ClientCredentialsOutcome => ({ok: false, status, error, aadsts, description});
	const clientId = form.get('client_id');
	if (!clientId) return refuse(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
	const client = clients.find(candidate => candidate.clientId.toLowerCase() === clientId.toLowerCase());
	if (!client) {
		return refuse(
			400,
			'unauthorized_client',
			700016,
			`Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
		);
	}
	const secret = form.get('client_secret');
	if (!secret) return refuse(401, 'invalid_client', 7000216, "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
	if (!sameSecret(secret, client.secret)) {
		return refuse(
			401,
			'invalid_client',
			7000215,
			`Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
		);
	}
	const scopes = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
	if (scopes.length === 0) return refuse(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.");
	// MSAL adds `openid profile offline_access` to user flows only; here anything but one `.default` is refused.
	const resources = scopes.filter(scope => !['openid', 'profile', 'offline_access', 'email'].includes(scope.toLowerCase()));
	const bad = resources.find(scope => !scope.toLowerCase().endsWith('/.default'));
	if (bad !== undefined || resources.length === 0) {
		return refuse(
			400,
			'invalid_scope',
			1002012,
			`The provided value for scope ${bad ?? scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
		);
	}
	if (resources.length > 1) return refuse(400, 'invalid_scope', 28000, 'Provided value for the input parameter scope is not valid because it contains more than one resource.');
	return {ok: true, client, audience: resources[0]!.slice(0, -'.default'.length)};
}

/** Compares secrets in constant time (hashes first, so lengths do not leak either). */
function sameSecret(given: string, expected: string): boolean {
	const hash = (text: string) => createHash('sha256').update(text).digest();
	return timingSafeEqual(hash(given), hash(expected));
}
