import type {NetworkFailure} from './msal-network.js';

/**
 * One error for everything vmux's own Entra sign-in can run into, with a sentence a user can act on. MSAL's
 * errors carry OAuth codes inside generic messages ("post_request_failed: authorization_declined") and, for
 * server errors, Entra's whole description with trace ids; none of that is shown as is.
 */

export type EntraSignInFailure =
	| 'not-signed-in' // no device-code sign-in has completed
	| 'declined' // the user declined in the browser
	| 'code-expired' // the device code expired before it was entered
	| 'bad-code' // Entra did not know the device code
	| 'timed-out' // vmux's own wait for the code ran out
	| 'cancelled' // the caller (the user, a closed dialog) cancelled
	| 'sign-in-expired' // the refresh token is expired, revoked or missing: a new sign-in is needed
	| 'network' // Entra could not be reached, or its TLS certificate is not trusted
	| 'refused' // Entra answered with an OAuth error
	| 'not-ssh-cert' // a certificate was asked for and something else came back
	| 'failed'; // anything else MSAL reported

export class EntraSignInError extends Error {
	override name = 'EntraSignInError';

	constructor(
		readonly reason: EntraSignInFailure,
		message: string,
		/** The OAuth or MSAL error code behind it (`authorization_declined`, `invalid_request`, …). */
		readonly code?: string,
	) {
		super(message);
	}
}

const TLS_CODES = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|CERT_\w+)$/;

interface MsalErrorShape {
	name?: string;
	errorCode?: string;
	errorMessage?: string;
	subError?: string;
	message?: string;
}

/**
 * The EntraSignInError for whatever MSAL threw while `doing` (e.g. "getting an SSH certificate").
 * `network` is the network client's last failure, which MSAL itself does not pass on.
 */
export function entraSignInFailure(error: unknown, doing: string, network?: NetworkFailure): EntraSignInError {
	if (error instanceof EntraSignInError) return error;
	const err = (error ?? {}) as MsalErrorShape;
	const code = err.errorCode ?? '';
	// post_request_failed carries the OAuth error of a device-code poll as its message.
	const detail = `${code} ${err.errorMessage ?? ''} ${err.message ?? ''}`;
	if (/authorization_declined/.test(detail)) return new EntraSignInError('declined', 'The sign-in was declined in the browser.', 'authorization_declined');
	if (/expired_token|device_code_expired|code_expired/.test(detail)) return new EntraSignInError('code-expired', 'The code expired before it was entered.', 'expired_token');
	if (/bad_verification_code/.test(detail)) return new EntraSignInError('bad-code', 'Microsoft Entra ID did not recognise the code.', 'bad_verification_code');
	if (code === 'user_timeout_reached') return new EntraSignInError('timed-out', 'Nobody entered the code in time, so vmux stopped waiting for the sign-in.', code);
	if (code === 'device_code_polling_cancelled') return new EntraSignInError('cancelled', 'The sign-in was cancelled.', code);
	if (code === 'network_error' || code === 'endpoints_resolution_error' || (network && /network|endpoint/i.test(detail))) {
		return networkFailure(doing, network, code);
	}
	if (err.name === 'InteractionRequiredAuthError' || code === 'invalid_grant' || code === 'no_tokens_found' || code === 'refresh_token_expired') {
		return new EntraSignInError('sign-in-expired', `The Microsoft Entra sign-in has expired or was revoked (${code || 'interaction required'}) while ${doing}; sign in again.`, code || undefined);
	}
	if (err.name === 'ServerError' && code) {
		return new EntraSignInError('refused', `Microsoft Entra ID refused ${doing} (${code}: ${entraDescription(err.errorMessage ?? '')}).`, code);
	}
	return new EntraSignInError('failed', `Signing in to Microsoft Entra ID failed while ${doing}: ${firstLine(err.errorMessage || err.message || String(error))}.`, code || undefined);
}

function networkFailure(doing: string, network: NetworkFailure | undefined, code: string): EntraSignInError {
	const host = network ? hostOf(network.url) : 'Microsoft Entra ID';
	if (network?.code && TLS_CODES.test(network.code)) {
		return new EntraSignInError(
			'network',
			`The TLS certificate of ${host} is not trusted (${network.code}) while ${doing}. Check the cloud setting (caFile for a private CA) and any TLS-inspecting proxy.`,
			network.code,
		);
	}
	const why = network?.code ?? (network ? firstLine(network.message) : code);
	return new EntraSignInError('network', `${host} could not be reached (${why}) while ${doing}. Check the network, VPN or proxy.`, network?.code ?? code);
}

/**
 * Entra's description without what is there for support: MSAL's wrapping ("Error(s): … - Description: … -
 * Correlation ID: …") and the trace id, correlation id and timestamp Entra appends.
 */
export function entraDescription(description: string): string {
	const inner = /- Description: ([\s\S]*?)(?: - Correlation ID:[\s\S]*)?$/.exec(description)?.[1] ?? description;
	return firstLine(inner.replace(/\s*Trace ID:[\s\S]*$/, ''));
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'Microsoft Entra ID';
	}
}

function firstLine(text: string): string {
	return text.split('\n')[0]!.trim().replace(/\.$/, '');
}
