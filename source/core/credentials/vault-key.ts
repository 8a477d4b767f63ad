import {repairKey} from './key-repair.js';
import {type PrivateKeyResult, parsePrivateKey} from './private-key.js';

/**
 * A private key read from a Key Vault secret (DESIGN §5 "SSH private key from Azure Key Vault"): repaired if
 * the portal mangled it, then parsed like a file. Errors name the secret and how to store it properly,
 * since "choose another file" means nothing here.
 */

export interface SecretKeyOptions {
	vault: string;
	secret: string;
	passphrase?: string;
}

export function keyFromSecret(value: string, options: SecretKeyOptions): PrivateKeyResult {
	const {vault, secret} = options;
	const repaired = repairKey(value, {vault, secret});
	if (!repaired.ok) {
		if (looksLikePassword(value)) {
			return {
				status: 'error',
				code: 'damaged',
				message:
					`The secret ${secret} in Key Vault ${vault} holds a single short line of text, not an SSH private key: it looks like a password. ` +
					`If it is one, edit the profile (e) and choose "Password from Azure Key Vault"; otherwise store the private key file itself: ` +
					`az keyvault secret set --vault-name ${vault} --name ${secret} --file ~/.ssh/id_rsa`,
			};
		}
		return {status: 'error', code: 'damaged', message: repaired.error};
	}

	const result = parsePrivateKey(repaired.key, {
		source: `the secret ${secret} in Key Vault ${vault}`,
		passphrase: options.passphrase,
		fix: `Store the private key file itself: az keyvault secret set --vault-name ${vault} --name ${secret} --file ~/.ssh/id_rsa`,
	});
	if (result.status === 'ok' && repaired.repaired) {
		result.key.warnings.push(
			`The secret ${secret} in Key Vault ${vault} holds a damaged key; vmux repaired it in memory (${lowerFirst(repaired.how)}). ` +
				`Store it again with: az keyvault secret set --vault-name ${vault} --name ${secret} --file ~/.ssh/id_rsa`,
		);
	}
	return result;
}

/** "Restored line breaks." -> "restored line breaks", to sit inside a sentence. */
function lowerFirst(text = ''): string {
	return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}

/**
 * A password read from a Key Vault secret (DESIGN §5 "Password from Azure Key Vault"), or a sentence saying why
 * the secret is not one. Connecting and the doctor read secrets the same way.
 */
export function passwordFromSecret(value: string, options: {vault: string; secret: string}): string {
	const {vault, secret} = options;
	// `az keyvault secret set --file pw.txt` keeps the file's final newline; no password ends in one.
	const password = value.replace(/\r?\n$/, '');
	if (password === '') {
		throw new Error(`The secret ${secret} in Key Vault ${vault} is empty. Store the password in it (az keyvault secret set --vault-name ${vault} --name ${secret} --value …), or point the profile at another secret.`);
	}
	if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(password)) {
		throw new Error(`The secret ${secret} in Key Vault ${vault} holds a private key, not a password. Edit the profile (e) and choose "SSH Private Key from Azure Key Vault" for it.`);
	}
	return password;
}

/** The vault's name as people know it: the first DNS label of its URL (`https://kv-web.vault.azure.net` -> kv-web). */
export function vaultNameOf(vaultUrl: string): string {
	try {
		return new URL(vaultUrl).hostname.split('.')[0] || vaultUrl;
	} catch {
		return vaultUrl;
	}
}

/** One line, no key markers, not base64 of a key: what a password stored in the wrong kind of profile looks like. */
function looksLikePassword(value: string): boolean {
	const text = value.trim();
	return text !== '' && text.length <= 128 && !/\s/.test(text) && !text.includes('-----');
}
