import type {InventoryView} from '../core/inventory/inventory-controller.js';
import type {PowerControl} from '../core/inventory/power-control.js';
import type {VmRecord} from '../core/inventory/model.js';
import type {SessionRecorder} from '../core/recording/session-recorder.js';
import type {SessionManager} from '../core/session/session-manager.js';
import type {Prompter} from '../core/session/types.js';
import type {ConnectOutcome, ProfilesService} from '../core/wiring/core-services.js';
import type {ClipboardProgram} from '../core/clipboard/local-clipboard.js';
import type {ClipboardSetting} from '../core/profiles/schema.js';
import type {InputRouter} from './input/input-router.js';
import type {PanePainter} from './screen/pane-painter.js';
import type {VmFilter} from './views/browser/filter.js';
import type {RunDoctor} from './views/doctor/DoctorView.js';
import type {KeyVaultPickerProps} from './views/profile-editor/KeyVaultPicker.js';
import type {SubscriptionChoice} from './views/subscriptions/SubscriptionPicker.js';

/** What the app needs from the rest of vmux (services/build-services wires it, mostly from core/wiring). */

export type {ConnectOutcome, ProfilesService} from '../core/wiring/core-services.js';
export type {InventoryView} from '../core/inventory/inventory-controller.js';

export interface AppServices {
	manager: SessionManager;
	/** Session recordings (prefix R, profiles that record from the start). */
	recorder: SessionRecorder;
	router: InputRouter;
	/** The forwarding prompter the session manager holds; the App installs its dialogs into it. */
	prompter: {target: Prompter | undefined};
	prefixLabel: string;
	maxFps: number;
	/** Draws the focused session's screen outside Ink (see screen/pane-painter). */
	painter: PanePainter;
	/** Where copy mode's copies go: settings.json "clipboard", the desktop's program, the user's terminal (OSC 52). */
	clipboard: {setting: ClipboardSetting; program: ClipboardProgram | undefined; terminal: {write(data: string): unknown}};
	/** Problems found at start (broken settings or profiles file, bad key bindings): shown until the user acts. */
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
	/** VM start, stop (deallocate), restart; absent in tests that do not need it. */
	power?: PowerControl;
	/** The portal's Bastion connect page for a VM (Basic SKU: the only way in through its Bastion). */
	portalLink?(vm: VmRecord): string | undefined;
	quit(): void;
}
