import {useSyncExternalStore} from 'react';
import type {VmRecord} from '../../../core/inventory/model.js';
import {listedAddress} from './columns.js';
import type {VmFilter, VmMatch} from './filter.js';

/**
 * Selection and filter state of the VM browser, held outside React so that keys arriving several per
 * frame ("/jump⏎" in one burst) each act on the state the previous key left, and Enter connects to the VM
 * that is selected now, not the one selected at the last render.
 */
export const SORT_KEYS = ['name', 'state', 'resource group', 'subscription', 'IP'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

// localeCompare's order (the default locale's collation), with the collator made once instead of per comparison.
const COLLATOR = new Intl.Collator();

const STATE_ORDER: Record<string, number> = {running: 0, starting: 1, stopping: 2, deallocating: 3, stopped: 4, deallocated: 5, unknown: 6};

function sortValue(vm: VmRecord, key: SortKey): string {
	switch (key) {
		case 'name':
			return vm.name.toLowerCase();
		case 'state':
			return `${STATE_ORDER[vm.powerState] ?? 9} ${vm.name.toLowerCase()}`;
		case 'resource group':
			return `${vm.resourceGroup.toLowerCase()} ${vm.name.toLowerCase()}`;
		case 'subscription':
			return `${vm.subscriptionName.toLowerCase()} ${vm.name.toLowerCase()}`;
		case 'IP':
			// Numeric order for IPv4: 10.2 before 10.10.
			return (listedAddress(vm) ?? '~').replace(/\d+/g, n => n.padStart(3, '0'));
	}
}

export class BrowserModel {
	query = '';
	/** The list's order while no filter is typed; a filter ranks by match instead (fzf). */
	sortKey: SortKey = 'name';
	filtering = false;
	/** Rows the list shows (the view sets it as it lays out): PgUp/PgDn move this far. */
	pageSize = 10;
	/** The selection follows the VM, not the row, so refreshes and re-ranking keep it. */
	private selectedId: string | undefined;
	private vms: VmRecord[] = [];
	private filter: VmFilter = vms => vms.map(vm => ({vm, namePositions: []}));
	private cached: {vms: VmRecord[]; query: string; filter: VmFilter; sortKey: SortKey; matches: VmMatch[]} | undefined;
	private sorted: {vms: VmRecord[]; filter: VmFilter; sortKey: SortKey; matches: VmMatch[]} | undefined;
	private version = 0;
	private readonly listeners = new Set<() => void>();

	setSource(vms: VmRecord[], filter: VmFilter): void {
		this.vms = vms;
		this.filter = filter;
	}

	get matches(): VmMatch[] {
		const c = this.cached;
		if (c && c.vms === this.vms && c.query === this.query && c.filter === this.filter && c.sortKey === this.sortKey) return c.matches;
		const matches = this.query.trim() === '' ? this.sortedAll() : this.filter(this.vms, this.query);
		this.cached = {vms: this.vms, query: this.query, filter: this.filter, sortKey: this.sortKey, matches};
		return matches;
	}

	/**
	 * The whole list in the chosen order, kept until the list or the order changes: clearing the filter (Esc,
	 * Ctrl-U, the last Backspace) shows it again at once instead of sorting 10,000 rows anew. Each row's sort text
	 * is computed once (not per comparison) and compared with one collator, as localeCompare would.
	 */
	private sortedAll(): VmMatch[] {
		const s = this.sorted;
		if (s && s.vms === this.vms && s.filter === this.filter && s.sortKey === this.sortKey) return s.matches;
		const key = this.sortKey;
		const decorated = this.filter(this.vms, '').map(match => ({match, text: sortValue(match.vm, key)}));
		decorated.sort((a, b) => COLLATOR.compare(a.text, b.text));
		const matches = decorated.map(entry => entry.match);
		this.sorted = {vms: this.vms, filter: this.filter, sortKey: key, matches};
		return matches;
	}

	get selectedIndex(): number {
		const found = this.selectedId ? this.matches.findIndex(m => m.vm.id === this.selectedId) : -1;
		return found === -1 ? 0 : found;
	}

	get selected(): VmMatch | undefined {
		return this.matches[this.selectedIndex];
	}

	move(delta: number): void {
		this.moveTo(this.selectedIndex + delta);
	}

	moveTo(index: number): void {
		const matches = this.matches;
		if (matches.length === 0) return;
		this.selectedId = matches[Math.max(0, Math.min(matches.length - 1, index))]!.vm.id;
		this.changed();
	}

	typeInFilter(text: string): void {
		this.query += text;
		// A new query ranks the best match first; the selection starts there.
		this.selectedId = undefined;
		this.changed();
	}

	eraseInFilter(all = false): void {
		this.query = all ? '' : this.query.slice(0, -1);
		this.selectedId = undefined;
		this.changed();
	}

	/** `o`: the next sort order. */
	cycleSort(): void {
		this.sortKey = SORT_KEYS[(SORT_KEYS.indexOf(this.sortKey) + 1) % SORT_KEYS.length]!;
		this.changed();
	}

	startFilter(): void {
		this.filtering = true;
		this.changed();
	}

	stopFilter(keepQuery: boolean): void {
		// The VM picked while filtering stays selected when the filter goes away.
		this.selectedId = this.selected?.vm.id;
		this.filtering = false;
		if (!keepQuery) this.query = '';
		this.changed();
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	readonly getVersion = (): number => this.version;

	private changed(): void {
		this.version++;
		for (const listener of this.listeners) listener();
	}
}

export type BrowserState = BrowserModel;

/** Binds a model that outlives the view (the app keeps it, so the selection survives the editor). */
export function useBrowserState(model: BrowserModel, vms: VmRecord[], filter: VmFilter, pageSize: number): BrowserModel {
	model.setSource(vms, filter);
	model.pageSize = pageSize;
	useSyncExternalStore(model.subscribe, model.getVersion);
	return model;
}
