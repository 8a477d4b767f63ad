import {placeholder, shellCommand} from '../text/shell-command.js';

/**
 * What a VM needs before its sshd accepts Microsoft Entra ID certificates (contracts §4.6), and the Azure CLI
 * commands that give it each thing. Without any one of them the server answers "Permission denied (publickey)"
 * and nothing more, so vmux names all three wherever that answer, or the doctor, meets an Entra profile.
 */

/** The VM extension that validates Entra ID certificates on the VM. */
export const ENTRA_EXTENSION = 'AADSSHLoginForLinux';
export const ENTRA_EXTENSION_PUBLISHER = 'Microsoft.Azure.ActiveDirectory';
/** The roles that let a user log in; the first grants sudo as well. */
export const ENTRA_ADMIN_ROLE = 'Virtual Machine Administrator Login';
export const ENTRA_USER_ROLE = 'Virtual Machine User Login';
export const ENTRA_LOGIN_ROLES = `${ENTRA_ADMIN_ROLE} or ${ENTRA_USER_ROLE}`;

/** The VM as far as it is known; a profile that names a host only leaves the rest to the user. */
export interface EntraVm {
	/** What the user calls it: the VM name, or the host a profile names. */
	label: string;
	/** The VM's name in Azure, when known. */
	name?: string;
	resourceGroup?: string;
	/** The VM's resource id, the scope of the role assignment. */
	id?: string;
}

const group = (vm: EntraVm) => vm.resourceGroup ?? placeholder('<resource group>');
const vmName = (vm: EntraVm) => vm.name ?? placeholder('<VM name>');

export function entraExtensionCommand(vm: EntraVm): string {
	return shellCommand('az', 'vm', 'extension', 'set', '--publisher', ENTRA_EXTENSION_PUBLISHER, '--name', ENTRA_EXTENSION, '-g', group(vm), '--vm-name', vmName(vm));
}

export function entraIdentityCommand(vm: EntraVm): string {
	return shellCommand('az', 'vm', 'identity', 'assign', '-g', group(vm), '-n', vmName(vm));
}

/** The role assignment for `assignee` (a UPN or object id) on the VM; without a resource id, `az vm show` finds it. */
export function entraRoleCommand(vm: EntraVm, assignee: string | undefined, role: string = ENTRA_ADMIN_ROLE): string {
	// Without the id, the shell asks az for it: the substitution itself must stay unquoted.
	const scope = vm.id ?? placeholder(`"$(${shellCommand('az', 'vm', 'show', '-g', group(vm), '-n', vmName(vm), '--query', 'id', '-o', 'tsv')})"`);
	return shellCommand('az', 'role', 'assignment', 'create', '--role', role, '--assignee', assignee || placeholder('<your sign-in name>'), '--scope', scope);
}

/**
 * The sentence for an Entra ID certificate the VM refused: the three things it needs, each with its command.
 * `principal` is who the certificate names (the Entra user), when known.
 */
export function describeEntraRefusal(vm: EntraVm, principal?: string): string {
	const who = principal ? ` for ${principal}` : '';
	return (
		`${vm.label} refused the Microsoft Entra ID certificate${who} (Permission denied (publickey)). ` +
		`A VM accepts Entra ID logins only with all three of: ` +
		`the ${ENTRA_EXTENSION} extension (${entraExtensionCommand(vm)}); ` +
		`a system-assigned managed identity (${entraIdentityCommand(vm)}); ` +
		`and for you the role ${ENTRA_LOGIN_ROLES} on the VM (${entraRoleCommand(vm, principal)}, or "${ENTRA_USER_ROLE}" for a login without sudo). ` +
		`${vm.name ? `vmux doctor ${vm.name}` : 'vmux doctor <VM name>'} checks the extension and the identity; a role assignment can take a few minutes to apply.`
	);
}
