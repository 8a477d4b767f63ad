import type {Profile} from '../profiles/schema.js';
import type {AuthStep, Prompter} from '../session/types.js';
import {loadPrivateKeyFile} from './private-key.js';

const PASSPHRASE_TRIES = 3;

/**
 * Builds the auth steps for a profile at connect time, after the host key was accepted: reads the key
 * file (asking for its passphrase, re-asking when wrong), asks for a typed password. Secrets live in the
 * returned steps only (memory, for this connection's reconnects).
 */
export function authStepsFor(profile: Profile, options: {homeDir?: string} = {}): (context: {prompter: Prompter}) => Promise<AuthStep[]> {
	return async ({prompter}) => {
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
				throw new Error(
					`This profile reads its ${auth.type === 'keyvault-key' ? 'key' : 'password'} from Key Vault (${auth.secretName} in ${auth.vaultUrl}); ` +
						`Key Vault credentials are not in this build yet. Edit the profile (e) to use a key file or a typed password.`,
				);
			case 'entra':
				throw new Error('Microsoft Entra ID login is not in this build yet. Edit the profile (e) to use a key file or a password.');
		}
	};
}
