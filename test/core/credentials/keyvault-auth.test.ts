/**
 * Key Vault credentials at connect time: secrets read through the real SecretClient from the lab's Key Vault
 * (401 challenge included), turned into auth steps, and proven by authenticating a real ssh2 client to a lab
 * SSH server. Failures are sentences that name the vault and secret, never the value.
 */
import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {createKeyVaultClients, KeyVaultError, type KeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {authStepsFor, type ReadSecret} from '../../../source/core/credentials/auth-steps.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import type {AuthStep, Prompter} from '../../../source/core/session/types.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {DEMO_VAULT_NAME, DEMO_VAULT_SUBSCRIPTION} from '../../../source/lab/keyvault/index.js';
import {LAB_PASSWORD, LAB_USERNAME, readLabUserKey} from '../../helpers/lab-credentials.js';
import {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {PASSPHRASE, publicKey, readKey} from '../../fixtures/keys/fixtures.js';
import {startLabWithKeyVault, type LabWithKeyVault} from '../../lab/keyvault/lab-keyvault.js';

const VAULT = 'kv-vmux-auth';
/** A value no message may ever contain. */
const DISTINCTIVE = 'Zq7-Distinctive-Secret-Value-4xW9';

/** What the portal's one-line secret box does to a key: every line break becomes a space. */
const portalSpaces = (key: string) => key.trim().split('\n').join(' ');
/** The other portal damage: line breaks simply removed. */
const portalJoined = (key: string) => key.trim().split('\n').join('');

const KEYS = ['id_ed25519', 'id_rsa_openssh', 'id_rsa_pem', 'id_ecdsa_pem', 'id_rsa_pkcs8', 'id_ecdsa_pkcs8', 'id_ed25519_enc', 'id_rsa_pem_enc', 'id_rsa_pkcs8_enc'];

class AnsweringPrompter implements Prompter {
	readonly asked: string[] = [];
	constructor(private readonly answers: Array<string | undefined> = []) {}
	async confirmUnknownHostKey() {
		return 'accept-once' as const;
	}
	async askSecret(request: {title: string; prompt: string}) {
		this.asked.push(request.title);
		return this.answers.length > 0 ? this.answers.shift() : undefined;
	}
}

function profileFor(type: 'keyvault-key' | 'keyvault-password', vaultUrl: string, secretName: string): Profile {
	return {
		name: `kv-${secretName}`,
		target: {kind: 'host', host: '127.0.0.1'},
		transport: {kind: 'direct'},
		port: 22,
		username: LAB_USERNAME,
		auth: {type, vaultUrl, secretName},
		options: {keepaliveIntervalSec: 15, keepaliveCountMax: 3},
	} as unknown as Profile;
}

/** Logs in to the lab server with the step through a real ssh2 client; resolves true when the server let it in. */
function authenticates(server: LabSshServer, step: AuthStep): Promise<boolean> {
	return new Promise((resolve, reject) => {
		const client = new ssh2.Client();
		const timer = setTimeout(() => {
			client.end();
			reject(new Error('ssh login timed out'));
		}, 10_000);
		const done = (ok: boolean) => {
			clearTimeout(timer);
			client.end();
			resolve(ok);
		};
		client.on('ready', () => done(true));
		client.on('error', error => (/authentication methods failed/i.test(error.message) ? done(false) : (clearTimeout(timer), reject(error))));
		client.connect({
			host: server.host,
			port: server.port,
			username: LAB_USERNAME,
			hostVerifier: () => true,
			readyTimeout: 10_000,
			...(step.type === 'password' ? {password: step.password} : step.type === 'publickey' ? {privateKey: step.key, passphrase: step.passphrase} : {}),
		});
	});
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(Error);
	return error as Error;
}

describe('Key Vault credentials against the lab Key Vault and a lab SSH server', () => {
	let env: LabWithKeyVault;
	let clients: KeyVaultClients;
	let server: LabSshServer;
	let vaultUrl: string;
	let readSecret: ReadSecret;
	const reads: string[] = [];

	beforeAll(async () => {
		env = await startLabWithKeyVault();
		clients = createKeyVaultClients({cloud: env.cloud, credential: env.credential});
		readSecret = (url, name, signal) => {
			reads.push(name);
			return clients.getSecret(url, name, {abortSignal: signal});
		};
		const secrets: Record<string, string> = {
			password: LAB_PASSWORD,
			'password-file': `${LAB_PASSWORD}\n`,
			'not-a-key': DISTINCTIVE,
			'public-key': readKey('id_ed25519.pub'),
			'key-in-password': readKey('id_ed25519'),
			'cut-off-key': readKey('id_ed25519').split('-----END')[0]!,
			'empty-password': '',
		};
		for (const name of KEYS) {
			secrets[name] = readKey(name);
			secrets[`${name}-spaces`] = portalSpaces(readKey(name));
			secrets[`${name}-joined`] = portalJoined(readKey(name));
		}
		env.keyVault.addVault({name: VAULT, subscriptionId: DEMO_VAULT_SUBSCRIPTION, resourceGroup: 'rg-vmux', secrets});
		vaultUrl = env.keyVault.vaultUrl(VAULT);
		const authorizedKeys = [...new Set(KEYS.map(name => publicKey(`${name}.pub`).line))];
		server = await new LabSshServer({
			vmName: 'web-01',
			hostKey: readLabAsset('hostkeys/jump-01'),
			users: [{username: LAB_USERNAME, password: LAB_PASSWORD, authorizedKeys: [...authorizedKeys, readLabUserKey('demo_ed25519.pub').toString().trim()]}],
		}).start();
	});
	afterAll(async () => {
		clients?.close();
		await server?.stop();
		await env?.close();
	});

	test('getSecret reads a value with the real SecretClient, challenge flow included', async () => {
		const before = env.keyVault.requests.length;
		const fresh = createKeyVaultClients({cloud: env.cloud, credential: env.credential});
		try {
			expect(await fresh.getSecret(`${env.keyVault.vaultUrl(DEMO_VAULT_NAME)}/`, 'dev-01-password')).toBe(LAB_PASSWORD);
			expect(await fresh.getSecret(env.keyVault.vaultUrl(DEMO_VAULT_NAME), 'WEB-01-KEY')).toBe(readLabUserKey('demo_ed25519').toString('utf8'));
		} finally {
			fresh.close();
		}
		const requests = env.keyVault.requests.slice(before);
		// The SDK asks for `/secrets/{name}/` (latest version: an empty version segment).
		expect(requests.map(request => [request.path.replace(/\/$/, ''), request.authorized, request.status])).toEqual([
			['/secrets/dev-01-password', false, 401],
			['/secrets/dev-01-password', true, 200],
			['/secrets/WEB-01-KEY', true, 200],
		]);
	});

	test('keyvault-password: one password step that logs in', async () => {
		const prompter = new AnsweringPrompter();
		for (const secret of ['password', 'password-file']) {
			const steps = await authStepsFor(profileFor('keyvault-password', vaultUrl, secret), {readSecret})({prompter});
			expect(steps).toEqual([{type: 'password', password: LAB_PASSWORD, label: `password (the secret ${secret} in Key Vault ${VAULT})`}]);
			expect(await authenticates(server, steps[0]!)).toBe(true);
		}
		expect(prompter.asked).toEqual([]);
	});

	test('the demo vault profiles work: dev-01-password and the demo key', async () => {
		const demo = env.keyVault.vaultUrl(DEMO_VAULT_NAME);
		const prompter = new AnsweringPrompter();
		const [password] = await authStepsFor(profileFor('keyvault-password', demo, 'dev-01-password'), {readSecret})({prompter});
		const [key] = await authStepsFor(profileFor('keyvault-key', demo, 'web-01-key'), {readSecret})({prompter});
		expect(await authenticates(server, password!)).toBe(true);
		expect(await authenticates(server, key!)).toBe(true);
	});

	test.each(KEYS.filter(name => !name.endsWith('_enc')).flatMap(name => [name, `${name}-spaces`, `${name}-joined`]))(
		'keyvault-key %s: a key step that logs in, without prompting',
		async secret => {
			const prompter = new AnsweringPrompter();
			const steps = await authStepsFor(profileFor('keyvault-key', vaultUrl, secret), {readSecret})({prompter});
			expect(steps).toHaveLength(1);
			expect(steps[0]).toMatchObject({type: 'publickey', label: `publickey (the secret ${secret} in Key Vault ${VAULT})`});
			expect(prompter.asked).toEqual([]);
			expect(await authenticates(server, steps[0]!)).toBe(true);
		},
	);

	test.each(KEYS.filter(name => name.endsWith('_enc')).flatMap(name => [name, `${name}-spaces`]))(
		'keyvault-key %s (encrypted): asks for the passphrase, re-asks when wrong, then logs in',
		async secret => {
			const prompter = new AnsweringPrompter(['wrong one', PASSPHRASE]);
			const steps = await authStepsFor(profileFor('keyvault-key', vaultUrl, secret), {readSecret})({prompter});
			expect(prompter.asked).toEqual([
				`Passphrase for the key in secret ${secret} (Key Vault ${VAULT})`,
				`Wrong passphrase for the key in secret ${secret} (Key Vault ${VAULT}); try again`,
			]);
			expect(await authenticates(server, steps[0]!)).toBe(true);
		},
	);

	test('an encrypted key gives up after three wrong passphrases, and a cancelled prompt cancels', async () => {
		const wrong = new AnsweringPrompter(['a', 'b', 'c', 'd']);
		const error = await failureOf(authStepsFor(profileFor('keyvault-key', vaultUrl, 'id_ed25519_enc'), {readSecret})({prompter: wrong}));
		expect(wrong.asked).toHaveLength(3);
		expect(error.message).toMatch(/^The passphrase for the secret id_ed25519_enc in Key Vault kv-vmux-auth is wrong\..* Gave up after 3 tries\.$/);
		const cancelled = await failureOf(authStepsFor(profileFor('keyvault-key', vaultUrl, 'id_rsa_pem_enc'), {readSecret})({prompter: new AnsweringPrompter()}));
		expect(cancelled.message).toBe(`Connection cancelled: the key in the secret id_rsa_pem_enc in Key Vault ${VAULT} needs its passphrase.`);
	});

	test('a 403 (RBAC) names the Key Vault Secrets User role, the vault and the refused action', async () => {
		const lift = env.keyVault.forbid({vault: VAULT, operation: 'get'});
		try {
			const error = await failureOf(authStepsFor(profileFor('keyvault-key', vaultUrl, 'id_ed25519'), {readSecret})({prompter: new AnsweringPrompter()}));
			expect(error).toBeInstanceOf(KeyVaultError);
			expect((error as KeyVaultError).problem).toMatchObject({kind: 'forbidden', status: 403, role: 'Key Vault Secrets User', action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'});
			expect(error.message).toBe(
				`You need the Key Vault Secrets User role on key vault '${VAULT}' to read its secrets: Azure refused 'Microsoft.KeyVault/vaults/secrets/getSecret/action'. Ask an owner of the vault to assign it (or type the secret name by hand).`,
			);
		} finally {
			lift();
		}
	});

	test('a 403 from an access-policy vault names the Get secret permission', async () => {
		env.keyVault.addVault({name: 'kv-legacy-get', subscriptionId: DEMO_VAULT_SUBSCRIPTION, resourceGroup: 'rg-old', permissionModel: 'access-policy', secrets: {pw: 'x-y-z-w'}});
		const lift = env.keyVault.forbid({vault: 'kv-legacy-get', operation: 'get'});
		try {
			const error = await failureOf(clients.getSecret(env.keyVault.vaultUrl('kv-legacy-get'), 'pw'));
			expect((error as KeyVaultError).problem).toMatchObject({kind: 'forbidden', code: 'AccessDenied'});
			expect(error.message).toMatch(/^Key vault 'kv-legacy-get' uses access policies, and yours lacks the Get secret permission\./);
		} finally {
			lift();
			env.keyVault.vaults.delete('kv-legacy-get');
		}
	});

	test('a 404 names the missing secret and the vault', async () => {
		const error = await failureOf(authStepsFor(profileFor('keyvault-password', vaultUrl, 'no-such-secret'), {readSecret})({prompter: new AnsweringPrompter()}));
		expect((error as KeyVaultError).problem).toMatchObject({kind: 'not-found', status: 404});
		expect(error.message).toBe(`Key vault '${VAULT}' has no secret named 'no-such-secret'. Check the name, or pick it from the list.`);
	});

	test('a disabled secret is refused with a sentence saying how to enable it', async () => {
		const version = env.keyVault.vaults.get(VAULT)!.secrets.get('password')!.at(-1)!;
		version.enabled = false;
		try {
			const error = await failureOf(authStepsFor(profileFor('keyvault-password', vaultUrl, 'password'), {readSecret})({prompter: new AnsweringPrompter()}));
			expect((error as KeyVaultError).problem).toMatchObject({kind: 'forbidden', code: 'SecretDisabled'});
			expect(error.message).toBe(
				`The secret 'password' in key vault '${VAULT}' is disabled, so Key Vault will not return its value. Ask an owner of the vault to enable it (az keyvault secret set-attributes --vault-name ${VAULT} --name password --enabled true), or point the profile at another secret.`,
			);
			expect(error.message).not.toContain(LAB_PASSWORD);
		} finally {
			version.enabled = true;
		}
	});

	test('an unreachable vault is a network sentence naming the vault', async () => {
		const closed = 'https://kv-gone.vault.localhost:1';
		const error = await failureOf(clients.getSecret(closed, 'pw'));
		expect((error as KeyVaultError).problem.kind).toBe('network');
		expect(error.message).toBe(`Key vault 'kv-gone' (${closed}) could not be reached (ECONNREFUSED) while reading secret 'pw' from key vault 'kv-gone'. Check the network, VPN or proxy, then connect again.`);
	});

	test('without an Azure sign-in (no readSecret) the error says Key Vault needs one and what to do', async () => {
		const key = await failureOf(authStepsFor(profileFor('keyvault-key', vaultUrl, 'id_ed25519'))({prompter: new AnsweringPrompter()}));
		expect(key.message).toBe(
			`This profile reads its SSH private key from the secret id_ed25519 in Key Vault ${VAULT}, and Key Vault needs an Azure sign-in: vmux is not signed in to Azure. Run \`az login\` (or sign in with a device code) and connect again, or edit the profile (e) to use a key file.`,
		);
		const password = await failureOf(authStepsFor(profileFor('keyvault-password', vaultUrl, 'password'))({prompter: new AnsweringPrompter()}));
		expect(password.message).toMatch(/^This profile reads its password from the secret password in Key Vault kv-vmux-auth, and Key Vault needs an Azure sign-in: .* to use a typed password\.$/);
	});

	test('secrets that are not what the profile needs: sentences naming secret, vault and what was found, never the value', async () => {
		const prompter = new AnsweringPrompter();
		const cases: Array<[type: 'keyvault-key' | 'keyvault-password', secret: string, message: string | RegExp]> = [
			[
				'keyvault-key',
				'not-a-key',
				`The secret not-a-key in Key Vault ${VAULT} holds a single short line of text, not an SSH private key: it looks like a password. If it is one, edit the profile (e) and choose "Password from Azure Key Vault"; otherwise store the private key file itself: az keyvault secret set --vault-name ${VAULT} --name not-a-key --file ~/.ssh/id_rsa`,
			],
			['keyvault-key', 'public-key', /^The secret public-key in Key Vault kv-vmux-auth holds a public key \(it starts with its key type, like ssh-rsa AAAA…\), not the private key\. Store the private key file itself/],
			['keyvault-key', 'cut-off-key', /^The secret cut-off-key in Key Vault kv-vmux-auth holds a private key that is cut off: it has no -----END OPENSSH PRIVATE KEY----- line\./],
			['keyvault-key', 'empty-password', /^The secret empty-password in Key Vault kv-vmux-auth is empty\./],
			['keyvault-password', 'key-in-password', `The secret key-in-password in Key Vault ${VAULT} holds a private key, not a password. Edit the profile (e) and choose "SSH Private Key from Azure Key Vault" for it.`],
			['keyvault-password', 'empty-password', /^The secret empty-password in Key Vault kv-vmux-auth is empty\./],
		];
		const keyLines = readKey('id_ed25519').split('\n').filter(line => line && !line.startsWith('-----'));
		for (const [type, secret, message] of cases) {
			const error = await failureOf(authStepsFor(profileFor(type, vaultUrl, secret), {readSecret})({prompter}));
			if (typeof message === 'string') expect(error.message).toBe(message);
			else expect(error.message).toMatch(message);
			expect(error.message).not.toContain(DISTINCTIVE);
			for (const line of keyLines) expect(error.message).not.toContain(line);
		}
		expect(prompter.asked).toEqual([]);
	});

	test('an error that quotes the secret value is scrubbed before it leaves', async () => {
		const key = readKey('id_ed25519_enc');
		const keyLines = key.split('\n').filter(line => line && !line.startsWith('-----'));
		const error = await failureOf(
			authStepsFor(profileFor('keyvault-key', vaultUrl, 'x'), {readSecret: async () => key})({
				prompter: {
					confirmUnknownHostKey: async () => 'reject',
					// Simulates a careless message from below that echoes what it was handed.
					askSecret: async () => {
						throw new Error(`prompt failed while holding ${key} and ${DISTINCTIVE}`);
					},
				},
			}),
		);
		expect(error.message).toContain('prompt failed while holding');
		for (const line of keyLines) expect(error.message).not.toContain(line);
	});
});

test('Key Vault\'s own 403 for a disabled secret (innererror SecretDisabled) reads as disabled, not as a missing role', async () => {
	const {describeKeyVaultError} = await import('../../../source/core/azure/keyvault.js');
	const error = Object.assign(new Error('Operation get is not allowed on a disabled secret.'), {
		name: 'RestError',
		statusCode: 403,
		code: 'Forbidden',
		details: {error: {code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innererror: {code: 'SecretDisabled'}}},
	});
	const problem = describeKeyVaultError(error, {vaultUrl: 'https://kv-web.vault.azure.net', operation: 'get', secretName: 'web-key'});
	expect(problem).toMatchObject({kind: 'forbidden', status: 403, code: 'SecretDisabled'});
	expect(problem.role).toBeUndefined();
	expect(problem.message).toMatch(/^The secret 'web-key' in key vault 'kv-web' is disabled/);
});
