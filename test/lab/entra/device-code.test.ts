import {request as httpsRequest} from 'node:https';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {AzureSignIn} from '../../../source/core/azure/sign-in.js';
import {createArmClients} from '../../../source/core/azure/clients.js';
import {armScope, type CloudSettings} from '../../../source/core/azure/cloud.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {describeAzureError, describeDeviceCodeFailure} from '../../../source/core/azure/errors.js';
import {AZURE_CLI_CLIENT_ID, type DeviceCodePrompt} from '../../../source/core/azure/public-client.js';
import {createEphemeralKey} from '../../../source/core/entra/ephemeral-key.js';
import {EntraSignIn} from '../../../source/core/entra/msal-sign-in.js';
import {EntraSignInError} from '../../../source/core/entra/sign-in-error.js';
import {ARM_AUDIENCES, startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {DEVICE_CODE_GRANT, MSAL_DEVICE_CODE_GRANT, mountLabEntra, type LabEntra} from '../../../source/lab/entra/index.js';
import {rawRequest} from '../arm/helpers.js';

/**
 * vmux's device-code sign-in end to end: its own msal-node PublicClientApplication (core/entra/msal-sign-in.ts)
 * against the lab's Entra stand-in, over HTTPS with the lab CA trusted by that sign-in only, and the token it
 * gets used by the real ARM SDK clients against the lab's ARM.
 */

let arm: LabArm;
let entra: LabEntra;
let cloud: CloudSettings;

beforeAll(async () => {
	arm = await startLabArm();
	entra = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1});
	cloud = labCloud(arm.url, arm.ca);
});
afterAll(async () => {
	entra.close();
	await arm.close();
});

function endpointsSince(index: number): string[] {
	return entra.requests.slice(index).map(request => `${request.method} ${request.path}${request.error ? ` -> ${request.error}` : ''}`);
}

/** The error a promise rejects with (or undefined when it resolves). */
function rejection(promise: Promise<unknown>): Promise<Error | undefined> {
	return promise.then(
		() => undefined,
		(error: unknown) => error as Error,
	);
}

describe('device-code sign-in with vmux\'s msal-node sign-in', () => {
	test('prompts with the URL and code, polls until approved, and the token works against the lab ARM', async () => {
		const start = entra.requests.length;
		const prompts: DeviceCodePrompt[] = [];
		const signIn = new EntraSignIn({cloud});
		expect(signIn.signedIn).toBe(false);
		await expect(signIn.getToken(armScope(cloud))).rejects.toMatchObject({name: 'EntraSignInError', reason: 'not-signed-in'});

		const signedIn = signIn.signInWithDeviceCode(prompt => prompts.push(prompt));
		const code = await entra.nextCode();
		// Let MSAL poll at least once while the code is pending.
		await waitFor(() => code.polls >= 1);
		expect(signIn.signingIn).toBe(true);
		expect(entra.pending().map(c => c.userCode)).toContain(code.userCode);
		expect(prompts).toHaveLength(1);
		expect(prompts[0]).toEqual({
			url: `${arm.url}/devicelogin`,
			code: code.userCode,
			message: `To sign in, use a web browser to open the page ${arm.url}/devicelogin and enter the code ${code.userCode} to authenticate.`,
		});
		expect(code.userCode).toMatch(/^[A-Z0-9]{9}$/);
		expect(code.clientId).toBe(AZURE_CLI_CLIENT_ID);
		expect(code.tenant).toBe('organizations');
		expect(code.scopes).toEqual(expect.arrayContaining(['https://management.azure.com/.default', 'openid', 'profile', 'offline_access']));

		entra.approve(code.userCode);
		const account = await signedIn;
		expect(account.username).toBe('alice@contoso.com');
		expect(signIn.signedIn).toBe(true);
		expect(signIn.account?.tenantId).toBe(arm.topology.tenantId);
		expect(entra.pending()).toHaveLength(0);

		const token = await signIn.getToken(armScope(cloud));
		expect(token.tokenType).toBe('Bearer');
		expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 30 * 60 * 1000);
		const check = arm.tokens.validate(token.token, {audiences: ARM_AUDIENCES});
		expect(check.ok && check.claims.upn).toBe('alice@contoso.com');

		const endpoints = endpointsSince(start);
		console.info(`Entra endpoints MSAL called:\n  ${endpoints.join('\n  ')}`);
		expect(endpoints[0]).toBe('GET /organizations/v2.0/.well-known/openid-configuration');
		expect(endpoints[1]).toBe('POST /organizations/oauth2/v2.0/devicecode');
		expect(endpoints).toContain('POST /organizations/oauth2/v2.0/token -> authorization_pending');
		expect(endpoints.at(-1)).toBe('POST /organizations/oauth2/v2.0/token');
		expect(entra.requests.at(-1)).toMatchObject({grantType: MSAL_DEVICE_CODE_GRANT, tokenType: 'Bearer'});

		// The token is what the lab's ARM accepts, sent by hand…
		const subscriptionsByHand = await rawRequest(`${arm.url}/subscriptions?api-version=2022-12-01`, {ca: arm.ca, headers: {authorization: `Bearer ${token.token}`}});
		expect(subscriptionsByHand.status).toBe(200);
		expect((subscriptionsByHand.json as {value: Array<{displayName: string}>}).value.map(sub => sub.displayName).sort()).toEqual(['Contoso Dev', 'Contoso Prod']);
		// …and a second getToken is served from MSAL's cache: no request at all.
		const before = entra.requests.length;
		const again = await signIn.getToken(armScope(cloud));
		expect(again.token).toBe(token.token);
		expect(entra.requests.length).toBe(before);
		expect(prompts).toHaveLength(1);
	}, 20_000);

	test('the app flow: one sign-in serves the check, the real ARM SDK clients and Key Vault (a refresh-token grant)', async () => {
		const start = entra.requests.length;
		const prompts: DeviceCodePrompt[] = [];
		const signIn = new EntraSignIn({cloud});
		// A token asked for while the sign-in runs waits for it (as the inventory's check does after L).
		const signedIn = signIn.signInWithDeviceCode(prompt => prompts.push(prompt));
		const first = signIn.credential.getToken(armScope(cloud));
		entra.approve((await entra.nextCode()).userCode);
		await signedIn;
		await first;
		expect(prompts).toHaveLength(1);

		// The SDK clients take the same credential; their bearer policy asks with enableCae: true, which changes nothing.
		const clients = createArmClients({cloud, credential: signIn.credential});
		try {
			const subscriptions: string[] = [];
			for await (const sub of clients.subscriptions().subscriptions.list()) subscriptions.push(sub.displayName ?? '');
			expect(subscriptions.sort()).toEqual(['Contoso Dev', 'Contoso Prod']);
		} finally {
			clients.close();
		}
		// Key Vault is another resource: MSAL redeems the refresh token, no second device code.
		const vault = await signIn.getToken('https://vault.azure.net/.default');
		expect(arm.tokens.validate(vault.token, {audiences: ['https://vault.azure.net/']}).ok).toBe(true);
		expect(entra.requests.at(-1)).toMatchObject({grantType: 'refresh_token', tokenType: 'Bearer'});
		// A tenant named in the request is asked at that tenant's authority.
		const storage = await signIn.getToken('https://storage.azure.com/.default', {tenantId: arm.topology.tenantId});
		expect(arm.tokens.validate(storage.token, {audiences: ['https://storage.azure.com/']}).ok).toBe(true);
		expect(entra.requests.at(-1)).toMatchObject({path: `/${arm.topology.tenantId}/oauth2/v2.0/token`, grantType: 'refresh_token'});
		expect(prompts).toHaveLength(1);
		expect(endpointsSince(start).filter(endpoint => endpoint.endsWith('/devicecode'))).toHaveLength(1);
	}, 20_000);

	test('AzureSignIn.useDeviceCode: the app’s one sign-in, for the ARM check and for certificates (entra())', async () => {
		const app = new AzureSignIn(cloud, undefined);
		const prompts: DeviceCodePrompt[] = [];
		const done: Array<Error | undefined> = [];
		app.useDeviceCode(
			prompt => prompts.push(prompt),
			error => done.push(error),
		);
		// The inventory's check asks for an ARM token at once; it waits for the code to be entered.
		const check = app.check();
		entra.approve((await entra.nextCode()).userCode);
		expect(await check).toBeUndefined();
		expect(done).toEqual([undefined]);
		const entraSignIn = await app.entra();
		expect(entraSignIn.signedIn).toBe(true);
		expect(entraSignIn).toBe(await app.entra());
		const certificate = await entraSignIn.sshCertificate({jwk: (await createEphemeralKey(2048)).jwk});
		expect(certificate.certificate.length).toBeGreaterThan(500);
		expect(prompts).toHaveLength(1);

		// Declined the second time: onDone gets the sentence the browser shows after "did not complete: ".
		const again = new AzureSignIn(cloud, undefined);
		const failures: Array<Error | undefined> = [];
		again.useDeviceCode(() => {}, error => failures.push(error));
		const failedCheck = again.check();
		entra.decline((await entra.nextCode()).userCode);
		expect(await failedCheck).toMatchObject({kind: 'sign-in', message: 'The sign-in was declined in the browser.'});
		expect(failures.map(error => error?.message)).toEqual(['the sign-in was declined in the browser. Press L to try again.']);
	}, 20_000);

	test('a declined code rejects with a plain sentence, and the app says what happened', async () => {
		const prompts: DeviceCodePrompt[] = [];
		const signIn = new EntraSignIn({cloud, tenantId: arm.topology.tenantId});
		const outcome = rejection(signIn.signInWithDeviceCode(prompt => prompts.push(prompt)));
		const code = await entra.nextCode();
		expect(code.tenant).toBe(arm.topology.tenantId);
		entra.decline(code.userCode);
		const error = await outcome;
		expect(error).toBeInstanceOf(EntraSignInError);
		expect(error).toMatchObject({reason: 'declined', code: 'authorization_declined', message: 'The sign-in was declined in the browser.'});
		expect(describeDeviceCodeFailure(error)).toBe('the sign-in was declined in the browser. Press L to try again.');
		expect(describeAzureError(error)).toMatchObject({kind: 'sign-in', message: 'The sign-in was declined in the browser.'});
		expect(prompts.map(prompt => prompt.code)).toEqual([code.userCode]);
		expect(entra.requests.at(-1)!.error).toBe('authorization_declined');
		expect(signIn.signedIn).toBe(false);
	}, 20_000);

	test('an expired code and a timed-out wait are plain sentences too', async () => {
		const signIn = new EntraSignIn({cloud});
		const expired = rejection(signIn.signInWithDeviceCode(() => {}));
		entra.expire((await entra.nextCode()).userCode);
		expect(await expired).toMatchObject({reason: 'code-expired', message: 'The code expired before it was entered.'});
		expect(describeDeviceCodeFailure(await expired)).toBe('the code expired before it was entered. Press L for a new one.');

		const timedOut = rejection(signIn.signInWithDeviceCode(() => {}, undefined, {timeoutSeconds: 1}));
		await entra.nextCode();
		expect(await timedOut).toMatchObject({reason: 'timed-out'});
		expect(describeDeviceCodeFailure(await timedOut)).toBe('nobody entered the code in time. Press L for a new one.');
	}, 20_000);

	test('callers share one sign-in; it stops polling once every caller has cancelled', async () => {
		const signIn = new EntraSignIn({cloud});
		const one = new AbortController();
		const two = new AbortController();
		const prompts: string[] = [];
		const first = rejection(signIn.signInWithDeviceCode(prompt => prompts.push(`first ${prompt.code}`), one.signal));
		const code = await entra.nextCode();
		await waitFor(() => prompts.length === 1);
		// A second caller joins the same sign-in and is shown the same code at once.
		const second = rejection(signIn.signInWithDeviceCode(prompt => prompts.push(`second ${prompt.code}`), two.signal));
		expect(prompts).toEqual([`first ${code.userCode}`, `second ${code.userCode}`]);
		one.abort();
		expect(await first).toMatchObject({reason: 'cancelled'});
		const pollsWhileSecondWaits = code.polls;
		await waitFor(() => code.polls > pollsWhileSecondWaits, 5_000);
		two.abort();
		expect(await second).toMatchObject({reason: 'cancelled'});
		// Nobody waits any more: a new sign-in may start at once.
		expect(signIn.signingIn).toBe(false);
		// MSAL checks the cancel flag before its next poll: at most the poll under way still arrives.
		const polls = code.polls;
		await new Promise(resolve => setTimeout(resolve, 2_500));
		expect(code.polls).toBeLessThanOrEqual(polls + 1);
	}, 20_000);

	test('without the lab CA the TLS connection is refused (no global trust), and the error says so', async () => {
		const start = entra.requests.length;
		const {tlsCa: _ca, ...untrusted} = cloud;
		const handshakeErrors: string[] = [];
		const onTlsError = (error: Error) => handshakeErrors.push(error.message);
		arm.server.server.on('tlsClientError', onTlsError);
		const prompts: DeviceCodePrompt[] = [];
		const signIn = new EntraSignIn({cloud: untrusted});
		const error = await rejection(signIn.signInWithDeviceCode(prompt => prompts.push(prompt)));
		await waitFor(() => handshakeErrors.length > 0, 2_000).catch(() => undefined);
		arm.server.server.off('tlsClientError', onTlsError);
		// MSAL reports the failed OpenID discovery as endpoints_resolution_error; the sign-in keeps the cause: the
		// client refused the lab's certificate (TLS alert "unknown ca"), so not one HTTP request reached the lab.
		expect(error).toBeInstanceOf(EntraSignInError);
		expect(error).toMatchObject({reason: 'network'});
		expect(error!.message).toMatch(
			new RegExp(`^The TLS certificate of ${new URL(arm.url).host} is not trusted \\((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|DEPTH_ZERO_SELF_SIGNED_CERT)\\) while signing in with a device code\\. Check the cloud setting`),
		);
		expect(describeAzureError(error)).toMatchObject({kind: 'network'});
		expect(handshakeErrors.length).toBeGreaterThan(0);
		// The process has no global trust in the lab CA: a plain request without `ca` is refused the same way.
		const plain = await rawRequestNoCa(`${arm.url}/organizations/v2.0/.well-known/openid-configuration`);
		expect(plain).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|DEPTH_ZERO_SELF_SIGNED_CERT/);
		expect(prompts).toHaveLength(0);
		expect(entra.requests.length).toBe(start);
	}, 20_000);
});

describe('the Entra stand-in is strict like the real service', () => {
	const tokenUrl = () => `${arm.url}/organizations/oauth2/v2.0/token`;
	const form = (fields: Record<string, string>) => ({
		method: 'POST',
		ca: arm.ca,
		headers: {'content-type': 'application/x-www-form-urlencoded'},
		body: new URLSearchParams(fields).toString(),
	});

	async function newCode(): Promise<{device_code: string; user_code: string; interval: number; expires_in: number}> {
		const response = await rawRequest(
			`${arm.url}/organizations/oauth2/v2.0/devicecode`,
			form({client_id: AZURE_CLI_CLIENT_ID, scope: 'https://management.azure.com/.default offline_access openid profile'}),
		);
		expect(response.status).toBe(200);
		return response.json as {device_code: string; user_code: string; interval: number; expires_in: number};
	}

	test('OpenID metadata names the device and token endpoints for the tenant asked for', async () => {
		const response = await rawRequest(`${arm.url}/${arm.topology.tenantId}/v2.0/.well-known/openid-configuration`, {ca: arm.ca});
		expect(response.status).toBe(200);
		expect(response.json).toMatchObject({
			token_endpoint: `${arm.url}/${arm.topology.tenantId}/oauth2/v2.0/token`,
			device_authorization_endpoint: `${arm.url}/${arm.topology.tenantId}/oauth2/v2.0/devicecode`,
			issuer: `${arm.url}/${arm.topology.tenantId}/v2.0`,
		});
		const unknown = await rawRequest(`${arm.url}/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration`, {ca: arm.ca});
		expect(unknown.status).toBe(400);
		expect(unknown.json).toMatchObject({error: 'invalid_tenant', error_codes: [90002]});
	});

	test('wrong grant type, unknown client, unknown device code, missing parameter', async () => {
		const code = await newCode();
		expect(code.interval).toBe(1);
		expect(code.expires_in).toBe(900);

		const wrongGrant = await rawRequest(tokenUrl(), form({grant_type: 'password', client_id: AZURE_CLI_CLIENT_ID, device_code: code.device_code}));
		expect(wrongGrant.status).toBe(400);
		expect(wrongGrant.json).toMatchObject({error: 'unsupported_grant_type', error_codes: [70003]});
		expect((wrongGrant.json as {error_description: string}).error_description).toMatch(/^AADSTS70003: /);

		const unknownClient = await rawRequest(tokenUrl(), form({grant_type: DEVICE_CODE_GRANT, client_id: '11111111-2222-3333-4444-555555555555', device_code: code.device_code}));
		expect(unknownClient.status).toBe(400);
		expect(unknownClient.json).toMatchObject({error: 'unauthorized_client', error_codes: [700016]});

		const unknownCode = await rawRequest(tokenUrl(), form({grant_type: DEVICE_CODE_GRANT, client_id: AZURE_CLI_CLIENT_ID, device_code: 'not-a-code'}));
		expect(unknownCode.status).toBe(400);
		expect(unknownCode.json).toMatchObject({error: 'bad_verification_code'});

		const missing = await rawRequest(tokenUrl(), form({grant_type: DEVICE_CODE_GRANT, client_id: AZURE_CLI_CLIENT_ID}));
		expect(missing.status).toBe(400);
		expect(missing.json).toMatchObject({error: 'invalid_request', error_codes: [900144]});

		const get = await rawRequest(tokenUrl(), {ca: arm.ca});
		expect(get.json).toMatchObject({error: 'invalid_request', error_codes: [900561]});

		const noClientDeviceCode = await rawRequest(`${arm.url}/organizations/oauth2/v2.0/devicecode`, form({client_id: 'nobody', scope: 'openid'}));
		expect(noClientDeviceCode.json).toMatchObject({error: 'unauthorized_client'});
	});

	test('pending, then expired_token once the code has expired', async () => {
		const code = await newCode();
		const poll = () => rawRequest(tokenUrl(), form({grant_type: DEVICE_CODE_GRANT, client_id: AZURE_CLI_CLIENT_ID, device_code: code.device_code}));
		expect((await poll()).json).toMatchObject({error: 'authorization_pending', error_codes: [70016]});
		entra.expire(code.user_code);
		const expired = await poll();
		expect(expired.status).toBe(400);
		expect(expired.json).toMatchObject({error: 'expired_token', error_codes: [70019]});
		expect(() => entra.approve(code.user_code)).toThrow();
	});

	test('an approved code is redeemed once: tokens with a parseable ID token and client_info, then invalid_grant', async () => {
		const code = await newCode();
		entra.approve(code.user_code, {upn: 'bob@contoso.com', name: 'Bob'});
		const poll = () => rawRequest(tokenUrl(), form({grant_type: DEVICE_CODE_GRANT, client_id: AZURE_CLI_CLIENT_ID, device_code: code.device_code}));
		const ok = await poll();
		expect(ok.status).toBe(200);
		const body = ok.json as Record<string, string | number>;
		expect(body).toMatchObject({token_type: 'Bearer', scope: 'https://management.azure.com/.default'});
		const idClaims = JSON.parse(Buffer.from(String(body.id_token).split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
		expect(idClaims).toMatchObject({aud: AZURE_CLI_CLIENT_ID, tid: arm.topology.tenantId, preferred_username: 'bob@contoso.com', oid: expect.any(String), sub: expect.any(String)});
		expect(JSON.parse(Buffer.from(String(body.client_info), 'base64url').toString('utf8'))).toEqual({uid: idClaims.oid, utid: arm.topology.tenantId});
		expect(arm.tokens.validate(String(body.access_token), {audiences: ARM_AUDIENCES}).ok).toBe(true);

		expect((await poll()).json).toMatchObject({error: 'invalid_grant'});

		const refreshed = await rawRequest(
			tokenUrl(),
			form({grant_type: 'refresh_token', client_id: AZURE_CLI_CLIENT_ID, refresh_token: String(body.refresh_token), scope: 'https://vault.azure.net/.default openid'}),
		);
		expect(refreshed.status).toBe(200);
		const vaultToken = String((refreshed.json as Record<string, string>).access_token);
		expect(arm.tokens.validate(vaultToken, {audiences: ['https://vault.azure.net/']}).ok).toBe(true);
	});
});

/** A request with Node's default trust (no `ca`); resolves with the TLS error code, or 'connected'. */
function rawRequestNoCa(url: string): Promise<string> {
	return new Promise(resolve => {
		const req = httpsRequest(url, {agent: false}, res => {
			res.resume();
			resolve('connected');
		});
		req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
		req.end();
	});
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('Timed out waiting for the condition.');
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}
