import {EventEmitter} from 'node:events';
import type {Dialog} from '../dialogs/dialog-types.js';
import type {View} from './derive-focus.js';

interface Snapshot {
	view: View;
	dialogs: readonly Dialog[];
}

/**
 * The app's view and dialog stack, outside React. Key handlers and prefix commands change it synchronously
 * and every reader (the input router, the pane painter, React through useSyncExternalStore) sees the
 * change at once: several keys can arrive in one chunk, before React renders again.
 */
export class UiState extends EventEmitter<{change: []}> {
	private snapshot: Snapshot = {view: 'browser', dialogs: []};

	get view(): View {
		return this.snapshot.view;
	}

	get dialogs(): readonly Dialog[] {
		return this.snapshot.dialogs;
	}

	get dialog(): Dialog | undefined {
		return this.snapshot.dialogs[0];
	}

	setView(next: View | ((current: View) => View)): void {
		const view = typeof next === 'function' ? next(this.snapshot.view) : next;
		if (view === this.snapshot.view) return;
		this.replace({...this.snapshot, view});
	}

	pushDialog(dialog: Dialog): void {
		this.replace({...this.snapshot, dialogs: [...this.snapshot.dialogs, dialog]});
	}

	closeDialog(dialog: Dialog): void {
		if (!this.snapshot.dialogs.includes(dialog)) return;
		this.replace({...this.snapshot, dialogs: this.snapshot.dialogs.filter(d => d !== dialog)});
	}

	/** For useSyncExternalStore: a new object on every change, the same one otherwise. */
	readonly getSnapshot = (): Snapshot => this.snapshot;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.on('change', listener);
		return () => this.off('change', listener);
	};

	private replace(next: Snapshot): void {
		this.snapshot = next;
		this.emit('change');
	}
}
