import {createHash, randomBytes} from 'node:crypto';
import {publicKeyFromBlob} from '../../core/entra/ssh-certificate.js';
import type {LabIdentity} from '../arm/tokens.js';
import {PERMIT_EXTENSIONS, rsaPublicBlobFromJwk, type LabSshCa} from './ssh-ca.js';

/**
 * The lab's answer to Entra's SSH certificate grant (contracts §4.3): a refresh-token grant with
 * `token_type=ssh-cert`, the JWK of the user's public key in `req_cnf` and its `kid` in `key_id`, for the PAS
 * scope. Checked as strictly as a client can notice, then signed by the lab CA like Entra's certificates (§4.4):
 * key id `<oid>@<tid>`, the UPN as the principal, valid from five minutes ago, the `@sshservice.azure.net`
 * extensions and the five `permit-*` ones.
 */

export const SSH_CERT_TOKEN_TYPE = 'ssh-cert';

/** Scopes MSAL adds to every request; they name no resource. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
/** Entra refuses keys below 2048 bits; the Azure CLI makes 4096, vmux 3072. */
const MIN_RSA_BITS = 2048;
/** `=`-padded or unpadded base64url, nothing else. */
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
/** Certificates are valid from a little before they are asked for, against clock skew (Entra: 5 minutes). */
const BACKDATE_MS = 5 * 60_000;

export interface SshCertGrantRequest {
	form: URLSearchParams;
	/** The request's scopes, split. */
	scopes: string[];
	/** The cloud's PAS scope (`https://pas.windows.net/CheckMyAccess/Linux/.default` in the public cloud). */
	pasScope: string;
	identity: LabIdentity;
	tenantId: string;
	ca: LabSshCa;
	lifetimeSeconds: number;
	now?: number;
}

/** An OAuth error to answer, in the terms `oauthError` sends. */
export interface SshCertGrantRefusal {
	ok: false;
	error: string;
	aadsts: number;
	description: string;
}

export interface SshCertGrantIssued {
	ok: true;
	/** The raw certificate blob; the access token is its base64. */
	certificate: Buffer;
	/** Seconds until the certificate's validBefore. */
	expiresIn: number;
	/** The scope to report: the PAS scope. */
	scope: string;
}

export function sshCertGrant(request: SshCertGrantRequest): SshCertGrantIssued | SshCertGrantRefusal {
	const {form} = request;
	const tokenType = form.get('token_type');
	if (tokenType !== SSH_CERT_TOKEN_TYPE) {
		return refuse('invalid_request', 9002313, `Invalid request. Request is malformed or invalid. The token_type '${tokenType}' is not supported.`);
	}
	const resources = request.scopes.filter(scope => !OIDC_SCOPES.has(scope.toLowerCase()));
	if (resources.length !== 1 || resources[0]!.toLowerCase() !== request.pasScope.toLowerCase()) {
		return refuse(
			'invalid_scope',
			70011,
			`The provided value for the input parameter 'scope' is not valid. An SSH certificate is issued for the scope ${request.pasScope} only; the request asked for '${resources.join(' ')}'.`,
		);
	}
	const reqCnf = form.get('req_cnf');
	if (!reqCnf) return missing('req_cnf');
	const keyId = form.get('key_id');
	if (!keyId) return missing('key_id');

	const jwk = readJwk(reqCnf);
	if (typeof jwk === 'string') return refuse('invalid_request', 9002313, `Invalid request. Request is malformed or invalid. The req_cnf parameter ${jwk}.`);
	if (keyId !== jwk.kid) {
		return refuse('invalid_request', 9002313, "Invalid request. Request is malformed or invalid. The key_id parameter does not match the kid of the req_cnf key.");
	}

	const now = request.now ?? Date.now();
	const validBefore = now + request.lifetimeSeconds * 1000;
	const {oid, upn} = request.identity;
	const certificate = request.ca.sign({
		publicKey: jwk.blob,
		keyId: `${oid}@${request.tenantId}`,
		principals: [upn],
		validAfter: new Date(now - BACKDATE_MS),
		validBefore: new Date(validBefore),
		serial: randomBytes(8).readBigUInt64BE(),
		extensions: {
			'oid@sshservice.azure.net': oid,
			'tid@sshservice.azure.net': request.tenantId,
			...Object.fromEntries(PERMIT_EXTENSIONS.map(name => [name, ''])),
		},
	});
	return {ok: true, certificate, expiresIn: Math.max(0, Math.floor((validBefore - now) / 1000)), scope: request.pasScope};
}

/** The key a `req_cnf` JWK describes, or what is wrong with it (a phrase for the error description). */
function readJwk(text: string): {blob: Buffer; kid: string} | string {
	let jwk: unknown;
	try {
		jwk = JSON.parse(text);
	} catch {
		return 'is not JSON';
	}
	if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'is not a JSON Web Key object';
	const {kty, n, e, kid} = jwk as Record<string, unknown>;
	if (kty !== 'RSA') return `has kty ${JSON.stringify(kty ?? null)}; an SSH certificate needs an RSA key`;
	for (const [name, value] of [
		['n', n],
		['e', e],
	] as const) {
		if (typeof value !== 'string' || !BASE64URL.test(value)) return `has no base64url '${name}'`;
	}
	if (typeof kid !== 'string' || kid === '') return "has no 'kid'";
	// The kid hashes the n and e strings exactly as sent, padded or not (the Azure CLI pads, MSAL.NET does not).
	const expected = createHash('sha256').update(n as string, 'utf8').update(e as string, 'utf8').digest('hex');
	if (kid.toLowerCase() !== expected) return "has a 'kid' that is not the SHA-256 of its n and e";
	const blob = rsaPublicBlobFromJwk({n: n as string, e: e as string});
	let bits: number | undefined;
	try {
		bits = publicKeyFromBlob(blob).asymmetricKeyDetails?.modulusLength;
	} catch {
		return 'is not a usable RSA key';
	}
	if (!bits || bits < MIN_RSA_BITS) return `is a ${bits ?? 0}-bit RSA key; at least ${MIN_RSA_BITS} bits are needed`;
	return {blob, kid};
}

function missing(parameter: string): SshCertGrantRefusal {
	return refuse('invalid_request', 900144, `The request body must contain the following parameter: '${parameter}'.`);
}

function refuse(error: string, aadsts: number, description: string): SshCertGrantRefusal {
	return {ok: false, error, aadsts, description};
}
