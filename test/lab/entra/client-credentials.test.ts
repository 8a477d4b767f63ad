import {ClientSecretCredential} from '@azure/identity';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {createArmClients} from '../../../source/core/azure/clients.js';
import type {CloudSettings} from '../../../source/core/azure/cloud.js';
import {identityClientOptions} from '../../../source/core/azure/credentials.js';
import {ARM_AUDIENCES, startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {CLIENT_CREDENTIALS_GRANT, mountLabEntra, type LabEntra} from '../../../source/lab/entra/index.js';
import {rawRequest} from '../arm/helpers.js';

/**
 * The lab's Entra serves the client-credentials grant as Entra does, and @azure/identity's ClientSecretCredential
 * (the credential `vmux --demo` and any service principal use) signs in with it over HTTPS, with the options
 * vmux gives any custom cloud (identityClientOptions: authority, no instance discovery, the cloud's CA).
 */

const APP = {clientId: '11111111-2222-4333-8444-555555555555', secret: 'correct horse battery staple', identity: {oid: '66666666-7777-4888-9999-000000000000', upn: '11111111-2222-4333-8444-555555555555', name: 'test app'}};

let arm: LabArm;
let entra: LabEntra;
let cloud: CloudSettings;

beforeAll(async () => {
	arm = await startLabArm();
	entra = mountLabEntra(arm.server, {tokens: arm.tokens, confidentialClients: [APP]});
	cloud = labCloud(arm.url, arm.ca);
});
afterAll(async () => {
	entra.close();
	await arm.close();
});

const credential = (secret = APP.secret, clientId = APP.clientId) =>
	new ClientSecretCredential(arm.tokens.tenantId, clientId, secret, {...identityClientOptions(cloud), additionallyAllowedTenants: ['*']});

/** A token request as Entra takes it (form POST to the tenant's v2.0 token endpoint). */
async function tokenRequest(fields: Record<string, string>, tenant = arm.tokens.tenantId) {
	const res = await rawRequest(`${arm.url}/${tenant}/oauth2/v2.0/token`, {
		method: 'POST',
		ca: arm.ca,
		headers: {'content-type': 'application/x-www-form-urlencoded'},
		body: new URLSearchParams(fields).toString(),
	});
	return {status: res.status, json: res.json as Record<string, unknown>};
}

describe('client-credentials sign-in against the lab Entra', () => {
	test('ClientSecretCredential gets an app token over HTTPS that the lab ARM accepts, for each tenant asked', async () => {
		const before = entra.requests.length;
		const token = await credential().getToken('https://management.azure.com/.default');
		const check = arm.tokens.validate(token.token, {audiences: ARM_AUDIENCES});
		expect(check).toMatchObject({ok: true, claims: {oid: APP.identity.oid, tid: arm.tokens.tenantId}});
		expect(entra.requests.slice(before).filter(request => request.grantType === CLIENT_CREDENTIALS_GRANT).map(request => request.status)).toEqual([200]);
		// The real ARM SDK clients list the world with it.
		const clients = createArmClients({cloud, credential: credential()});
		try {
			expect((await clients.subscriptions().subscriptions.list().next()).value).toBeTruthy();
		} finally {
			clients.close();
		}
		const other = arm.tokens.tenants[1];
		if (other) {
			const foreign = await credential().getToken('https://management.azure.com/.default', {tenantId: other});
			expect(arm.tokens.validate(foreign.token)).toMatchObject({ok: true, claims: {tid: other}});
		}
	});

	test('a wrong secret or an unknown app is refused with Entra’s codes, and the credential says so', async () => {
		await expect(credential('wrong').getToken('https://management.azure.com/.default')).rejects.toThrow(/AADSTS7000215/);
		await expect(credential(APP.secret, '99999999-2222-4333-8444-555555555555').getToken('https://management.azure.com/.default')).rejects.toThrow(/AADSTS700016/);
	});

	test('the grant’s rules: a secret, one resource, and `/.default`', async () => {
		const base = {grant_type: 'client_credentials', client_id: APP.clientId, client_secret: APP.secret, scope: 'https://management.azure.com/.default'};
		const ok = await tokenRequest(base);
		expect(ok.status).toBe(200);
		expect(Object.keys(ok.json).sort()).toEqual(['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
		expect(ok.json.token_type).toBe('Bearer');

		const noSecret = await tokenRequest({...base, client_secret: ''});
		expect(noSecret).toMatchObject({status: 401, json: {error: 'invalid_client', error_codes: [7000216]}});
		const wrong = await tokenRequest({...base, client_secret: 'nope'});
		expect(wrong).toMatchObject({status: 401, json: {error: 'invalid_client', error_codes: [7000215]}});
		const notDefault = await tokenRequest({...base, scope: 'https://management.azure.com/user_impersonation'});
		expect(notDefault).toMatchObject({status: 400, json: {error: 'invalid_scope', error_codes: [1002012]}});
		const two = await tokenRequest({...base, scope: 'https://management.azure.com/.default https://vault.localhost/.default'});
		expect(two).toMatchObject({status: 400, json: {error: 'invalid_scope', error_codes: [28000]}});
		const unknownApp = await tokenRequest({...base, client_id: '99999999-2222-4333-8444-555555555555'});
		expect(unknownApp).toMatchObject({status: 400, json: {error: 'unauthorized_client', error_codes: [700016]}});
		// A public client (the Azure CLI's) has no secret to give: refused as an unknown confidential client.
		const publicClient = await tokenRequest({...base, client_id: '04b07795-8ddb-461a-bbee-02f9e1bf7b46'});
		expect(publicClient).toMatchObject({status: 400, json: {error: 'unauthorized_client'}});
	});
});
