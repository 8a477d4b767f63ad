/**
 * Every action a key can start, in one table (tmux's `cmd-*.c` entries as data): its name (what
 * settings.json's `"keys"` rebinds), where it applies, its default keys, its help, when it is available and
 * what it runs. The help views, `vmux --help` and the README's key tables are generated from this table
 * (./help-rows.ts), and the keymap (./keymap.ts) applies the user's bindings to it.
 *
 * `run` only calls the app through `CommandContext`, so this module stays free of React and of the app:
 * the command line reads it for `--help` without loading the UI.
 */

/** Where the keyboard is, in the table's terms: the VM list, a session's pane (or its scrollback), or any other view. */
export type CommandPlace = 'browser' | 'session' | 'other';

/**
 * Where a command applies: the browser, sessions, or anywhere (`both`: e.g. the prefix's session switching
 * from the browser), or copy mode (its plain keys are its own key table, `copy-mode`; the session's prefix
 * keys keep working there).
 */
export type CommandScope = 'browser' | 'session' | 'both' | 'copy-mode';

/** What `when` sees of the app when a key arrives. */
export interface CommandState {
	place: CommandPlace;
	/** Live sessions. */
	sessions: number;
	/** The browser has a VM selected (the list is not empty). */
	vmSelected: boolean;
	/** The browser's filter holds a query. */
	filterQuery: boolean;
	/** Copy mode has the keyboard (the place is then `session`). */
	copyMode: boolean;
}

/** The browser's actions; those about a VM act on the selected one. */
export interface BrowserCommands {
	move(delta: number): void;
	movePage(direction: 1 | -1): void;
	moveTo(index: 'first' | 'last'): void;
	startFilter(): void;
	clearFilter(): void;
	cycleSort(): void;
	connect(): void;
	editProfile(): void;
	newProfile(): void;
	deleteProfile(): void;
	doctor(): void;
	refresh(): void;
	chooseSubscriptions(): void;
	signIn(): void;
	/** Starts, stops (deallocates) or restarts the selected VM, after asking. */
	power(action: 'start' | 'deallocate' | 'restart'): void;
	/** Shows the portal's Bastion page of the selected VM and copies its link. */
	portalLink(): void;
	/** Connects to the selected VM (when it has a profile) and opens its files. */
	files(): void;
}

export interface SessionCommands {
	/** Shows the sessions; false (after saying there are none yet) when there is nothing to show. */
	enter(): boolean;
	next(delta: 1 | -1): void;
	select(index: number): void;
	picker(): void;
	newShell(): void;
	detach(): void;
	close(): void;
	reconnect(): void;
	/** Enters copy mode on the focused session. */
	copyMode(): void;
	/** Pastes the paste buffer (the last copy) into the focused session. */
	paste(): void;
	/** Sends the prefix key's own byte to the focused session (and, while broadcasting, to the others). */
	sendPrefix(): void;
	/** Starts or stops recording the focused session (asciicast). */
	toggleRecording(): void;
	/** Marks the focused session for broadcast, or unmarks it. */
	toggleMark(): void;
	/** Starts or stops copying typed input to the marked sessions (the tab's panes when none is marked). */
	toggleBroadcast(): void;
	/** Another shell on the focused pane's connection, beside it: right of it or below it. */
	split(arrangement: 'side-by-side' | 'stacked'): void;
	/** Picks a VM or profile in the browser and opens it beside the focused pane. */
	splitPick(): void;
	/** Focuses the pane in that direction. */
	selectPane(direction: PaneDirection): void;
	/** Focuses the next pane of the tab. */
	nextPane(): void;
	/** Moves the focused pane's nearest border that way. */
	resizePane(direction: PaneDirection): void;
	/** The focused pane fills the tab, or the layout comes back. */
	zoom(): void;
	/** The next preset layout (even-horizontal, even-vertical, tiled). */
	nextLayout(): void;
	/** The focused pane becomes a tab of its own. */
	breakPane(): void;
	/** Names the tab. */
	renameWindow(): void;
	/** The port forwards of the focused session's connection. */
	forwards(): void;
}

export type PaneDirection = 'left' | 'right' | 'up' | 'down';

/** Copy mode's cursor motions (vi's keys). */
export type CopyMotion = 'left' | 'right' | 'up' | 'down' | 'word-forward' | 'word-back' | 'line-start' | 'line-end' | 'top' | 'bottom' | 'half-page-up' | 'half-page-down' | 'page-up' | 'page-down';

export interface CopyModeCommands {
	move(motion: CopyMotion): void;
	/** Opens the search prompt: forward (`/`) or back (`?`). */
	search(direction: 1 | -1): void;
	/** The next match in the search's direction, or (`reverse`) the other way. */
	searchAgain(reverse: boolean): void;
	select(kind: 'char' | 'line'): void;
	/** Copies the selection (clipboard and paste buffer) and leaves copy mode. */
	copy(): void;
	cancel(): void;
}

/** What a command can do: the app implements it (app/commands). */
export interface CommandContext {
	state: CommandState;
	browser: BrowserCommands;
	sessions: SessionCommands;
	copyMode: CopyModeCommands;
	help(): void;
	/** The recordings view (list, delete). */
	recordings(): void;
	/** The file view of the focused session's connection (SFTP on the same connection). */
	files(): void;
	quit(): void;
}

export interface CommandDefinition {
	/** kebab-case, tmux's name where tmux has the command. */
	name: string;
	/** Former names settings.json may still use for it. */
	aliases?: readonly string[];
	scope: CommandScope;
	/** Default bindings as settings.json writes them: `"o"`, `"Enter"`, `"prefix c"` (./key-spec.ts). */
	keys: readonly string[];
	help: string;
	/** Commands that are one row in help (select-window-0 … 9). */
	family?: {name: string; help: string};
	/** Availability beyond the scope (e.g. a VM must be selected); the key does nothing otherwise. */
	when?(state: CommandState): boolean;
	run(ctx: CommandContext): void;
}

const vmSelected = (state: CommandState) => state.vmSelected;

const ARROWS: readonly [PaneDirection, string][] = [
	['left', 'Left'],
	['right', 'Right'],
	['up', 'Up'],
	['down', 'Down'],
];

const SELECT_PANE: CommandDefinition[] = ARROWS.map(([direction, key]) => ({
	name: `select-pane-${direction}`,
	scope: 'session' as const,
	keys: [`prefix ${key}`],
	help: `focus the pane ${direction === 'up' ? 'above' : direction === 'down' ? 'below' : `to the ${direction}`}`,
	family: {name: 'select-pane-*', help: 'focus the pane that way (-left -right -up -down)'},
	run: (ctx: CommandContext) => ctx.sessions.selectPane(direction),
}));

const RESIZE_PANE: CommandDefinition[] = ARROWS.map(([direction, key]) => ({
	name: `resize-pane-${direction}`,
	scope: 'session' as const,
	keys: [`prefix C-${key}`],
	help: `move the pane's border ${direction}`,
	family: {name: 'resize-pane-*', help: 'resize: move the nearest border (-left -right -up -down)'},
	run: (ctx: CommandContext) => ctx.sessions.resizePane(direction),
}));

const SELECT_WINDOW: CommandDefinition[] = Array.from({length: 10}, (_, index) => ({
	name: `select-window-${index}`,
	scope: 'both' as const,
	keys: [`prefix ${index}`],
	help: `jump to tab ${index}`,
	family: {name: 'select-window-0 … 9', help: 'jump to a tab by number'},
	run: (ctx: CommandContext) => ctx.sessions.select(index),
}));

export const COMMANDS: readonly CommandDefinition[] = [
	// The browser (plain keys while the VM list has the keyboard; the filter box takes typed text).
	{name: 'move-down', scope: 'browser', keys: ['j', 'Down'], help: 'move down', run: ctx => ctx.browser.move(1)},
	{name: 'move-up', scope: 'browser', keys: ['k', 'Up'], help: 'move up', run: ctx => ctx.browser.move(-1)},
	{name: 'page-down', scope: 'browser', keys: ['PageDown'], help: 'move down a page', run: ctx => ctx.browser.movePage(1)},
	{name: 'page-up', scope: 'browser', keys: ['PageUp'], help: 'move up a page', run: ctx => ctx.browser.movePage(-1)},
	{name: 'select-first', scope: 'browser', keys: ['g'], help: 'go to the first VM', run: ctx => ctx.browser.moveTo('first')},
	{name: 'select-last', scope: 'browser', keys: ['G'], help: 'go to the last VM', run: ctx => ctx.browser.moveTo('last')},
	{name: 'connect', scope: 'browser', keys: ['Enter'], help: 'connect (opens the profile editor the first time)', when: vmSelected, run: ctx => ctx.browser.connect()},
	{name: 'filter', scope: 'browser', keys: ['/'], help: 'filter (fuzzy: name, group, subscription, IP, tags)', run: ctx => ctx.browser.startFilter()},
	{name: 'clear-filter', scope: 'browser', keys: ['Escape'], help: 'clear the filter (never quits)', when: state => state.filterQuery, run: ctx => ctx.browser.clearFilter()},
	{name: 'sort', scope: 'browser', keys: ['o'], help: 'sort by name, state, resource group, subscription or IP', run: ctx => ctx.browser.cycleSort()},
	{name: 'doctor', scope: 'browser', keys: ['!'], help: 'doctor: check everything a connection to the VM needs', when: vmSelected, run: ctx => ctx.browser.doctor()},
	{name: 'edit-profile', scope: 'browser', keys: ['e'], help: "edit the VM's profile", when: vmSelected, run: ctx => ctx.browser.editProfile()},
	{name: 'new-profile', scope: 'browser', keys: ['n'], help: 'new profile', run: ctx => ctx.browser.newProfile()},
	{name: 'delete-profile', scope: 'browser', keys: ['D'], help: "delete the VM's profile (asks first)", when: vmSelected, run: ctx => ctx.browser.deleteProfile()},
	{name: 'start-vm', scope: 'browser', keys: ['U'], help: 'start the VM: power it up (asks first; progress in the list)', when: vmSelected, run: ctx => ctx.browser.power('start')},
	{name: 'stop-vm', scope: 'browser', keys: ['X'], help: 'stop (deallocate) the VM (asks first)', when: vmSelected, run: ctx => ctx.browser.power('deallocate')},
	{name: 'restart-vm', scope: 'browser', keys: ['R'], help: 'restart the VM (asks first)', when: vmSelected, run: ctx => ctx.browser.power('restart')},
	{name: 'portal-link', scope: 'browser', keys: ['B'], help: "copy the link to the VM's Bastion page in the Azure portal", when: vmSelected, run: ctx => ctx.browser.portalLink()},
	{name: 'refresh', scope: 'browser', keys: ['r'], help: 'refresh the inventory', run: ctx => ctx.browser.refresh()},
	{name: 'subscriptions', scope: 'browser', keys: ['s'], help: 'choose subscriptions', run: ctx => ctx.browser.chooseSubscriptions()},
	{name: 'browse-files', scope: 'browser', keys: ['f'], help: 'connect, then open the file view (SFTP: upload, download)', when: vmSelected, run: ctx => ctx.browser.files()},
	{name: 'sign-in', scope: 'browser', keys: ['L'], help: 'sign in to Azure with a device code', run: ctx => ctx.browser.signIn()},
	{name: 'quit', scope: 'browser', keys: ['q'], help: 'quit (asks while sessions are live)', run: ctx => ctx.quit()},

	// Sessions: the key after the prefix. Switching tabs works from every view.
	{name: 'new-window', scope: 'session', keys: ['prefix c'], help: 'new tab: another shell on the same connection (no new login)', run: ctx => ctx.sessions.newShell()},
	{name: 'split-right', scope: 'session', keys: ['prefix %'], help: 'split the pane: another shell on the same connection, to the right', run: ctx => ctx.sessions.split('side-by-side')},
	{name: 'split-down', scope: 'session', keys: ['prefix "'], help: 'split the pane: another shell on the same connection, below', run: ctx => ctx.sessions.split('stacked')},
	{name: 'split-pick', scope: 'session', keys: ['prefix S'], help: 'split the pane with a VM or profile picked in the browser', run: ctx => ctx.sessions.splitPick()},
	...SELECT_PANE,
	{name: 'next-pane', scope: 'session', keys: ['prefix o'], help: 'focus the next pane of the tab', run: ctx => ctx.sessions.nextPane()},
	...RESIZE_PANE,
	{name: 'zoom-pane', scope: 'session', keys: ['prefix z'], help: 'zoom: the pane fills the tab, or the layout comes back', run: ctx => ctx.sessions.zoom()},
	{name: 'next-layout', scope: 'session', keys: ['prefix Space'], help: 'next layout: even-horizontal, even-vertical, tiled', run: ctx => ctx.sessions.nextLayout()},
	{name: 'break-pane', scope: 'session', keys: ['prefix !'], help: 'move the pane to a tab of its own', run: ctx => ctx.sessions.breakPane()},
	{name: 'rename-window', scope: 'session', keys: ['prefix ,'], help: 'rename the tab (empty: its VM again)', run: ctx => ctx.sessions.renameWindow()},
	{
		name: 'next-window',
		scope: 'both',
		keys: ['prefix n'],
		help: 'next tab (from the browser: back to the sessions)',
		run: ctx => (ctx.state.place === 'session' ? ctx.sessions.next(1) : void ctx.sessions.enter()),
	},
	{
		name: 'previous-window',
		scope: 'both',
		keys: ['prefix p'],
		help: 'previous tab (from the browser: back to the sessions)',
		run: ctx => (ctx.state.place === 'session' ? ctx.sessions.next(-1) : void ctx.sessions.enter()),
	},
	...SELECT_WINDOW,
	{
		name: 'session-picker',
		scope: 'both',
		keys: ['prefix w'],
		help: 'session picker (VM, state, age, login)',
		run: ctx => (ctx.state.sessions > 0 ? ctx.sessions.picker() : void ctx.sessions.enter()),
	},
	{name: 'detach-to-browser', scope: 'session', keys: ['prefix d'], help: 'back to the browser (sessions keep running)', run: ctx => ctx.sessions.detach()},
	{name: 'kill-pane', scope: 'session', keys: ['prefix x'], help: 'close the pane (asks first)', run: ctx => ctx.sessions.close()},
	{name: 'reconnect', scope: 'session', keys: ['prefix r'], help: 'reconnect now', run: ctx => ctx.sessions.reconnect()},
	{name: 'mark-pane', scope: 'session', keys: ['prefix m'], help: 'mark or unmark the session for broadcast', run: ctx => ctx.sessions.toggleMark()},
	{
		name: 'broadcast',
		scope: 'session',
		keys: ['prefix b'],
		help: "type into the marked sessions, or the tab's panes; again stops",
		run: ctx => ctx.sessions.toggleBroadcast(),
	},
	{
		name: 'copy-mode',
		aliases: ['scrollback'],
		scope: 'session',
		keys: ['prefix ['],
		help: 'copy mode: scroll back, search, select, copy',
		run: ctx => ctx.sessions.copyMode(),
	},
	{name: 'paste-buffer', scope: 'session', keys: ['prefix ]'], help: 'paste the last copy into the session', run: ctx => ctx.sessions.paste()},
	{
		name: 'forwards',
		scope: 'session',
		keys: ['prefix F'],
		help: 'port forwards: state, bytes; on/off, add, delete',
		run: ctx => ctx.sessions.forwards(),
	},
	{name: 'files', scope: 'session', keys: ['prefix f'], help: 'file view on this connection: browse, upload, download (SFTP)', run: ctx => ctx.files()},
	{name: 'record', scope: 'session', keys: ['prefix R'], help: 'start or stop recording the session (asciicast v2; ● REC in the tab bar)', run: ctx => ctx.sessions.toggleRecording()},
	{name: 'send-prefix', scope: 'session', keys: ['prefix prefix'], help: 'send the prefix key itself to the session', run: ctx => ctx.sessions.sendPrefix()},

	// Copy mode (tmux's copy-mode-vi names): plain keys while it has the keyboard.
	...copyModeCommands(),

	// Both.
	{name: 'recordings', scope: 'both', keys: ['prefix A'], help: 'recordings: list (VM, start, duration, size) and delete', run: ctx => ctx.recordings()},
	{name: 'help', scope: 'both', keys: ['?', 'prefix ?'], help: 'this help (every key, and the command names settings.json rebinds)', run: ctx => ctx.help()},
];

function copyModeCommands(): CommandDefinition[] {
	const motion = (name: string, keys: string[], help: string, move: CopyMotion): CommandDefinition => ({name, scope: 'copy-mode', keys, help, run: ctx => ctx.copyMode.move(move)});
	return [
		motion('cursor-left', ['h', 'Left'], 'cursor left', 'left'),
		motion('cursor-down', ['j', 'Down'], 'cursor down', 'down'),
		motion('cursor-up', ['k', 'Up'], 'cursor up', 'up'),
		motion('cursor-right', ['l', 'Right'], 'cursor right', 'right'),
		motion('next-word', ['w'], 'start of the next word', 'word-forward'),
		motion('previous-word', ['b'], 'start of this or the previous word', 'word-back'),
		motion('start-of-line', ['0', 'Home'], 'start of the line', 'line-start'),
		motion('end-of-line', ['$', 'End'], 'end of the line', 'line-end'),
		motion('history-top', ['g'], 'top of the scrollback', 'top'),
		motion('history-bottom', ['G'], 'bottom (the live screen)', 'bottom'),
		motion('halfpage-up', ['C-u'], 'half a page up', 'half-page-up'),
		motion('halfpage-down', ['C-d'], 'half a page down', 'half-page-down'),
		motion('scroll-page-up', ['PageUp'], 'a page up', 'page-up'),
		motion('scroll-page-down', ['PageDown', 'C-f'], 'a page down', 'page-down'),
		{name: 'search-forward', scope: 'copy-mode', keys: ['/'], help: 'search forward (text, or /regex/)', run: ctx => ctx.copyMode.search(1)},
		{name: 'search-backward', scope: 'copy-mode', keys: ['?'], help: 'search back', run: ctx => ctx.copyMode.search(-1)},
		{name: 'search-again', scope: 'copy-mode', keys: ['n'], help: 'next match', run: ctx => ctx.copyMode.searchAgain(false)},
		{name: 'search-reverse', scope: 'copy-mode', keys: ['N'], help: 'previous match', run: ctx => ctx.copyMode.searchAgain(true)},
		{name: 'begin-selection', scope: 'copy-mode', keys: ['v', 'Space'], help: 'start (or clear) a selection', run: ctx => ctx.copyMode.select('char')},
		{name: 'select-line', scope: 'copy-mode', keys: ['V'], help: 'select whole lines', run: ctx => ctx.copyMode.select('line')},
		{name: 'copy-selection-and-cancel', scope: 'copy-mode', keys: ['y', 'Enter'], help: 'copy the selection and leave', run: ctx => ctx.copyMode.copy()},
		{name: 'cancel', scope: 'copy-mode', keys: ['q', 'Escape'], help: 'leave copy mode', run: ctx => ctx.copyMode.cancel()},
	];
}

/** Whether a command applies where the keyboard is now, and its own condition holds. */
export function isAvailable(command: CommandDefinition, state: CommandState): boolean {
	const inScope = command.scope === 'both' || command.scope === state.place || (command.scope === 'copy-mode' && state.copyMode);
	return inScope && (command.when?.(state) ?? true);
}

/** Two commands' scopes overlap: one key cannot start both (copy mode keeps the session's prefix keys). */
export function scopesOverlap(a: CommandScope, b: CommandScope): boolean {
	if (a === 'copy-mode' || b === 'copy-mode') return a !== 'browser' && b !== 'browser';
	return a === 'both' || b === 'both' || a === b;
}

/** The table a command's plain keys are in: copy mode's own, or the root table (the browser's). */
export function plainTableOf(command: CommandDefinition): 'root' | 'copy-mode' {
	return command.scope === 'copy-mode' ? 'copy-mode' : 'root';
}
