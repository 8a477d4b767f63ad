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
	if (!repaired.ok) return {status: 'error', code: 'damaged', message: repaired.error};

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
