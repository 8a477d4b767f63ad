import type {CommandDefinition} from '../core/commands/command-table.js';
import {helpSections, type HelpSection} from '../core/commands/help-rows.js';
import type {Keymap} from '../core/commands/keymap.js';
import type {AppServices} from './app-services.js';
import {appCommandTarget} from './commands/app-commands.js';
import {CommandDispatcher} from './commands/dispatcher.js';
import {browserHints} from './commands/key-hints.js';
import type {Hint} from './components/HintBar.js';
import {Dialogs} from './dialogs/dialogs.js';
import {ConnectFlow} from './flows/connect-flow.js';
import {ForwardsFlow} from './flows/forwards-flow.js';
import {PowerFlow} from './flows/power-flow.js';
import {ProfileFlow} from './flows/profile-flow.js';
import {SessionFlow} from './flows/session-flow.js';
import {FilesFlow} from './flows/files-flow.js';
import {CopyModeFlow} from './copy-mode/copy-mode-flow.js';
import {MouseFlow} from './mouse/mouse-flow.js';
import {TabHits} from './mouse/tab-hits.js';
import type {Notice, UiState} from './focus/ui-state.js';
import type {BrowserModel} from './views/browser/use-browser-state.js';

/** Everything the App draws from and the input router dispatches to, wired once, outside React. */
export interface AppController {
	ui: UiState;
	browser: BrowserModel;
	keymap: Keymap;
	dispatcher: CommandDispatcher;
	dialogs: Dialogs;
	connect: ConnectFlow;
	profiles: ProfileFlow;
	sessions: SessionFlow;
	copyMode: CopyModeFlow;
	/** VM start/stop/restart and the portal link (browser keys U X R B). */
	power: PowerFlow;
	/** The forwards view's toggle, add and delete (prefix F). */
	forwards: ForwardsFlow;
	/** The file view and the background transfers of every connection (prefix f, f in the browser). */
	files: FilesFlow;
	/** What clicks, drags and the wheel do (the input router hands it mouse reports when settings.json's "mouse" is on). */
	mouse: MouseFlow;
	/** Where the tab bar drew its tabs (the TabBar fills it in; the mouse reads it). */
	tabHits: TabHits;
	/** The `?` view's sections, from the command table and the keys in force. */
	help: HelpSection[];
	/** The browser's hint bar. */
	hints: Hint[];
	/** Takes the dialogs back out of the session manager's prompter. */
	dispose(): void;
}

export interface AppControllerOptions {
	services: AppServices;
	ui: UiState;
	browser: BrowserModel;
	keymap: Keymap;
	/** The prefix key's byte (send-prefix sends it). */
	prefixByte: number;
	/** Told about every command run (the debug log). */
	onCommand?: (command: CommandDefinition) => void;
	/** The debug log (clipboard programs that failed). */
	log?: (message: string) => void;
}

/**
 * The composition root of the full-screen app: dialogs, the connect flow, profile editing, session
 * commands and the command dispatcher over one UI state. The App component only draws what they leave in
 * the UI state; keys reach them through the input router and the dispatcher, never through React.
 */
export function createAppController({services, ui, browser, keymap, prefixByte, onCommand, log}: AppControllerOptions): AppController {
	const dialogs = new Dialogs(ui);
	services.prompter.target = dialogs.prompter;
	const profiles: ProfileFlow = new ProfileFlow(services.profiles, ui, dialogs, vm => void connect.connect(vm));
	const clipboard = {setting: services.clipboard.setting, program: services.clipboard.program, terminal: services.clipboard.terminal};
	const power = new PowerFlow(
		{...(services.power ? {power: services.power} : {}), ...(services.portalLink ? {portalLink: services.portalLink} : {}), clipboard},
		ui,
		dialogs,
		log,
	);
	const connect: ConnectFlow = new ConnectFlow(services, ui, dialogs, target => profiles.open(target), power);
	const copyMode = new CopyModeFlow({
		manager: services.manager,
		ui,
		painter: services.painter,
		terminal: services.clipboard.terminal,
		clipboard: services.clipboard.setting,
		program: services.clipboard.program,
		...(log ? {log} : {}),
	});
	const tabHits = new TabHits();
	const mouse = new MouseFlow({
		ui,
		manager: services.manager,
		focusTab: index => services.manager.selectWindow(index),
		copyMode,
		panes: services.painter,
		tabs: tabHits,
		browser,
	});
	const sessions = new SessionFlow(services.manager, ui, dialogs, prefixByte, copyMode, services.recorder, placement => {
		// The whole list to pick from: a filter left from the last connect would hide most of it.
		browser.stopFilter(false);
		connect.pickInto(placement);
	});
	// Recording notices (started, stopped, disk full) show in the tab bar for a while; errors stay in the browser too.
	const onRecordingNotice = (notice: Notice) => {
		ui.flash(notice);
		if (notice.tone === 'error') ui.setNotice(notice);
	};
	services.recorder.on('notice', onRecordingNotice);
	const files = new FilesFlow(services.manager, ui, dialogs, vm => connect.connect(vm));
	const dispatcher = new CommandDispatcher(keymap, appCommandTarget({services, ui, browser, dialogs, connect, profiles, sessions, copyMode, power, files}), onCommand);
	if (services.startupNotices.length > 0) ui.setNotice({text: services.startupNotices.join(' '), tone: 'error'});
	return {
		ui,
		browser,
		keymap,
		dispatcher,
		dialogs,
		connect,
		profiles,
		sessions,
		copyMode,
		power,
		forwards: new ForwardsFlow(services.profiles, ui, dialogs),
		files,
		mouse,
		tabHits,
		help: helpSections(keymap),
		hints: browserHints(keymap),
		dispose: () => {
			services.recorder.off('notice', onRecordingNotice);
			connect.dispose();
			files.dispose();
			if (services.prompter.target === dialogs.prompter) services.prompter.target = undefined;
		},
	};
}
