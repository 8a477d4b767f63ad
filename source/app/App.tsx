import {useCallback, useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore} from 'react';
import {Box} from 'ink';
import type {EventEmitter} from 'node:events';
import type {VmRecord} from '../core/inventory/model.js';
import type {Profile} from '../core/profiles/schema.js';
import type {SessionManager} from '../core/session/session-manager.js';
import type {ConnectionSpec, Prompter} from '../core/session/types.js';
import {TabBar} from './components/TabBar.js';
import type {PanePainter} from './screen/pane-painter.js';
import {TooSmall, isTooSmall} from './components/TooSmall.js';
import {DialogView} from './dialogs/DialogView.js';
import type {Dialog} from './dialogs/dialog-types.js';
import {closeSessionMessage} from './dialogs/close-session-message.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import type {InputRouter} from './input/input-router.js';
import type {View} from './focus/derive-focus.js';
import type {UiState} from './focus/ui-state.js';
import {BrowserView} from './views/browser/BrowserView.js';
import {BrowserModel} from './views/browser/use-browser-state.js';
import type {VmFilter} from './views/browser/filter.js';
import {HelpView} from './views/help/HelpView.js';
import {DoctorView, type RunDoctor} from './views/doctor/DoctorView.js';
import {SubscriptionPicker, type SubscriptionChoice} from './views/subscriptions/SubscriptionPicker.js';
import {ProfileEditor} from './views/profile-editor/index.js';
import {KeyVaultPicker, type KeyVaultPickerProps} from './views/profile-editor/KeyVaultPicker.js';
import {SessionPicker} from './views/sessions/SessionPicker.js';
import {SessionsView} from './views/sessions/SessionsView.js';

export type ConnectOutcome =
	| {kind: 'spec'; spec: ConnectionSpec}
	| {kind: 'error'; title: string; message: string}
	/** First connect to a VM: the profile editor opens, prefilled from the inventory. */
	| {kind: 'needs-profile'};

/** The profile store as the App uses it (core/profiles/store). */
export interface ProfilesService {
	list(): Profile[];
	profileFor(vm: VmRecord): Profile | undefined;
	save(profile: Profile, replacing?: string): void;
	delete(name: string): void;
	/** Set when the profiles file is broken: profiles are read-only until it is fixed. */
	readOnlyReason(): string | undefined;
}

export interface InventoryView {
	vms: VmRecord[];
	status: string;
	/** Why the list is empty or old, in full (the status line truncates). */
	problem?: string;
}

export interface AppServices {
	manager: SessionManager;
	router: InputRouter;
	/** Prefix commands from the router (the key pressed after the prefix). */
	commands: EventEmitter<{command: [string]}>;
	/** The forwarding prompter the session manager holds; the App installs its dialogs into it. */
	prompter: {target: Prompter | undefined};
	prefixLabel: string;
	maxFps: number;
	/** Draws the focused session's screen outside Ink (see screen/pane-painter). */
	painter: PanePainter;
	/** Problems found at start (broken settings or profiles file): shown until the user acts. */
	startupNotices: string[];
	inventory: {current(): InventoryView; refresh(): void; on(event: 'change', listener: () => void): unknown; off(event: 'change', listener: () => void): unknown};
	filter: VmFilter;
	profiles: ProfilesService;
	subscriptions: {
		list(): Promise<SubscriptionChoice[]>;
		selected(): readonly string[];
		choose(ids: string[]): void;
	};
	/** Loaders for the profile editor's Key Vault picker (subscription -> vault -> secret). */
	keyVault?: Pick<KeyVaultPickerProps, 'loadSubscriptions' | 'loadVaults' | 'loadSecrets'>;
	/** Device-code sign-in, offered when no credential in the chain works. */
	signIn?: {
		needed(): boolean;
		/** `onDone` runs once the device code is redeemed (or the sign-in failed, with the reason). */
		start(onPrompt: (prompt: {url: string; code: string; message: string}) => void, onDone?: (error?: Error) => void): void;
	};
	/** `!`: the doctor's checks for one VM (core/doctor), against the browser's Azure (or the lab's). */
	doctor: RunDoctor;
	planConnect(vm: VmRecord): Promise<ConnectOutcome>;
	quit(): void;
}

interface EditorTarget {
	initial?: Profile;
	draftFrom?: VmRecord;
	/** Connect to this VM once the profile is saved (first connect). */
	connectAfterSave?: VmRecord;
}

export function App({services, ui}: {services: AppServices; ui: UiState}) {
	const {manager, router} = services;
	const {columns, rows} = useTerminalSize();
	// View and dialogs live outside React (focus/ui-state): prefix commands and dialogs' callbacks change
	// them synchronously, and the input router and pane painter read them at once (focus/derive-focus).
	const {view, dialogs} = useSyncExternalStore(ui.subscribe, ui.getSnapshot);
	const getView = useCallback(() => ui.view, [ui]);
	const setView = useCallback((next: View) => ui.setView(next), [ui]);
	const getDialogs = useCallback(() => ui.dialogs, [ui]);
	const previousView = useRef<View>('browser');
	const [notice, setNotice] = useState<{text: string; tone: 'info' | 'error'} | undefined>(() =>
		services.startupNotices.length > 0 ? {text: services.startupNotices.join(' '), tone: 'error'} : undefined,
	);
	const [, forceRender] = useReducer((n: number) => n + 1, 0);
	const [inventory, setInventory] = useState(services.inventory.current());
	const [editor, setEditor] = useState<EditorTarget | undefined>();
	const [doctorVm, setDoctorVm] = useState<VmRecord | undefined>();
	const browserModel = useRef<BrowserModel | null>(null);
	browserModel.current ??= new BrowserModel();
	const dialog = dialogs[0];

	const pushDialog = useCallback((next: Dialog) => ui.pushDialog(next), [ui]);
	const closeDialog = useCallback((which: Dialog) => ui.closeDialog(which), [ui]);

	// The session manager asks through these: host key decisions and masked secrets become dialogs.
	useEffect(() => {
		services.prompter.target = {
			confirmUnknownHostKey: info =>
				new Promise(resolve => {
					const d: Dialog = {kind: 'host-key', info, onAnswer: decision => (closeDialog(d), resolve(decision))};
					pushDialog(d);
				}),
			askSecret: request =>
				new Promise(resolve => {
					const d: Dialog = {kind: 'secret', ...request, onAnswer: value => (closeDialog(d), resolve(value))};
					pushDialog(d);
				}),
			showSignIn: (prompt, onCancel) => {
				const d: Dialog = {
					kind: 'message',
					title: 'Sign in to Microsoft Entra ID',
					message: `Open ${prompt.url} and enter the code ${prompt.code}. This closes by itself once you are signed in.`,
					tone: 'info',
					closeHint: 'Esc cancels the sign-in (and this connection)',
					onClose: () => {
						closeDialog(d);
						onCancel();
					},
				};
				pushDialog(d);
				return () => closeDialog(d);
			},
		};
		return () => {
			services.prompter.target = undefined;
		};
	}, [services, pushDialog, closeDialog]);

	const offerSignIn = useCallback(() => {
			if (!services.signIn) return setNotice({text: 'The demo lab needs no sign-in.', tone: 'info'});
			const d: Dialog = {
				kind: 'confirm',
				title: 'Sign in to Azure?',
				message: 'No Azure sign-in worked (Azure CLI, environment, workload or managed identity). Sign in with a device code in your browser?',
				yesLabel: 'sign in',
				onAnswer: yes => {
					closeDialog(d);
					if (!yes) return;
					let shown: Dialog | undefined;
					services.signIn!.start(
						prompt => {
							shown = {kind: 'message', title: 'Sign in with a device code', message: `Open ${prompt.url} and enter the code ${prompt.code}. This closes by itself once you are signed in.`, tone: 'info', onClose: () => closeDialog(shown!)};
							pushDialog(shown);
						},
						error => {
							// The code was redeemed (or refused, expired): the prompt has done its job either way.
							if (shown) closeDialog(shown);
							setNotice(error ? {text: `The device-code sign-in did not complete: ${error.message}`, tone: 'error'} : {text: 'Signed in to Azure; listing your VMs…', tone: 'info'});
						},
					);
				},
			};
			pushDialog(d);
		}, [services, pushDialog, closeDialog]);

	useEffect(() => {
		const onChange = () => forceRender();
		manager.on('change', onChange);
		const onInventory = () => setInventory(services.inventory.current());
		services.inventory.on('change', onInventory);
		return () => {
			manager.off('change', onChange);
			services.inventory.off('change', onInventory);
		};
	}, [manager, services]);

	// Which session receives keys and whether the pane shows are not decided here: focus/derive-focus
	// derives both from (view, dialog, focused session) for the input router and the pane painter.

	const showView = useCallback(
		(next: View) => {
			const current = ui.view;
			if (current !== next && (next === 'help' || next === 'picker')) previousView.current = current;
			ui.setView(next);
		},
		[ui],
	);

	const quit = useCallback(() => {
		if (manager.sessions.length === 0) return services.quit();
		const d: Dialog = {
			kind: 'confirm',
			title: 'Quit vmux?',
			message: `${manager.sessions.length} session${manager.sessions.length === 1 ? ' is' : 's are'} live and will be closed.`,
			yesLabel: 'quit',
			onAnswer: yes => {
				closeDialog(d);
				if (yes) {
					manager.closeAll();
					services.quit();
				}
			},
		};
		pushDialog(d);
	}, [manager, services]);

	const connect = useCallback(
		async (vm: VmRecord) => {
			setNotice({text: `Connecting to ${vm.name}…`, tone: 'info'});
			let outcome: ConnectOutcome;
			try {
				outcome = await services.planConnect(vm);
			} catch (error) {
				outcome = {kind: 'error', title: `Cannot connect to ${vm.name}`, message: (error as Error).message};
			}
			if (outcome.kind === 'needs-profile') {
				setNotice(undefined);
				return openEditor({draftFrom: vm, connectAfterSave: vm});
			}
			if (outcome.kind === 'error') {
				setNotice(undefined);
				const d: Dialog = {kind: 'message', title: outcome.title, message: outcome.message, tone: 'error', onClose: () => closeDialog(d)};
				return pushDialog(d);
			}
			try {
				manager.open(outcome.spec);
				setNotice(undefined);
				setView('sessions');
			} catch (error) {
				setNotice(undefined);
				const d: Dialog = {kind: 'message', title: `Cannot connect to ${vm.name}`, message: (error as Error).message, tone: 'error', onClose: () => closeDialog(d)};
				pushDialog(d);
			}
		},
		[services, manager, pushDialog, closeDialog],
	);

	const openEditor = useCallback(
		(target: EditorTarget) => {
			const reason = services.profiles.readOnlyReason();
			if (reason) return setNotice({text: `The profile editor cannot save now. ${reason}`, tone: 'error'});
			setEditor(target);
			setView('editor');
		},
		[services],
	);

	const deleteProfile = useCallback(
		(vm: VmRecord) => {
			const profile = services.profiles.profileFor(vm);
			if (!profile) return setNotice({text: `${vm.name} has no profile to delete.`, tone: 'info'});
			const d: Dialog = {
				kind: 'confirm',
				title: `Delete the profile "${profile.name}"?`,
				message: 'Its settings are removed from the profiles file. Live sessions are not affected.',
				yesLabel: 'delete',
				onAnswer: yes => {
					closeDialog(d);
					if (!yes) return;
					try {
						services.profiles.delete(profile.name);
						setNotice({text: `Deleted the profile "${profile.name}".`, tone: 'info'});
					} catch (error) {
						setNotice({text: (error as Error).message, tone: 'error'});
					}
				},
			};
			pushDialog(d);
		},
		[services, pushDialog, closeDialog],
	);

	// Prefix commands (DESIGN §6). From the browser only the session-switching ones apply.
	useEffect(() => {
		const onCommand = (key: string) => {
			if (getDialogs().length > 0) return;
			const view = getView();
			const hasSessions = manager.sessions.length > 0;
			const toSessions = () => {
				if (!hasSessions) {
					setNotice({text: 'No sessions yet: Enter on a VM connects.', tone: 'info'});
					return false;
				}
				setView('sessions');
				return true;
			};
			if (/^[0-9]$/.test(key)) {
				if (toSessions()) manager.focus(Number(key));
				return;
			}
			switch (key) {
				case 'n':
					if (view === 'sessions') manager.next(1);
					else toSessions();
					return;
				case 'p':
					if (view === 'sessions') manager.next(-1);
					else toSessions();
					return;
				case 'w':
					if (hasSessions) showView('picker');
					else toSessions();
					return;
				case '?':
					return showView('help');
			}
			if (view !== 'sessions' && view !== 'scrollback') return;
			const focused = manager.focused;
			switch (key) {
				case 'c':
					manager.newShell();
					return;
				case 'd':
					return setView('browser');
				case 'x': {
					if (!focused) return;
					const d: Dialog = {
						kind: 'confirm',
						title: `Close session ${manager.focusedIndex}: ${focused.label}?`,
						message: closeSessionMessage(focused, manager.sessionsOf(focused.connection).length - 1),
						yesLabel: 'close',
						onAnswer: yes => {
							closeDialog(d);
							if (yes) {
								manager.close(focused);
								if (manager.sessions.length === 0) setView('browser');
							}
						},
					};
					return pushDialog(d);
				}
				case 'r':
					return manager.reconnect();
				case '[':
					return setView('scrollback');
			}
		};
		services.commands.on('command', onCommand);
		return () => {
			services.commands.off('command', onCommand);
		};
	}, [services, manager, getView, getDialogs, showView, pushDialog, closeDialog]);

	// Ink redraws the whole screen when its output is as tall as the terminal, so stay one row short.
	const height = Math.max(1, rows - 1);
	const paneHeight = Math.max(1, height - 1);
	useEffect(() => {
		manager.setSize(Math.max(1, columns), paneHeight);
	}, [manager, columns, paneHeight]);

	const actions = useMemo(
		() => ({
			connect: (vm: VmRecord) => void connect(vm),
			edit: (vm: VmRecord) => {
				const initial = services.profiles.profileFor(vm);
				openEditor(initial ? {initial, draftFrom: vm} : {draftFrom: vm});
			},
			newProfile: (vm: VmRecord | undefined) => openEditor(vm && !services.profiles.profileFor(vm) ? {draftFrom: vm} : {}),
			deleteProfile,
			refresh: () => services.inventory.refresh(),
			subscriptions: () => setView('subscriptions'),
			doctor: (vm: VmRecord) => {
				setDoctorVm(vm);
				setView('doctor');
			},
			help: () => showView('help'),
			signIn: offerSignIn,
			quit,
		}),
		[connect, services, showView, quit, openEditor, deleteProfile, offerSignIn],
	);

	const tooSmall = isTooSmall(columns, rows);
	if (tooSmall) return <TooSmall columns={columns} rows={rows} />;

	const main = (() => {
		switch (view) {
			case 'help':
				return <HelpView prefix={services.prefixLabel} width={columns} height={height} onClose={() => setView(previousView.current)} />;
			case 'picker':
				return (
					<SessionPicker
						manager={manager}
						width={columns}
						height={height}
						onPick={index => {
							manager.focus(index);
							setView('sessions');
						}}
						onClose={() => setView(previousView.current)}
					/>
				);
			case 'sessions':
			case 'scrollback':
				return (
					<Box flexDirection="column" width={columns} height={height}>
						<TabBar manager={manager} width={columns} prefixPending={router.prefixPending} prefixLabel={services.prefixLabel} />
						<SessionsView
							manager={manager}
							painter={services.painter}
							top={1}
							width={columns}
							height={paneHeight}
							scrollback={view === 'scrollback' && !dialog}
							onLeaveScrollback={() => setView('sessions')}
						/>
					</Box>
				);
			case 'doctor':
				return doctorVm ? (
					<DoctorView vm={doctorVm} run={services.doctor} width={columns} height={height} onClose={() => setView('browser')} />
				) : null;
			case 'subscriptions':
				return (
					<SubscriptionPicker
						load={services.subscriptions.list}
						selected={services.subscriptions.selected()}
						width={columns}
						height={height}
						onCancel={() => setView('browser')}
						onSave={ids => {
							try {
								services.subscriptions.choose(ids);
								setNotice({text: ids.length === 0 ? 'Listing every subscription.' : `Listing ${ids.length} subscription${ids.length === 1 ? '' : 's'}.`, tone: 'info'});
							} catch (error) {
								setNotice({text: (error as Error).message, tone: 'error'});
							}
							setView('browser');
						}}
					/>
				);
			case 'editor': {
				const profiles = services.profiles.list();
				const target = editor ?? {};
				const leave = () => {
					setEditor(undefined);
					setView('browser');
				};
				return (
					<ProfileEditor
						key={target.initial?.name ?? target.draftFrom?.id ?? 'new'}
						initial={target.initial}
						draftFrom={target.draftFrom}
						existingNames={profiles.map(p => p.name)}
						profilesByName={Object.fromEntries(profiles.map(p => [p.name, p]))}
						width={columns}
						height={height}
						isActive={!dialog}
						secretPicker={services.keyVault ? props => <KeyVaultPicker {...props} {...services.keyVault!} isActive={!dialog} /> : undefined}
						onCancel={leave}
						onSave={(profile, meta) => {
							services.profiles.save(profile, meta.originalName);
							leave();
							setNotice({text: `Saved the profile "${profile.name}".`, tone: 'info'});
							if (target.connectAfterSave) void connect(target.connectAfterSave);
						}}
					/>
				);
			}
			case 'browser':
				return (
					<BrowserView
						model={browserModel.current}
						vms={inventory.vms}
						emptyMessage={inventory.problem}
						filter={services.filter}
						hasProfile={vm => services.profiles.profileFor(vm) !== undefined}
						actions={actions}
						width={columns}
						height={height}
						status={inventory.status + (manager.sessions.length > 0 ? ` · ${manager.sessions.length} live session${manager.sessions.length === 1 ? '' : 's'} (${services.prefixLabel} n)` : '')}
						notice={notice}
						isActive={!dialog}
					/>
				);
		}
	})();

	if (!dialog) return main;
	// The tab bar stays above a dialog: which session is asking (a host key, a passphrase) and what else runs.
	return (
		<Box flexDirection="column" width={columns} height={height}>
			{manager.sessions.length > 0 && <TabBar manager={manager} width={columns} prefixPending={false} prefixLabel={services.prefixLabel} />}
			<Box flexDirection="column" width={columns} flexGrow={1} alignItems="center" justifyContent="center">
				<DialogView dialog={dialog} width={columns} />
			</Box>
		</Box>
	);
}
