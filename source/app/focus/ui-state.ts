import {EventEmitter} from 'node:events';
import type {VmRecord} from '../../core/inventory/model.js';
import type {Profile} from '../../core/profiles/schema.js';
import type {Dialog} from '../dialogs/dialog-types.js';
import type {View} from './derive-focus.js';
import type {FilesModel} from '../views/files/files-model.js';

/** What the profile editor opens on. */
export interface EditorTarget {
	initial?: Profile;
	draftFrom?: VmRecord;
	/** Connect to this VM once the profile is saved (first connect). */
	connectAfterSave?: VmRecord;
}

export interface Notice {
	text: string;
	tone: 'info' | 'error';
}

interface Snapshot {
	view: View;
	dialogs: readonly Dialog[];
	/** The browser's message line (errors, confirmations). */
	notice: Notice | undefined;
	/** The editor's profile while the view is 'editor'. */
	editor: EditorTarget | undefined;
	/** The doctor's VM while the view is 'doctor'. */
	doctorVm: VmRecord | undefined;
	/** A short message the tab bar shows for a few seconds (recording started or stopped). */
	flash: Notice | undefined;
	/** The file view's model while the view is 'files'. */
	files?: FilesModel | undefined;
}

/** How long a flash stays in the tab bar. */
const FLASH_MS = 8000;

/** Views shown over another one (help, the session picker): closing them goes back to it. */
const OVERLAYS: readonly View[] = ['help', 'picker', 'recordings', 'forwards'];

/**
 * The app's view, dialog stack and view arguments, outside React. Commands and dialogs' callbacks change it
 * synchronously and every reader (the input router, the pane painter, React through useSyncExternalStore)
 * sees the change at once: several keys can arrive in one chunk, before React renders again.
 */
export class UiState extends EventEmitter<{change: []}> {
	private snapshot: Snapshot = {view: 'browser', dialogs: [], notice: undefined, editor: undefined, doctorVm: undefined, flash: undefined};
	private flashTimer: NodeJS.Timeout | undefined;
	/** Where an overlay returns to. */
	private underOverlay: View = 'browser';

	get view(): View {
		return this.snapshot.view;
	}

	get dialogs(): readonly Dialog[] {
		return this.snapshot.dialogs;
	}

	get dialog(): Dialog | undefined {
		return this.snapshot.dialogs[0];
	}

	get notice(): Notice | undefined {
		return this.snapshot.notice;
	}

	setView(next: View | ((current: View) => View)): void {
		const view = typeof next === 'function' ? next(this.snapshot.view) : next;
		if (view === this.snapshot.view) return;
		this.replace({...this.snapshot, view});
	}

	/** Shows help or the picker over the current view; `closeOverlay` comes back to it. */
	showOverlay(view: 'help' | 'picker' | 'recordings' | 'forwards'): void {
		if (!OVERLAYS.includes(this.snapshot.view)) this.underOverlay = this.snapshot.view;
		this.setView(view);
	}

	/** The view an overlay (help, picker) was opened over, or the last one when none is open. */
	get viewUnderOverlay(): View {
		return OVERLAYS.includes(this.snapshot.view) ? this.underOverlay : this.snapshot.view;
	}

	closeOverlay(): void {
		this.setView(this.underOverlay);
	}

	openEditor(target: EditorTarget): void {
		this.replace({...this.snapshot, view: 'editor', editor: target});
	}

	/** The file view of a session's connection (prefix f, or f in the browser). */
	openFiles(model: FilesModel): void {
		this.snapshot.files?.dispose();
		this.replace({...this.snapshot, view: 'files', files: model});
	}

	openDoctor(vm: VmRecord): void {
		this.replace({...this.snapshot, view: 'doctor', doctorVm: vm});
	}

	setNotice(notice: Notice | undefined): void {
		if (notice === this.snapshot.notice) return;
		this.replace({...this.snapshot, notice});
	}

	get flashNotice(): Notice | undefined {
		return this.snapshot.flash;
	}

	/** Shows a notice in the tab bar for a few seconds. */
	flash(notice: Notice): void {
		if (this.flashTimer) clearTimeout(this.flashTimer);
		this.flashTimer = setTimeout(() => {
			this.flashTimer = undefined;
			this.replace({...this.snapshot, flash: undefined});
		}, FLASH_MS);
		this.flashTimer.unref();
		this.replace({...this.snapshot, flash: notice});
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
