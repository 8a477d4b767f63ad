import {useMemo, useState} from 'react';
import type {VmRecord} from '../../../core/inventory/model.js';
import type {VmFilter, VmMatch} from './filter.js';

export interface BrowserState {
	matches: VmMatch[];
	selected: VmMatch | undefined;
	selectedIndex: number;
	query: string;
	filtering: boolean;
	move(delta: number): void;
	moveTo(index: number): void;
	setQuery(query: string): void;
	startFilter(): void;
	stopFilter(keepQuery: boolean): void;
}

/** Selection and filter state of the VM browser; the selection follows the VM, not the row, across refreshes. */
export function useBrowserState(vms: VmRecord[], filter: VmFilter): BrowserState {
	const [query, setQueryState] = useState('');
	const [filtering, setFiltering] = useState(false);
	const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
	const matches = useMemo(() => filter(vms, query), [vms, query, filter]);
	const found = selectedId ? matches.findIndex(m => m.vm.id === selectedId) : -1;
	const selectedIndex = found === -1 ? 0 : found;
	const selected = matches[selectedIndex];
	const moveTo = (index: number) => {
		if (matches.length === 0) return;
		const clamped = Math.max(0, Math.min(matches.length - 1, index));
		setSelectedId(matches[clamped]!.vm.id);
	};
	return {
		matches,
		selected,
		selectedIndex,
		query,
		filtering,
		move: delta => moveTo(selectedIndex + delta),
		moveTo,
		setQuery(next) {
			setQueryState(next);
			// A new query ranks the best match first; start the selection there.
			setSelectedId(undefined);
		},
		startFilter: () => setFiltering(true),
		stopFilter(keepQuery) {
			setFiltering(false);
			if (!keepQuery) setQueryState('');
		},
	};
}
