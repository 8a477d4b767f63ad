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

/** Redraws on every change of an emitter's state (sessions: states, focus, titles; the recorder: ● REC). */
export function useSessionChanges(manager: Pick<SessionManager, 'on' | 'off'> | {on(event: 'change', listener: () => void): unknown; off(event: 'change', listener: () => void): unknown}): void {
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	useEffect(() => {
		const source = manager as {on(event: 'change', listener: () => void): unknown; off(event: 'change', listener: () => void): unknown};
		source.on('change', redraw);
		return () => {
			source.off('change', redraw);
		};
	}, [manager]);
}

/**
 * Redraws while VM power actions run: on their start and end, and once a second between, so the list's
 * `starting… 12s` counts up. No timer runs while nothing is under way.
 */
export function usePowerActivity(power: {busy: boolean; on(event: 'change', listener: () => void): unknown; off(event: 'change', listener: () => void): unknown} | undefined): void {
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	useEffect(() => {
		if (!power) return;
		let timer: NodeJS.Timeout | undefined;
		const onChange = () => {
			redraw();
			if (power.busy && !timer) timer = setInterval(redraw, 1000);
			if (!power.busy && timer) {
				clearInterval(timer);
				timer = undefined;
			}
		};
		power.on('change', onChange);
		return () => {
			power.off('change', onChange);
			if (timer) clearInterval(timer);
		};
	}, [power]);
}
