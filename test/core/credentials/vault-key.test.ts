import {describe, expect, it} from 'vitest';
import {keyFromSecret} from '../../../source/core/credentials/vault-key.js';
import {PASSPHRASE, publicKey, readKey} from '../../fixtures/keys/fixtures.js';

const where = {vault: 'kv-prod', secret: 'vm-key'};
const storeFix = 'az keyvault secret set --vault-name kv-prod --name vm-key --file ~/.ssh/id_rsa';

describe('keyFromSecret', () => {
	it('loads an intact secret without warnings', () => {
		const result = keyFromSecret(readKey('id_ed25519'), where);
		if (result.status !== 'ok') throw new Error(result.message);
		expect(result.key.source).toBe('the secret vm-key in Key Vault kv-prod');
		expect(result.key.warnings).toEqual([]);
		expect(result.key.parsed.getPublicSSH().equals(publicKey('id_ed25519.pub').blob)).toBe(true);
	});

	it('repairs a portal-mangled PKCS#8 secret and says how to store it properly', () => {
		const mangled = readKey('id_rsa_pkcs8').trim().replace(/\n/g, ' ');
		const result = keyFromSecret(mangled, where);
		if (result.status !== 'ok') throw new Error(result.message);
		expect(result.key.parsed.getPublicSSH().equals(publicKey('id_rsa_pkcs8.pub').blob)).toBe(true);
		expect(result.key.warnings).toEqual([
			'The secret vm-key in Key Vault kv-prod holds a damaged key; vmux repaired it in memory ' +
				`(restored line breaks that had become spaces and added the missing final newline). Store it again with: ${storeFix}`,
		]);
	});

	it('asks for the passphrase of an encrypted secret, naming the secret', () => {
		const value = readKey('id_ed25519_enc').replace(/\n/g, '\\n');
		const locked = keyFromSecret(value, where);
		expect(locked).toMatchObject({
			status: 'needs-passphrase',
			message: 'The secret vm-key in Key Vault kv-prod is protected by a passphrase. Type it to unlock the key.',
		});
		expect(keyFromSecret(value, {...where, passphrase: 'nope!'})).toEqual({
			status: 'error',
			code: 'wrong-passphrase',
			message: 'The passphrase for the secret vm-key in Key Vault kv-prod is wrong. Type it again; it is case-sensitive.',
		});
		expect(keyFromSecret(value, {...where, passphrase: PASSPHRASE}).status).toBe('ok');
	});

	it('refuses a secret cut to its first line with the store command', () => {
		const result = keyFromSecret('-----BEGIN OPENSSH PRIVATE KEY-----', where);
		expect(result.status).toBe('error');
		if (result.status === 'error') {
			expect(result.message).toMatch(/^The secret vm-key in Key Vault kv-prod holds only the first line/);
			expect(result.message).toContain(storeFix);
		}
	});

	it('refuses a public key stored as the secret', () => {
		const result = keyFromSecret(readKey('id_ed25519.pub'), where);
		expect(result.status === 'error' && result.message).toMatch(/holds a public key.*az keyvault secret set/);
	});
});
