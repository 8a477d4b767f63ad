import {useInput} from 'ink';
import type {VmRecord} from '../../../core/inventory/model.js';
import type {BrowserState} from './use-browser-state.js';

/**
 * The filter box's keys: while it is typed in, it owns the keyboard (letters are text, not commands). The
 * browser's commands (j/k, /, Enter, e…) come from the command table through the input router instead.
 */
export function useFilterInput(state: BrowserState, onConnect: (vm: VmRecord) => void, isActive: boolean): void {
	useInput(
		(input, key) => {
			// Read at key time, not render time: several keys may arrive before the next render.
			if (!state.filtering) return;
			const vm = state.selected?.vm;
			if (key.upArrow) return state.move(-1);
			if (key.downArrow) return state.move(1);
			if (key.pageUp) return state.move(-state.pageSize);
			if (key.pageDown) return state.move(state.pageSize);
			if (key.escape) return state.stopFilter(false);
			if (key.return) {
				state.stopFilter(true);
				if (vm) onConnect(vm);
				return;
			}
			if (key.backspace || key.delete) return state.eraseInFilter();
			if (key.ctrl && input === 'u') return state.eraseInFilter(true);
			if (input && !key.ctrl && !key.meta && !key.tab) return state.typeInFilter(input);
		},
		{isActive},
	);
}
