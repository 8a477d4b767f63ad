import {request as httpsRequest} from 'node:https';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {createArmClients} from '../../../source/core/azure/clients.js';
import {armScope, labCloud, type CloudSettings} from '../../../source/core/azure/cloud.js';
import {AZURE_CLI_CLIENT_ID, createDeviceCodeCredential, type DeviceCodePrompt} from '../../../source/core/azure/credentials.js';
import {ARM_AUDIENCES, startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {DEVICE_CODE_GRANT, MSAL_DEVICE_CODE_GRANT, mountLabEntra, type LabEntra} from '../../../source/lab/entra/index.js';
import {rawRequest} from '../arm/helpers.js';

/**
 * vmux's device-code sign-in end to end: the real @azure/identity DeviceCodeCredential (MSAL node underneath)
 * against the lab's Entra stand-in, over HTTPS with the lab CA trusted by the credential only, and the token it
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

describe('device-code sign-in with the real DeviceCodeCredential', () => {
	test('prompts with the URL and code, polls until approved, and the token works against the lab ARM', async () => {
		const start = entra.requests.length;
		const prompts: DeviceCodePrompt[] = [];
		const credential = createDeviceCodeCredential({cloud, onPrompt: prompt => prompts.push(prompt)});

		const pending = credential.getToken(armScope(cloud));
		const code = await entra.nextCode();
		// Let MSAL poll at least once while the code is pending.
		await waitFor(() => code.polls >= 1);
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
		const token = await pending;
		expect(token.tokenType).toBe('Bearer');
		expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 30 * 60 * 1000);
		const check = arm.tokens.validate(token.token, {audiences: ARM_AUDIENCES});
		expect(check.ok && check.claims.upn).toBe('alice@contoso.com');
		expect(entra.pending()).toHaveLength(0);

		const endpoints = endpointsSince(start);
		console.info(`Entra endpoints MSAL called:\n  ${endpoints.join('\n  ')}`);
		expect(endpoints[0]).toBe('GET /organizations/v2.0/.well-known/openid-configuration');
		expect(endpoints[1]).toBe('POST /organizations/oauth2/v2.0/devicecode');
		expect(endpoints).toContain('POST /organizations/oauth2/v2.0/token -> authorization_pending');
		expect(endpoints.at(-1)).toBe('POST /organizations/oauth2/v2.0/token');
		expect(entra.requests.at(-1)!.grantType).toBe(MSAL_DEVICE_CODE_GRANT);

		// The token is what the lab's ARM accepts, sent by hand…
		const subscriptionsByHand = await rawRequest(`${arm.url}/subscriptions?api-version=2022-12-01`, {ca: arm.ca, headers: {authorization: `Bearer ${token.token}`}});
		expect(subscriptionsByHand.status).toBe(200);
		expect((subscriptionsByHand.json as {value: Array<{displayName: string}>}).value.map(sub => sub.displayName).sort()).toEqual(['Contoso Dev', 'Contoso Prod']);
		// …and a second getToken is served from MSAL's cache: no second sign-in.
		const again = await credential.getToken(armScope(cloud));
		expect(again.token).toBe(token.token);
		expect(prompts).toHaveLength(1);
	}, 20_000);

	test('the app flow: one sign-in serves the check and the real ARM SDK clients (which ask for CAE tokens)', async () => {
		const start = entra.requests.length;
		const prompts: DeviceCodePrompt[] = [];
		const credential = createDeviceCodeCredential({cloud, onPrompt: prompt => prompts.push(prompt)});
		// As AzureServices does: check() gets an ARM token first (the sign-in the user sees)…
		const first = credential.getToken(armScope(cloud));
		entra.approve((await entra.nextCode()).userCode);
		await first;
		expect(prompts).toHaveLength(1);

		// …then the SDK clients take the same credential. Their bearer policy asks with enableCae: true; the
		// credential signs in through the CAE application from the start, so no second device code is asked for.
		const clients = createArmClients({cloud, credential});
		try {
			const subscriptions: string[] = [];
			for await (const sub of clients.subscriptions().subscriptions.list()) subscriptions.push(sub.displayName ?? '');
			expect(subscriptions.sort()).toEqual(['Contoso Dev', 'Contoso Prod']);
		} finally {
			clients.close();
		}
		expect(prompts).toHaveLength(1);
		expect(endpointsSince(start).filter(endpoint => endpoint.endsWith('/devicecode'))).toHaveLength(1);
	}, 20_000);

	test('a declined code makes getToken reject with authorization_declined', async () => {
		const prompts: DeviceCodePrompt[] = [];
		const credential = createDeviceCodeCredential({cloud, tenantId: arm.topology.tenantId, onPrompt: prompt => prompts.push(prompt)});
		const pending = credential.getToken(armScope(cloud));
		const outcome = pending.then(
			() => undefined,
			(error: unknown) => error as Error,
		);
		const code = await entra.nextCode();
		expect(code.tenant).toBe(arm.topology.tenantId);
		entra.decline(code.userCode);
		const error = await outcome;
		expect(error).toBeInstanceOf(Error);
		expect(error!.name).toBe('AuthenticationRequiredError');
		expect(error!.message).toMatch(/authorization_declined/);
		expect(prompts.map(prompt => prompt.code)).toEqual([code.userCode]);
		expect(entra.requests.at(-1)!.error).toBe('authorization_declined');
	}, 20_000);

	test('without the lab CA the TLS connection is refused (no global trust)', async () => {
		const start = entra.requests.length;
		const {tlsCa: _ca, ...untrusted} = cloud;
		const handshakeErrors: string[] = [];
		const onTlsError = (error: Error) => handshakeErrors.push(error.message);
		arm.server.server.on('tlsClientError', onTlsError);
		const prompts: DeviceCodePrompt[] = [];
		const credential = createDeviceCodeCredential({cloud: untrusted, onPrompt: prompt => prompts.push(prompt)});
		const error = await credential.getToken(armScope(untrusted)).then(
			() => undefined,
			(thrown: unknown) => thrown as Error,
		);
		await waitFor(() => handshakeErrors.length > 0, 2_000).catch(() => undefined);
		arm.server.server.off('tlsClientError', onTlsError);
		// MSAL reports the failed OpenID discovery as endpoints_resolution_error; the cause is the handshake: the
		// client refused the lab's certificate (TLS alert "unknown ca"), so not one HTTP request reached the lab.
		expect(error).toBeInstanceOf(Error);
		expect(error!.message).toMatch(/endpoints_resolution_error/);
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
