import {useInput} from 'ink';
import type {VmRecord} from '../../../core/inventory/model.js';
import type {BrowserState} from './use-browser-state.js';

export interface BrowserActions {
	connect(vm: VmRecord): void;
	edit(vm: VmRecord): void;
	newProfile(vm: VmRecord | undefined): void;
	deleteProfile(vm: VmRecord): void;
	refresh(): void;
	subscriptions(): void;
	doctor(vm: VmRecord): void;
	help(): void;
	signIn(): void;
	quit(): void;
}

/** Browser keys (DESIGN §6). While the filter is being typed, letters go to the filter, not to commands. */
export function useBrowserInput(state: BrowserState, actions: BrowserActions, pageSize: number, isActive: boolean): void {
	useInput(
		(input, key) => {
			// Read at key time, not render time: several keys may arrive before the next render.
			const vm = state.selected?.vm;
			if (key.upArrow) return state.move(-1);
			if (key.downArrow) return state.move(1);
			if (key.pageUp) return state.move(-pageSize);
			if (key.pageDown) return state.move(pageSize);
			if (state.filtering) {
				if (key.escape) return state.stopFilter(false);
				if (key.return) {
					state.stopFilter(true);
					if (vm) actions.connect(vm);
					return;
				}
				if (key.backspace || key.delete) return state.eraseInFilter();
				if (key.ctrl && input === 'u') return state.eraseInFilter(true);
				if (input && !key.ctrl && !key.meta && !key.tab) return state.typeInFilter(input);
				return;
			}
			if (key.escape) {
				if (state.query) state.stopFilter(false);
				return;
			}
			if (key.return) return vm && actions.connect(vm);
			switch (input) {
				case 'j':
					return state.move(1);
				case 'k':
					return state.move(-1);
				case 'g':
					return state.moveTo(0);
				case 'G':
					return state.moveTo(Number.MAX_SAFE_INTEGER);
				case '/':
					return state.startFilter();
				case 'o':
					return state.cycleSort();
				case 'e':
					return vm && actions.edit(vm);
				case 'n':
					return actions.newProfile(vm);
				case 'D':
					return vm && actions.deleteProfile(vm);
				case 'r':
					return actions.refresh();
				case 's':
					return actions.subscriptions();
				case '!':
					return vm && actions.doctor(vm);
				case '?':
					return actions.help();
				case 'L':
					return actions.signIn();
				case 'q':
					return actions.quit();
			}
		},
		{isActive},
	);
}
