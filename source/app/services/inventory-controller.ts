import {EventEmitter} from 'node:events';
import type {Inventory} from '../../core/inventory/model.js';
import type {InventoryView} from '../App.js';

export type InventoryLoader = () => Promise<Inventory>;

/**
 * Holds the inventory the browser shows and refreshes it in the background. A failed refresh keeps the
 * list it had and says so: the list never empties because the network did.
 */
export class InventoryController extends EventEmitter<{change: []}> {
	private inventory: Inventory | undefined;
	private status = 'loading…';
	private refreshing = false;

	constructor(
		private readonly load: InventoryLoader,
		private readonly describeSource: string,
	) {
		super();
	}

	current(): InventoryView {
		return {vms: this.inventory?.vms ?? [], status: this.status};
	}

	refresh(): void {
		if (this.refreshing) return;
		this.refreshing = true;
		this.status = this.inventory ? `${this.summary()} · refreshing…` : 'loading…';
		this.emit('change');
		this.load()
			.then(inventory => {
				this.inventory = inventory;
				this.status = this.summary();
			})
			.catch((error: Error) => {
				this.status = `${this.inventory ? this.summary() + ' · ' : ''}refresh failed: ${error.message}`;
			})
			.finally(() => {
				this.refreshing = false;
				this.emit('change');
			});
	}

	private summary(): string {
		const inventory = this.inventory;
		if (!inventory) return this.describeSource;
		const subs = inventory.subscriptions.map(s => s.name).join(', ');
		const time = new Date(inventory.fetchedAt).toLocaleTimeString();
		return `${this.describeSource} · ${subs} · ${inventory.vms.length} VMs · ${time}`;
	}
}
