import ssh2 from 'ssh2';
import {describe, expect, it} from 'vitest';
import {repairKey} from '../../../source/core/credentials/key-repair.js';
import {parsePrivateKey} from '../../../source/core/credentials/private-key.js';
import {PASSPHRASE, readKey} from '../../fixtures/keys/fixtures.js';

/** Real ssh-keygen/openssl keys in every format and wrapping the repair must rebuild exactly. */
const KEYS = [
	'id_ed25519',
	'id_ed25519_enc',
	'id_rsa_openssh',
	'id_rsa_pem',
	'id_rsa_pem_enc',
	'id_ecdsa_pem',
	'id_rsa_pkcs8',
	'id_rsa_pkcs8_enc',
	'id_ecdsa_pkcs8',
	'id_ed25519_pkcs8',
	'id_ed25519_pkcs8_enc',
];

/** The ways keys reach Key Vault damaged (contracts/azure.md §5), each with the fix the repair must report. */
const MANGLES: Array<[string, (key: string) => string, RegExp]> = [
	['line breaks joined with spaces (portal box)', key => key.trim().replace(/\n/g, ' '), /line breaks that had become spaces/],
	['line breaks removed', key => key.replace(/\n/g, ''), /line breaks that had been removed/],
	['literal \\n sequences', key => key.replace(/\n/g, '\\n'), /literal \\n sequences/],
	['JSON-quoted with \\n escapes', key => JSON.stringify(key), /quotes around it.*literal \\n/],
	['\\r\\n line endings', key => key.replace(/\n/g, '\r\n'), /Windows line endings/],
	['the whole key base64-encoded', key => Buffer.from(key).toString('base64'), /^Decoded the base64-encoded key\.$/],
	['base64 of a space-joined key', key => Buffer.from(key.replace(/\n/g, ' ')).toString('base64'), /decoded the base64.*spaces/i],
	['missing trailing newline', key => key.trimEnd(), /^Added the missing final newline\.$/],
	['spaces and no trailing newline', key => key.trimEnd().replace(/\n/g, ' '), /spaces and added the missing final newline/],
	['text around the key', key => `private key:\n${key}\n(end)`, /^Dropped the text around the key\.$/],
];

/** The SSH public key blob a key text yields, through the same parser vmux connects with. */
function publicBlob(text: string, passphrase?: string): Buffer {
	const result = parsePrivateKey(text, {source: 'the test key', passphrase});
	if (result.status !== 'ok') throw new Error(result.status === 'error' ? result.message : result.message);
	return result.key.parsed.getPublicSSH();
}

describe('repairKey', () => {
	describe.each(KEYS)('%s', name => {
		const original = readKey(name);
		const passphrase = name.includes('_enc') ? PASSPHRASE : undefined;
		// Decrypting costs real time (bcrypt for OpenSSH keys): derive the original's public key once.
		let originalBlob: Buffer | undefined;
		const expectedBlob = () => (originalBlob ??= publicBlob(original, passphrase));

		it('leaves an intact key alone', () => {
			expect(repairKey(original)).toEqual({ok: true, key: original, repaired: false});
		});

		it.each(MANGLES)('rebuilds it after %s', (_, mangle, how) => {
			const mangled = mangle(original);
			expect(mangled).not.toBe(original);
			const result = repairKey(mangled);
			if (!result.ok) throw new Error(result.error);
			expect(result.repaired).toBe(true);
			expect(result.how).toMatch(how);
			// ssh-keygen and OpenSSL wrap at exactly the widths the repair uses, so the rebuild is byte-exact.
			expect(result.key).toBe(original);
			expect(publicBlob(result.key, passphrase).equals(expectedBlob())).toBe(true);
			if (!name.includes('pkcs8')) {
				// ssh2 itself (not just vmux's PKCS#8 conversion) accepts the result.
				const parsed = ssh2.utils.parseKey(result.key, passphrase);
				expect(parsed).not.toBeInstanceOf(Error);
			}
		});

		it('refuses a key cut down to its first line, saying how to store it', () => {
			const result = repairKey(original.split('\n')[0], {vault: 'kv-prod', secret: 'vm-key'});
			expect(result.ok).toBe(false);
			if (result.ok) return;
			expect(result.error).toMatch(/^The secret vm-key in Key Vault kv-prod holds only the first line of a private key/);
			expect(result.error).toContain('az keyvault secret set --vault-name kv-prod --name vm-key --file ~/.ssh/id_rsa');
		});
	});

	it('shows the pre-repair key really is unreadable to ssh2 when joined with spaces', () => {
		const mangled = readKey('id_ed25519').trim().replace(/\n/g, ' ');
		expect(ssh2.utils.parseKey(mangled)).toBeInstanceOf(Error);
	});

	it('refuses a key whose end was cut off', () => {
		const lines = readKey('id_rsa_pem').split('\n');
		const result = repairKey(lines.slice(0, 10).join(' '), {vault: 'kv', secret: 's'});
		expect(result).toEqual({
			ok: false,
			error:
				'The secret s in Key Vault kv holds a private key that is cut off: it has no -----END RSA PRIVATE KEY----- line. ' +
				'Store the private key file itself, which keeps its line breaks: az keyvault secret set --vault-name kv --name s --file ~/.ssh/id_rsa',
		});
	});

	it('uses placeholders in the fix when the vault and secret are not known', () => {
		const result = repairKey('hunter2');
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.error).toBe(
			'The secret does not hold a private key (there is no -----BEGIN … PRIVATE KEY----- line). ' +
				'Store the private key file itself, which keeps its line breaks: az keyvault secret set --vault-name <vault> --name <secret> --file ~/.ssh/id_rsa',
		);
	});

	it.each([
		['a public key', readKey('id_ed25519.pub'), 'holds a public key'],
		['a certificate block', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'holds a certificate'],
		['an empty value', '   \n', 'is empty'],
		['base64 of something else', Buffer.from('just a password').toString('base64'), 'does not hold a private key'],
		['a PuTTY key', 'PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\n', 'holds a PuTTY key; convert it'],
		['a body that is not base64', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn*NzaC1r#ZXk\n-----END OPENSSH PRIVATE KEY-----\n', 'characters base64 never contains (* #)'],
		['an empty block', '-----BEGIN RSA PRIVATE KEY----- -----END RSA PRIVATE KEY-----', 'with nothing inside'],
	])('refuses %s with a reason', (_, value, reason) => {
		const result = repairKey(value);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.error).toContain(reason);
	});

	it('keeps the encryption headers of a legacy encrypted PEM key even with its line breaks removed', () => {
		const original = readKey('id_rsa_pem_enc');
		expect(original).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,[0-9A-F]{32}\n\n/);
		const result = repairKey(original.replace(/\n/g, ''));
		expect(result.ok && result.key).toBe(original);
	});
});
