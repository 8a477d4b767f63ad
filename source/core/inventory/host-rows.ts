import type {Profile} from '../profiles/schema.js';
import type {VmRecord} from './model.js';

/** Saved profiles for plain hosts (not Azure VMs) are rows of the browser too; their ids start with this. */
export const HOST_ROW_PREFIX = 'profile:';

export function isHostRow(vm: VmRecord): boolean {
	return vm.id.startsWith(HOST_ROW_PREFIX);
}

/**
 * "7 VMs", "1 VM · 2 saved hosts": how many rows the browser lists, said the same way by the status line
 * and the list's footer (both count from this), so they never disagree.
 */
export function describeRowCount(rows: readonly VmRecord[]): string {
	const hosts = rows.filter(isHostRow).length;
	const vms = rows.length - hosts;
	const vmText = `${vms} VM${vms === 1 ? '' : 's'}`;
	return hosts === 0 ? vmText : `${vmText} · ${hosts} saved host${hosts === 1 ? '' : 's'}`;
}

/** The browser's row for a saved plain-host profile: no subscription, no resource group, the host as its address. */
export function hostRow(profile: Profile, host: string): VmRecord {
	return {
		id: HOST_ROW_PREFIX + profile.name,
		name: profile.name,
		subscriptionId: '',
		subscriptionName: '',
		resourceGroup: '',
		location: '',
		powerState: 'unknown',
		privateIp: host,
		tags: {},
	};
}

/** The profile a plain-host row stands for; undefined for an Azure VM. */
export function hostProfileName(vm: VmRecord): string | undefined {
	return isHostRow(vm) ? vm.id.slice(HOST_ROW_PREFIX.length) : undefined;
}
