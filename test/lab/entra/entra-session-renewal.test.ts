import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {labCloud} from '../../../source/lab/cloud.js';
import {authStepsFor} from '../../../source/core/credentials/auth-steps.js';
import {EntraCertificates} from '../../../source/core/entra/certificates.js';
import {createEphemeralKey} from '../../../source/core/entra/ephemeral-key.js';
import {EntraSignIn} from '../../../source/core/entra/msal-sign-in.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import type {HostKeyDecision, Prompter, SignInPrompt} from '../../../source/core/session/types.js';
import {DirectTransport} from '../../../source/core/transport/direct.js';
import {startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {mountLabEntra, type LabEntra} from '../../../source/lab/entra/index.js';
import {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {makeManager, screenText, tempDir, waitForScreen, waitUntil} from '../../helpers/lab-session.js';

/**
 * Issue 9's renewal, end to end: an Entra profile connects through vmux's own sign-in (one device code), the lab's
 * certificates are short-lived, and a reconnect after the certificate entered its last 5 minutes gets a new one
 * silently (a refresh-token grant, no second device code) and logs in again. A new connection reuses it.
 */

const UPN = 'alice@contoso.com';
/** Two seconds outside the 5-minute renewal margin: the certificate is "due" two seconds after it is issued. */
const LIFETIME_SECONDS = 302;

let arm: LabArm;
let entra: LabEntra;
let server: LabSshServer;
const config = tempDir();

beforeAll(async () => {
	arm = await startLabArm();
	entra = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1, sshCertLifetimeSeconds: LIFETIME_SECONDS});
	server = await new LabSshServer({
		vmName: 'app-01',
		hostKey: readLabAsset('hostkeys/app-01'),
		users: [{username: UPN, principals: [UPN]}],
		trustedUserCaKeys: [entra.sshCa.publicKeyLine],
	}).start();
});
afterAll(async () => {
	await server.stop();
	entra.close();
	await arm.close();
	config.remove();
});

/** The user: accepts the host key, and "enters" each device code shown by approving it in the lab. */
class SigningInUser implements Prompter {
	readonly shown: SignInPrompt[] = [];
	hostKeyAskedBeforeSignIn = false;

	async confirmUnknownHostKey(): Promise<HostKeyDecision> {
		this.hostKeyAskedBeforeSignIn = this.shown.length === 0;
		return 'accept-save';
	}

	async askSecret(): Promise<string | undefined> {
		return undefined;
	}

	showSignIn(prompt: SignInPrompt): () => void {
		this.shown.push(prompt);
		setTimeout(() => entra.approve(prompt.code), 200);
		return () => {};
	}
}

const entraProfile = {
	name: 'app-01',
	target: {kind: 'host', host: '127.0.0.1'},
	transport: {kind: 'direct'},
	protocol: 'ssh',
	port: 22,
	auth: {type: 'entra'},
	options: {keepaliveIntervalSec: 1, keepaliveCountMax: 2},
} as unknown as Profile;

describe('Entra ID sessions renew their certificate silently', () => {
	test('a reconnect inside the renewal margin gets a new certificate without a new sign-in, and logs in again', async () => {
		const cloud = labCloud(arm.url, arm.ca);
		const certificates = new EntraCertificates({cloud, setting: 'device-code', own: new EntraSignIn({cloud}), createKey: () => createEphemeralKey(2048)});
		const credentials = authStepsFor(entraProfile, {entraLogin: ({showSignIn, signal}) => certificates.get(signal, showSignIn ? {needsSignIn: showSignIn} : {})});
		const user = new SigningInUser();
		const manager = makeManager(config.dir, user);
		const spec = () => ({
			label: 'app-01',
			host: server.address.host,
			port: server.address.port,
			username: '',
			transport: new DirectTransport(server.address.host, server.address.port),
			credentials,
			keepaliveIntervalSec: 1,
			keepaliveCountMax: 2,
		});
		const certGrants = () => entra.requests.filter(r => r.grantType === 'refresh_token' && r.tokenType === 'ssh-cert').length;
		try {
			const session = manager.open(spec());
			await waitUntil(() => session.state.kind === 'running', 'the Entra session', 60_000);
			expect(user.hostKeyAskedBeforeSignIn).toBe(true);
			expect(user.shown).toHaveLength(1);
			const first = session.connection.state;
			expect(first.kind === 'open' && first.login?.user).toBe(UPN);
			const firstUntil = first.kind === 'open' ? first.login!.validUntil! : 0;
			session.sendInput(Buffer.from('whoami\r'));
			await waitForScreen(session, /^alice@contoso\.com$/m);
			expect(certGrants()).toBe(1);

			// The certificate is now inside its last 5 minutes: the network drops, and the reconnect renews it.
			await new Promise(resolve => setTimeout(resolve, 2500));
			await server.kill();
			await waitUntil(() => session.connection.state.kind === 'disconnected', 'the drop');
			await server.restart();
			manager.reconnect(session);
			await waitUntil(() => session.state.kind === 'running', 'the reconnected session', 60_000);
			expect(user.shown).toHaveLength(1);
			// At least one renewal (a reconnect retried under load renews again, never signs in again).
			const afterReconnect = certGrants();
			expect(afterReconnect).toBeGreaterThanOrEqual(2);
			const second = session.connection.state;
			expect(second.kind === 'open' && second.login!.validUntil!).toBeGreaterThan(firstUntil);
			expect(screenText(session)).not.toMatch(/expired|Permission denied/i);

			// A new connection (its certificate has just been renewed, but is again inside the margin 2 s later)
			// renews once more, still without asking anyone.
			await new Promise(resolve => setTimeout(resolve, 2500));
			const other = manager.open(spec());
			await waitUntil(() => other.state.kind === 'running', 'a second connection', 60_000);
			expect(user.shown).toHaveLength(1);
			expect(certGrants()).toBeGreaterThan(afterReconnect);
			const accepted = server.authAttempts.filter(a => a.accepted && a.username === UPN && a.method === 'publickey');
			expect(accepted.length).toBeGreaterThanOrEqual(3);
		} finally {
			manager.closeAll();
		}
	}, 120_000);
});
