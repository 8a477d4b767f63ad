/**
 * Issue 4's secrets rule, extended to connecting: connect with every authentication type that can connect
 * so far (key file with a passphrase, typed password, password and private key from Key Vault — read through
 * the real SecretClient from the lab's Key Vault), through the real session manager against a lab server,
 * then search the whole config dir for any secret used.
 */
import {copyFileSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, expect, it} from 'vitest';
import {createKeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {authStepsFor} from '../../../source/core/credentials/auth-steps.js';
import {ProfileStore} from '../../../source/core/profiles/store.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import {planConnection} from '../../../source/core/session/connect-plan.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {labUserKeyPath, readLabUserKey} from '../../helpers/lab-credentials.js';
import {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {DEMO_VAULT_SUBSCRIPTION} from '../../../source/lab/keyvault/index.js';
import {ScriptedPrompter, makeManager, tempDir, waitForScreen, waitUntil} from '../../helpers/lab-session.js';
import {startLabWithKeyVault} from '../../lab/keyvault/lab-keyvault.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function filesUnder(root: string): string[] {
	return readdirSync(root).flatMap(name => {
		const path = join(root, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

it('connects with a passphrase-protected key file, a typed password, and a password and a (portal-mangled) key from Key Vault, and writes no secret to the config dir', async () => {
	const work = tempDir('vmux-secrets-connect-');
	cleanups.push(() => work.remove());
	const configDir = join(work.dir, 'config');
	const keyPath = join(work.dir, 'id_ed25519');
	copyFileSync(labUserKeyPath('demo_ed25519_encrypted'), keyPath);
	const password = 'Typed-At-Connect-7f3e!';
	const passphrase = 'correct horse';
	const vaultPassword = 'From-Key-Vault-c41d9!';
	const vaultKey = readLabUserKey('demo_rsa').toString('utf8');
	const server = await new LabSshServer({
		vmName: 'jump-01',
		hostKey: readLabAsset('hostkeys/jump-01'),
		users: [
			{username: 'azureuser', password, authorizedKeys: [readLabUserKey('demo_ed25519_encrypted.pub').toString().trim(), readLabUserKey('demo_rsa.pub').toString().trim()]},
			{username: 'vaultuser', password: vaultPassword},
		],
	}).start();
	cleanups.push(() => server.stop());

	const azure = await startLabWithKeyVault();
	cleanups.push(() => azure.close());
	azure.keyVault.addVault({
		name: 'kv-secrets-test',
		subscriptionId: DEMO_VAULT_SUBSCRIPTION,
		resourceGroup: 'rg-secrets',
		// The key as the portal's one-line box stores it: line breaks turned into spaces.
		secrets: {'vm-password': vaultPassword, 'vm-key': {value: vaultKey.trim().split('\n').join(' '), contentType: 'application/x-pem-file'}},
	});
	const vaultUrl = azure.keyVault.vaultUrl('kv-secrets-test');
	const keyVault = createKeyVaultClients({cloud: azure.cloud, credential: azure.credential});
	cleanups.push(() => keyVault.close());
	const readSecret = (url: string, name: string, signal?: AbortSignal) => keyVault.getSecret(url, name, {abortSignal: signal});

	const store = new ProfileStore({configDir});
	const base = {target: {kind: 'host', host: '127.0.0.1'}, transport: {kind: 'direct'}, port: server.port, username: 'azureuser'} as const;
	store.save({...base, name: 'with-key', auth: {type: 'key-file', path: keyPath}});
	store.save({...base, name: 'with-password', auth: {type: 'password'}});
	store.save({...base, name: 'with-vault-password', username: 'vaultuser', auth: {type: 'keyvault-password', vaultUrl, secretName: 'vm-password'}});
	store.save({...base, name: 'with-vault-key', auth: {type: 'keyvault-key', vaultUrl, secretName: 'vm-key'}});

	const vaultReadsBefore = azure.keyVault.requests.length;
	for (const name of ['with-key', 'with-password', 'with-vault-password', 'with-vault-key']) {
		const profile = store.get(name) as Profile;
		// The prompter answers the passphrase or the password, whichever is asked; Key Vault profiles ask nothing.
		const prompter = new ScriptedPrompter('accept-save', profile.auth.type === 'key-file' ? passphrase : profile.auth.type === 'password' ? password : undefined);
		const manager = makeManager(configDir, prompter);
		cleanups.push(() => manager.closeAll());
		const plan = await planConnection(profile, undefined, {credentials: p => authStepsFor(p, {readSecret})});
		if (!plan.ok) throw new Error(plan.message);
		const session = manager.open(plan.spec);
		await waitUntil(() => session.state.kind === 'running', `${name} shell; ${JSON.stringify(session.connection.state)}`);
		session.sendInput(Buffer.from(`echo "${name}-ok"\r`));
		await waitForScreen(session, `${name}-ok`);
		expect(prompter.secretQuestions).toHaveLength(profile.auth.type.startsWith('keyvault-') ? 0 : 1);
		manager.closeAll();
	}
	expect(server.authAttempts.filter(a => a.accepted).map(a => `${a.username} ${a.method}`)).toEqual(
		expect.arrayContaining(['azureuser publickey', 'azureuser password', 'vaultuser password']),
	);
	// Both Key Vault secrets were really read from the vault (after the 401 challenge).
	expect(
		azure.keyVault.requests
			.slice(vaultReadsBefore)
			.filter(request => request.status === 200)
			.map(request => request.path.replace(/\/$/, '')),
	).toEqual(['/secrets/vm-password', '/secrets/vm-key']);

	const keyBody = [keyPath, labUserKeyPath('demo_rsa')].flatMap(path => readFileSync(path, 'utf8').split('\n').filter(line => line && !line.startsWith('-----')));
	const files = filesUnder(configDir);
	expect(files.some(file => file.endsWith('known_hosts'))).toBe(true);
	for (const file of files) {
		const text = readFileSync(file, 'utf8');
		expect(text, file).not.toContain(password);
		expect(text, file).not.toContain(passphrase);
		expect(text, file).not.toContain(vaultPassword);
		for (const line of keyBody) expect(text, file).not.toContain(line);
		expect(statSync(file).mode & 0o077, `${file} is private`).toBe(0);
	}
});
