import {describe, expect, it} from 'vitest';
import {redact} from '../../../source/core/credentials/redact.js';
import {readKey} from '../../fixtures/keys/fixtures.js';

// A JWT-shaped token: header {"alg":"RS256","typ":"JWT"}, a payload, a signature. Not a real credential.
const jwt = [
	Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url'),
	Buffer.from('{"aud":"https://management.azure.com","oid":"0000"}').toString('base64url'),
	'c2lnbmF0dXJlLWJ5dGVzLWhlcmU',
].join('.');

describe('redact', () => {
	it.each(['id_ed25519', 'id_rsa_pem', 'id_rsa_pem_enc', 'id_rsa_pkcs8', 'id_ed25519_pkcs8_enc'])(
		'removes a whole %s private key block and keeps the text around it',
		name => {
			const key = readKey(name);
			const out = redact(`secret value: ${key} (from kv-prod)`);
			expect(out).toBe('secret value: [REDACTED PRIVATE KEY]\n (from kv-prod)');
		},
	);

	it('removes private keys inside JSON, mangled onto one line, base64-encoded or cut off', () => {
		const key = readKey('id_ed25519');
		const base64 = key.trim().split('\n')[1];
		for (const form of [JSON.stringify({value: key}), key.replace(/\n/g, ' '), Buffer.from(key).toString('base64'), key.slice(0, 200)]) {
			const out = redact(`got ${form}`);
			expect(out).toContain('[REDACTED PRIVATE KEY]');
			expect(out).not.toContain(base64.slice(10, 40));
		}
	});

	it('removes a PuTTY private key', () => {
		const ppk = 'PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: k\nPublic-Lines: 1\nAAAA\nPrivate-Lines: 1\nBBBBsecret\nPrivate-MAC: 0a1b2c\n';
		expect(redact(ppk)).toBe('[REDACTED PRIVATE KEY]\n');
	});

	it.each([
		['password=hunter22 user=azureuser', 'password=[REDACTED] user=azureuser'],
		['Password: hunter22', 'Password: [REDACTED]'],
		['{"username":"azureuser","password":"p@ss \\"word\\" 1"}', '{"username":"azureuser","password":"[REDACTED]"}'],
		["passphrase='correct horse'", "passphrase='[REDACTED]'"],
		['resourceId=%2Fsubscriptions%2Fx&protocol=tcptunnel&workloadHostPort=22&aztoken=abc.def-ghi', 'resourceId=%2Fsubscriptions%2Fx&protocol=tcptunnel&workloadHostPort=22&aztoken=[REDACTED]'],
		['{"authToken":"a1b2c3","nodeId":"node-7","websocketToken":"w9x8"}', '{"authToken":"[REDACTED]","nodeId":"node-7","websocketToken":"[REDACTED]"}'],
		['{"azToken": "tok"}', '{"azToken": "[REDACTED]"}'],
		['client_secret=s3cr3t&grant_type=refresh_token&refresh_token=0.AAA-bbb', 'client_secret=[REDACTED]&grant_type=refresh_token&refresh_token=[REDACTED]'],
		['https://acct.blob.core.windows.net/c/b?sv=2022&sig=AbC%2Fd', 'https://acct.blob.core.windows.net/c/b?sv=2022&sig=[REDACTED]'],
		['{"token_type":"ssh-cert","access_token":"AAAAHHNzaC1yc2E","expires_in":3599}', '{"token_type":"ssh-cert","access_token":"[REDACTED]","expires_in":3599}'],
	])('removes the value in %s', (input, expected) => {
		expect(redact(input)).toBe(expected);
	});

	it('removes bearer and basic credentials but leaves an auth challenge readable', () => {
		expect(redact('Authorization: Bearer abc.DEF-123_x~+/==')).toBe('Authorization: Bearer [REDACTED]');
		expect(redact('authorization: basic dXNlcjpwYXNz')).toBe('authorization: basic [REDACTED]');
		const challenge = 'WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/t", resource="https://vault.azure.net"';
		expect(redact(challenge)).toBe(challenge);
	});

	it('removes JWTs wherever they appear', () => {
		expect(redact(`token ${jwt} expires soon`)).toBe('token [REDACTED JWT] expires soon');
		expect(redact(`Bearer ${jwt}`)).toBe('Bearer [REDACTED JWT]');
		expect(redact(JSON.stringify({accessToken: jwt}))).toBe('{"accessToken":"[REDACTED]"}');
	});

	it('removes Bastion tokens carried in URL paths', () => {
		expect(redact('GET wss://bst.bastion.azure.com/webtunnelv2/ws-tok-123?X-Node-Id=n1')).toBe(
			'GET wss://bst.bastion.azure.com/webtunnelv2/[REDACTED]?X-Node-Id=n1',
		);
		expect(redact('wss://pod.bastion/omni/webtunnel/tok')).toBe('wss://pod.bastion/omni/webtunnel/[REDACTED]');
		expect(redact('DELETE https://bst/api/tokens/auth-tok-9 404')).toBe('DELETE https://bst/api/tokens/[REDACTED] 404');
	});

	it('removes known secret values verbatim, but not ones too short to remove safely', () => {
		expect(redact('server said: wrong hunter22 for azureuser', {secrets: ['hunter22']})).toBe('server said: wrong [REDACTED] for azureuser');
		expect(redact('a cat sat', {secrets: ['a', 'at', '']})).toBe('a cat sat');
		expect(redact('xx-longsecret-yy', {secrets: ['long', 'longsecret']})).toBe('xx-[REDACTED]-yy');
	});

	it('leaves ordinary log lines and vmux messages alone', () => {
		for (const line of [
			'connect web-01 via bastion bst-hub (Standard), port 22, auth password',
			'The passphrase for ~/.ssh/id_ed25519 is wrong. Type it again; it is case-sensitive.',
			'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE0J0lnF2STX8l4bcmSi91an2s70iG5S/LbnSe0RG04Z demo user key',
			'SHA256:CEatwUVPoH9+J+h3RSYcBjqAb696J2KNes12PW5sUbQ',
			'POST /api/tokens 200 in 120 ms',
			'{"token_type":"ssh-cert","expires_in":3599}',
		]) {
			expect(redact(line)).toBe(line);
		}
	});
});
