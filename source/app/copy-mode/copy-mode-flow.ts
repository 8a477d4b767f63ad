import {EventEmitter} from 'node:events';
import {copyToClipboard} from '../../core/clipboard/copy-text.js';
import type {ClipboardProgram} from '../../core/clipboard/local-clipboard.js';
import type {CopyModeCommands, CopyMotion} from '../../core/commands/command-table.js';
import {CopyMode, type SearchDirection} from '../../core/copy-mode/copy-mode.js';
import type {BufferPoint} from '../../core/copy-mode/line-index.js';
import type {ClipboardSetting} from '../../core/profiles/schema.js';
import type {SessionManager} from '../../core/session/session-manager.js';
import {PASTE_END, PASTE_START} from '../../core/terminal/input.js';
import type {UiState} from '../focus/ui-state.js';
import type {PaneOverlay} from '../screen/pane-painter.js';
import type {ShellSession} from '../../core/session/shell-session.js';

export interface CopyModeFlowOptions {
	manager: SessionManager;
	ui: UiState;
	/** The pane painter: draws copy mode's view, marks and cursor. */
	painter: {setOverlay(overlay: PaneOverlay | undefined): void; refresh(): void};
	/** The user's terminal, for OSC 52 (written by vmux itself, outside Ink: it draws nothing). */
	terminal: {write(data: string): unknown};
	clipboard: ClipboardSetting;
	/** The desktop's clipboard program (wl-copy, xclip, pbcopy), when one is on PATH. */
	program: ClipboardProgram | undefined;
	log?: (message: string) => void;
}

/** The search prompt while it is typed in: its direction and text so far. */
export interface SearchPrompt {
	direction: SearchDirection;
	text: string;
}

/**
 * Copy mode in the app: enters it on the focused session, turns the copy-mode key table's commands into
 * the core CopyMode's motions, owns the search prompt (typed through the views, since it is text), and sends
 * a copy to the clipboard (OSC 52 and the desktop's program, per settings.json "clipboard") and to the paste
 * buffer that `prefix ]` pastes.
 */
export class CopyModeFlow extends EventEmitter<{change: []}> implements CopyModeCommands {
	private mode: CopyMode | undefined;
	private promptState: SearchPrompt | undefined;
	/** The last thing the search or a copy said (an error, "Nothing matches"), until the next key. */
	private messageText: string | undefined;
	/** The last copy: what `prefix ]` pastes. */
	pasteBuffer: string | undefined;

	constructor(private readonly options: CopyModeFlowOptions) {
		super();
		// Any way out of the view (a session switch, a dialog's choice, detach) ends copy mode.
		options.ui.on('change', () => {
			if (this.mode && options.ui.view !== 'copy-mode') this.end();
		});
		// So does the focus leaving the pane copy mode was entered on (a split, another tab, a click, a pane that
		// closed): copy mode draws over the focused pane, and must never show one pane's history over another.
		options.manager.on('change', () => {
			if (this.mode && options.manager.focused !== this.session) this.cancel();
		});
	}

	/** The pane copy mode was entered on. */
	private session: ShellSession | undefined;

	get active(): CopyMode | undefined {
		return this.mode;
	}

	get prompt(): SearchPrompt | undefined {
		return this.promptState;
	}

	get message(): string | undefined {
		return this.messageText;
	}

	/** The search prompt has the keyboard: plain keys are its text, not commands (focus/derive-focus). */
	get searching(): boolean {
		return this.promptState !== undefined;
	}

	/** Enters copy mode on the focused session, the cursor at the remote's cursor or at `at` (where a drag began). */
	enter(at?: BufferPoint): void {
		const session = this.options.manager.focused;
		if (!session) return;
		this.session = session;
		this.mode = new CopyMode(session.terminal.text, Math.max(1, session.terminal.rows - 1), at);
		this.promptState = undefined;
		this.messageText = undefined;
		const mode = this.mode;
		this.options.painter.setOverlay({
			layout: rows => {
				if (rows !== mode.rows) mode.setRows(rows);
				return mode.top;
			},
			marksOf: line => mode.marksOf(line),
		});
		this.options.ui.setView('copy-mode');
		this.changed();
	}

	move(motion: CopyMotion): void {
		const mode = this.mode;
		if (!mode) return;
		this.messageText = undefined;
		switch (motion) {
			case 'left':
				mode.left();
				break;
			case 'right':
				mode.right();
				break;
			case 'up':
				mode.up();
				break;
			case 'down':
				mode.down();
				break;
			case 'word-forward':
				mode.wordForward();
				break;
			case 'word-back':
				mode.wordBack();
				break;
			case 'line-start':
				mode.lineStart();
				break;
			case 'line-end':
				mode.lineEnd();
				break;
			case 'top':
				mode.historyTop();
				break;
			case 'bottom':
				mode.historyBottom();
				break;
			case 'half-page-up':
				mode.scroll(-1, 'half');
				break;
			case 'half-page-down':
				mode.scroll(1, 'half');
				break;
			case 'page-up':
				mode.scroll(-1, 'page');
				break;
			case 'page-down':
				mode.scroll(1, 'page');
				break;
		}
		this.changed();
	}

	search(direction: 1 | -1): void {
		if (!this.mode) return;
		this.promptState = {direction, text: ''};
		this.messageText = undefined;
		this.changed();
	}

	/** The prompt's text as typed (the views' key handler calls this). */
	editSearch(text: string): void {
		if (!this.promptState) return;
		this.promptState = {...this.promptState, text};
		this.changed();
	}

	/** Enter in the prompt: runs the search (an empty one repeats the last, as in vi). */
	submitSearch(): void {
		const prompt = this.promptState;
		const mode = this.mode;
		this.promptState = undefined;
		if (!prompt || !mode) return this.changed();
		this.messageText = prompt.text === '' ? mode.next() : mode.search(prompt.text, prompt.direction);
		this.changed();
	}

	cancelSearch(): void {
		this.promptState = undefined;
		this.changed();
	}

	searchAgain(reverse: boolean): void {
		if (!this.mode) return;
		this.messageText = this.mode.next(reverse);
		this.changed();
	}

	select(kind: 'char' | 'line'): void {
		if (!this.mode) return;
		this.mode.toggleSelection(kind);
		this.changed();
	}

	copy(): void {
		const text = this.mode?.selectedText();
		if (text !== undefined && text !== '') this.copyText(text);
		this.cancel();
	}

	cancel(): void {
		if (this.options.ui.view === 'copy-mode') this.options.ui.setView('sessions');
		else this.end();
	}

	// The mouse (app/mouse): the wheel, a click and a drag, in copy mode's own cells.

	/** The buffer cell drawn at row `viewRow` (0: the pane's first row), column `col`, while copy mode is on. */
	cellAt(viewRow: number, col: number): BufferPoint | undefined {
		return this.mode ? {line: this.mode.top + viewRow, col} : undefined;
	}

	/** Whether the view is as far down as it goes. */
	get atBottom(): boolean {
		return this.mode?.atBottom ?? true;
	}

	/** The wheel: the view moves `delta` lines (negative: back into history). */
	scrollLines(delta: number): void {
		if (!this.mode) return;
		this.mode.scrollLines(delta);
		this.changed();
	}

	/** A click: the cursor to that cell, and no selection. */
	pointAt(point: BufferPoint): void {
		if (!this.mode) return;
		this.messageText = undefined;
		this.mode.clearSelection();
		this.mode.pointAt(point);
		this.changed();
	}

	/** A drag: selects characters from `anchor` (where the button went down) to `point`. */
	dragTo(anchor: BufferPoint, point: BufferPoint): void {
		const mode = this.mode;
		if (!mode) return;
		this.messageText = undefined;
		if (!mode.selection) mode.selectFrom(anchor);
		mode.pointAt(point);
		this.changed();
	}

	/** Puts text in the paste buffer and on the clipboard, as settings.json "clipboard" says. */
	copyText(text: string): void {
		this.pasteBuffer = text;
		const {clipboard, program, terminal, log} = this.options;
		copyToClipboard({setting: clipboard, program, terminal, ...(log ? {log} : {})}, text);
	}

	/**
	 * `prefix ]`: the paste buffer into the focused session, bracketed (the session drops the brackets when
	 * the remote did not ask for them), with line breaks as a terminal pastes them (CR).
	 */
	paste(): void {
		if (this.pasteBuffer === undefined) return;
		// Broadcast includes pastes: every receiver gets the buffer, the focused session first.
		for (const session of this.options.manager.inputReceivers()) {
			session.sendInput(Buffer.from(PASTE_START + this.pasteBuffer.replace(/\r?\n/g, '\r') + PASTE_END, 'utf8'));
		}
	}

	private end(): void {
		this.mode = undefined;
		this.promptState = undefined;
		this.messageText = undefined;
		this.options.painter.setOverlay(undefined);
		this.changed();
	}

	private changed(): void {
		this.options.painter.refresh();
		this.emit('change');
	}
}

/** Copy mode's status line: where the cursor is, the search's count, the selection, and the keys. */
export function copyModeStatus(flow: CopyModeFlow): string {
	const mode = flow.active;
	if (!mode) return '';
	const prompt = flow.prompt;
	if (prompt) return `${prompt.direction === 1 ? '/' : '?'}${prompt.text}▏ (Enter searches, Esc cancels; /regex/ for a regular expression)`;
	const parts = [`copy mode · line ${mode.cursor.line + 1} of ${mode.rowsInBuffer}`];
	const search = mode.searchStatus;
	if (search) parts.push(search);
	const selection = mode.selection;
	if (selection) parts.push(selection.kind === 'line' ? 'selecting lines' : 'selecting');
	if (flow.message) parts.push(flow.message);
	else parts.push(selection ? 'y copies' : '/ search · v select · q leaves');
	return parts.join(' · ');
}
