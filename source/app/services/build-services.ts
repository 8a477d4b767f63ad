import {EventEmitter} from 'node:events';
import {authStepsFor, type EntraLoginSource, type ReadSecret} from '../../core/credentials/auth-steps.js';
import type {EntraCertificates} from '../../core/entra/certificates.js';
import type {ArmClients} from '../../core/azure/clients.js';
import {secretReader} from '../../core/azure/secret-reader.js';
import {AzureSignIn, armInventorySource, cloudFromSettings, diskCache} from './azure-services.js';
import {bastionTunnels} from './bastion-tunnels.js';
import {listSubscriptions} from '../../core/inventory/azure-source.js';
import type {VmRecord} from '../../core/inventory/model.js';
import {ProfileStore} from '../../core/profiles/store.js';
import type {SettingsStore} from '../../core/profiles/settings-store.js';
import type {Profile} from '../../core/profiles/schema.js';
import {maxConcurrentSessions} from '../../core/profiles/sku.js';
import {planConnection, refuseBeforeProfile, withCurrentPowerState, type PlanContext} from '../../core/session/connect-plan.js';
import {HostKeyPolicy} from '../../core/session/host-key-policy.js';
import {KnownHosts} from '../../core/session/known-hosts.js';
import {SessionManager} from '../../core/session/session-manager.js';
import {JumpTransport} from '../../core/transport/jump.js';
import type {Prompter} from '../../core/session/types.js';
import type {AppServices, ConnectOutcome} from '../app-services.js';
import type {InputRouter} from '../input/input-router.js';
import type {RunOptions} from '../run-app.js';
import {fuzzyVmFilter} from './fuzzy-filter.js';
import {InventoryController} from './inventory-controller.js';
import {HOST_ROW_PREFIX} from './host-rows.js';
import {PanePainter} from '../screen/pane-painter.js';
import {findClipboardProgram} from '../../core/clipboard/local-clipboard.js';
import {SessionRecorder} from '../../core/recording/session-recorder.js';

export interface BuiltServices {
	app: AppServices;
	dispose(): Promise<void>;
}

/** Wires core services for the App: inventory, profiles, host keys, sessions and, in demo mode, the lab. */
export async function buildServices(
	options: RunOptions & {settings: SettingsStore; router: InputRouter; prefixLabel: string; onProgress?: (step: string) => void},
): Promise<BuiltServices> {
	const store = new ProfileStore({configDir: options.paths.dir});
	const knownHosts = new KnownHosts({configDir: options.paths.dir});
	const hostKeys = new HostKeyPolicy(knownHosts);
	const prompterHolder: {target: Prompter | undefined} = {target: undefined};
	// The demo says its per-run password in the password prompt (see lab/demo.ts).
	let secretRequest = (request: {title: string; prompt: string}) => request;
	const prompter: Prompter = {
		confirmUnknownHostKey: info => (prompterHolder.target ? prompterHolder.target.confirmUnknownHostKey(info) : Promise.resolve('reject')),
		askSecret: request => (prompterHolder.target ? prompterHolder.target.askSecret(secretRequest(request)) : Promise.resolve(undefined)),
		// Without a UI (it is gone, or not yet up) nobody can sign in: the request is cancelled at once.
		showSignIn: (prompt, onCancel) => {
			const target = prompterHolder.target?.showSignIn;
			if (!target) {
				queueMicrotask(onCancel);
				return () => {};
			}
			return target(prompt, onCancel);
		},
	};
	const bastionSkus = new Map<string, VmRecord['bastion']>();
	const manager = new SessionManager({
		hostKeys,
		prompter,
		scrollback: options.settings.settings.scrollbackLines,
		closePaneOnExit: options.settings.settings.closePaneOnExit,
		bastionLimit: id => {
			const bastion = bastionSkus.get(id.toLowerCase());
			return bastion ? maxConcurrentSessions(bastion.sku) : undefined;
		},
	});

	const recorder = new SessionRecorder({dir: options.paths.recordingsDir});
	const stopWatching = recorder.watch(manager);

	let resolveAddress: ((host: string, port: number) => {host: string; port: number} | undefined) | undefined;
	const stops: Array<() => Promise<void> | void> = [];
	// The Azure SDK clients cost ~57 MB once loaded: they are loaded when first needed, and for real Azure
	// only after a sign-in worked, so a user who only keeps plain-host profiles never pays for them.
	let clientsPromise: Promise<ArmClients> | undefined;
	let makeClients: () => Promise<ArmClients>;
	// The subscriptions' tenants known from the last list (the cache, before the first refresh) serve calls at once.
	const clients = () =>
		(clientsPromise ??= makeClients().then(made => {
			made.tenants.remember(inventory.subscriptions());
			return made;
		}));
	// A Bastion's token is for its subscription's tenant, as the inventory's subscription list says.
	const tenantOfSubscription = (subscriptionId: string): string | undefined =>
		inventory.subscriptions().find(sub => sub.id.toLowerCase() === subscriptionId.toLowerCase())?.tenantId;
	let tenantKey: string;
	let label: string;
	let signIn: AzureSignIn | undefined;
	let bastionTunnel: PlanContext['bastionTransport'];
	// Entra ID certificates (core/entra/certificates): made when an Entra profile first connects.
	let makeEntraCertificates: () => Promise<EntraCertificates>;
	if (options.demo) {
		const {loadDemoTopology, loadTopologyFile} = await import('../../lab/topology/index.js');
		const {startDemo, withDemoPasswordHint} = await import('../../lab/demo.js');
		const topology = options.labTopology ? loadTopologyFile(options.labTopology) : loadDemoTopology();
		// The lab knows its own world (which VMs run, their addresses); vmux learns it over HTTPS like from Azure.
		// Its credentials are this run's only; the run's files (key, shell homes) go when it stops.
		const demo = await startDemo({topology, configDir: options.paths.dir, store, ssh: true, ...(options.onProgress ? {onProgress: options.onProgress} : {})});
		stops.push(() => demo.stop());
		const azure = demo.azure;
		resolveAddress = demo.resolve;
		secretRequest = request => withDemoPasswordHint(request, demo.credentials);
		makeClients = async () => azure.clients;
		bastionTunnel = bastionTunnels(azure.clients.cloud, azure.clients.credential, tenantOfSubscription);
		// The demo signs in to the lab's Entra (its device code is approved by the lab after a moment) and never
		// asks the Azure CLI: a real `az` would return a real Azure certificate the lab's VMs do not trust.
		makeEntraCertificates = async () => {
			const [{EntraCertificates}, {EntraSignIn}] = await Promise.all([import('../../core/entra/certificates.js'), import('../../core/entra/msal-sign-in.js')]);
			return new EntraCertificates({cloud: azure.clients.cloud, setting: 'device-code', own: new EntraSignIn({cloud: azure.clients.cloud})});
		};
		tenantKey = `lab-${topology.tenantId}`;
		label = 'demo lab';
	} else {
		const cloud = cloudFromSettings(options.settings.settings.cloud, options.settings.path);
		const tenantId = options.tenant ?? options.settings.settings.cloud.tenantId;
		signIn = new AzureSignIn(cloud, tenantId);
		// Narrowed to one tenant by --tenant (or the setting), only its subscriptions are listed.
		makeClients = async () => (await import('../../core/azure/clients.js')).createArmClients({cloud, credential: signIn!.credential, ...(tenantId ? {tenantId} : {})});
		bastionTunnel = bastionTunnels(cloud, signIn.credential, tenantOfSubscription);
		tenantKey = tenantId ?? 'default';
		label = cloud.name === 'AzureCloud' ? 'Azure' : `Azure (${cloud.name})`;
		const azureSignIn = signIn;
		makeEntraCertificates = async () => {
			const [{EntraCertificates}, {azCliCertificates}] = await Promise.all([import('../../core/entra/certificates.js'), import('../../core/entra/az-cli-certificate.js')]);
			return new EntraCertificates({
				cloud,
				setting: options.settings.settings.entraCertificateSource,
				// vmux's own sign-in is the browser's (L): one sign-in serves ARM, Key Vault and certificates.
				own: () => azureSignIn.entra(),
				cli: azCliCertificates(),
			});
		};
	}
	let entraCertificates: Promise<EntraCertificates> | undefined;
	const entraLogin: EntraLoginSource = async ({showSignIn, signal, subscriptionId}) => {
		entraCertificates ??= makeEntraCertificates();
		const certificates = await entraCertificates;
		const wasSignedOut = inventory.needsSignIn;
		// The certificate is asked of the VM's tenant (a VM in another of the user's tenants gets that tenant's).
		const tenantId = subscriptionId ? tenantOfSubscription(subscriptionId) : undefined;
		const login = await certificates.get(signal, {...(showSignIn ? {needsSignIn: showSignIn} : {}), ...(tenantId ? {tenantId} : {})});
		// A sign-in made while connecting serves the browser too: list the VMs it could not list before.
		if (wasSignedOut && (await signIn?.entra())?.signedIn) inventory.refresh();
		return login;
	};
	// The demo's clients are closed with the lab; real ones here (they may be replaced by a device-code sign-in).
	if (!options.demo) stops.push(async () => (await clientsPromise)?.close());
	// The debug log (--debug-log) gets every connection state change; the redactor scrubs anything secret.
	const lastLogged = new WeakMap<object, string>();
	manager.on('change', () => {
		for (const connection of manager.connections) {
			const line = JSON.stringify(connection.state);
			if (lastLogged.get(connection) === line) continue;
			lastLogged.set(connection, line);
			options.logger.debug(`connection ${connection.spec.label} via ${connection.spec.transport.description}`, connection.state);
		}
	});
	const selectedSubscriptions = () => options.settings.settings.selectedSubscriptions;
	// Key Vault pickers in the profile editor: the same cloud and sign-in as the inventory, loaded on first use.
	let keyVaultPromise: Promise<import('../../core/azure/keyvault.js').KeyVaultClients> | undefined;
	const keyVault = () => (keyVaultPromise ??= clients().then(async c => (await import('../../core/azure/keyvault.js')).createKeyVaultClients(c)));
	stops.push(async () => (await keyVaultPromise)?.close());
	// Key Vault credentials are read at connect (after the host key is accepted) and by the doctor, into memory only.
	const readSecret: ReadSecret = secretReader(keyVault, async () => (await clients()).cloud);
	const signedIn = signIn ? () => signIn!.check() : undefined;
	// A damaged inventory cache is dropped (the refresh rebuilds it); the user gets one line saying so.
	const cacheProblems: string[] = [];
	const inventory = new InventoryController(
		armInventorySource(label, clients, selectedSubscriptions, signedIn),
		diskCache(options.paths.dir, tenantKey, options.preloadedCache, problem => cacheProblems.push(problem)),
	);
	// Remember each Bastion's SKU for the session manager's concurrency limit (Developer: one session).
	inventory.on('change', () => {
		for (const vm of inventory.current().vms) if (vm.bastion) bastionSkus.set(vm.bastion.id.toLowerCase(), vm.bastion);
	});
	inventory.on('change', () => {
		const {status} = inventory.current();
		if (!status.includes('refreshing')) options.logger.debug('inventory', status);
	});
	options.onProgress?.('opening the VM browser');
	inventory.start();
	if (store.readOnlyReason) options.logger.error('profiles read-only', store.readOnlyReason);

	// Before refusing a VM the list shows as not running, ask ARM: Resource Graph lags after a start. Bounded, so a
	// slow ARM delays a connect by seconds at most; on any failure the listed state stands.
	const currentPowerState: PlanContext['currentPowerState'] = async vm => {
		const {readPowerState} = await import('../../core/inventory/power-state.js');
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
	// Profiles for plain hosts (not Azure VMs) are rows of the browser too, after the inventory's VMs. The
	// rows change when the inventory does and when a profile is saved or deleted (no refresh needed). The
	// combined list is rebuilt only when the inventory or the profiles change (the store replaces `all` on
	// every change), so the filter's index, keyed on the list's identity, survives keystrokes.
	const rowsChanged = new EventEmitter<{change: []}>();
	inventory.on('change', () => rowsChanged.emit('change'));
	let hostRows: {profiles: typeof store.all; rows: VmRecord[]} | undefined;
	let combined: {inventoryVms: readonly VmRecord[]; hostRows: VmRecord[]; vms: VmRecord[]} | undefined;
	const browserInventory = {
		current: () => {
			if (hostRows?.profiles !== store.all) {
				hostRows = {profiles: store.all, rows: store.all.flatMap(p => (p.target.kind === 'host' ? [hostRow(p, p.target.host)] : []))};
			}
			const view = inventory.current(hostRows.rows);
			const inventoryVms = inventory.current().vms;
			if (combined?.inventoryVms !== inventoryVms || combined.hostRows !== hostRows.rows) combined = {inventoryVms, hostRows: hostRows.rows, vms: view.vms};
			return {...view, vms: combined.vms};
		},
		refresh: () => inventory.refresh(),
		on: (event: 'change', listener: () => void) => rowsChanged.on(event, listener),
		off: (event: 'change', listener: () => void) => rowsChanged.off(event, listener),
	};

	const app: AppServices = {
		manager,
		recorder,
		router: options.router,
		prompter: prompterHolder,
		prefixLabel: options.prefixLabel,
		maxFps: options.settings.settings.maxFps,
		painter: new PanePainter(process.stdout, options.settings.settings.maxFps),
		clipboard: {
			setting: options.settings.settings.clipboard,
			program: options.settings.settings.clipboard === 'auto' || options.settings.settings.clipboard === 'program' ? findClipboardProgram() : undefined,
			terminal: process.stdout,
		},
		startupNotices: [...options.settings.problems, ...(store.readOnlyReason ? [store.readOnlyReason] : []), ...cacheProblems],
		inventory: browserInventory,
		filter: fuzzyVmFilter(),
		subscriptions: {
			list: async () => listSubscriptions(await clients()),
			selected: selectedSubscriptions,
			choose: ids => {
				options.settings.update({selectedSubscriptions: ids});
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
		keyVault: {
			loadSubscriptions: async () => (await listSubscriptions(await clients())).map(s => ({subscriptionId: s.id, displayName: s.name})),
			loadVaults: async subscriptionId => (await keyVault()).listVaults(subscriptionId),
			// The vault URL as listed and saved (no port); the Key Vault clients read it in the cloud (vaultUrlInCloud).
			loadSecrets: async vaultUrl => (await keyVault()).listSecretNames(vaultUrl),
		},
		profiles: {
			list: () => store.list(),
			profileFor,
			save: (profile, replacing) => {
				store.save(profile, replacing === undefined ? {} : {replacing});
				rowsChanged.emit('change');
			},
			delete: name => {
				store.delete(name);
				rowsChanged.emit('change');
			},
			readOnlyReason: () => store.readOnlyReason,
		},
		doctor: async (vm, onCheck, signal) => {
			if (hostProfileName(vm) !== undefined) throw new Error(`${vm.name} is a plain host, not an Azure VM: the doctor checks Azure access, Bastion and VM state.`);
			const {runDoctor} = await import('../../core/doctor/index.js');
			return runDoctor({clients: await clients(), vm: vm.id, profile: profileFor(vm), signal, onCheck, readSecret});
		},
		async planConnect(vm): Promise<ConnectOutcome> {
			const profile = profileFor(vm);
			const azureVm = hostProfileName(vm) === undefined ? vm : undefined;
			if (!profile) {
				// Facts about the VM itself come first: no profile would change them.
				const refusal = refuseBeforeProfile(azureVm ? await withCurrentPowerState(azureVm, currentPowerState) : vm);
				return refusal ? {kind: 'error', title: `Cannot connect to ${vm.name}`, message: refusal} : {kind: 'needs-profile'};
			}
			const plan = await planConnection(profile, azureVm, {
				resolveAddress,
				credentials: p => authStepsFor(p, {readSecret, entraLogin}),
				profile: name => store.get(name),
				vmOf: p => (p.target.kind === 'azure-vm' ? vmById(p.target.vmId) : undefined),
				jumpTransport: (jump, target) => new JumpTransport(jump, target, hostKeys, prompter),
				bastionTransport: bastionTunnel,
				currentPowerState,
			});
			return plan.ok ? {kind: 'spec', spec: plan.spec} : {kind: 'error', title: plan.title, message: plan.message};
		},
		quit: () => {},
	};
	return {
		app,
		async dispose() {
			stopWatching();
			// What was recorded reaches the disk before the sessions go.
			recorder.stopAll();
			manager.closeAll();
			inventory.dispose();
			for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => {});
		},
	};
}


function hostRow(profile: Profile, host: string): VmRecord {
	return {
		id: HOST_ROW_PREFIX + profile.name,
		name: profile.name,
		subscriptionId: '',
		subscriptionName: '',
		resourceGroup: '',
		location: '',
		powerState: 'unknown',
		privateIp: host,
		tags: {},
	};
}

function hostProfileName(vm: VmRecord): string | undefined {
	return vm.id.startsWith(HOST_ROW_PREFIX) ? vm.id.slice(HOST_ROW_PREFIX.length) : undefined;
}
