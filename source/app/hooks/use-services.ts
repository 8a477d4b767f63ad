import {useEffect, useReducer, useState} from 'react';
import type {SessionManager} from '../../core/session/session-manager.js';
import type {AppServices, InventoryView} from '../app-services.js';

/** The browser's inventory, redrawn whenever it changes. */
export function useInventory(inventory: AppServices['inventory']): InventoryView {
	const [current, setCurrent] = useState(inventory.current());
	useEffect(() => {
		const onChange = () => setCurrent(inventory.current());
		inventory.on('change', onChange);
		onChange();
		return () => {
			inventory.off('change', onChange);
		};
	}, [inventory]);
	return current;
}

/** Redraws on every session change (states, focus, titles). */
export function useSessionChanges(manager: SessionManager): void {
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	useEffect(() => {
		manager.on('change', redraw);
		return () => {
			manager.off('change', redraw);
		};
	}, [manager]);
}
