import {useSyncExternalStore} from 'react';
import type {VmRecord} from '../../../core/inventory/model.js';
import type {VmFilter, VmMatch} from './filter.js';

/**
 * Selection and filter state of the VM browser, held outside React so that keys arriving several per
 * frame ("/jump⏎" in one burst) each act on the state the previous key left, and Enter connects to the VM
 * that is selected now, not the one selected at the last render.
 */
export class BrowserModel {
	query = '';
	filtering = false;
	/** The selection follows the VM, not the row, so refreshes and re-ranking keep it. */
	private selectedId: string | undefined;
	private vms: VmRecord[] = [];
	private filter: VmFilter = vms => vms.map(vm => ({vm, namePositions: []}));
	private cached: {vms: VmRecord[]; query: string; filter: VmFilter; matches: VmMatch[]} | undefined;
	private version = 0;
	private readonly listeners = new Set<() => void>();

	setSource(vms: VmRecord[], filter: VmFilter): void {
		this.vms = vms;
		this.filter = filter;
	}

	get matches(): VmMatch[] {
		const c = this.cached;
		if (c && c.vms === this.vms && c.query === this.query && c.filter === this.filter) return c.matches;
		const matches = this.filter(this.vms, this.query);
		this.cached = {vms: this.vms, query: this.query, filter: this.filter, matches};
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

/** Binds a model that outlives the view (the App keeps it, so the selection survives the editor). */
export function useBrowserState(model: BrowserModel, vms: VmRecord[], filter: VmFilter): BrowserModel {
	model.setSource(vms, filter);
	useSyncExternalStore(model.subscribe, model.getVersion);
	return model;
}
