import ssh2 from 'ssh2';
import {
	certificateValidity,
	certifiedKeyType,
	parseSshCertificate,
	verifyCertificateSignature,
	type SshCertificate,
} from '../../core/entra/ssh-certificate.js';

/**
 * Why the lab refused a certificate login, for tests to assert (LabSshServer.authAttempts[].reason). Each is a
 * check OpenSSH's sshd makes with TrustedUserCAKeys and AuthorizedPrincipalsFile.
 */
export type CertificateRefusal =
	/** Not a certificate the parser reads. */
	| 'malformed'
	/** The request's algorithm is SHA-1 (`ssh-rsa-cert-v01`, refused by OpenSSH 8.8+), unknown, or not the certificate's type. */
	| 'algorithm'
	| 'host-certificate'
	/** No trusted CA key is the one that signed it. */
	| 'untrusted-ca'
	/** The CA's signature does not verify (a tampered certificate), or is SHA-1 (`ssh-rsa`). */
	| 'ca-signature'
	| 'not-yet-valid'
	| 'expired'
	/** None of its principals is allowed for the user. */
	| 'principal'
	/** A critical option the lab does not enforce: refused, never ignored (sshd refuses unknown ones). */
	| 'critical-option'
	/** The signature blob names another algorithm than the request's certificate algorithm calls for. */
	| 'signature-algorithm'
	/** The request's signature does not verify with the certificate's key. */
	| 'bad-signature';

/** The plain signature algorithm each accepted certificate algorithm's signature blob must name. */
const SIGNATURE_ALGORITHM: Record<string, string> = {
	'rsa-sha2-256-cert-v01@openssh.com': 'rsa-sha2-256',
	'rsa-sha2-512-cert-v01@openssh.com': 'rsa-sha2-512',
	'ssh-ed25519-cert-v01@openssh.com': 'ssh-ed25519',
	'ecdsa-sha2-nistp256-cert-v01@openssh.com': 'ecdsa-sha2-nistp256',
	'ecdsa-sha2-nistp384-cert-v01@openssh.com': 'ecdsa-sha2-nistp384',
	'ecdsa-sha2-nistp521-cert-v01@openssh.com': 'ecdsa-sha2-nistp521',
};

/** Whether a publickey request's algorithm is an OpenSSH certificate algorithm (accepted or not). */
export function isCertificateAlgorithm(algorithm: string): boolean {
	return algorithm.endsWith('-cert-v01@openssh.com');
}

export interface CertificateRequest {
	/** The request's algorithm (`ctx.key.algo`), e.g. `rsa-sha2-256-cert-v01@openssh.com`. */
	algorithm: string;
	/** The certificate blob (`ctx.key.data`). */
	certificate: Buffer;
	/** Absent for a query ("would this key do?"); then everything but the signature is checked. */
	signed?: {signature: Buffer; signatureAlgorithm: string | undefined; data: Buffer; hashAlgo: string | undefined};
}

export interface CertificatePolicy {
	/** Plain CA public key blobs (from TrustedUserCAKeys lines). */
	trustedCaKeys: Buffer[];
	/** Principals allowed for the user (AuthorizedPrincipalsFile; by default the user name). */
	principals: string[];
	now?: Date;
}

/** Decides a certificate login as sshd would: every check, in the order sshd makes them. */
export function checkUserCertificate(
	request: CertificateRequest,
	policy: CertificatePolicy,
): {ok: true; certificate: SshCertificate} | {ok: false; reason: CertificateRefusal; certificate?: SshCertificate} {
	const expectedSignature = SIGNATURE_ALGORITHM[request.algorithm];
	if (!expectedSignature) return {ok: false, reason: 'algorithm'};
	let certificate: SshCertificate;
	try {
		certificate = parseSshCertificate(request.certificate);
	} catch {
		return {ok: false, reason: 'malformed'};
	}
	const refuse = (reason: CertificateRefusal) => ({ok: false as const, reason, certificate});
	// rsa-sha2-*-cert requests carry an ssh-rsa-cert blob; the others carry their own type.
	const certifiedType = certifiedKeyType(certificate.type);
	if (certifiedType !== expectedSignature.replace(/^rsa-sha2-(256|512)$/, 'ssh-rsa')) return refuse('algorithm');
	if (certificate.certType !== 'user') return refuse('host-certificate');
	if (!policy.trustedCaKeys.some(ca => ca.equals(certificate.signatureKey))) return refuse('untrusted-ca');
	if (certificate.signature.algorithm === 'ssh-rsa' || !verifyCertificateSignature(certificate)) return refuse('ca-signature');
	const validity = certificateValidity(certificate, policy.now);
	if (validity !== 'valid') return refuse(validity);
	if (!certificate.principals.some(principal => policy.principals.includes(principal))) return refuse('principal');
	if (Object.keys(certificate.criticalOptions).length > 0) return refuse('critical-option');
	if (!request.signed) return {ok: true, certificate};
	if (request.signed.signatureAlgorithm !== expectedSignature) return refuse('signature-algorithm');
	// ssh2 hands the signature over converted for node's verifier (ECDSA as ASN.1), so its key does the check.
	const key = ssh2.utils.parseKey(`${certifiedType} ${certificate.publicKey.toString('base64')}`);
	const publicKey = Array.isArray(key) ? key[0] : key;
	if (!publicKey || publicKey instanceof Error) return refuse('malformed');
	const verified = publicKey.verify(request.signed.data, request.signed.signature, request.signed.hashAlgo);
	return verified === true ? {ok: true, certificate} : refuse('bad-signature');
}

/** The plain key blob of an OpenSSH public key line (`ssh-rsa AAAA… comment`), for `trustedCaKeys`. */
export function caKeyBlob(line: string): Buffer {
	const parsed = ssh2.utils.parseKey(line);
	const key = Array.isArray(parsed) ? parsed[0] : parsed;
	if (!key || key instanceof Error) throw new Error(`Not an OpenSSH public key line for a trusted user CA: ${line.slice(0, 40)}…`);
	return key.getPublicSSH();
}
