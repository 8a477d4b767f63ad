import type {VmRecord} from '../../../core/inventory/model.js';

export interface VmMatch {
	vm: VmRecord;
	/** Character positions in the VM name that matched, for highlighting. */
	namePositions: number[];
}

export type VmFilter = (vms: VmRecord[], query: string) => VmMatch[];
