import type {VmRecord} from '../../../core/inventory/model.js';
import {displayText} from '../../../core/text/display-text.js';

export interface Column {
	key: string;
	title: string;
	/** Minimum width; the name column takes what is left. */
	width: number;
	value(vm: VmRecord, hasProfile: boolean): string;
}

/**
 * The address a connection to the VM dials by default, so the list, the host-key dialog and the prompt
 * agree: through its Bastion, the private IP; without one, the public IP when it has one (a direct
 * connection, core/session/connect-plan), else the private IP.
 */
export function listedAddress(vm: VmRecord): string | undefined {
	return vm.bastion ? (vm.privateIp ?? vm.publicIp) : (vm.publicIp ?? vm.privateIp);
}

export const COLUMNS: Column[] = [
	// Windows is named: SSH to it needs the OpenSSH Server, and Entra ID login is Linux-only.
	{key: 'name', title: 'NAME', width: 14, value: vm => (vm.osType === 'Windows' ? `${vm.name} · Windows` : vm.name)},
	{key: 'state', title: 'STATE', width: 13, value: vm => (vm.powerState === 'unknown' ? '—' : vm.powerState)},
	{key: 'rg', title: 'RESOURCE GROUP', width: 15, value: vm => vm.resourceGroup},
	{key: 'sub', title: 'SUBSCRIPTION', width: 14, value: vm => vm.subscriptionName},
	{key: 'ip', title: 'IP', width: 15, value: vm => listedAddress(vm) ?? ''},
	{key: 'bastion', title: 'BASTION', width: 24, value: bastionCell},
	{key: 'profile', title: 'PROFILE', width: 7, value: (_vm, hasProfile) => (hasProfile ? '✓' : '')},
];

/**
 * The Bastion vmux connects through, with how many others could (the profile editor picks among them) and `⇄` when
 * it sits in a peered VNet; a Bastion that serves only a secondary NIC says it reaches the VM by IP alone.
 */
export function bastionCell(vm: VmRecord): string {
	if (vm.bastion) {
		const others = (vm.bastionChoices?.length ?? 1) - 1;
		return `${vm.bastion.name} · ${vm.bastion.sku}${vm.bastion.via === 'peered-vnet' ? ' ⇄' : ''}${others > 0 ? ` +${others}` : ''}`;
	}
	if (vm.secondaryNicBastion) return `${vm.secondaryNicBastion.bastion.name} · by IP`;
	return vm.publicIp ? 'direct' : '—';
}

/**
 * Fits the columns to the width: drops the least important columns first when narrow, then gives the
 * name column every spare cell.
 */
export function layoutColumns(width: number): Array<Column & {size: number}> {
	const dropOrder = ['profile', 'sub', 'bastion', 'rg', 'ip'];
	let columns = [...COLUMNS];
	const needed = () => columns.reduce((sum, c) => sum + c.width + 1, 2);
	for (const key of dropOrder) {
		if (needed() <= width) break;
		columns = columns.filter(c => c.key !== key);
	}
	const spare = Math.max(0, width - needed());
	return columns.map(c => ({...c, size: c.key === 'name' ? c.width + spare : c.width}));
}

/** One table cell: `text` made safe to draw on one line (names come from Azure and the cache), padded or cut to `size`. */
export function fit(raw: string, size: number): string {
	// The splash writes cells straight to the terminal, so this is where they are made safe for it too.
	const text = displayText(raw);
	if (text.length <= size) return text.padEnd(size);
	return size <= 1 ? text.slice(0, size) : text.slice(0, size - 1) + '…';
}
