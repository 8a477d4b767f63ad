import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fingerprintSha256} from '../../../source/core/credentials/ssh-wire.js';
import {SSHD_INSTALL_HINT, sshdAvailable, startOpenSshServer, type OpenSshServer} from '../../../source/lab/ssh/openssh-sshd.js';
import {
	KEY_ID,
	PRINCIPAL,
	certificateStep,
	entraLikeCertificate,
	ephemeralRsaKey,
	execOutput,
	handshake,
	sshKeygenEd25519Certificate,
	stepsSpec,
	testCa,
} from '../../helpers/certificates.js';
import {ScriptedPrompter, makeManager, tempDir, waitForScreen, waitUntil} from '../../helpers/lab-session.js';

const haveSshd = sshdAvailable();
if (!haveSshd) console.warn(`SKIPPED: OpenSSH sshd certificate tests need /usr/sbin/sshd. Install it with: ${SSHD_INSTALL_HINT}`);

/**
 * Entra ID certificate logins through vmux's handshake and the patched ssh2, against real OpenSSH sshd with
 * TrustedUserCAKeys (the lab CA) and AuthorizedPrincipalsFile (alice@contoso.com for the OS user running the
 * tests), as the AADSSHLoginForLinux extension configures a VM. sshd's own log is the witness.
 */
describe.skipIf(!haveSshd)('certificate logins against OpenSSH sshd', () => {
	const ca = testCa();
	const key = ephemeralRsaKey();
	let sshd: OpenSshServer;
	let config: ReturnType<typeof tempDir>;
	let ed25519: ReturnType<typeof sshKeygenEd25519Certificate>;
	beforeAll(async () => {
		config = tempDir();
		ed25519 = sshKeygenEd25519Certificate(config.dir);
		sshd = await startOpenSshServer({
			authorizedKeys: [],
			trustedUserCaKeys: [ca.publicKeyLine, ed25519.caLine],
			authorizedPrincipals: [PRINCIPAL],
			// DEBUG1 also logs each request's algorithm ("publickey test pkalg …").
			logLevel: 'DEBUG1',
		});
	});
	afterAll(async () => {
		await sshd?.stop();
		config?.remove();
	});

	const caFingerprint = () => fingerprintSha256(ca.publicKeyBlob);
	// sshd -e ends its lines with \r\n.
	const linesOf = (log: string, pattern: RegExp) => log.split(/\r?\n/).filter(line => pattern.test(line));

	it('logs in with the certificate: sshd accepts RSA-CERT with the key id, serial and CA, and the shell is the user\'s', async () => {
		const certificate = entraLikeCertificate(ca, key);
		const before = sshd.log().length;
		const manager = makeManager(config.dir, new ScriptedPrompter());
		try {
			const session = manager.open(stepsSpec(sshd, 'app-01', 'someone-else', [certificateStep(key, certificate, sshd.username)]));
			await waitUntil(() => session.state.kind === 'running', `shell on sshd; state ${JSON.stringify(session.connection.state)}\n${sshd.log()}`);
			session.sendInput(Buffer.from('echo "me=$(whoami)"\r'));
			await waitForScreen(session, `me=${sshd.username}`);
		} finally {
			manager.closeAll();
		}
		const log = sshd.log().slice(before);
		const accepted = linesOf(log, /Accepted publickey/);
		const line = new RegExp(
			`^Accepted publickey for ${sshd.username} from 127\\.0\\.0\\.1 port \\d+ ssh2: RSA-CERT ${escapeRegExp(fingerprintSha256(key.publicBlob))} ID ${escapeRegExp(KEY_ID)} \\(serial 42\\) CA RSA ${escapeRegExp(caFingerprint())}$`,
		);
		expect(accepted, log).toHaveLength(1);
		expect(accepted[0]).toMatch(line);
		console.log(`sshd: ${accepted[0]}`);
		// The query and the signed request both named the SHA-2 certificate algorithm; never the SHA-1 one.
		expect(linesOf(log, /pkalg rsa-sha2-256-cert-v01@openssh\.com /).length).toBeGreaterThan(0);
		expect(log).not.toMatch(/ssh-rsa-cert-v01/);
		expect(log).not.toMatch(/Failed publickey/);
	});

	it('uses rsa-sha2-512-cert-v01 where sshd accepts only that', async () => {
		const narrow = await startOpenSshServer({
			authorizedKeys: [],
			trustedUserCaKeys: [ca.publicKeyLine],
			authorizedPrincipals: [PRINCIPAL],
			logLevel: 'DEBUG1',
			extraConfig: ['PubkeyAcceptedAlgorithms rsa-sha2-512-cert-v01@openssh.com'],
		});
		try {
			const {client, error} = await handshake(stepsSpec(narrow, 'app-01', narrow.username, [certificateStep(key, entraLikeCertificate(ca, key), narrow.username)]), config.dir);
			expect(error?.message, narrow.log()).toBeUndefined();
			expect((await execOutput(client!, 'whoami')).trim()).toBe(narrow.username);
			client!.end();
			expect(narrow.log()).toMatch(/pkalg rsa-sha2-512-cert-v01@openssh\.com /);
			expect(narrow.log()).toMatch(/Accepted publickey for .* ssh2: RSA-CERT SHA256:/);
			expect(narrow.log()).not.toMatch(/ssh-rsa-cert-v01/);
		} finally {
			await narrow.stop();
		}
	});

	it('logs in with an Ed25519 key\'s certificate (ssh-ed25519-cert-v01) made by ssh-keygen', async () => {
		const before = sshd.log().length;
		const step = {type: 'certificate' as const, key: ed25519.key, certificate: ed25519.certificate, username: sshd.username, label: `certificate for ${PRINCIPAL}`};
		const {client, error} = await handshake(stepsSpec(sshd, 'app-01', sshd.username, [step]), config.dir);
		expect(error?.message).toBeUndefined();
		client!.end();
		const log = sshd.log().slice(before);
		expect(log).toMatch(/pkalg ssh-ed25519-cert-v01@openssh\.com /);
		expect(log).toMatch(new RegExp(`Accepted publickey for ${sshd.username} from \\S+ port \\d+ ssh2: ED25519-CERT SHA256:\\S+ ID ed25519-cert \\(serial 7\\) CA ED25519 SHA256:`));
	});

	const now = Date.now();
	const foreignCa = testCa();
	const refused: Array<[string, () => Buffer, string, RegExp]> = [
		[
			'an expired certificate',
			() => entraLikeCertificate(ca, key, {keyId: 'expired-cert', validAfter: new Date(now - 7_200_000), validBefore: new Date(now - 60_000)}),
			'expired-cert',
			/Certificate invalid: expired/,
		],
		[
			'a certificate from a foreign CA',
			() => entraLikeCertificate(foreignCa, key, {keyId: 'foreign-ca-cert'}),
			'foreign-ca-cert',
			new RegExp(`Failed publickey .* ID foreign-ca-cert \\(serial 42\\) CA RSA ${escapeRegExp(fingerprintSha256(foreignCa.publicKeyBlob))}`),
		],
		[
			'a certificate for a principal not in AuthorizedPrincipalsFile',
			() => entraLikeCertificate(ca, key, {keyId: 'bob-cert', principals: ['bob@contoso.com']}),
			'bob-cert',
			/Failed publickey .* ID bob-cert /,
		],
	];
	it.each(refused)('refuses %s, and vmux names the certificate', async (_what, make, keyId, logged) => {
		const before = sshd.log().length;
		const {client, error} = await handshake(stepsSpec(sshd, 'app-01', sshd.username, [certificateStep(key, make(), sshd.username)]), config.dir);
		client?.end();
		expect(client).toBeUndefined();
		expect(error!.disconnectCause).toBe('auth');
		expect(error!.message).toContain(`certificate for ${PRINCIPAL}`);
		await waitUntil(() => logged.test(sshd.log().slice(before)), `sshd to log ${logged}:\n${sshd.log().slice(before)}`);
		const log = sshd.log().slice(before);
		expect(log).not.toMatch(new RegExp(`Accepted .*${keyId}`));
		expect(log).toMatch(/pkalg rsa-sha2-256-cert-v01@openssh\.com /);
		expect(log).not.toMatch(/ssh-rsa-cert-v01/);
	});
});

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
