import {createVmFilter, type VmFilter as CoreVmFilter} from '../../core/inventory/fuzzy.js';
import type {VmRecord} from '../../core/inventory/model.js';
import type {VmFilter} from '../views/browser/filter.js';

/**
 * The browser's filter: fzf ranking over name, group, subscription, IPs and tags. The index is rebuilt only
 * when the list itself changes (a refresh), not per keystroke.
 */
export function fuzzyVmFilter(): VmFilter {
	let indexed: {vms: VmRecord[]; filter: CoreVmFilter} | undefined;
	return (vms, query) => {
		if (indexed?.vms !== vms) indexed = {vms, filter: createVmFilter(vms)};
		return indexed.filter.filter(query);
	};
}
