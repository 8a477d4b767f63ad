import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {armScope, type CloudSettings} from '../../../source/core/azure/cloud.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {AZURE_CLI_CLIENT_ID, type DeviceCodePrompt} from '../../../source/core/azure/public-client.js';
import {EntraCertificates, type CliCertificateSource} from '../../../source/core/entra/certificates.js';
import {createEphemeralKey, entraJwk, entraKid, type EphemeralKey} from '../../../source/core/entra/ephemeral-key.js';
import {EntraSignIn} from '../../../source/core/entra/msal-sign-in.js';
import {EntraSignInError} from '../../../source/core/entra/sign-in-error.js';
import {certificateValidity, parseSshCertificate, verifyCertificateSignature} from '../../../source/core/entra/ssh-certificate.js';
import {LAB_DEFAULT_IDENTITY} from '../../../source/lab/arm/tokens.js';
import {ARM_AUDIENCES, startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {mountLabEntra, PERMIT_EXTENSIONS, type LabEntra} from '../../../source/lab/entra/index.js';
import {rawRequest} from '../arm/helpers.js';

/**
 * Entra SSH certificates from vmux's own sign-in, end to end: the real msal-node PublicClientApplication signs
 * in with a device code against the lab's Entra stand-in over HTTPS, then asks for a certificate as the Azure CLI
 * does (a silent refresh-token grant with token_type=ssh-cert, req_cnf and key_id), and the lab signs one with
 * its CA. EntraCertificates keeps and renews it.
 */

const PAS_SCOPE = 'https://pas.windows.net/CheckMyAccess/Linux/.default';

let arm: LabArm;
let entra: LabEntra;
let cloud: CloudSettings;
let key: EphemeralKey;

beforeAll(async () => {
	arm = await startLabArm();
	entra = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1});
	cloud = labCloud(arm.url, arm.ca);
	// 2048 bits keeps the test quick; the lab accepts 2048 and up, vmux makes 3072.
	key = await createEphemeralKey(2048);
});
afterAll(async () => {
	entra.close();
	await arm.close();
});

async function signedIn(signIn = new EntraSignIn({cloud})): Promise<EntraSignIn> {
	const done = signIn.signInWithDeviceCode(() => {});
	entra.approve((await entra.nextCode()).userCode);
	await done;
	return signIn;
}

function countSince(start: number, predicate: (request: LabEntra['requests'][number]) => boolean): number {
	return entra.requests.slice(start).filter(predicate).length;
}

const isDeviceCode = (request: LabEntra['requests'][number]) => request.path.endsWith('/devicecode');
const isCertGrant = (request: LabEntra['requests'][number]) => request.grantType === 'refresh_token' && request.tokenType === 'ssh-cert';

describe('EntraSignIn.sshCertificate against the lab', () => {
	test('a device-code sign-in, then a certificate for the ephemeral key that looks like Entra’s', async () => {
		const signIn = await signedIn();
		const start = entra.requests.length;
		const before = Date.now();
		const grant = await signIn.sshCertificate({jwk: key.jwk});
		const after = Date.now();
		const cert = parseSshCertificate(grant.certificate);

		expect(cert.type).toBe('ssh-rsa-cert-v01@openssh.com');
		expect(cert.certType).toBe('user');
		expect(cert.publicKey.equals(key.publicKeyBlob)).toBe(true);
		expect(cert.keyId).toBe(`${LAB_DEFAULT_IDENTITY.oid}@${arm.topology.tenantId}`);
		expect(cert.principals).toEqual(['alice@contoso.com']);
		// Valid from five minutes before it was asked for (whole seconds) to an hour after.
		expect(cert.validAfter.getTime()).toBeLessThanOrEqual(after - 5 * 60_000);
		expect(cert.validAfter.getTime()).toBeGreaterThanOrEqual(before - 5 * 60_000 - 2000);
		expect(cert.validBefore.getTime() - cert.validAfter.getTime()).toBeGreaterThanOrEqual(65 * 60_000 - 2000);
		expect(cert.validBefore.getTime() - cert.validAfter.getTime()).toBeLessThanOrEqual(65 * 60_000 + 2000);
		expect(certificateValidity(cert)).toBe('valid');
		expect(cert.extensions).toEqual({
			'oid@sshservice.azure.net': LAB_DEFAULT_IDENTITY.oid,
			'tid@sshservice.azure.net': arm.topology.tenantId,
			...Object.fromEntries(PERMIT_EXTENSIONS.map(name => [name, ''])),
		});
		expect(cert.criticalOptions).toEqual({});
		expect(cert.signature.algorithm).toBe('rsa-sha2-256');
		expect(cert.signatureKey.equals(entra.sshCa.publicKeyBlob)).toBe(true);
		expect(verifyCertificateSignature(cert)).toBe(true);
		expect(grant.expiresOn!.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);

		// One request: the refresh-token grant for the PAS scope, answered with token_type ssh-cert.
		expect(entra.requests.slice(start).map(request => `${request.method} ${request.path} ${request.grantType} ${request.tokenType} ${request.status}`)).toEqual([
			'POST /organizations/oauth2/v2.0/token refresh_token ssh-cert 200',
		]);
		console.info(`Entra SSH certificate from the lab: key id ${cert.keyId}, principals ${cert.principals.join(',')}, valid ${cert.validAfter.toISOString()} to ${cert.validBefore.toISOString()}`);

		// Asked again, it is a new certificate (forceRefresh: MSAL's cache never answers for a key).
		const again = parseSshCertificate((await signIn.sshCertificate({jwk: key.jwk})).certificate);
		expect(again.nonce.equals(cert.nonce)).toBe(false);
		expect(countSince(start, isCertGrant)).toBe(2);

		// The certificates in MSAL's cache never stand in for bearer tokens: ARM still gets its own, from the cache.
		const requests = entra.requests.length;
		const bearer = await signIn.getToken(armScope(cloud));
		expect(bearer.tokenType).toBe('Bearer');
		expect(arm.tokens.validate(bearer.token, {audiences: ARM_AUDIENCES}).ok).toBe(true);
		expect(entra.requests.length).toBe(requests);
	}, 30_000);

	test('a kid that does not match the key is refused by the lab and reported as a sentence', async () => {
		const signIn = await signedIn();
		const error = await signIn.sshCertificate({jwk: {...key.jwk, kid: 'f'.repeat(64)}}).then(
			() => undefined,
			(thrown: unknown) => thrown as EntraSignInError,
		);
		expect(error).toBeInstanceOf(EntraSignInError);
		expect(error).toMatchObject({reason: 'refused', code: 'invalid_request'});
		expect(error!.message).toBe(
			"Microsoft Entra ID refused getting an SSH certificate (invalid_request: AADSTS9002313: Invalid request. Request is malformed or invalid. The req_cnf parameter has a 'kid' that is not the SHA-256 of its n and e).",
		);
		expect(entra.requests.at(-1)).toMatchObject({grantType: 'refresh_token', tokenType: 'ssh-cert', error: 'invalid_request', status: 400});
	}, 30_000);

	test('a cloud whose scope is not the PAS scope gets the lab’s invalid_scope, not a bearer token taken for a certificate', async () => {
		const signIn = await signedIn(new EntraSignIn({cloud: {...cloud, sshCertificateScope: 'https://management.azure.com/.default'}}));
		await expect(signIn.sshCertificate({jwk: key.jwk})).rejects.toMatchObject({reason: 'refused', code: 'invalid_scope'});
	}, 30_000);
});

describe('EntraCertificates: reuse, renewal, sources', () => {
	test('not signed in: the hook shows the code, then the certificate; the second get reuses it without asking anyone', async () => {
		const start = entra.requests.length;
		const signIn = new EntraSignIn({cloud});
		const shown: DeviceCodePrompt[] = [];
		let dismissed = 0;
		const certificates = new EntraCertificates({
			cloud,
			setting: 'device-code',
			own: signIn,
			createKey: () => createEphemeralKey(2048),
			needsSignIn: prompt => {
				shown.push(prompt);
				// The user enters the code in the browser.
				setTimeout(() => entra.approve(prompt.code), 50);
				return () => dismissed++;
			},
		});
		const login = await certificates.get();
		expect(shown).toHaveLength(1);
		expect(dismissed).toBe(1);
		expect(login.source).toBe('own');
		expect(login.username).toBe('alice@contoso.com');
		expect(login.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
		expect(login.parsed.publicKey.equals(login.parsed.publicKey)).toBe(true);
		expect(login.expiresAt.getTime()).toBe(login.parsed.validBefore.getTime());
		expect(login.expiresAt.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);

		const requests = entra.requests.length;
		const again = await certificates.get();
		expect(again).toBe(login);
		expect(entra.requests.length).toBe(requests);
		expect(certificates.peek()).toBe(login);
		expect(countSince(start, isDeviceCode)).toBe(1);
		expect(countSince(start, isCertGrant)).toBe(1);
	}, 30_000);

	test('with a short lifetime the next get renews for the same key, silently: a refresh-token grant, no new device code', async () => {
		const shortLived = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1, host: 'localhost', sshCertLifetimeSeconds: 120});
		try {
			// The same lab server, reached by another name, so only this directory answers.
			const url = arm.url.replace('127.0.0.1', 'localhost');
			const shortCloud = labCloud(url, arm.ca);
			const signIn = new EntraSignIn({cloud: shortCloud});
			let prompts = 0;
			const certificates = new EntraCertificates({
				cloud: shortCloud,
				setting: 'auto',
				own: async () => signIn,
				createKey: () => createEphemeralKey(2048),
				needsSignIn: prompt => {
					prompts++;
					setTimeout(() => shortLived.approve(prompt.code), 50);
					return () => {};
				},
			});
			const first = await certificates.get();
			expect(first.expiresAt.getTime() - Date.now()).toBeLessThan(2 * 60_000 + 1000);
			const start = shortLived.requests.length;
			// Two minutes left is inside the five-minute renewal window: the next get renews; two at once share it.
			const [second, third] = await Promise.all([certificates.get(), certificates.get()]);
			expect(third).toBe(second);
			expect(second).not.toBe(first);
			expect(second.parsed.nonce.equals(first.parsed.nonce)).toBe(false);
			expect(second.parsed.publicKey.equals(first.parsed.publicKey)).toBe(true);
			expect(second.privateKey).toBe(first.privateKey);
			expect(prompts).toBe(1);
			const renewal = shortLived.requests.slice(start);
			expect(renewal.map(request => `${request.grantType} ${request.tokenType} ${request.status}`)).toEqual(['refresh_token ssh-cert 200']);
			expect(renewal.filter(isDeviceCode)).toHaveLength(0);
			console.info(`renewal: ${renewal.map(request => `${request.method} ${request.path} grant_type=${request.grantType} token_type=${request.tokenType}`).join('; ')}`);
		} finally {
			shortLived.close();
		}
	}, 30_000);

	test('without a way to show a code, an unsigned sign-in is a sentence, not a hang', async () => {
		const certificates = new EntraCertificates({cloud, setting: 'device-code', own: new EntraSignIn({cloud}), createKey: async () => key});
		await expect(certificates.get()).rejects.toThrow(
			'vmux is not signed in to Microsoft Entra ID. Sign in (L in the browser) or with the Azure CLI (az login), then connect again.',
		);
	});

	test('closing the sign-in dialog cancels the request', async () => {
		const signIn = new EntraSignIn({cloud});
		const certificates = new EntraCertificates({
			cloud,
			setting: 'device-code',
			own: signIn,
			createKey: async () => key,
			needsSignIn: (_prompt, onCancel) => {
				setTimeout(onCancel, 50);
				return () => {};
			},
		});
		await expect(certificates.get()).rejects.toMatchObject({reason: 'cancelled'});
		expect(signIn.signingIn).toBe(false);
	}, 30_000);

	test('auto: the Azure CLI when it is usable, vmux’s own sign-in when not; cli: the CLI or a sentence', async () => {
		const asked: string[] = [];
		const cli = (usable: boolean): CliCertificateSource => ({
			usable: async () => (usable ? {ok: true} : {ok: false, reason: 'The Azure CLI is not signed in: run az login.'}),
			// A stand-in for `az ssh cert`: the lab CA signs the public key line it is given.
			certificate: async publicKeyLine => {
				asked.push(publicKeyLine);
				const blob = Buffer.from(publicKeyLine.split(' ')[1]!, 'base64');
				const now = Date.now();
				return entra.sshCa.sign({publicKey: blob, keyId: 'cli', principals: ['Bob@Contoso.com'], validAfter: new Date(now - 60_000), validBefore: new Date(now + 3600_000)});
			},
		});
		const viaCli = await new EntraCertificates({cloud, setting: 'auto', cli: cli(true), own: new EntraSignIn({cloud}), createKey: async () => key}).get();
		expect(viaCli).toMatchObject({source: 'cli', username: 'bob@contoso.com'});
		expect(asked).toEqual([key.publicKeyLine()]);

		const own = await signedIn();
		const viaOwn = await new EntraCertificates({cloud, setting: 'auto', cli: cli(false), own, createKey: async () => key}).get();
		expect(viaOwn).toMatchObject({source: 'own', username: 'alice@contoso.com'});
		expect(asked).toHaveLength(1);

		await expect(new EntraCertificates({cloud, setting: 'cli', own, createKey: async () => key}).get()).rejects.toThrow(/entraCertificateSource is 'cli', but the Azure CLI cannot be used here/);
		// A certificate for some other key is refused rather than used.
		const wrongKey: CliCertificateSource = {...cli(true), certificate: async () => entra.sshCa.sign({publicKey: (await createEphemeralKey(2048)).publicKeyBlob, keyId: 'x', principals: ['x'], validAfter: new Date(), validBefore: new Date(Date.now() + 3600_000)})};
		await expect(new EntraCertificates({cloud, setting: 'cli', cli: wrongKey, createKey: async () => key}).get()).rejects.toThrow(
			'The Azure CLI returned a certificate for another key than the one vmux asked for; connect again.',
		);
	}, 30_000);
});

describe('the lab’s ssh-cert grant, called directly: Entra’s checks and error shapes', () => {
	const tokenUrl = () => `${arm.url}/organizations/oauth2/v2.0/token`;
	let refreshToken: string;

	beforeAll(async () => {
		const form = (fields: Record<string, string>) => ({method: 'POST', ca: arm.ca, headers: {'content-type': 'application/x-www-form-urlencoded'}, body: new URLSearchParams(fields).toString()});
		const code = (await rawRequest(`${arm.url}/organizations/oauth2/v2.0/devicecode`, form({client_id: AZURE_CLI_CLIENT_ID, scope: 'https://management.azure.com/.default offline_access openid profile'})))
			.json as {device_code: string; user_code: string};
		entra.approve(code.user_code);
		const tokens = await rawRequest(tokenUrl(), form({grant_type: 'device_code', client_id: AZURE_CLI_CLIENT_ID, device_code: code.device_code}));
		refreshToken = (tokens.json as {refresh_token: string}).refresh_token;
	});

	function certRequest(fields: Record<string, string | undefined>) {
		const body = new URLSearchParams();
		const all: Record<string, string | undefined> = {
			grant_type: 'refresh_token',
			client_id: AZURE_CLI_CLIENT_ID,
			refresh_token: refreshToken,
			scope: `${PAS_SCOPE} openid profile offline_access`,
			token_type: 'ssh-cert',
			req_cnf: JSON.stringify(key.jwk),
			key_id: key.kid,
			...fields,
		};
		for (const [name, value] of Object.entries(all)) if (value !== undefined) body.set(name, value);
		return rawRequest(tokenUrl(), {method: 'POST', ca: arm.ca, headers: {'content-type': 'application/x-www-form-urlencoded'}, body: body.toString()});
	}

	function expectEntraError(response: {status: number; json: unknown}, error: string, code: number, description: RegExp) {
		expect(response.status).toBe(400);
		const body = response.json as Record<string, unknown>;
		expect(body).toMatchObject({error, error_codes: [code], trace_id: expect.any(String), correlation_id: expect.any(String), timestamp: expect.any(String)});
		expect(String(body.error_description)).toMatch(new RegExp(`^AADSTS${code}: `));
		expect(String(body.error_description)).toMatch(description);
		expect(String(body.error_description)).toMatch(/Trace ID: .* Correlation ID: .* Timestamp: /);
	}

	test('the answer: token_type ssh-cert, the certificate as base64, and the usual token fields', async () => {
		const response = await certRequest({});
		expect(response.status).toBe(200);
		const body = response.json as Record<string, unknown>;
		expect(Object.keys(body).sort()).toEqual(['access_token', 'client_info', 'expires_in', 'ext_expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
		expect(body).toMatchObject({token_type: 'ssh-cert', scope: PAS_SCOPE});
		expect(body.expires_in).toBeGreaterThan(3590);
		const cert = parseSshCertificate(Buffer.from(String(body.access_token), 'base64'));
		expect(cert.publicKey.equals(key.publicKeyBlob)).toBe(true);
	});

	test('padded (Azure CLI) and unpadded (MSAL.NET) base64url are both accepted, each with its own kid', async () => {
		const n = key.jwk.n.replace(/=+$/, '');
		const e = key.jwk.e;
		expect(n).not.toBe(key.jwk.n);
		const unpadded = {kty: 'RSA', n, e, kid: entraKid(n, e)};
		const response = await certRequest({req_cnf: JSON.stringify(unpadded), key_id: unpadded.kid});
		expect(response.status).toBe(200);
		expect(parseSshCertificate(Buffer.from(String((response.json as Record<string, unknown>).access_token), 'base64')).publicKey.equals(key.publicKeyBlob)).toBe(true);
		// A modulus without the mpint's leading zero is the same key.
		const bare = Buffer.from(key.jwk.n, 'base64url').subarray(1).toString('base64url');
		const stripped = {kty: 'RSA', n: bare, e, kid: entraKid(bare, e)};
		expect((await certRequest({req_cnf: JSON.stringify(stripped), key_id: stripped.kid})).status).toBe(200);
		// The unpadded strings with the padded kid: refused (the kid hashes what was sent).
		expectEntraError(await certRequest({req_cnf: JSON.stringify({...unpadded, kid: key.kid}), key_id: key.kid}), 'invalid_request', 9002313, /'kid' that is not the SHA-256/);
	});

	test('a malformed JWK is refused with invalid_request', async () => {
		const cases: Array<[string, RegExp]> = [
			['not json', /req_cnf parameter is not JSON/],
			['[1,2]', /is not a JSON Web Key object/],
			[JSON.stringify({...key.jwk, kty: 'EC'}), /has kty "EC"; an SSH certificate needs an RSA key/],
			[JSON.stringify({kty: 'RSA', e: key.jwk.e, kid: key.kid}), /has no base64url 'n'/],
			[JSON.stringify({...key.jwk, e: 'AQ+B'}), /has no base64url 'e'/],
			[JSON.stringify({kty: 'RSA', n: key.jwk.n, e: key.jwk.e}), /has no 'kid'/],
		];
		for (const [reqCnf, description] of cases) {
			const kid = (() => {
				try {
					return String((JSON.parse(reqCnf) as {kid?: string}).kid ?? key.kid);
				} catch {
					return key.kid;
				}
			})();
			expectEntraError(await certRequest({req_cnf: reqCnf, key_id: kid}), 'invalid_request', 9002313, description);
		}
		// A key too small for Entra (1024 bits), correctly described.
		const small = entraJwk((await createEphemeralKey(1024)).publicKeyBlob);
		expectEntraError(await certRequest({req_cnf: JSON.stringify(small), key_id: small.kid}), 'invalid_request', 9002313, /1024-bit RSA key; at least 2048 bits/);
		expect(entra.requests.at(-1)).toMatchObject({grantType: 'refresh_token', tokenType: 'ssh-cert', error: 'invalid_request'});
	});

	test('a missing req_cnf or key_id, or a key_id that is not the kid, is refused with invalid_request', async () => {
		expectEntraError(await certRequest({req_cnf: undefined}), 'invalid_request', 900144, /must contain the following parameter: 'req_cnf'/);
		expectEntraError(await certRequest({key_id: undefined}), 'invalid_request', 900144, /must contain the following parameter: 'key_id'/);
		expectEntraError(await certRequest({key_id: 'a'.repeat(64)}), 'invalid_request', 9002313, /key_id parameter does not match the kid/);
		expectEntraError(await certRequest({token_type: 'pop'}), 'invalid_request', 9002313, /token_type 'pop' is not supported/);
	});

	test('the wrong scope is refused: another resource, or the PAS scope with another beside it', async () => {
		expectEntraError(await certRequest({scope: 'https://management.azure.com/.default openid profile offline_access'}), 'invalid_scope', 70011, /SSH certificate is issued for the scope https:\/\/pas\.windows\.net/);
		expectEntraError(await certRequest({scope: `${PAS_SCOPE} https://vault.azure.net/.default openid`}), 'invalid_scope', 70011, /input parameter 'scope' is not valid/);
		expectEntraError(await certRequest({scope: 'openid profile'}), 'invalid_scope', 70011, /scope/);
		// A bad refresh token stays invalid_grant, recorded with the token type asked for.
		expect((await certRequest({refresh_token: 'nope'})).json).toMatchObject({error: 'invalid_grant'});
		expect(entra.requests.at(-1)).toMatchObject({tokenType: 'ssh-cert', error: 'invalid_grant'});
	});
});

describe('autoApprove (the demo)', () => {
	test('each new code is approved by itself after the delay, as the identity given', async () => {
		const auto = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1, host: 'localhost', autoApprove: {afterMs: 300, identity: {upn: 'Alice@Contoso.com'}}});
		try {
			const autoCloud = labCloud(arm.url.replace('127.0.0.1', 'localhost'), arm.ca);
			const signIn = new EntraSignIn({cloud: autoCloud});
			const prompts: DeviceCodePrompt[] = [];
			const started = Date.now();
			const account = await signIn.signInWithDeviceCode(prompt => prompts.push(prompt));
			expect(Date.now() - started).toBeGreaterThanOrEqual(300);
			expect(prompts).toHaveLength(1);
			expect(auto.codes().map(code => code.status)).toEqual(['redeemed']);
			const login = await new EntraCertificates({cloud: autoCloud, setting: 'device-code', own: signIn, createKey: async () => key}).get();
			expect(login.parsed.principals).toEqual(['Alice@Contoso.com']);
			expect(login.username).toBe('alice@contoso.com');
			expect(account.username).toBe('Alice@Contoso.com');
		} finally {
			auto.close();
		}
	}, 30_000);
});
