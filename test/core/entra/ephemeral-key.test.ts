import {createPrivateKey, createPublicKey, sign, verify} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {inspect} from 'node:util';
import ssh2 from 'ssh2';
import {describe, expect, it} from 'vitest';
import {createEphemeralKey, EPHEMERAL_KEY_BITS, entraJwk, entraKid} from '../../../source/core/entra/ephemeral-key.js';
import {publicKeyFromBlob} from '../../../source/core/entra/ssh-certificate.js';

const fixturePub = readFileSync(new URL('../../fixtures/keys/id_rsa_openssh.pub', import.meta.url), 'utf8');
const fixtureBlob = Buffer.from(fixturePub.split(' ')[1]!, 'base64');

/**
 * The Azure CLI's own result for test/fixtures/keys/id_rsa_openssh.pub, computed with python3 the CLI's way
 * (azext_ssh/rsa_parser.py `RSAParser.parse` and custom.py `_prepare_jwk_data`: urlsafe_b64encode of the blob's
 * fields, kid = sha256(n + e)). Python's json.dumps spaces the JSON differently; the fields are what count.
 */
const CLI_VECTOR = {
	kty: 'RSA',
	n: 'AJcLBINgGhVDUCLDmweWbOLNzeTfnKnOnhfuhjzAOpPRTGHtOjVQnBoDUZWILG3Z_VlLOVNjkl5s79oh_ZRXPFHUl3bdivlvp50RJtIL677iC-rhKP6w-T4tdzOnABxpXzIG6Fe2o1TbppTv_-QIY6CoIkQtEZvlxRTzkTnkseD3JHF8hzc0TAsD5JSQ8WCovQnU4sDANYM3l-sQCYiLSYTFHf9cW6olxb668fwMS_1PDsakQe8HXbcIirQh2KcpqQvW6pCUrtLEykCG-srJbLuNbjQNNsi2UoX5Xd1KnxdBvYi76_5sD0hlXfEvla0FoVMowQTqSm16zom81gAIcbE=',
	e: 'AQAB',
	kid: '928fa447ae0abdd4d7539ab2d5da8b1b1cc2b2283d4aaaff85c411983754860b',
};

describe('the JWK of a certificate request, as the Azure CLI builds it', () => {
	it('reproduces the CLI for a fixed public key: padded base64url, the mpint leading zero kept, kid over n then e', () => {
		const jwk = entraJwk(fixtureBlob);
		expect(jwk).toEqual(CLI_VECTOR);
		// Same key order as the CLI's dict, so the JSON differs only in spacing.
		expect(Object.keys(jwk)).toEqual(['kty', 'n', 'e', 'kid']);
		expect(Buffer.from(jwk.n, 'base64url')[0]).toBe(0);
		expect(entraKid(jwk.n, jwk.e)).toBe(CLI_VECTOR.kid);
		// The other order, or the unpadded strings, give another kid: the test would catch either mistake.
		expect(entraKid(jwk.e, jwk.n)).not.toBe(CLI_VECTOR.kid);
		expect(entraKid(jwk.n.replace(/=+$/, ''), jwk.e)).not.toBe(CLI_VECTOR.kid);
	});

	it('refuses a key blob that is not ssh-rsa, with a sentence', () => {
		const ed25519 = Buffer.from(readFileSync(new URL('../../fixtures/keys/id_ed25519.pub', import.meta.url), 'utf8').split(' ')[1]!, 'base64');
		expect(() => entraJwk(ed25519)).toThrow('An Entra SSH certificate needs an ssh-rsa public key; this key blob is not one.');
		expect(() => entraJwk(fixtureBlob.subarray(0, 40))).toThrow(/not one/);
	});
});

describe('createEphemeralKey', () => {
	it('makes a 3072-bit RSA pair whose private key ssh2 parses and whose blob, line and JWK describe the same key', async () => {
		const key = await createEphemeralKey();
		expect(EPHEMERAL_KEY_BITS).toBe(3072);
		expect(key.privateKey).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);

		const parsed = ssh2.utils.parseKey(key.privateKey);
		if (parsed instanceof Error) throw parsed;
		const sshKey = Array.isArray(parsed) ? parsed[0]! : parsed;
		expect(sshKey.type).toBe('ssh-rsa');
		expect(sshKey.getPublicSSH().equals(key.publicKeyBlob)).toBe(true);

		const publicKey = publicKeyFromBlob(key.publicKeyBlob);
		expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
		// The private key signs what the blob's public key verifies: they are one pair.
		const signature = sign('sha256', Buffer.from('vmux'), createPrivateKey(key.privateKey));
		expect(verify('sha256', Buffer.from('vmux'), publicKey, signature)).toBe(true);

		expect(key.publicKeyLine()).toBe(`ssh-rsa ${key.publicKeyBlob.toString('base64')} vmux-entra-ephemeral`);
		expect(key.jwk).toEqual(entraJwk(key.publicKeyBlob));
		expect(key.kid).toBe(key.jwk.kid);
		// 385 mpint bytes (a zero, then 384 with the top bit set) encode padded with '=='.
		expect(Buffer.from(key.jwk.n, 'base64url')).toHaveLength(385);
		expect(Buffer.from(key.jwk.n, 'base64url')[0]).toBe(0);
		expect(key.jwk.n).toMatch(/^[A-Za-z0-9_-]+==$/);
		expect(key.jwk.e).toBe('AQAB');
		// The JWK's n is the key's modulus: node reads it back.
		const fromJwk = createPublicKey({key: {kty: 'RSA', n: key.jwk.n.replace(/=+$/, ''), e: 'AQAB'}, format: 'jwk'});
		expect(fromJwk.export({format: 'jwk'}).n).toBe(publicKey.export({format: 'jwk'}).n);
	});

	it('never shows the private key in JSON or inspect output', async () => {
		const key = await createEphemeralKey(2048);
		const shown = `${JSON.stringify(key)} ${inspect(key)} ${JSON.stringify({...key})}`;
		expect(shown).not.toContain('PRIVATE KEY');
		expect(shown).toContain(key.kid);
		expect(Object.keys(key)).not.toContain('privateKey');
		expect(key.privateKey).toContain('PRIVATE KEY');
	});
});
