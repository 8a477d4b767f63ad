import {createVmFilter, type VmFilter, type VmMatch} from './fuzzy.js';
import type {VmRecord} from './model.js';

/** Filters a list by a query; the browser calls it with the list it shows on every keystroke. */
export type ListFilter = (vms: VmRecord[], query: string) => VmMatch[];

/**
 * The browser's filter: fzf ranking over name, group, subscription, IPs and tags. The index is rebuilt only
 * when the list itself changes (a refresh), not per keystroke.
 */
export function fuzzyVmFilter(): ListFilter {
	let indexed: {vms: VmRecord[]; filter: VmFilter} | undefined;
	return (vms, query) => {
		if (indexed?.vms !== vms) indexed = {vms, filter: createVmFilter(vms)};
		return indexed.filter.filter(query);
	};
}
