import {entraLoginRefusal} from '../entra/entra-support.js';
import type {ReadSecret} from '../credentials/auth-steps.js';
import {loadPrivateKeyFile} from '../credentials/private-key.js';
import {agentHoldsKeyFile, agentSocketFromEnv, listAgentKeys} from '../credentials/ssh-agent.js';
import {keyFromSecret, passwordFromSecret, vaultNameOf} from '../credentials/vault-key.js';
import {ENTRA_EXTENSION, ENTRA_LOGIN_ROLES, entraExtensionCommand, entraIdentityCommand, entraRoleCommand, type EntraVm} from '../entra/vm-requirements.js';
import {listVmExtensions} from '../inventory/azure-source.js';
import type {Profile} from '../profiles/schema.js';
import {failedFrom, problemOf, type DoctorContext} from './context.js';
import {check, skipped, type DoctorCheck} from './types.js';
import {osTypeOf, type FoundVm} from './vm.js';

/** The VM extension that lets Entra ID certificates sign in (contracts §4.6). */
export {ENTRA_EXTENSION} from '../entra/vm-requirements.js';

export interface AuthCheckInput {
	profile?: Profile;
	/** Undefined when the VM could not be read; `vmSkipReason` then says why. */
	vm?: FoundVm;
	vmSkipReason: string;
	/** For `~` in key paths (tests point it somewhere else). */
	homeDir?: string;
	/** Reads a Key Vault secret (the same reader connecting uses); without it Key Vault profiles are not checked. */
	readSecret?: ReadSecret;
}

/** Check 8: what the profile's authentication type needs before a connection can sign in. */
export async function checkAuth(ctx: DoctorContext, input: AuthCheckInput): Promise<DoctorCheck> {
	const {profile} = input;
	if (!profile) {
		return skipped('auth', 'There is no saved profile for this VM, so there is no authentication type to check: connect once in vmux to save one, or pass --profile <name>.');
	}
	const auth = profile.auth;
	switch (auth.type) {
		case 'entra': {
			// The connect plan asks the same question: the doctor never passes what connecting refuses.
			const refusal = input.vm ? entraLoginRefusal(profile, {name: input.vm.name, osType: osTypeOf(input.vm)}) : undefined;
			if (refusal) return check('auth', 'fail', refusal, {fix: `Edit profile "${profile.name}" (e on the VM in vmux) to log in with a password or an SSH key.`});
			return input.vm ? checkEntra(ctx, input.vm) : skipped('auth', `Microsoft Entra ID needs the VM's extensions, and ${input.vmSkipReason}`);
		}
		case 'key-file':
			return checkKeyFile(auth.path, profile.name, input.homeDir);
		case 'agent':
			return checkAgent(profile.name);
		case 'password':
			return skipped('auth', 'Password: it is typed when you connect, so there is nothing to check beforehand.');
		case 'keyvault-password':
		case 'keyvault-key':
			if (!input.readSecret) return skipped('auth', 'Key Vault: not checked here, since there is no Key Vault access in this run.');
			return checkKeyVaultSecret(ctx, auth, profile.name, input.readSecret);
	}
}

type KeyVaultAuth = Extract<Profile['auth'], {type: 'keyvault-key' | 'keyvault-password'}>;

/** Reads the secret as connecting would, and says whether it is what the profile needs; the value is never shown. */
async function checkKeyVaultSecret(ctx: DoctorContext, auth: KeyVaultAuth, profileName: string, readSecret: ReadSecret): Promise<DoctorCheck> {
	const vault = vaultNameOf(auth.vaultUrl);
	const where = `the secret ${auth.secretName} in Key Vault ${vault}`;
	const editFix = `Point profile "${profileName}" at the right secret (e on the VM in vmux), or store the value again.`;
	let value: string;
	try {
		value = await readSecret(auth.vaultUrl, auth.secretName, ctx.signal);
	} catch (error) {
		if (ctx.signal?.aborted) throw error;
		return check('auth', 'fail', (error as Error).message, {fix: `Fix access to ${where} as the sentence says, then run the doctor again.`});
	}
	if (auth.type === 'keyvault-password') {
		try {
			passwordFromSecret(value, {vault, secret: auth.secretName});
		} catch (error) {
			return check('auth', 'fail', (error as Error).message, {fix: editFix});
		}
		return check('auth', 'pass', `Key Vault: vmux can read ${where}; the password is read again when you connect and is never stored.`);
	}
	const result = keyFromSecret(value, {vault, secret: auth.secretName});
	if (result.status === 'error') return check('auth', 'fail', result.message, {fix: editFix});
	if (result.status === 'needs-passphrase') return check('auth', 'pass', `Key Vault: ${where} is a private key protected by a passphrase; vmux asks for it when you connect.`);
	const detail = `Key Vault: ${where} holds a usable private key: ${result.key.description.summary}.`;
	if (result.key.warnings.length > 0) return check('auth', 'warn', `${detail} ${result.key.warnings.join(' ')}`, {fix: 'Store the key again as a file: az keyvault secret set --vault-name ' + vault + ' --name ' + auth.secretName + ' --file <key file>'});
	return check('auth', 'pass', detail);
}


async function checkEntra(ctx: DoctorContext, vm: FoundVm): Promise<DoctorCheck> {
	let types: string[];
	try {
		types = await listVmExtensions(ctx.clients, vm.id, ctx.signal);
	} catch (error) {
		return failedFrom(ctx, 'auth', problemOf(ctx, error, `listing the extensions of ${vm.name}`));
	}
	const target: EntraVm = {label: vm.name, name: vm.name, resourceGroup: vm.resourceGroup, id: vm.id};
	const hasExtension = types.some(type => type.toLowerCase() === ENTRA_EXTENSION.toLowerCase());
	// The extension signs in with the VM's system-assigned identity; without one it cannot validate certificates.
	// ARM writes the type as 'SystemAssigned' or 'SystemAssigned, UserAssigned'; 'UserAssigned' alone is not enough.
	const hasIdentity = /SystemAssigned/i.test(vm.model.identity?.type ?? '');
	// Reading role assignments needs Microsoft.Authorization reads and group membership from Graph; vmux does neither.
	const role = `Signing in also needs the role ${ENTRA_LOGIN_ROLES} for you on the VM, which vmux cannot check (az role assignment list --assignee ${ctx.assignee ?? '<your sign-in name>'} --scope ${vm.id} --include-inherited --include-groups shows yours).`;
	if (hasExtension && hasIdentity) {
		return check('auth', 'pass', `Microsoft Entra ID: ${vm.name} has the ${ENTRA_EXTENSION} extension and a system-assigned identity. ${role}`);
	}
	const missing: string[] = [];
	const fixes: string[] = [];
	if (!hasExtension) {
		missing.push(`the ${ENTRA_EXTENSION} extension (Microsoft Entra ID login for Linux)`);
		fixes.push(`install the extension: ${entraExtensionCommand(target)}`);
	}
	if (!hasIdentity) {
		missing.push('a system-assigned managed identity');
		fixes.push(`give the VM a system-assigned identity: ${entraIdentityCommand(target)}`);
	}
	fixes.push(`and hold the role ${ENTRA_LOGIN_ROLES} on it: ${entraRoleCommand(target, ctx.assignee)}`);
	return check(
		'auth',
		'fail',
		`Microsoft Entra ID: ${vm.name} does not have ${missing.join(' or ')}, so it refuses Entra ID certificates ("Permission denied (publickey)").`,
		{fix: capitalise(`${fixes.join('; ')}.`)},
	);
}

/** An `agent` profile: the socket is set and exists, and the agent holds at least one key. */
async function checkAgent(profileName: string): Promise<DoctorCheck> {
	const socket = agentSocketFromEnv();
	if (!socket) return check('auth', 'fail', `Profile "${profileName}" logs in with the ssh-agent, and SSH_AUTH_SOCK is not set in this shell.`, {fix: 'Start an agent (eval "$(ssh-agent)"), add your key (ssh-add), and run vmux from that shell.'});
	try {
		const keys = await listAgentKeys(socket);
		if (keys.length === 0) return check('auth', 'fail', `The ssh-agent at ${socket} holds no keys.`, {fix: 'Add your key: ssh-add ~/.ssh/id_ed25519 (or the key the VM trusts).'});
		return check('auth', 'pass', `The ssh-agent at ${socket} holds ${keys.length} key${keys.length === 1 ? '' : 's'} (${keys.map(key => key.comment || key.type).join(', ')}).`);
	} catch (error) {
		return check('auth', 'fail', (error as Error).message, {fix: 'Start an agent (eval "$(ssh-agent)"), add your key (ssh-add), and run vmux from that shell.'});
	}
}

async function checkKeyFile(path: string, profileName: string, homeDir: string | undefined): Promise<DoctorCheck> {
	const socket = agentSocketFromEnv();
	if (socket && (await agentHoldsKeyFile(socket, path, homeDir))) return check('auth', 'pass', `The ssh-agent at ${socket} holds the key of ${path}: it signs for vmux, with no passphrase to type.`);
	const result = await loadPrivateKeyFile(path, homeDir ? {homeDir} : {});
	const editFix = `Fix the key path in profile "${profileName}" (e on the VM in vmux).`;
	if (result.status === 'error') return check('auth', 'fail', result.message, {fix: editFix});
	if (result.status === 'needs-passphrase') {
		const what = result.publicKey ? ` (${result.publicKey.summary})` : '';
		return check('auth', 'pass', `${result.source} is a private key${what} protected by a passphrase; vmux asks for it when you connect.`);
	}
	const {key} = result;
	const detail = `${key.source} holds a usable private key: ${key.description.summary}.`;
	if (key.warnings.length > 0) {
		const chmod = key.warnings.map(warning => /Run: (chmod .*)$/.exec(warning)?.[1]).find(Boolean);
		return check('auth', 'warn', `${detail} ${key.warnings.join(' ')}`, {fix: chmod ? `Run: ${chmod}` : 'Save a clean copy of the key.'});
	}
	return check('auth', 'pass', detail);
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
