import {openAzureAccess, type AzureSource} from '../azure/azure-access.js';
import type {AzureSignIn} from '../azure/sign-in.js';
import type {DeviceCodePrompt} from '../azure/public-client.js';
import {authStepsFor, type EntraLoginSource} from '../credentials/auth-steps.js';
import {agentSocketFromEnv} from '../credentials/ssh-agent.js';
import type {DoctorCheck, DoctorReport} from '../doctor/index.js';
import type {KeyVaultClients} from '../azure/keyvault.js';
import {armInventorySource} from '../inventory/arm-inventory-source.js';
import {listSubscriptions, type SubscriptionInfo} from '../inventory/azure-source.js';
import {diskCache, type CachedInventory} from '../inventory/cache.js';
import {hostProfileName} from '../inventory/host-rows.js';
import {InventoryController, type FetchResult, type InventorySource} from '../inventory/inventory-controller.js';
import {PowerControl} from '../inventory/power-control.js';
import {bastionPortalLink} from '../azure/portal-link.js';
import type {PowerState, VmRecord} from '../inventory/model.js';
import type {PowerWaitGoal} from '../inventory/power-wait.js';
import type {Logger} from '../log.js';
import type {Profile} from '../profiles/schema.js';
import type {SettingsStore} from '../profiles/settings-store.js';
import {maxConcurrentSessions} from '../profiles/sku.js';
import type {ProfileStore} from '../profiles/store.js';
import {SessionRecorder} from '../recording/session-recorder.js';
import {planConnection, powerRefusalKind, refuseBeforeProfile, withCurrentPowerState, type PlanContext} from '../session/connect-plan.js';
import {HostKeyPolicy} from '../session/host-key-policy.js';
import {KnownHosts} from '../session/known-hosts.js';
import {SessionManager} from '../session/session-manager.js';
import type {ConnectionSpec, Prompter} from '../session/types.js';
import {JumpTransport} from '../transport/jump.js';
import {browserRows, type BrowserRows} from './browser-rows.js';
import {forwardingPrompter} from './forwarding-prompter.js';

/**
 * vmux without its UI: profiles, host keys, sessions and recordings, the inventory, the Azure side and connect
 * planning, wired once. The TUI composes these with its screen parts (app/services/build-services); nothing here
 * knows React, Ink or the lab (the demo hands its lab in as an AzureSource and a few hooks).
 */

export type ConnectOutcome =
	| {kind: 'spec'; spec: ConnectionSpec}
	/**
	 * `startable`: refused only because the VM is stopped or deallocated; starting it would help.
	 * `waitable`: refused only because the VM is in transit: wait for it to run (`running`), or to stop and then start it.
	 * `repick`: the profile whose Bastion no longer serves the VM; editing it offers the Bastions that do.
	 */
	| {kind: 'error'; title: string; message: string; startable?: boolean; waitable?: PowerWaitGoal; powerState?: PowerState; repick?: Profile}
	/** First connect to a VM: the profile editor opens, prefilled from the inventory. */
	| {kind: 'needs-profile'};

/** The profile store as the UI uses it (core/profiles/store). */
export interface ProfilesService {
	list(): Profile[];
	profileFor(vm: VmRecord): Profile | undefined;
	save(profile: Profile, replacing?: string): void;
	delete(name: string): void;
	/** Set when the profiles file is broken: profiles are read-only until it is fixed. */
	readOnlyReason(): string | undefined;
}

export interface CoreServicesOptions {
	/** The config dir: profiles, known_hosts, inventory cache. */
	configDir: string;
	recordingsDir: string;
	settings: SettingsStore;
	/** The profile store (made by the caller: the demo seeds its profiles into it before anything starts). */
	store: ProfileStore;
	logger: Logger;
	/** Real Azure from settings.json, or clients someone else made (the demo's lab). */
	azure: AzureSource;
	/** The inventory cache's name (default: the tenant signed in to, or "default"). */
	cacheKey?: string;
	/** The inventory cache as read for the first frame, so it is not read twice. */
	preloadedCache?: CachedInventory | undefined;
	/** Where a VM's address is reached instead (the demo's lab SSH servers). */
	resolveAddress?: PlanContext['resolveAddress'];
	/**
	 * Runs before a connection is planned and waits for what connections need that starts late (the demo's SSH
	 * servers, started on the first connect). Resolves to a sentence when that could not start: the connect then
	 * stops with it. Bounded by the caller.
	 */
	beforeConnect?: () => Promise<string | undefined>;
	/** Poll interval of VM power operations when Azure sends no Retry-After (the SDK's default: 2 s). */
	powerPollIntervalMs?: number;
	/** Waiting for a VM in transit (power-wait.ts): its poll interval and bound; Azure's defaults are 3 s and 10 min. */
	powerWait?: {intervalMs?: number; timeoutMs?: number};
	/**
	 * The first refresh's answer, already under way (the demo fetches its first list through the same SDK clients
	 * while the app loads, and draws it before Ink is up): the inventory starts from it instead of fetching again.
	 */
	firstInventory?: Promise<FetchResult> | undefined;
	/** Rewrites a password prompt before it is shown (the demo names its per-run password). */
	secretRequest?: (request: {title: string; prompt: string}) => {title: string; prompt: string};
	onProgress?: ((step: string) => void) | undefined;
}

export interface CoreServices {
	manager: SessionManager;
	recorder: SessionRecorder;
	/** The forwarding prompter the session manager holds; the UI installs its dialogs into it. */
	prompter: {target: Prompter | undefined};
	/**
	 * What connections made outside the session manager use (the CLI verbs, core/wiring/open-profile-connection):
	 * the same host-key policy (one known_hosts, one "accepted once" memory) and the prompter that forwards to
	 * whoever is installed in `prompter.target`.
	 */
	connecting: {hostKeys: HostKeyPolicy; prompter: Prompter};
	/** Problems found at start (broken settings or profiles file, a damaged cache): shown until the user acts. */
	startupNotices: string[];
	inventory: BrowserRows;
	profiles: ProfilesService;
	subscriptions: {
		list(): Promise<SubscriptionInfo[]>;
		selected(): readonly string[];
		choose(ids: string[]): void;
	};
	/** Loaders for the profile editor's Key Vault picker (subscription -> vault -> secret). */
	keyVault: {
		loadSubscriptions(): Promise<Array<{subscriptionId: string; displayName: string}>>;
		loadVaults: KeyVaultClients['listVaults'];
		loadSecrets: KeyVaultClients['listSecretNames'];
	};
	/** Device-code sign-in, offered when no credential in the chain works (real Azure only). */
	signIn?: {
		needed(): boolean;
		/** `onDone` runs once the device code is redeemed (or the sign-in failed, with the reason). */
		start(onPrompt: (prompt: DeviceCodePrompt) => void, onDone?: (error?: Error) => void): void;
	};
	/** The doctor's checks for one VM (core/doctor), against the same Azure as the inventory. */
	doctor(vm: VmRecord, onCheck: (check: DoctorCheck) => void, signal: AbortSignal): Promise<DoctorReport>;
	/**
	 * Plans a connection to the VM through its profile. `port` replaces the profile's port (`vmux tunnel`: the
	 * Bastion tunnel then leads to that port, under the same SKU rules as a profile's custom port).
	 */
	planConnect(vm: VmRecord, options?: {port?: number}): Promise<ConnectOutcome>;
	/** VM start, stop (deallocate) and restart, with their progress in the list (core/inventory/power-control). */
	power: PowerControl;
	/** The portal's Bastion connect page for an Azure VM, in the cloud vmux uses; undefined for a plain host. */
	portalLink(vm: VmRecord): string | undefined;
}

export interface BuiltCoreServices {
	services: CoreServices;
	/** Stops recordings, closes sessions, the inventory and the Azure clients. */
	dispose(): Promise<void>;
}

export function buildCoreServices(options: CoreServicesOptions): BuiltCoreServices {
	const {store, settings, logger} = options;
	// First, so a bad cloud setting stops the start before anything opens. The subscriptions' tenants come from
	// the inventory's list (made below; asked for only once it exists).
	const azure = openAzureAccess(options.azure, {knownSubscriptions: () => inventory.subscriptions()});
	const {clients, readSecret} = azure;
	const signIn: AzureSignIn | undefined = azure.signIn;
	const knownHosts = new KnownHosts({configDir: options.configDir});
	const hostKeys = new HostKeyPolicy(knownHosts);
	const {prompter, holder} = forwardingPrompter(options.secretRequest);
	const bastionSkus = new Map<string, VmRecord['bastion']>();
	const manager = new SessionManager({
		hostKeys,
		prompter,
		scrollback: settings.settings.scrollbackLines,
		closePaneOnExit: settings.settings.closePaneOnExit,
		bastionLimit: id => {
			const bastion = bastionSkus.get(id.toLowerCase());
			return bastion ? maxConcurrentSessions(bastion.sku) : undefined;
		},
	});
	const recorder = new SessionRecorder({dir: options.recordingsDir});
	const stopWatching = recorder.watch(manager);

	const entraLogin: EntraLoginSource = async ({showSignIn, signal, subscriptionId}) => {
		const certificates = await azure.entraCertificates();
		const wasSignedOut = inventory.needsSignIn;
		// The certificate is asked of the VM's tenant (a VM in another of the user's tenants gets that tenant's).
		const tenantId = subscriptionId ? azure.tenantOfSubscription(subscriptionId) : undefined;
		const login = await certificates.get(signal, {...(showSignIn ? {needsSignIn: showSignIn} : {}), ...(tenantId ? {tenantId} : {})});
		// A sign-in made while connecting serves the browser too: list the VMs it could not list before.
		if (wasSignedOut && (await signIn?.entra())?.signedIn) inventory.refresh();
		return login;
	};
	// The debug log (--debug-log) gets every connection state change; the redactor scrubs anything secret.
	const lastLogged = new WeakMap<object, string>();
	manager.on('change', () => {
		for (const connection of manager.connections) {
			const line = JSON.stringify(connection.state);
			if (lastLogged.get(connection) === line) continue;
			lastLogged.set(connection, line);
			logger.debug(`connection ${connection.spec.label} via ${connection.spec.transport.description}`, connection.state);
		}
	});
	const selectedSubscriptions = () => settings.settings.selectedSubscriptions;
	const signedIn = signIn ? () => signIn.check() : undefined;
	// A damaged inventory cache is dropped (the refresh rebuilds it); the user gets one line saying so.
	const cacheProblems: string[] = [];
	const inventory = new InventoryController(
		firstFetchFrom(options.firstInventory, armInventorySource(azure.label, clients, selectedSubscriptions, signedIn)),
		diskCache(options.configDir, options.cacheKey ?? azure.tenantId ?? 'default', options.preloadedCache, problem => cacheProblems.push(problem)),
	);
	// Remember each Bastion's SKU for the session manager's concurrency limit (Developer: one session).
	inventory.on('change', () => {
		for (const vm of inventory.current().vms) if (vm.bastion) bastionSkus.set(vm.bastion.id.toLowerCase(), vm.bastion);
	});
	inventory.on('change', () => {
		const {status} = inventory.current();
		if (!status.includes('refreshing')) logger.debug('inventory', status);
	});
	options.onProgress?.('opening the VM browser');
	inventory.start();
	if (store.readOnlyReason) logger.error('profiles read-only', store.readOnlyReason);

	// Before refusing a VM the list shows as not running, ask ARM: Resource Graph lags after a start. Bounded, so a
	// slow ARM delays a connect by seconds at most; on any failure the listed state stands.
	const currentPowerState: PlanContext['currentPowerState'] = async vm => {
		const {readPowerState} = await import('../inventory/power-state.js');
		return readPowerState(await clients(), vm.id, AbortSignal.timeout(15_000));
	};
	const vmById = (id: string) => inventory.current().vms.find(vm => vm.id.toLowerCase() === id.toLowerCase());
	const profileFor = (vm: VmRecord): Profile | undefined => {
		const own = hostProfileName(vm);
		if (own !== undefined) return store.get(own);
		// An index lookup: the browser asks this for every row it draws, on every keystroke.
		const profile = store.forVm(vm.id);
		return profile && structuredClone(profile);
	};
	const rows = browserRows(inventory, store);
	const power = new PowerControl(clients, inventory, {
		...(options.powerPollIntervalMs !== undefined ? {intervalMs: options.powerPollIntervalMs} : {}),
		...(options.powerWait?.intervalMs !== undefined ? {waitIntervalMs: options.powerWait.intervalMs} : {}),
		...(options.powerWait?.timeoutMs !== undefined ? {waitTimeoutMs: options.powerWait.timeoutMs} : {}),
	});

	const services: CoreServices = {
		manager,
		recorder,
		prompter: holder,
		connecting: {hostKeys, prompter},
		startupNotices: [...settings.problems, ...(store.readOnlyReason ? [store.readOnlyReason] : []), ...cacheProblems],
		inventory: rows,
		subscriptions: {
			list: async () => listSubscriptions(await clients()),
			selected: selectedSubscriptions,
			choose: ids => {
				settings.update({selectedSubscriptions: ids});
				inventory.refresh();
			},
		},
		...(signIn
			? {
					signIn: {
						needed: () => inventory.needsSignIn,
						start: (onPrompt, onDone) => {
							// The clients keep signIn.credential, which now forwards to the device-code credential.
							signIn.useDeviceCode(onPrompt, onDone);
							inventory.refresh();
						},
					},
				}
			: {}),
		// Key Vault pickers in the profile editor: the same cloud and sign-in as the inventory, loaded on first use.
		keyVault: {
			loadSubscriptions: async () => (await listSubscriptions(await clients())).map(s => ({subscriptionId: s.id, displayName: s.name})),
			loadVaults: async subscriptionId => (await azure.keyVault()).listVaults(subscriptionId),
			// The vault URL as listed and saved (no port); the Key Vault clients read it in the cloud (vaultUrlInCloud).
			loadSecrets: async vaultUrl => (await azure.keyVault()).listSecretNames(vaultUrl),
		},
		profiles: {
			list: () => store.list(),
			profileFor,
			save: (profile, replacing) => {
				store.save(profile, replacing === undefined ? {} : {replacing});
				rows.profilesChanged();
			},
			delete: name => {
				store.delete(name);
				rows.profilesChanged();
			},
			readOnlyReason: () => store.readOnlyReason,
		},
		doctor: async (vm, onCheck, signal) => {
			if (hostProfileName(vm) !== undefined) throw new Error(`${vm.name} is a plain host, not an Azure VM: the doctor checks Azure access, Bastion and VM state.`);
			const {runDoctor} = await import('../doctor/index.js');
			return runDoctor({clients: await clients(), vm: vm.id, profile: profileFor(vm), signal, onCheck, readSecret});
		},
		async planConnect(vm, planOptions = {}): Promise<ConnectOutcome> {
			const saved = profileFor(vm);
			const profile = saved && planOptions.port !== undefined ? {...saved, port: planOptions.port} : saved;
			const azureVm = hostProfileName(vm) === undefined ? vm : undefined;
			if (!profile) {
				// Facts about the VM itself come first: no profile would change them.
				const current = azureVm ? await withCurrentPowerState(azureVm, currentPowerState) : vm;
				const refusal = refuseBeforeProfile(current);
				if (!refusal) return {kind: 'needs-profile'};
				return {kind: 'error', title: `Cannot connect to ${vm.name}`, message: refusal, ...(azureVm ? powerRefusalKind(current) : {})};
			}
			const notReady = await options.beforeConnect?.();
			if (notReady) return {kind: 'error', title: `Cannot connect to ${vm.name}`, message: notReady};
			const plan = await planConnection(profile, azureVm, {
				resolveAddress: options.resolveAddress,
				credentials: p => authStepsFor(p, {readSecret, entraLogin}),
				agentSocket: agentSocketFromEnv(),
				profile: name => store.get(name),
				vmOf: p => (p.target.kind === 'azure-vm' ? vmById(p.target.vmId) : undefined),
				jumpTransport: (jump, target) => new JumpTransport(jump, target, hostKeys, prompter),
				bastionTransport: azure.bastionTransport,
				currentPowerState,
			});
			if (plan.ok) return {kind: 'spec', spec: plan.spec};
			return {
				kind: 'error',
				title: plan.title,
				message: plan.message,
				...(plan.startable ? {startable: true} : {}),
				...(plan.waitable ? {waitable: plan.waitable} : {}),
				...(plan.powerState ? {powerState: plan.powerState} : {}),
				...(plan.repick ? {repick: profile} : {}),
			};
		},
		power,
		portalLink: vm => {
			if (hostProfileName(vm) !== undefined) return undefined;
			const tenantId = inventory.subscriptions().find(sub => sub.id.toLowerCase() === vm.subscriptionId.toLowerCase())?.tenantId ?? azure.tenantOfSubscription(vm.subscriptionId);
			return bastionPortalLink(azure.cloud, vm.id, tenantId);
		},
	};
	return {
		services,
		async dispose() {
			stopWatching();
			// A wait for a VM in transit polls ARM on a timer: it ends here, before the clients close.
			power.dispose();
			// What was recorded reaches the disk before the sessions go.
			recorder.stopAll();
			manager.closeAll();
			inventory.dispose();
			await azure.close();
		},
	};
}

/** `source`, whose first fetch is answered by `first` when given (a fetch started before the services were built). */
function firstFetchFrom(first: Promise<FetchResult> | undefined, source: InventorySource): InventorySource {
	let pending = first;
	return {
		label: source.label,
		fetch: (onProgress, signal) => {
			const answer = pending;
			pending = undefined;
			return answer ?? source.fetch(onProgress, signal);
		},
	};
}
