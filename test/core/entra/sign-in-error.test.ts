import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {AuthError, ClientAuthError, InteractionRequiredAuthError, ServerError} from '@azure/msal-node';
import {describe, expect, it} from 'vitest';
import {describeAzureError, describeDeviceCodeFailure} from '../../../source/core/azure/errors.js';
import {MsalHttpsClient} from '../../../source/core/entra/msal-network.js';
import {entraDescription, entraSignInFailure, EntraSignInError} from '../../../source/core/entra/sign-in-error.js';
import {startLabHttpsServer} from '../../../source/lab/https-server.js';

/** MSAL's own error classes, built as msal-common builds them, mapped to sentences. */
describe('entraSignInFailure', () => {
	it('device-code outcomes: declined, expired, unknown code, timed out, cancelled', () => {
		const polled = (oauth: string) => entraSignInFailure(new AuthError('post_request_failed', 'corr', oauth), 'signing in with a device code');
		expect(polled('authorization_declined')).toMatchObject({reason: 'declined', message: 'The sign-in was declined in the browser.'});
		expect(polled('expired_token')).toMatchObject({reason: 'code-expired', message: 'The code expired before it was entered.'});
		expect(polled('bad_verification_code')).toMatchObject({reason: 'bad-code'});
		expect(entraSignInFailure(new ClientAuthError('device_code_expired', 'corr'), 'x')).toMatchObject({reason: 'code-expired'});
		expect(entraSignInFailure(new ClientAuthError('user_timeout_reached', 'corr'), 'x')).toMatchObject({reason: 'timed-out'});
		expect(entraSignInFailure(new ClientAuthError('device_code_polling_cancelled', 'corr'), 'x')).toMatchObject({reason: 'cancelled'});
	});

	it('an expired or revoked refresh token asks for a new sign-in', () => {
		const error = entraSignInFailure(new InteractionRequiredAuthError('invalid_grant', 'corr', 'AADSTS700082: The refresh token has expired due to inactivity.'), 'getting an SSH certificate');
		expect(error).toMatchObject({reason: 'sign-in-expired', code: 'invalid_grant'});
		expect(error.message).toBe('The Microsoft Entra sign-in has expired or was revoked (invalid_grant) while getting an SSH certificate; sign in again.');
		expect(entraSignInFailure(new InteractionRequiredAuthError('no_tokens_found', 'corr'), 'x')).toMatchObject({reason: 'sign-in-expired'});
	});

	it('a server error keeps Entra’s code and description, without MSAL’s wrapping or the trace ids', () => {
		const description =
			"Error(s): 9002313 - Timestamp: 2026-12-02 01:47:58Z - Description: AADSTS9002313: Invalid request. Request is malformed or invalid. Trace ID: 1 Correlation ID: 2 Timestamp: 2026-12-02 01:47:58Z - Correlation ID: 2 - Trace ID: 1";
		const error = entraSignInFailure(new ServerError('invalid_request', 'corr', description), 'getting an SSH certificate');
		expect(error).toMatchObject({reason: 'refused', code: 'invalid_request'});
		expect(error.message).toBe('Microsoft Entra ID refused getting an SSH certificate (invalid_request: AADSTS9002313: Invalid request. Request is malformed or invalid).');
		expect(entraDescription('AADSTS70011: The scope is not valid. Trace ID: x')).toBe('AADSTS70011: The scope is not valid');
	});

	it('network failures name the host and the cause; an untrusted certificate says how to trust it', () => {
		const refused = entraSignInFailure(new ClientAuthError('endpoints_resolution_error', 'corr'), 'signing in with a device code', {url: 'https://login.example:8443/organizations/v2.0/.well-known/openid-configuration', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED'});
		expect(refused).toMatchObject({reason: 'network', code: 'ECONNREFUSED'});
		expect(refused.message).toBe('login.example:8443 could not be reached (ECONNREFUSED) while signing in with a device code. Check the network, VPN or proxy.');
		const tls = entraSignInFailure(new AuthError('network_error', '', 'Network request failed'), 'x', {url: 'https://login.example/', code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain'});
		expect(tls.message).toMatch(/^The TLS certificate of login\.example is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\) while x\. Check the cloud setting \(caFile/);
		expect(describeAzureError(tls)).toMatchObject({kind: 'network', message: tls.message});
	});

	it('the app’s sentences: describeAzureError and describeDeviceCodeFailure read the reason', () => {
		const notSignedIn = new EntraSignInError('not-signed-in', 'vmux is not signed in to Microsoft Entra ID yet.');
		expect(describeAzureError(notSignedIn)).toEqual({kind: 'sign-in', code: 'not-signed-in', message: 'vmux is not signed in to Microsoft Entra ID yet.'});
		expect(describeAzureError(new EntraSignInError('cancelled', 'The sign-in was cancelled.'))).toMatchObject({kind: 'aborted'});
		expect(describeDeviceCodeFailure(new EntraSignInError('cancelled', 'The sign-in was cancelled.'))).toBe('the sign-in was cancelled. Press L to start again.');
		// An EntraSignInError passes through unchanged; anything unknown is still a sentence, never a stack.
		expect(entraSignInFailure(notSignedIn, 'x')).toBe(notSignedIn);
		expect(entraSignInFailure(new Error('boom\n    at somewhere'), 'getting an access token').message).toBe('Signing in to Microsoft Entra ID failed while getting an access token: boom.');
	});
});

describe('MsalHttpsClient', () => {
	it('remembers why a request failed below HTTP, and refuses an answer that is not JSON', async () => {
		const client = new MsalHttpsClient();
		// Nothing listens on this port: the connection is refused.
		const closed = createServer();
		await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise(resolve => closed.close(resolve));
		const error = await client.sendGetRequestAsync(`https://127.0.0.1:${port}/x`).then(
			() => undefined,
			(thrown: unknown) => thrown as AuthError,
		);
		expect(error).toBeInstanceOf(AuthError);
		expect(error!.errorCode).toBe('network_error');
		expect(client.lastFailure).toMatchObject({code: 'ECONNREFUSED', url: `https://127.0.0.1:${port}/x`});

		// A server with the lab's certificate, trusted by this client only: its HTML answer is refused, JSON read.
		const server = await startLabHttpsServer();
		try {
			server.mount('/html', (_req, res) => void res.writeHead(502, {'content-type': 'text/html'}).end('<h1>Bad gateway</h1>'));
			server.mount('/json', (req, res) => void res.writeHead(200, {'content-type': 'application/json', 'x-ms-request-id': 'r1'}).end(JSON.stringify({method: req.method, length: req.headers['content-length']})));
			const trusting = new MsalHttpsClient({ca: server.ca});
			await expect(trusting.sendGetRequestAsync(`${server.url}/html`)).rejects.toMatchObject({errorCode: 'token_parsing_error'});
			const answer = await trusting.sendPostRequestAsync<{method: string; length: string}>(`${server.url}/json`, {body: 'a=1&b=2', headers: {'content-type': 'application/x-www-form-urlencoded'}});
			expect(answer).toEqual({status: 200, headers: expect.objectContaining({'x-ms-request-id': 'r1'}), body: {method: 'POST', length: '7'}});
			expect(trusting.lastFailure).toBeUndefined();
			// The default client does not trust the lab's CA.
			await expect(client.sendGetRequestAsync(`${server.url}/json`)).rejects.toBeInstanceOf(AuthError);
			expect(client.lastFailure?.code).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
		} finally {
			await server.close();
		}
	});
});
