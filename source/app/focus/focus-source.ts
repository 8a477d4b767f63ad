import {EventEmitter} from 'node:events';
import type {SessionManager} from '../../core/session/session-manager.js';
import {isTooSmall} from '../components/TooSmall.js';
import {deriveFocus, type Focus} from './derive-focus.js';
import type {UiState} from './ui-state.js';

export interface TerminalSizeSource {
	readonly columns: number;
	readonly rows: number;
}

/**
 * The current Focus, derived on demand from the UI state, the session manager and the window size, with
 * one `change` event for any of them. Emitted synchronously, so the painter can blank the pane before
 * Ink draws a dialog over it.
 */
export class FocusSource extends EventEmitter<{change: []}> {
	private readonly onChange = () => this.emit('change');

	constructor(
		private readonly ui: UiState,
		private readonly manager: SessionManager,
		private readonly size: TerminalSizeSource,
		/** The browser's filter box (views/browser's model): while it is typed in, plain keys are text. */
		private readonly browser: {readonly filtering: boolean},
		/** Copy mode (app/copy-mode): while its search prompt is typed in, plain keys are text. */
		private readonly copyMode: {readonly searching: boolean} = {searching: false},
	) {
		super();
		ui.on('change', this.onChange);
		manager.on('change', this.onChange);
	}

	current(): Focus {
		return deriveFocus({
			view: this.ui.view,
			dialog: this.ui.dialog,
			focused: this.manager.focused,
			tooSmall: isTooSmall(this.size.columns || 0, this.size.rows || 0),
			filtering: this.browser.filtering,
			copySearching: this.copyMode.searching,
			broadcast: {on: this.manager.broadcast.active, marked: this.manager.broadcast.marked, sessions: this.manager.sessions, group: this.manager.activeWindow?.panes ?? []},
		});
	}

	/** The window changed size (the minimum-size notice may come or go). */
	resized(): void {
		this.emit('change');
	}

	dispose(): void {
		this.ui.off('change', this.onChange);
		this.manager.off('change', this.onChange);
	}
}
