import {randomUUID} from 'node:crypto';
import type {ServerResponse} from 'node:http';
import {sendJson} from '../https-server.js';
import {tokenIssuer, type LabIdentity} from './tokens.js';

/** ARM's answers, with the status codes, error codes, messages and headers the real service uses. */

export function armHeaders(): Record<string, string> {
	const id = randomUUID();
	return {'x-ms-request-id': id, 'x-ms-correlation-request-id': id, 'cache-control': 'no-cache'};
}

export function sendArm(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	sendJson(res, status, body, {...armHeaders(), ...headers});
}

/** An answer without a body (a 202 Accepted, or a finished operation's `Location` poll), with ARM's headers. */
export function sendArmEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
	res.writeHead(status, {...armHeaders(), 'content-length': 0, ...headers});
	res.end();
}

export function armError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
	sendArm(res, status, {error: {code, message}}, headers);
}

/** 401 with ARM's challenge; the SDK's bearer policy reads `WWW-Authenticate` before giving up. */
export function unauthorized(res: ServerResponse, code: string, message: string, authority: string): void {
	armError(res, 401, code, message, {
		'www-authenticate': `Bearer authorization_uri="${authority}", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
	});
}

/**
 * ARM's 401 for a token of another tenant than the subscription's: the body names both issuers and the authority
 * to use, the challenge names the subscription's tenant (as `authorization_uri`).
 */
export function wrongTenant(res: ServerResponse, tokenTenant: string, subscriptionTenant: string, authority: string): void {
	const base = authority.endsWith('/') ? authority : `${authority}/`;
	armError(
		res,
		401,
		'InvalidAuthenticationTokenTenant',
		`The access token is from the wrong issuer '${tokenIssuer(tokenTenant)}'. It must match the tenant '${tokenIssuer(subscriptionTenant)}' associated with this subscription. Please use the authority (URL) '${base}${subscriptionTenant}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
		{'www-authenticate': `Bearer authorization_uri="${base}${subscriptionTenant}", error="invalid_token", error_description="The access token is from the wrong issuer."`},
	);
}

export function missingAuthorization(res: ServerResponse, authority: string): void {
	unauthorized(res, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", authority);
}

/** The contract's 403 (contracts §1): names the client, the action and the scope. */
export function authorizationFailed(res: ServerResponse, who: LabIdentity, action: string, scope: string): void {
	armError(
		res,
		403,
		'AuthorizationFailed',
		`The client '${who.upn}' with object id '${who.oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
	);
}

export function missingApiVersion(res: ServerResponse): void {
	armError(res, 400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
}

export function invalidApiVersion(res: ServerResponse, value: string): void {
	armError(
		res,
		400,
		'InvalidApiVersionParameter',
		`The api-version '${value}' is invalid. The supported versions are in the form 'yyyy-mm-dd' or 'yyyy-mm-dd-preview'.`,
	);
}

export function armThrottled(res: ServerResponse, retryAfterSeconds: number, subscriptionId: string | undefined, who: LabIdentity | undefined): void {
	armError(
		res,
		429,
		'SubscriptionRequestsThrottled',
		`Number of 'read' requests for subscription '${subscriptionId ?? 'unknown'}' actor '${who?.oid ?? 'unknown'}' exceeded. Please try again after '${retryAfterSeconds}' seconds after additional tips: https://aka.ms/arm-throttling`,
		{'retry-after': String(retryAfterSeconds), 'x-ms-ratelimit-remaining-subscription-reads': '0'},
	);
}

/** Resource Graph's own error envelope: a generic top-level message and the real reason in `details`. */
export function graphError(res: ServerResponse, status: number, code: string, details: Array<{code: string; message: string}>, headers: Record<string, string> = {}): void {
	const correlationId = randomUUID();
	sendArm(
		res,
		status,
		{
			error: {
				code,
				message: `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${correlationId}.`,
				details,
			},
		},
		headers,
	);
}

export function graphThrottled(res: ServerResponse, retryAfterSeconds: number): void {
	graphError(
		res,
		429,
		'RateLimiting',
		[
			{
				code: 'RateLimiting',
				message:
					'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.',
			},
		],
		{'retry-after': String(retryAfterSeconds), 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': `00:00:${String(retryAfterSeconds).padStart(2, '0')}`},
	);
}

const GATEWAY_ERRORS: Record<500 | 502 | 503 | 504, {code: string; message: string}> = {
	500: {code: 'InternalServerError', message: 'Encountered internal server error. Diagnostic information: timestamp, correlation id.'},
	502: {code: 'BadGateway', message: 'The gateway did not receive a valid response from the resource provider.'},
	503: {code: 'ServiceUnavailable', message: 'The server is currently unable to handle the request due to a temporary overloading or maintenance. Please try again later.'},
	504: {code: 'GatewayTimeout', message: "The gateway did not receive a response from the resource provider within the specified time period."},
};

/** A gateway status with ARM's (or Resource Graph's) error envelope, and `Retry-After` when the rule sets one. */
export function transientStatus(res: ServerResponse, status: 500 | 502 | 503 | 504, graph: boolean, retryAfterSeconds?: number): void {
	const {code, message} = GATEWAY_ERRORS[status];
	const headers: Record<string, string> = retryAfterSeconds !== undefined ? {'retry-after': String(retryAfterSeconds)} : {};
	if (graph) graphError(res, status, code, [{code, message}], headers);
	else armError(res, status, code, message, headers);
}
