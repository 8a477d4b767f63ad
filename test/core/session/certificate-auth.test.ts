import {createPrivateKey} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {certificateAuthAnswer, ssh2CertificatePatchApplied} from '../../../source/core/session/certificate-auth.js';
import {describeCertificateRefusal} from '../../../source/core/session/errors.js';
import {entraLikeCertificate, ephemeralRsaKey, PRINCIPAL, testCa} from '../../helpers/certificates.js';

const ca = testCa();
const key = ephemeralRsaKey();
const label = `certificate for ${PRINCIPAL}`;
const step = (overrides: {key?: string; certificate?: Buffer} = {}) => ({
	type: 'certificate' as const,
	key: overrides.key ?? key.pem,
	certificate: overrides.certificate ?? entraLikeCertificate(ca, key),
	username: 'alice',
	label,
});

describe('certificateAuthAnswer: what vmux hands the patched ssh2 for a certificate step', () => {
	it('answers publickey with the key, the raw certificate and the certificate\'s user', () => {
		const certificate = entraLikeCertificate(ca, key);
		expect(certificateAuthAnswer(step({certificate}))).toEqual({ok: true, answer: {type: 'publickey', username: 'alice', key: key.pem, certificate}});
	});

	it('finds vmux\'s ssh2 certificate patch applied (npm ci runs patch-package; without it nothing would say so)', () => {
		expect(ssh2CertificatePatchApplied()).toBe(true);
	});

	it('converts a PKCS#8 key (what node:crypto exports by default), which ssh2 cannot read', () => {
		const pkcs8 = createPrivateKey(key.pem).export({type: 'pkcs8', format: 'pem'}).toString();
		const outcome = certificateAuthAnswer(step({key: pkcs8}));
		expect(outcome.ok).toBe(true);
		if (outcome.ok) expect(outcome.answer.key).toMatch(/BEGIN RSA PRIVATE KEY/);
	});

	it.each([
		['garbage', () => step({certificate: Buffer.from('nonsense')}), /cannot log in with the certificate for alice@contoso\.com: .*SSH certificate/],
		['a host certificate', () => step({certificate: entraLikeCertificate(ca, key, {certType: 'host'})}), /host certificate, not a user certificate/],
		['a certificate for another key', () => step({certificate: entraLikeCertificate(ca, ephemeralRsaKey())}), /issued for another key/],
		['an unreadable key', () => step({key: 'not a key'}), /private key cannot be read/],
	])('refuses %s with a sentence that never quotes the key', (_what, make, message) => {
		const outcome = certificateAuthAnswer(make());
		expect(outcome).toMatchObject({ok: false, message: expect.stringMatching(message)});
		if (!outcome.ok) expect(outcome.message).not.toMatch(/PRIVATE KEY|MII/);
	});
});

describe('describeCertificateRefusal', () => {
	const refused = {username: 'alice', label};
	it('names the certificate, the account and what the VM needs', () => {
		expect(describeCertificateRefusal(refused, 'app-01', [label])).toBe(
			'Authentication failed for alice@app-01: the server refused the certificate for alice@contoso.com. The VM must allow Microsoft Entra ID logins for this account.',
		);
	});
	it('says when the certificate had expired, and lists other methods tried', () => {
		const expiresAt = Date.parse('2026-01-01T10:00:00Z');
		expect(describeCertificateRefusal({...refused, expiresAt}, 'app-01', ['publickey (id_rsa)', label], expiresAt + 1)).toBe(
			'Authentication failed for alice@app-01: the server refused the certificate for alice@contoso.com. Also tried: publickey (id_rsa). It expired at 2026-01-01T10:00:00.000Z; a new certificate is needed.',
		);
	});
});
