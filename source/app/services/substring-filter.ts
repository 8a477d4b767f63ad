import type {VmFilter} from '../views/browser/filter.js';

/** Case-insensitive substring filter over name, group, subscription, IPs and tags. */
export const substringFilter: VmFilter = (vms, query) => {
	const needle = query.trim().toLowerCase();
	if (!needle) return vms.map(vm => ({vm, namePositions: []}));
	return vms
		.filter(vm =>
			[vm.name, vm.resourceGroup, vm.subscriptionName, vm.privateIp ?? '', vm.publicIp ?? '', ...Object.entries(vm.tags).flat()].some(field =>
				field.toLowerCase().includes(needle),
			),
		)
		.map(vm => {
			const at = vm.name.toLowerCase().indexOf(needle);
			return {vm, namePositions: at === -1 ? [] : [...needle].map((_, i) => at + i)};
		})
		// Name matches rank above matches in other fields (stable sort keeps the inventory order within).
		.sort((a, b) => Number(b.namePositions.length > 0) - Number(a.namePositions.length > 0));
};
