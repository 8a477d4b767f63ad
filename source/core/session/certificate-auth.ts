import {createRequire} from 'node:module';
import ssh2 from 'ssh2';
import {convertPkcs8, isPkcs8} from '../credentials/pkcs8.js';
import {parseSshCertificate} from '../entra/ssh-certificate.js';
import type {AuthStep} from './types.js';

type CertificateStep = Extract<AuthStep, {type: 'certificate'}>;

/** What ssh2 (patched, patches/ssh2+1.17.0.patch) takes to log in with an OpenSSH certificate. */
export interface CertificateAuthAnswer {
	type: 'publickey';
	username: string;
	/** The private key in a form ssh2 reads (PKCS#1/SEC1/OpenSSH; PKCS#8 is converted). */
	key: string;
	/** The raw certificate blob: the patch sends it as the public key of a `*-cert-v01@openssh.com` request. */
	certificate: Buffer;
}

/**
 * Whether ssh2 carries vmux's certificate patch: the patched `Protocol.authPK` takes the certificate as a fifth
 * parameter. Read once; cheap.
 */
export function ssh2CertificatePatchApplied(): boolean {
	patchApplied ??= (require('ssh2/lib/protocol/Protocol.js') as {prototype: {authPK: {length: number}}}).prototype.authPK.length >= 5;
	return patchApplied;
}
let patchApplied: boolean | undefined;
const require = createRequire(import.meta.url);

/**
 * Checks a certificate step before anything is sent: the certificate parses, is a user certificate, and
 * certifies the very key vmux holds (a mismatch can only be refused by the server, with no reason given). The
 * failure is a sentence naming the certificate; it never quotes the key.
 */
export function certificateAuthAnswer(step: CertificateStep): {ok: true; answer: CertificateAuthAnswer} | {ok: false; message: string} {
	const fail = (why: string) => ({ok: false as const, message: `vmux cannot log in with the ${step.label}: ${why}`});
	// Without the patch ssh2 would send the plain key and the server's refusal would blame the certificate.
	if (!ssh2CertificatePatchApplied()) {
		return fail('this installation\'s ssh2 lacks vmux\'s certificate patch (patches/ssh2+1.17.0.patch). Reinstall vmux (npm ci runs patch-package), then connect again.');
	}
	let certificate;
	try {
		certificate = parseSshCertificate(step.certificate);
	} catch (error) {
		return fail((error as Error).message);
	}
	if (certificate.certType !== 'user') return fail('it is a host certificate, not a user certificate.');
	let key = step.key;
	if (isPkcs8(key)) {
		const converted = convertPkcs8(key);
		if (!converted.ok) return fail(`its private key cannot be read (${converted.reason}).`);
		key = converted.text;
	}
	const parsed = ssh2.utils.parseKey(key);
	const privateKey = Array.isArray(parsed) ? parsed[0] : parsed;
	if (!privateKey || privateKey instanceof Error || !privateKey.isPrivateKey()) return fail('its private key cannot be read.');
	if (!privateKey.getPublicSSH().equals(certificate.publicKey))
		return fail('the certificate was issued for another key than the one vmux holds; ask for a new certificate.');
	return {ok: true, answer: {type: 'publickey', username: step.username, key, certificate: step.certificate}};
}
