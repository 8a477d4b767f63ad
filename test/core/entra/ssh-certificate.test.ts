import {execFileSync} from 'node:child_process';
import {generateKeyPairSync} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {
	certificateLine,
	certificateValidity,
	describeCertificate,
	parseSshCertificate,
	SshCertificateError,
	verifyCertificateSignature,
} from '../../../source/core/entra/ssh-certificate.js';
import {createLabSshCa, PERMIT_EXTENSIONS, rsaPublicBlob, rsaPublicBlobFromJwk} from '../../../source/lab/entra/ssh-ca.js';

const ca = createLabSshCa({bits: 2048});
const userKey = generateKeyPairSync('rsa', {modulusLength: 2048});
const userBlob = rsaPublicBlob(userKey.publicKey);
const now = Date.now();
const entraLike = {
	publicKey: userBlob,
	keyId: '11111111-2222-3333-4444-555555555555@72f988bf-86f1-41af-91ab-2d7cd011db47',
	principals: ['Alice@contoso.com'],
	validAfter: new Date(now - 5 * 60_000),
	validBefore: new Date(now + 60 * 60_000),
	serial: 42n,
	extensions: {
		'oid@sshservice.azure.net': '11111111-2222-3333-4444-555555555555',
		'tid@sshservice.azure.net': '72f988bf-86f1-41af-91ab-2d7cd011db47',
		...Object.fromEntries(PERMIT_EXTENSIONS.map(name => [name, ''])),
	},
};

const hasSshKeygen = (() => {
	try {
		execFileSync('ssh-keygen', ['-?'], {stdio: 'ignore'});
		return true;
	} catch (error) {
		return (error as {status?: number}).status !== undefined && (error as {code?: string}).code !== 'ENOENT';
	}
})();
const scratch = mkdtempSync(join(tmpdir(), 'vmux-cert-test-'));
afterAll(() => rmSync(scratch, {recursive: true, force: true}));

describe('parseSshCertificate', () => {
	it('reads every field of a lab (Entra-like) certificate and verifies its CA signature', () => {
		const blob = ca.sign(entraLike);
		const cert = parseSshCertificate(blob);
		expect(cert.type).toBe('ssh-rsa-cert-v01@openssh.com');
		expect(cert.certType).toBe('user');
		expect(cert.keyId).toBe(entraLike.keyId);
		expect(cert.principals).toEqual(['Alice@contoso.com']);
		expect(cert.serial).toBe(42n);
		expect(cert.publicKey.equals(userBlob)).toBe(true);
		expect(cert.signatureKey.equals(ca.publicKeyBlob)).toBe(true);
		expect(cert.signature.algorithm).toBe('rsa-sha2-256');
		expect(cert.validAfter.getTime()).toBe(Math.floor(entraLike.validAfter.getTime() / 1000) * 1000);
		expect(cert.extensions['oid@sshservice.azure.net']).toBe('11111111-2222-3333-4444-555555555555');
		expect(cert.extensions['permit-pty']).toBe('');
		expect(Object.keys(cert.extensions)).toHaveLength(7);
		expect(cert.criticalOptions).toEqual({});
		expect(verifyCertificateSignature(cert)).toBe(true);
		expect(certificateValidity(cert)).toBe('valid');
		expect(certificateValidity(cert, new Date(now + 61 * 60_000))).toBe('expired');
		expect(certificateValidity(cert, new Date(now - 6 * 60_000))).toBe('not-yet-valid');
		expect(describeCertificate(cert, d => d.toISOString())).toBe(`Alice@contoso.com, certificate valid until ${new Date(Math.floor(entraLike.validBefore.getTime() / 1000) * 1000).toISOString()}`);
	});

	it('reads the base64 text and the OpenSSH line alike', () => {
		const blob = ca.sign(entraLike);
		expect(parseSshCertificate(blob.toString('base64')).raw.equals(blob)).toBe(true);
		expect(parseSshCertificate(`${certificateLine(blob, 'alice')}\n`).raw.equals(blob)).toBe(true);
	});

	it('detects a tampered certificate (a principal changed after signing)', () => {
		const blob = Buffer.from(ca.sign(entraLike));
		const at = blob.indexOf('Alice@contoso.com');
		blob[at] = 'M'.charCodeAt(0);
		const cert = parseSshCertificate(blob);
		expect(cert.principals).toEqual(['Mlice@contoso.com']);
		expect(verifyCertificateSignature(cert)).toBe(false);
	});

	it('refuses cut-off, oversized, wrong-type and trailing-garbage blobs with a sentence', () => {
		const blob = ca.sign(entraLike);
		for (let cut = 0; cut < blob.length; cut += 97) {
			expect(() => parseSshCertificate(blob.subarray(0, cut))).toThrow(SshCertificateError);
		}
		expect(() => parseSshCertificate(Buffer.concat([blob, Buffer.from([0])]))).toThrow(/stray bytes/);
		expect(() => parseSshCertificate(Buffer.alloc(70_000))).toThrow(/more than any certificate needs/);
		expect(() => parseSshCertificate(userBlob)).toThrow(/Not an OpenSSH certificate: its type is "ssh-rsa"/);
		expect(() => parseSshCertificate('not base64 at all!')).toThrow(/Not an OpenSSH certificate line/);
		expect(() => parseSshCertificate('ssh-rsa-cert-v01@openssh.com !!!')).toThrow(/not base64/);
		expect(() => parseSshCertificate(`ssh-ed25519-cert-v01@openssh.com ${blob.toString('base64')}`)).toThrow(/says ssh-ed25519-cert-v01@openssh.com/);
	});

	it('decodes a JWK (padded or not, with or without the mpint zero) to the same ssh-rsa blob', () => {
		const jwk = userKey.publicKey.export({format: 'jwk'});
		const n = Buffer.from(jwk.n!, 'base64url');
		const padded = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
		expect(rsaPublicBlobFromJwk({n: jwk.n!, e: jwk.e!}).equals(userBlob)).toBe(true);
		expect(rsaPublicBlobFromJwk({n: padded(Buffer.concat([Buffer.from([0]), n])), e: padded(Buffer.from(jwk.e!, 'base64url'))}).equals(userBlob)).toBe(true);
	});

	it.skipIf(!hasSshKeygen)('agrees with OpenSSH: ssh-keygen -L reads the lab certificate, and vmux reads ssh-keygen -s certificates', () => {
		const certFile = join(scratch, 'lab-cert.pub');
		writeFileSync(certFile, `${certificateLine(ca.sign(entraLike))}\n`);
		const listing = execFileSync('ssh-keygen', ['-L', '-f', certFile], {encoding: 'utf8'});
		expect(listing).toContain('Type: ssh-rsa-cert-v01@openssh.com user certificate');
		expect(listing).toContain(`Key ID: "${entraLike.keyId}"`);
		expect(listing).toContain('Serial: 42');
		expect(listing).toContain('Alice@contoso.com');
		expect(listing).toMatch(/Signing CA: RSA SHA256:\S+ \(using rsa-sha2-256\)/);
		expect(listing).toContain('oid@sshservice.azure.net');

		// The other way: OpenSSH's own CA signs an ed25519 key; vmux parses and verifies it.
		execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ca', '-f', join(scratch, 'ca')]);
		execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', 'user', '-f', join(scratch, 'user')]);
		execFileSync('ssh-keygen', ['-q', '-s', join(scratch, 'ca'), '-I', 'key-id-7', '-n', 'bob,carol', '-V', '-5m:+10m', '-z', '7', '-O', 'force-command=/bin/true', join(scratch, 'user.pub')], {stdio: 'ignore'});
		const cert = parseSshCertificate(readFileSync(join(scratch, 'user-cert.pub'), 'utf8'));
		expect(cert.keyId).toBe('key-id-7');
		expect(cert.principals).toEqual(['bob', 'carol']);
		expect(cert.serial).toBe(7n);
		expect(cert.criticalOptions).toEqual({'force-command': '/bin/true'});
		expect(cert.signature.algorithm).toBe('ssh-ed25519');
		expect(verifyCertificateSignature(cert)).toBe(true);
		expect(certificateValidity(cert)).toBe('valid');
	});
});
