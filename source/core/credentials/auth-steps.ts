import type {EntraLogin} from '../entra/certificates.js';
import type {KeyVaultAuth, Profile} from '../profiles/schema.js';
import type {AuthStep, Prompter} from '../session/types.js';
import {loadPrivateKeyFile, type PrivateKeyResult} from './private-key.js';
import {redact} from './redact.js';
import {agentHoldsKeyFile, agentSocketFromEnv, listAgentKeys} from './ssh-agent.js';
import {keyFromSecret, passwordFromSecret, vaultNameOf} from './vault-key.js';

const PASSPHRASE_TRIES = 3;

/**
 * Reads a Key Vault secret's value (the app wires it to `KeyVaultClients.getSecret`). Rejects with an error
 * whose message is a sentence for the user; the value is returned, never logged or stored.
 */
export type ReadSecret = (vaultUrl: string, secretName: string, signal?: AbortSignal) => Promise<string>;

/**
 * Gets a Microsoft Entra ID SSH certificate for an in-memory key (core/entra/certificates): renewed silently
 * before it expires; a sign-in it needs is shown through `showSignIn`. Rejects with a sentence.
 */
export type EntraLoginSource = (context: {
	showSignIn?: Prompter['showSignIn'];
	signal?: AbortSignal;
	/** The VM's subscription: the certificate is asked of its tenant, as `az ssh vm` asks the subscription's. */
	subscriptionId?: string;
}) => Promise<EntraLogin>;

export interface AuthStepsOptions {
	/** For `~` in key file paths; defaults to the OS home. */
	homeDir?: string;
	/** How Key Vault secrets are read; absent when vmux is not signed in to Azure. */
	readSecret?: ReadSecret;
	/** Where Entra ID certificates come from; absent where none can be had (no Azure sign-in possible). */
	entraLogin?: EntraLoginSource;
	/** The ssh-agent's socket; defaults to SSH_AUTH_SOCK. */
	agentSocket?: string | undefined;
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
				return [{type: 'password', password, label: 'password', typed: true}];
			}
			case 'agent':
				return agentSteps(options.agentSocket ?? agentSocketFromEnv());
			case 'key-file': {
				// The agent signs when it holds this very key: no passphrase to ask (as OpenSSH tries the agent first).
				const socket = options.agentSocket ?? agentSocketFromEnv();
				if (socket && (await agentHoldsKeyFile(socket, auth.path, options.homeDir))) return [{type: 'agent', socket, label: `ssh-agent (holds ${auth.path})`}];
				return unlockKey(passphrase => loadPrivateKeyFile(auth.path, {homeDir: options.homeDir, ...(passphrase === undefined ? {} : {passphrase})}), prompter, {
					what: auth.path,
					cancelled: `Connection cancelled: the key ${auth.path} needs its passphrase.`,
				});
			}
			case 'keyvault-key':
			case 'keyvault-password':
				return keyVaultSteps(auth, options.readSecret, prompter, signal);
			case 'entra':
				return entraSteps(options.entraLogin, prompter, signal, profile.target.kind === 'azure-vm' ? profile.target.subscriptionId : undefined);
		}
	};
}

async function agentSteps(socket: string | undefined): Promise<AuthStep[]> {
	if (!socket) throw new Error('This profile logs in with the ssh-agent, and SSH_AUTH_SOCK is not set: start an agent (eval "$(ssh-agent)"), add your key (ssh-add), and run vmux from that shell.');
	const keys = await listAgentKeys(socket);
	if (keys.length === 0) throw new Error(`The ssh-agent at ${socket} holds no keys: add yours with ssh-add, then connect again.`);
	return [{type: 'agent', socket, label: `ssh-agent (${keys.length} key${keys.length === 1 ? '' : 's'})`}];
}

async function entraSteps(source: EntraLoginSource | undefined, prompter: Prompter, signal: AbortSignal | undefined, subscriptionId: string | undefined): Promise<AuthStep[]> {
	if (!source) {
		throw new Error('This profile logs in with Microsoft Entra ID, which needs an Azure sign-in that this run cannot make. Run `az login` and connect again, or edit the profile (e) to use a key.');
	}
	const login = await source({...(prompter.showSignIn ? {showSignIn: prompter.showSignIn.bind(prompter)} : {}), ...(signal ? {signal} : {}), ...(subscriptionId ? {subscriptionId} : {})});
	const validUntil = login.expiresAt.getTime();
	return [
		{
			type: 'certificate',
			key: login.privateKey,
			certificate: login.certificate,
			username: login.username,
			label: `Microsoft Entra ID certificate for ${login.username}`,
			expiresAt: validUntil,
			login: {user: login.username, validUntil, via: 'Microsoft Entra ID certificate'},
		},
	];
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
		if (auth.type === 'keyvault-password') {
			return [{type: 'password', password: passwordFromSecret(value, {vault, secret}), label: `password (the secret ${secret} in Key Vault ${vault})`}];
		}
		const stored = value;
		return await unlockKey(passphrase => keyFromSecret(stored, {vault, secret, ...(passphrase === undefined ? {} : {passphrase})}), prompter, {
			what: `the key in secret ${secret} (Key Vault ${vault})`,
			cancelled: `Connection cancelled: the key in the secret ${secret} in Key Vault ${vault} needs its passphrase.`,
		});
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

/**
 * Loads a key, asking for its passphrase while it needs one (up to three tries, saying when one was wrong).
 * One loop for key files and Key Vault keys, so both ask and give up the same way.
 */
async function unlockKey(
	load: (passphrase?: string) => PrivateKeyResult | Promise<PrivateKeyResult>,
	prompter: Prompter,
	text: {what: string; cancelled: string},
): Promise<AuthStep[]> {
	let result = await load();
	for (let tries = 0; result.status === 'needs-passphrase' || (result.status === 'error' && result.code === 'wrong-passphrase'); tries++) {
		if (tries >= PASSPHRASE_TRIES) throw new Error(`${result.message} Gave up after ${PASSPHRASE_TRIES} tries.`);
		const passphrase = await prompter.askSecret({
			title: tries === 0 ? `Passphrase for ${text.what}` : `Wrong passphrase for ${text.what}; try again`,
			prompt: 'Passphrase:',
		});
		if (passphrase === undefined) throw new Error(text.cancelled);
		result = await load(passphrase);
	}
	if (result.status === 'error') throw new Error(result.message);
	const {key} = result;
	return [{type: 'publickey', key: key.privateKey, passphrase: key.passphrase, label: `publickey (${key.source})`}];
}
