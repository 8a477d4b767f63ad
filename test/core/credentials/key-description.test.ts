import ssh2 from 'ssh2';
import {describe, expect, it} from 'vitest';
import {describeKey, inspectOpenSsh} from '../../../source/core/credentials/key-description.js';
import {keyPath, readKey, sshKeygen} from '../../fixtures/keys/fixtures.js';

const PUBLIC_KEYS = [
	'id_ed25519.pub',
	'id_rsa_openssh.pub',
	'id_rsa_pkcs8.pub',
	'id_ecdsa_pem.pub',
	'id_ecdsa_pkcs8.pub',
	'host_ecdsa.pub',
	'host_rsa.pub',
];

describe('describeKey', () => {
	it.each(PUBLIC_KEYS)('summarises %s exactly as ssh-keygen -lf', name => {
		const parsed = ssh2.utils.parseKey(readKey(name));
		if (parsed instanceof Error) throw parsed;
		expect(describeKey(parsed).summary).toBe(sshKeygen(['-lf', keyPath(name)]).trim());
	});

	it('says "no comment" for formats without one, like ssh-keygen', () => {
		const parsed = ssh2.utils.parseKey(readKey('id_rsa_pem'));
		if (parsed instanceof Error) throw parsed;
		expect(describeKey(parsed)).toMatchObject({type: 'ssh-rsa', label: 'RSA', bits: 2048, comment: ''});
		expect(describeKey(parsed).summary).toMatch(/^2048 SHA256:\S+ no comment \(RSA\)$/);
	});
});

describe('inspectOpenSsh', () => {
	it('tells encrypted from plain OpenSSH keys and reads the public half of both', () => {
		const expected = (name: string) => sshKeygen(['-lf', keyPath(name)]).split(' ')[1];
		expect(inspectOpenSsh(readKey('id_ed25519'))).toMatchObject({encrypted: false, publicKey: {fingerprint: expected('id_ed25519.pub')}});
		expect(inspectOpenSsh(readKey('id_ed25519_enc'))).toMatchObject({encrypted: true, publicKey: {fingerprint: expected('id_ed25519_enc.pub')}});
	});

	it('returns nothing for other formats or garbage', () => {
		expect(inspectOpenSsh(readKey('id_rsa_pem'))).toBeUndefined();
		expect(inspectOpenSsh('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----')).toBeUndefined();
	});
});
