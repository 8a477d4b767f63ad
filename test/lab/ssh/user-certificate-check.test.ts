import {createPrivateKey, sign} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {caKeyBlob, checkUserCertificate, type CertificateRequest} from '../../../source/lab/ssh/user-certificate-check.js';
import {entraLikeCertificate, ephemeralRsaKey, PRINCIPAL, testCa} from '../../helpers/certificates.js';

const ca = testCa();
const key = ephemeralRsaKey();
const policy = {trustedCaKeys: [caKeyBlob(ca.publicKeyLine)], principals: [PRINCIPAL]};
const ALGO = 'rsa-sha2-256-cert-v01@openssh.com';

/** A signed request as ssh2's server hands it over: the raw RSA signature over `data`. */
function signed(data: Buffer, hash = 'sha256', signatureAlgorithm = 'rsa-sha2-256', signer = key): CertificateRequest['signed'] {
	return {signature: sign(hash, data, createPrivateKey(signer.pem)), signatureAlgorithm, data, hashAlgo: hash};
}

describe('checkUserCertificate (the lab sshd\'s TrustedUserCAKeys + AuthorizedPrincipalsFile)', () => {
	it('accepts a valid certificate, as a query and signed', () => {
		const certificate = entraLikeCertificate(ca, key);
		expect(checkUserCertificate({algorithm: ALGO, certificate}, policy)).toMatchObject({ok: true});
		const data = Buffer.from('session id + userauth request');
		const outcome = checkUserCertificate({algorithm: ALGO, certificate, signed: signed(data)}, policy);
		expect(outcome).toMatchObject({ok: true, certificate: {keyId: expect.stringContaining('@'), principals: [PRINCIPAL]}});
		// rsa-sha2-512 works the same way.
		expect(
			checkUserCertificate({algorithm: 'rsa-sha2-512-cert-v01@openssh.com', certificate, signed: signed(data, 'sha512', 'rsa-sha2-512')}, policy),
		).toMatchObject({ok: true});
	});

	const refusals: Array<[string, () => CertificateRequest, string]> = [
		['SHA-1 ssh-rsa-cert-v01', () => ({algorithm: 'ssh-rsa-cert-v01@openssh.com', certificate: entraLikeCertificate(ca, key)}), 'algorithm'],
		['a plain key algorithm', () => ({algorithm: 'ssh-ed25519-cert-v01@openssh.com', certificate: entraLikeCertificate(ca, key)}), 'algorithm'],
		['garbage', () => ({algorithm: ALGO, certificate: Buffer.from('not a certificate')}), 'malformed'],
		['a host certificate', () => ({algorithm: ALGO, certificate: entraLikeCertificate(ca, key, {certType: 'host'})}), 'host-certificate'],
		['a foreign CA', () => ({algorithm: ALGO, certificate: entraLikeCertificate(testCa(), key)}), 'untrusted-ca'],
		['a SHA-1 CA signature', () => ({algorithm: ALGO, certificate: entraLikeCertificate(ca, key, {signatureAlgorithm: 'ssh-rsa'})}), 'ca-signature'],
		[
			'an expired certificate',
			() => ({algorithm: ALGO, certificate: entraLikeCertificate(ca, key, {validAfter: new Date(Date.now() - 7_200_000), validBefore: new Date(Date.now() - 60_000)})}),
			'expired',
		],
		[
			'a certificate not yet valid',
			() => ({algorithm: ALGO, certificate: entraLikeCertificate(ca, key, {validAfter: new Date(Date.now() + 600_000), validBefore: new Date(Date.now() + 7_200_000)})}),
			'not-yet-valid',
		],
		['another principal', () => ({algorithm: ALGO, certificate: entraLikeCertificate(ca, key, {principals: ['bob@contoso.com']})}), 'principal'],
		['no principal at all', () => ({algorithm: ALGO, certificate: entraLikeCertificate(ca, key, {principals: []})}), 'principal'],
		['a critical option', () => ({algorithm: ALGO, certificate: entraLikeCertificate(ca, key, {criticalOptions: {'force-command': '/bin/true'}})}), 'critical-option'],
		[
			'a signature blob naming the certificate algorithm',
			() => ({algorithm: ALGO, certificate: entraLikeCertificate(ca, key), signed: signed(Buffer.from('x'), 'sha256', ALGO)}),
			'signature-algorithm',
		],
		[
			'a signature by another key',
			() => ({algorithm: ALGO, certificate: entraLikeCertificate(ca, key), signed: signed(Buffer.from('x'), 'sha256', 'rsa-sha2-256', ephemeralRsaKey())}),
			'bad-signature',
		],
	];
	it.each(refusals)('refuses %s', (_what, request, reason) => {
		expect(checkUserCertificate(request(), policy)).toMatchObject({ok: false, reason});
	});

	it('refuses a tampered certificate: a principal rewritten to one that is allowed', () => {
		const certificate = entraLikeCertificate(ca, key, {principals: ['alicx@contoso.com']});
		expect(checkUserCertificate({algorithm: ALGO, certificate}, policy)).toMatchObject({ok: false, reason: 'principal'});
		const at = certificate.indexOf('alicx@contoso.com');
		const tampered = Buffer.from(certificate);
		tampered.write('alice', at, 'latin1');
		expect(checkUserCertificate({algorithm: ALGO, certificate: tampered}, policy)).toMatchObject({ok: false, reason: 'ca-signature'});
	});

	it('says which line is not a CA key', () => {
		expect(() => caKeyBlob('ssh-rsa not-base64')).toThrow(/trusted user CA/);
	});
});
