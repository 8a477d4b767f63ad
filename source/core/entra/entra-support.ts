import type {Profile} from '../profiles/schema.js';

/**
 * Whether a Microsoft Entra ID login can work for this profile and VM, as one answer for the doctor, the connect plan
 * and the profile editor, so the doctor never passes what connecting then refuses. (The SKU's rule against Entra over
 * an IP-based Bastion connection lives with the other SKU rules, core/profiles/sku.ts, which all three also ask.)
 */
export interface EntraVmFacts {
	name: string;
	osType?: 'Linux' | 'Windows' | undefined;
}

/** Why an Entra ID login cannot work here, or undefined when nothing known rules it out. */
export function entraLoginRefusal(profile: Pick<Profile, 'auth'>, vm: EntraVmFacts | undefined): string | undefined {
	if (profile.auth.type !== 'entra') return undefined;
	if (vm?.osType === 'Windows') {
		return `${vm.name} runs Windows, and Microsoft Entra ID SSH login (the AADSSHLoginForLinux extension) works on Linux VMs only. Edit the profile (e) to log in with a password or an SSH key; SSH to Windows also needs the OpenSSH Server on the VM.`;
	}
	return undefined;
}

/** What SSH to a Windows VM needs, for the doctor and the browser's notes. */
export const WINDOWS_SSH_NOTE =
	'SSH to a Windows VM needs the OpenSSH Server installed and running on it (Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0, then Start-Service sshd); Microsoft Entra ID SSH login is Linux-only, so log in with a password or a key.';
