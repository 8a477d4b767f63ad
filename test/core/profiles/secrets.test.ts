/**
 * DESIGN §5 / issue 4: no password, passphrase, key material or secret value is ever written under the
 * config dir. The schema has no secret fields; this proves it on disk with one profile of every auth type.
 * Later credential work (connecting with each type) extends this test.
 */
import {copyFileSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {labUserKeyPath} from '../../helpers/lab-credentials.js';
import {AUTH_TYPES, type ProfileInput} from '../../../source/core/profiles/schema.js';
import {ProfileStore, ProfileStoreError} from '../../../source/core/profiles/store.js';
import {profile, SUB, tempDir} from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({dir, cleanup} = tempDir('vmux-secrets-')));
afterEach(() => cleanup());

function filesUnder(root: string): string[] {
	return readdirSync(root).flatMap(name => {
		const path = join(root, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

it('stores a profile of every auth type and no secret anywhere under the config dir', () => {
	const configDir = join(dir, 'config');
	const keyPath = join(dir, 'id_ed25519');
	const encryptedKeyPath = join(dir, 'id_ed25519_encrypted');
	copyFileSync(labUserKeyPath('demo_ed25519'), keyPath);
	copyFileSync(labUserKeyPath('demo_ed25519_encrypted'), encryptedKeyPath);

	const secrets = {
		password: 'Tr0ub4dor&3-typed-at-connect',
		passphrase: 'correct horse battery staple',
		vaultPassword: 'kv-password-value-9f8e7d',
		vaultKey: readFileSync(keyPath, 'utf8'),
	};
	const keyMaterial = [keyPath, encryptedKeyPath].flatMap(path =>
		readFileSync(path, 'utf8')
			.split('\n')
			.filter(line => line.length >= 16 && !line.startsWith('-----')),
	);

	const store = new ProfileStore({configDir});
	const auths: Record<(typeof AUTH_TYPES)[number], ProfileInput['auth']> = {
		entra: {type: 'entra'},
		password: {type: 'password'},
		'keyvault-password': {type: 'keyvault-password', vaultUrl: 'https://kv-dev.vault.azure.net', secretName: 'dev-01-password', subscriptionId: SUB},
		'key-file': {type: 'key-file', path: encryptedKeyPath},
		'keyvault-key': {type: 'keyvault-key', vaultUrl: 'https://kv-dev.vault.azure.net', secretName: 'web-01-key'},
		agent: {type: 'agent'},
	};
	for (const type of AUTH_TYPES) {
		store.save(profile({name: `vm-${type}`, auth: auths[type], username: type === 'entra' ? undefined : 'azureuser'}));
	}
	expect(store.list().map(p => p.auth.type)).toEqual([...AUTH_TYPES]);

	// Every way of smuggling a secret into a profile is refused, and says why.
	const attempts: Array<[string, Record<string, string>]> = [
		['password', {type: 'password', password: secrets.password}],
		['key-file', {type: 'key-file', path: keyPath, passphrase: secrets.passphrase}],
		['key-file', {type: 'key-file', path: keyPath, privateKey: secrets.vaultKey}],
		['keyvault-password', {type: 'keyvault-password', vaultUrl: 'https://kv-dev.vault.azure.net', secretName: 'x', value: secrets.vaultPassword}],
		['keyvault-key', {type: 'keyvault-key', vaultUrl: 'https://kv-dev.vault.azure.net', secretName: 'x', secretValue: secrets.vaultKey}],
	];
	for (const [type, auth] of attempts) {
		let refused: unknown;
		try {
			store.save({...profile({name: `smuggle-${type}`}), auth});
		} catch (error) {
			refused = error;
		}
		expect(refused).toBeInstanceOf(ProfileStoreError);
		expect((refused as Error).message).toMatch(/looks like a secret, and profiles never store secrets/);
		expect((refused as Error).message).not.toContain(Object.values(auth).at(-1));
	}

	const files = filesUnder(configDir);
	expect(files.map(path => path.slice(configDir.length + 1))).toEqual(['profiles.json']);
	for (const file of files) {
		const text = readFileSync(file, 'utf8');
		for (const value of [secrets.password, secrets.passphrase, secrets.vaultPassword, ...keyMaterial]) {
			expect(text.includes(value), `${file} must not contain ${value.slice(0, 12)}…`).toBe(false);
		}
		expect(text).not.toMatch(/PRIVATE KEY|"(password|passphrase|privateKey|secretValue|value)"\s*:/);
	}
});
