import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import ssh2 from 'ssh2';
import type {Client} from 'ssh2';
import type {HandshakeError} from '../../../source/core/session/ssh-handshake.js';
import type {AuthStep} from '../../../source/core/session/types.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {existsSync} from 'node:fs';
import {
	SSH_KEYGEN,
	certificateStep,
	entraLikeCertificate,
	ephemeralRsaKey,
	execOutput,
	handshake,
	PRINCIPAL,
	sshKeygenEd25519Certificate,
	stepsSpec,
	testCa,
} from '../../helpers/certificates.js';
import {DEMO_PUB, ScriptedPrompter, makeManager, screenText, tempDir, waitForScreen, waitUntil} from '../../helpers/lab-session.js';

const ALGO = 'rsa-sha2-256-cert-v01@openssh.com';
const SHA1_ALGO = 'ssh-rsa-cert-v01@openssh.com';

describe('certificate logins (Entra ID) through vmux\'s handshake and the patched ssh2, against the lab\'s ssh2 server', () => {
	const ca = testCa();
	const key = ephemeralRsaKey();
	let server: LabSshServer;
	let config: ReturnType<typeof tempDir>;

	beforeAll(async () => {
		config = tempDir();
		server = await new LabSshServer({
			vmName: 'app-01',
			hostKey: readLabAsset('hostkeys/jump-01'),
			// alice is not the first user: the shell must follow who logged in, not users[0].
			users: [
				{username: 'azureuser', authorizedKeys: [DEMO_PUB]},
				{username: 'alice', principals: [PRINCIPAL]},
			],
			trustedUserCaKeys: [ca.publicKeyLine],
		}).start();
	});
	afterAll(async () => {
		await server?.stop();
		config?.remove();
	});

	// The profile's user is azureuser; a certificate logs in as its own user (the step's).
	const spec = (steps: AuthStep[]) => stepsSpec(server, 'app-01', 'azureuser', steps);

	async function login(steps: AuthStep[]): Promise<{client?: Client; error?: HandshakeError; attempts: typeof server.authAttempts}> {
		const before = server.authAttempts.length;
		const outcome = await handshake(spec(steps), config.dir);
		return {...outcome, attempts: server.authAttempts.slice(before)};
	}

	it('logs in as the certificate\'s user: rsa-sha2-256-cert-v01 with the certificate blob, signature named rsa-sha2-256', async () => {
		const certificate = entraLikeCertificate(ca, key);
		const {client, error, attempts} = await login([certificateStep(key, certificate, 'alice')]);
		expect(error?.message).toBeUndefined();
		try {
			// First the query (no signature), then the signed request; both with the certificate algorithm.
			expect(attempts.map(a => [a.username, a.keyAlgorithm, a.signed, a.signatureAlgorithm, a.accepted])).toEqual([
				['alice', ALGO, false, undefined, true],
				['alice', ALGO, true, 'rsa-sha2-256', true],
			]);
			expect(attempts[1]!.certificate).toEqual({keyId: expect.stringMatching(/@/), serial: '42', principals: [PRINCIPAL]});
			expect((await execOutput(client!, 'whoami; echo "USER=$USER"')).trim().split('\n')).toEqual(['alice', 'USER=alice']);
		} finally {
			client?.end();
		}
	});

	it('opens a shell whose prompt and whoami name the certificate\'s user', async () => {
		const certificate = entraLikeCertificate(ca, key);
		const manager = makeManager(config.dir, new ScriptedPrompter());
		try {
			const session = manager.open(spec([certificateStep(key, certificate, 'alice')]));
			await waitUntil(() => session.state.kind === 'running', `shell; state ${JSON.stringify(session.connection.state)}`);
			session.sendInput(Buffer.from('echo "me=$(whoami)"\r'));
			await waitForScreen(session, 'me=alice');
			expect(screenText(session)).toContain('alice@app-01:');
		} finally {
			manager.closeAll();
		}
	});

	const now = Date.now();
	const refused: Array<[string, () => Buffer, string]> = [
		['an expired certificate', () => entraLikeCertificate(ca, key, {validAfter: new Date(now - 7_200_000), validBefore: new Date(now - 60_000)}), 'expired'],
		['a certificate not yet valid', () => entraLikeCertificate(ca, key, {validAfter: new Date(now + 600_000), validBefore: new Date(now + 7_200_000)}), 'not-yet-valid'],
		['a certificate from a foreign CA', () => entraLikeCertificate(testCa(), key), 'untrusted-ca'],
		['a certificate for another principal', () => entraLikeCertificate(ca, key, {principals: ['bob@contoso.com']}), 'principal'],
		[
			'a tampered certificate (principal rewritten to the allowed one)',
			() => {
				const certificate = entraLikeCertificate(ca, key, {principals: ['alicx@contoso.com']});
				certificate.write('alice', certificate.indexOf('alicx@contoso.com'), 'latin1');
				return certificate;
			},
			'ca-signature',
		],
		['a certificate with a critical option the server does not enforce', () => entraLikeCertificate(ca, key, {criticalOptions: {'source-address': '10.0.0.0/8'}}), 'critical-option'],
	];
	it.each(refused)('refuses %s, and the sentence names the certificate', async (_what, make, reason) => {
		const certificate = make();
		const expiresAt = reason === 'expired' ? now - 60_000 : undefined;
		const {client, error, attempts} = await login([certificateStep(key, certificate, 'alice', expiresAt)]);
		client?.end();
		expect(client).toBeUndefined();
		expect(attempts.length).toBeGreaterThan(0);
		for (const attempt of attempts) {
			expect(attempt).toMatchObject({username: 'alice', keyAlgorithm: ALGO, accepted: false});
			expect(attempt.reason).toBe(reason);
		}
		expect(error!.authFailed).toBe(true);
		expect(error!.disconnectCause).toBe('auth');
		expect(error!.message).toContain(`alice@app-01`);
		expect(error!.message).toContain(`certificate for ${PRINCIPAL}`);
		if (expiresAt) expect(error!.message).toContain(`It expired at ${new Date(expiresAt).toISOString()}; a new certificate is needed.`);
		else expect(error!.message).toMatch(/must allow Microsoft Entra ID logins/);
	});

	it('refuses a request signed by a key other than the certified one (bad-signature)', async () => {
		// ssh2 (and vmux) would never send this: the key's signature is spoiled after the fact.
		const certificate = entraLikeCertificate(ca, key);
		const parsed = ssh2.utils.parseKey(key.pem) as ssh2.ParsedKey;
		const realSign = parsed.sign.bind(parsed);
		parsed.sign = (data: Buffer, algo?: string) => realSign(Buffer.concat([data, Buffer.from('spoiled')]), algo);
		const before = server.authAttempts.length;
		const outcome = await new Promise<string>(resolve => {
			const client = new ssh2.Client();
			let sent = false;
			client.on('ready', () => {
				client.end();
				resolve('ready');
			});
			client.on('error', error => resolve(error.message));
			client.connect({
				host: server.host,
				port: server.port,
				username: 'alice',
				authHandler: (_methods, _partial, next) => {
					if (sent) return next(false as never);
					sent = true;
					next({type: 'publickey', username: 'alice', key: parsed, certificate} as never);
				},
			});
		});
		expect(outcome).toMatch(/authentication methods failed/);
		expect(server.authAttempts.slice(before).map(a => [a.signed, a.accepted, a.reason])).toEqual([
			[false, true, undefined],
			[true, false, 'bad-signature'],
		]);
	});

	it.skipIf(!existsSync(SSH_KEYGEN))('logs in with an Ed25519 certificate made by ssh-keygen (ssh-ed25519-cert-v01)', async () => {
		const dir = tempDir();
		const ed = sshKeygenEd25519Certificate(dir.dir);
		const edServer = await new LabSshServer({
			vmName: 'app-02',
			hostKey: readLabAsset('hostkeys/jump-01'),
			users: [{username: 'alice', principals: [PRINCIPAL]}],
			trustedUserCaKeys: [ed.caLine],
		}).start();
		try {
			const step = {type: 'certificate' as const, key: ed.key, certificate: ed.certificate, username: 'alice', label: `certificate for ${PRINCIPAL}`};
			const {client, error} = await handshake(stepsSpec(edServer, 'app-02', 'alice', [step]), dir.dir);
			expect(error?.message).toBeUndefined();
			client!.end();
			expect(edServer.authAttempts.map(a => [a.keyAlgorithm, a.signed, a.signatureAlgorithm, a.accepted])).toEqual([
				['ssh-ed25519-cert-v01@openssh.com', false, undefined, true],
				['ssh-ed25519-cert-v01@openssh.com', true, 'ssh-ed25519', true],
			]);
		} finally {
			await edServer.stop();
			dir.remove();
		}
	});

	it('refuses to send a certificate issued for another key, before anything reaches the server', async () => {
		const certificate = entraLikeCertificate(ca, ephemeralRsaKey());
		const {client, error, attempts} = await login([certificateStep(key, certificate, 'alice')]);
		client?.end();
		expect(error!.message).toMatch(new RegExp(`certificate for ${PRINCIPAL}: the certificate was issued for another key`));
		expect(error!.disconnectCause).toBe('credentials');
		expect(attempts).toEqual([]);
	});

	it('never sent the SHA-1 ssh-rsa-cert-v01 algorithm in any of the above', () => {
		const certificateAttempts = server.authAttempts.filter(a => a.keyAlgorithm?.includes('-cert-v01@'));
		expect(certificateAttempts.length).toBeGreaterThan(10);
		expect(certificateAttempts.filter(a => a.keyAlgorithm === SHA1_ALGO)).toEqual([]);
		expect(new Set(certificateAttempts.filter(a => a.signed).map(a => a.signatureAlgorithm))).toEqual(new Set(['rsa-sha2-256']));
	});
});
