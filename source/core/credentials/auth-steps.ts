import type {KeyVaultAuth, Profile} from '../profiles/schema.js';
import type {AuthStep, Prompter} from '../session/types.js';
import {loadPrivateKeyFile, type PrivateKeyResult} from './private-key.js';
import {redact} from './redact.js';
import {keyFromSecret} from './vault-key.js';

const PASSPHRASE_TRIES = 3;

/**
 * Reads a Key Vault secret's value (the app wires it to `KeyVaultClients.getSecret`). Rejects with an error
 * whose message is a sentence for the user; the value is returned, never logged or stored.
 */
export type ReadSecret = (vaultUrl: string, secretName: string, signal?: AbortSignal) => Promise<string>;

export interface AuthStepsOptions {
	/** For `~` in key file paths; defaults to the OS home. */
	homeDir?: string;
	/** How Key Vault secrets are read; absent when vmux is not signed in to Azure. */
	readSecret?: ReadSecret;
}

/**
 * Builds the auth steps for a profile at connect time, after the host key was accepted: reads the key
 * file or the Key Vault secret (asking for a key's passphrase, re-asking when wrong), asks for a typed
 * password. Secrets live in the returned steps only (memory, for this connection's reconnects).
 */
export function authStepsFor(profile: Profile, options: AuthStepsOptions = {}): (context: {prompter: Prompter; signal?: AbortSignal}) => Promise<AuthStep[]> {
	return async ({prompter, signal}) => {
		const auth = profile.auth;
		const who = `${profile.username ?? ''}@${profile.target.kind === 'host' ? profile.target.host : profile.target.vmName}`;
		switch (auth.type) {
			case 'password': {
				const password = await prompter.askSecret({title: `Password for ${who}`, prompt: 'Password:'});
				if (password === undefined) throw new Error('Connection cancelled: no password was entered.');
				return [{type: 'password', password, label: 'password'}];
			}
			case 'key-file': {
				let result = await loadPrivateKeyFile(auth.path, {homeDir: options.homeDir});
				for (let tries = 0; result.status === 'needs-passphrase' || (result.status === 'error' && result.code === 'wrong-passphrase'); tries++) {
					if (tries >= PASSPHRASE_TRIES) throw new Error(`${result.message} Gave up after ${PASSPHRASE_TRIES} tries.`);
					const passphrase = await prompter.askSecret({
						title: tries === 0 ? `Passphrase for ${auth.path}` : `Wrong passphrase for ${auth.path}; try again`,
						prompt: 'Passphrase:',
					});
					if (passphrase === undefined) throw new Error(`Connection cancelled: the key ${auth.path} needs its passphrase.`);
					result = await loadPrivateKeyFile(auth.path, {homeDir: options.homeDir, passphrase});
				}
				if (result.status === 'error') throw new Error(result.message);
				const {key} = result;
				return [{type: 'publickey', key: key.privateKey, passphrase: key.passphrase, label: `publickey (${key.source})`}];
			}
			case 'keyvault-key':
			case 'keyvault-password':
				return keyVaultSteps(auth, options.readSecret, prompter, signal);
			case 'entra':
				throw new Error('Microsoft Entra ID login is not in this build yet. Edit the profile (e) to use a key file or a password.');
		}
	};
}

/** The vault's name as people know it: the first DNS label of its URL (`https://kv-web.vault.azure.net` -> kv-web). */
function vaultNameOf(vaultUrl: string): string {
	try {
		return new URL(vaultUrl).hostname.split('.')[0] || vaultUrl;
	} catch {
		return vaultUrl;
	}
}

async function keyVaultSteps(auth: KeyVaultAuth, readSecret: ReadSecret | undefined, prompter: Prompter, signal?: AbortSignal): Promise<AuthStep[]> {
	const vault = vaultNameOf(auth.vaultUrl);
	const secret = auth.secretName;
	const what = auth.type === 'keyvault-key' ? 'SSH private key' : 'password';
	if (!readSecret) {
		throw new Error(
			`This profile reads its ${what} from the secret ${secret} in Key Vault ${vault}, and Key Vault needs an Azure sign-in: vmux is not signed in to Azure. ` +
				`Run \`az login\` (or sign in with a device code) and connect again, or edit the profile (e) to use a ${auth.type === 'keyvault-key' ? 'key file' : 'typed password'}.`,
		);
	}
	let value: string | undefined;
	try {
		// The connect attempt's signal: closing the pane or Ctrl-b r stops a slow Key Vault read.
		value = await readSecret(auth.vaultUrl, secret, signal);
		return auth.type === 'keyvault-password' ? passwordFromSecret(value, vault, secret) : await keyStepsFromSecret(value, vault, secret, prompter);
	} catch (error) {
		// No message leaves here with the secret's value in it, whatever produced the message.
		if (value && error instanceof Error && messageLeaks(error.message, value)) {
			throw new Error(redact(error.message, {secrets: [value, ...value.split(/\s+/).filter(part => part.length >= 16)]}));
		}
		throw error;
	} finally {
		value = undefined;
	}
}

function messageLeaks(message: string, value: string): boolean {
	if (message.includes(value)) return true;
	return value.split(/\s+/).some(part => part.length >= 16 && message.includes(part));
}

function passwordFromSecret(value: string, vault: string, secret: string): AuthStep[] {
	// `az keyvault secret set --file pw.txt` keeps the file's final newline; no password ends in one.
	const password = value.replace(/\r?\n$/, '');
	if (password === '') {
		throw new Error(`The secret ${secret} in Key Vault ${vault} is empty. Store the password in it (az keyvault secret set --vault-name ${vault} --name ${secret} --value …), or point the profile at another secret.`);
	}
	if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(password)) {
		throw new Error(
			`The secret ${secret} in Key Vault ${vault} holds a private key, not a password. Edit the profile (e) and choose "SSH Private Key from Azure Key Vault" for it.`,
		);
	}
	return [{type: 'password', password, label: `password (the secret ${secret} in Key Vault ${vault})`}];
}

async function keyStepsFromSecret(value: string, vault: string, secret: string, prompter: Prompter): Promise<AuthStep[]> {
	let result: PrivateKeyResult = keyFromSecret(value, {vault, secret});
	for (let tries = 0; result.status === 'needs-passphrase' || (result.status === 'error' && result.code === 'wrong-passphrase'); tries++) {
		if (tries >= PASSPHRASE_TRIES) throw new Error(`${result.message} Gave up after ${PASSPHRASE_TRIES} tries.`);
		const passphrase = await prompter.askSecret({
			title: tries === 0 ? `Passphrase for the key in secret ${secret} (Key Vault ${vault})` : `Wrong passphrase for the key in secret ${secret} (Key Vault ${vault}); try again`,
			prompt: 'Passphrase:',
		});
		if (passphrase === undefined) throw new Error(`Connection cancelled: the key in the secret ${secret} in Key Vault ${vault} needs its passphrase.`);
		result = keyFromSecret(value, {vault, secret, passphrase});
	}
	if (result.status === 'error') {
		if (result.code === 'damaged' && looksLikePassword(value)) {
			throw new Error(
				`The secret ${secret} in Key Vault ${vault} holds a single short line of text, not an SSH private key: it looks like a password. ` +
					`If it is one, edit the profile (e) and choose "Password from Azure Key Vault"; otherwise store the private key file itself: ` +
					`az keyvault secret set --vault-name ${vault} --name ${secret} --file ~/.ssh/id_rsa`,
			);
		}
		throw new Error(result.message);
	}
	const {key} = result;
	return [{type: 'publickey', key: key.privateKey, passphrase: key.passphrase, label: `publickey (${key.source})`}];
}

/** One line, no key markers, not base64 of a key: what a password stored in the wrong kind of profile looks like. */
function looksLikePassword(value: string): boolean {
	const text = value.trim();
	return text !== '' && text.length <= 128 && !/\s/.test(text) && !text.includes('-----');
}
