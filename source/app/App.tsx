import {useEffect, useSyncExternalStore} from 'react';
import {Box} from 'ink';
import type {AppController} from './app-controller.js';
import type {AppServices} from './app-services.js';
import {placeOf} from './commands/app-commands.js';
import {keyLabel} from './commands/key-hints.js';
import {TabBar} from './components/TabBar.js';
import {TooSmall, isTooSmall} from './components/TooSmall.js';
import {DialogView} from './dialogs/DialogView.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {usePowerActivity, useInventory, useSessionChanges} from './hooks/use-services.js';
import {describeActivity} from '../core/inventory/power-control.js';
import {BrowserView} from './views/browser/BrowserView.js';
import {DoctorView} from './views/doctor/DoctorView.js';
import {HelpView} from './views/help/HelpView.js';
import {ProfileEditor} from './views/profile-editor/index.js';
import {KeyVaultPicker} from './views/profile-editor/KeyVaultPicker.js';
import {deleteRecording} from '../core/recording/recordings-dir.js';
import {RecordingsView} from './views/recordings/RecordingsView.js';
import {ForwardsView} from './views/forwards/ForwardsView.js';
import {FilesView} from './views/files/FilesView.js';
import {SessionPicker} from './views/sessions/SessionPicker.js';
import {SessionsView} from './views/sessions/SessionsView.js';
import {SubscriptionPicker} from './views/subscriptions/SubscriptionPicker.js';

/**
 * The full-screen app, as composition: it draws the view and dialog the UI state holds, with what the
 * controller's flows need from each view. Nothing here decides where keys go (focus/derive-focus does,
 * from the UI state) and no key reaches a command through React (the input router and the command
 * dispatcher do that); the views keep only their own keys (text fields, lists inside a view).
 */
export function App({services, controller}: {services: AppServices; controller: AppController}) {
	const {manager, router} = services;
	const {ui, keymap} = controller;
	const {columns, rows} = useTerminalSize();
	const {view, dialogs, notice, editor, doctorVm, flash, files} = useSyncExternalStore(ui.subscribe, ui.getSnapshot);
	const inventory = useInventory(services.inventory);
	useSessionChanges(manager);
	useSessionChanges(services.recorder);
	usePowerActivity(services.power);
	useSessionChanges(controller.files.sessions);
	const transfers = controller.files.sessions.summary();
	const dialog = dialogs[0];

	// Ink redraws the whole screen when its output is as tall as the terminal, so stay one row short.
	const height = Math.max(1, rows - 1);
	const paneHeight = Math.max(1, height - 1);
	useEffect(() => {
		manager.setSize(Math.max(1, columns), paneHeight);
	}, [manager, columns, paneHeight]);

	if (isTooSmall(columns, rows)) return <TooSmall columns={columns} rows={rows} />;

	const main = (() => {
		switch (view) {
			case 'help':
				return (
					<HelpView
						sections={controller.help}
						first={placeOf(ui.viewUnderOverlay) === 'session' ? 'session' : 'browser'}
						width={columns}
						height={height}
						onClose={() => ui.closeOverlay()}
					/>
				);
			case 'picker':
				return (
					<SessionPicker
						manager={manager}
						width={columns}
						height={height}
						onPick={index => {
							const session = manager.sessions[index];
							if (session) manager.focusSession(session);
							ui.setView('sessions');
						}}
						onClose={() => ui.closeOverlay()}
					/>
				);
			case 'recordings':
				return (
					<RecordingsView
						dir={services.recorder.dir}
						activePaths={services.recorder.activePaths}
						width={columns}
						height={height}
						isActive={!dialog}
						notice={flash}
						onDelete={file =>
							controller.dialogs.confirm({title: `Delete the recording ${file.name}?`, message: `${file.path} will be removed for good.`, yesLabel: 'delete'}, () => {
								try {
									deleteRecording(file);
									ui.flash({text: `Deleted ${file.name}.`, tone: 'info'});
								} catch (error) {
									ui.flash({text: `Could not delete ${file.name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, tone: 'error'});
								}
							})
						}
						onClose={() => ui.closeOverlay()}
					/>
				);
			case 'forwards': {
				const session = manager.focused;
				if (!session) return null;
				const {forwards, spec} = session.connection;
				return (
					<ForwardsView
						forwards={forwards}
						vm={spec.label}
						width={columns}
						height={height}
						isActive={!dialog}
						notice={flash}
						onToggle={index => controller.forwards.toggle(forwards, spec.profileName, index)}
						onAdd={() => controller.forwards.add(forwards, spec.profileName)}
						onDelete={index => controller.forwards.remove(forwards, spec.profileName, index)}
						onClose={() => ui.closeOverlay()}
					/>
				);
			}
			case 'files':
				return files ? (
					<Box flexDirection="column" width={columns} height={height}>
						<TabBar manager={manager} width={columns} prefixPending={router.prefixPending} prefixLabel={services.prefixLabel} recorder={services.recorder} flash={flash} transfers={transfers} />
						<FilesView model={files} width={columns} height={paneHeight} isActive={!dialog} />
					</Box>
				) : null;
			case 'sessions':
			case 'copy-mode':
				return (
					<Box flexDirection="column" width={columns} height={height}>
						<TabBar
							manager={manager}
							width={columns}
							prefixPending={router.prefixPending}
							prefixLabel={services.prefixLabel}
							recorder={services.recorder}
							flash={flash}
							transfers={transfers}
							onLayout={controller.tabHits.drawn}
						/>
						<SessionsView
							manager={manager}
							painter={services.painter}
							top={1}
							width={columns}
							height={paneHeight}
							copyMode={view === 'copy-mode' && !dialog ? controller.copyMode : undefined}
						/>
					</Box>
				);
			case 'doctor':
				return doctorVm ? <DoctorView vm={doctorVm} run={services.doctor} width={columns} height={height} onClose={() => ui.setView('browser')} /> : null;
			case 'subscriptions':
				return (
					<SubscriptionPicker
						load={services.subscriptions.list}
						selected={services.subscriptions.selected()}
						width={columns}
						height={height}
						onCancel={() => ui.setView('browser')}
						onSave={ids => {
							try {
								services.subscriptions.choose(ids);
								ui.setNotice({text: ids.length === 0 ? 'Listing every subscription.' : `Listing ${ids.length} subscription${ids.length === 1 ? '' : 's'}.`, tone: 'info'});
							} catch (error) {
								ui.setNotice({text: (error as Error).message, tone: 'error'});
							}
							ui.setView('browser');
						}}
					/>
				);
			case 'editor': {
				const profiles = services.profiles.list();
				const target = editor ?? {};
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
						onCancel={() => controller.profiles.cancelled()}
						onSave={(profile, meta) => controller.profiles.saved(profile, meta.originalName, target)}
					/>
				);
			}
			case 'browser': {
				const live = manager.sessions.length;
				const back = keyLabel(keymap, 'next-window');
				return (
					<BrowserView
						model={controller.browser}
						vms={inventory.vms}
						emptyMessage={inventory.problem}
						filter={services.filter}
						hasProfile={vm => services.profiles.profileFor(vm) !== undefined}
						activityOf={vm => {
							const activity = services.power?.activity(vm.id);
							return activity ? describeActivity(activity) : undefined;
						}}
						onConnect={vm => void controller.connect.connect(vm)}
						hints={controller.hints}
						sortKey={keyLabel(keymap, 'sort')}
						width={columns}
						height={height}
						status={inventory.status + (live > 0 ? ` · ${live} live session${live === 1 ? '' : 's'}${back ? ` (${back})` : ''}` : '')}
						notice={notice}
						isActive={!dialog}
					/>
				);
			}
		}
	})();

	if (!dialog) return main;
	// The tab bar stays above a dialog: which session is asking (a host key, a passphrase) and what else runs.
	return (
		<Box flexDirection="column" width={columns} height={height}>
			{manager.sessions.length > 0 && (
				<TabBar manager={manager} width={columns} prefixPending={false} prefixLabel={services.prefixLabel} recorder={services.recorder} flash={flash} transfers={transfers} />
			)}
			<Box flexDirection="column" width={columns} flexGrow={1} alignItems="center" justifyContent="center">
				<DialogView dialog={dialog} width={columns} />
			</Box>
		</Box>
	);
}
