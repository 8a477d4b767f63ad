import type {BrowserCommands, CommandPlace, CommandState} from '../../core/commands/command-table.js';
import type {AppServices} from '../app-services.js';
import type {Dialogs} from '../dialogs/dialogs.js';
import type {View} from '../focus/derive-focus.js';
import type {UiState} from '../focus/ui-state.js';
import type {ConnectFlow} from '../flows/connect-flow.js';
import type {ProfileFlow} from '../flows/profile-flow.js';
import type {PowerFlow} from '../flows/power-flow.js';
import type {SessionFlow} from '../flows/session-flow.js';
import type {CopyModeFlow} from '../copy-mode/copy-mode-flow.js';
import type {FilesFlow} from '../flows/files-flow.js';
import {offerSignIn} from '../flows/sign-in-flow.js';
import type {BrowserModel} from '../views/browser/use-browser-state.js';
import type {CommandTarget} from './dispatcher.js';

export interface AppCommandParts {
	services: AppServices;
	ui: UiState;
	browser: BrowserModel;
	dialogs: Dialogs;
	connect: ConnectFlow;
	profiles: ProfileFlow;
	sessions: SessionFlow;
	copyMode: CopyModeFlow;
	power: PowerFlow;
	files: FilesFlow;
}

/** Where the keyboard is, in the command table's terms. */
export function placeOf(view: View): CommandPlace {
	if (view === 'browser') return 'browser';
	return view === 'sessions' || view === 'copy-mode' ? 'session' : 'other';
}

/** The app as the command table sees it: its state at each key, and what commands can do. */
export function appCommandTarget(parts: AppCommandParts): CommandTarget {
	const {services, ui, browser, dialogs} = parts;
	const selectedVm = () => browser.selected?.vm;
	const withVm = (action: (vm: NonNullable<ReturnType<typeof selectedVm>>) => void) => () => {
		const vm = selectedVm();
		if (vm) action(vm);
	};
	const browserCommands: BrowserCommands = {
		move: delta => browser.move(delta),
		movePage: direction => browser.move(direction * browser.pageSize),
		moveTo: where => browser.moveTo(where === 'first' ? 0 : Number.MAX_SAFE_INTEGER),
		startFilter: () => browser.startFilter(),
		clearFilter: () => browser.stopFilter(false),
		cycleSort: () => browser.cycleSort(),
		connect: withVm(vm => void parts.connect.connect(vm)),
		editProfile: withVm(vm => parts.profiles.edit(vm)),
		newProfile: () => parts.profiles.create(selectedVm()),
		deleteProfile: withVm(vm => parts.profiles.delete(vm)),
		doctor: withVm(vm => ui.openDoctor(vm)),
		refresh: () => services.inventory.refresh(),
		chooseSubscriptions: () => ui.setView('subscriptions'),
		signIn: () => offerSignIn(services.signIn, ui, dialogs),
		power: action => withVm(vm => parts.power.ask(vm, action))(),
		portalLink: withVm(vm => parts.power.portalLink(vm)),
		files: withVm(vm => void parts.files.openForVm(vm)),
	};
	return {
		state: (): CommandState | undefined =>
			ui.dialog
				? undefined
				: {
						place: placeOf(ui.view),
						sessions: services.manager.sessions.length,
						vmSelected: selectedVm() !== undefined,
						filterQuery: browser.query !== '',
						copyMode: ui.view === 'copy-mode',
					},
		actions: {
			browser: browserCommands,
			sessions: parts.sessions,
			copyMode: parts.copyMode,
			help: () => ui.showOverlay('help'),
			recordings: () => ui.showOverlay('recordings'),
			files: () => parts.files.openFocused(),
			quit: () => parts.sessions.quit(() => services.quit()),
		},
	};
}
