import {EventEmitter} from 'node:events';
import {hostRow} from '../inventory/host-rows.js';
import type {InventoryController, InventoryView} from '../inventory/inventory-controller.js';
import type {VmRecord} from '../inventory/model.js';
import type {ProfileStore} from '../profiles/store.js';

/** The list the browser shows, and when it changes. */
export interface BrowserRows {
	current(): InventoryView;
	refresh(): void;
	on(event: 'change', listener: () => void): unknown;
	off(event: 'change', listener: () => void): unknown;
	/** Call after a profile is saved or deleted: plain-host rows change without a refresh. */
	profilesChanged(): void;
}

/**
 * Profiles for plain hosts (not Azure VMs) are rows of the browser too, after the inventory's VMs. The rows change
 * when the inventory does and when a profile is saved or deleted (no refresh needed). The combined list is rebuilt
 * only when the inventory or the profiles change (the store replaces `all` on every change), so the filter's index,
 * keyed on the list's identity, survives keystrokes.
 */
export function browserRows(inventory: InventoryController, store: ProfileStore): BrowserRows {
	const rowsChanged = new EventEmitter<{change: []}>();
	inventory.on('change', () => rowsChanged.emit('change'));
	let hostRows: {profiles: typeof store.all; rows: VmRecord[]} | undefined;
	let combined: {inventoryVms: readonly VmRecord[]; hostRows: VmRecord[]; vms: VmRecord[]} | undefined;
	return {
		current: () => {
			if (hostRows?.profiles !== store.all) {
				hostRows = {profiles: store.all, rows: store.all.flatMap(p => (p.target.kind === 'host' ? [hostRow(p, p.target.host)] : []))};
			}
			const view = inventory.current(hostRows.rows);
			const inventoryVms = inventory.current().vms;
			if (combined?.inventoryVms !== inventoryVms || combined.hostRows !== hostRows.rows) combined = {inventoryVms, hostRows: hostRows.rows, vms: view.vms};
			return {...view, vms: combined.vms};
		},
		refresh: () => inventory.refresh(),
		on: (event, listener) => rowsChanged.on(event, listener),
		off: (event, listener) => rowsChanged.off(event, listener),
		profilesChanged: () => rowsChanged.emit('change'),
	};
}
