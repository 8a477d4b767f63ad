import type {TokenCredential} from '@azure/identity';
import type {ReadSecret} from '../credentials/auth-steps.js';
import type {EntraCertificates} from '../entra/certificates.js';
import type {Settings} from '../profiles/schema.js';
import type {Transport} from '../session/types.js';
import type {BastionInfo, BastionTunnelTarget} from '../transport/bastion.js';
import {bastionTunnels} from '../transport/bastion-tunnels.js';
import type {ArmClients} from './clients.js';
import {cloudFromSettings, type CloudSettings} from './cloud.js';
import type {KeyVaultClients} from './keyvault.js';
import {secretReader} from './secret-reader.js';
import {AzureSignIn} from './sign-in.js';

/**
 * Everything vmux reaches Azure with, built in one place for the app and `vmux doctor`, so the two cannot
 * disagree: the cloud settings.json names (endpoints, CA), the tenant (`--tenant` over the setting), the sign-in
 * (Azure CLI first, then vmux's own device code), the ARM clients with their one retry policy, Key Vault, and
 * Bastion tunnels paid for with that sign-in's tokens. The SDKs (~57 MB) load on first use, not here: a user who
 * only keeps plain-host profiles never pays for them.
 */

/** Where the Azure side comes from. */
export type AzureSource =
	/** Real Azure, as settings.json and `--tenant` say; vmux signs in. */
	| {kind: 'settings'; settings: Pick<Settings, 'cloud' | 'entraCertificateSource'>; settingsPath: string; tenant?: string | undefined}
	/**
	 * Clients made, signed in and closed by someone else (the demo's lab, tests): used as they are. That sign-in is
	 * not the Azure CLI's, so Entra certificates come from vmux's own sign-in to the clients' cloud, never from `az`
	 * (whose certificate that cloud's VMs would not trust).
	 */
	| {kind: 'clients'; clients: ArmClients; label: string};

export interface AzureAccessOptions {
	/**
	 * The subscriptions known so far, with their tenants (the inventory's list, cached or fresh): calls on a
	 * subscription and its Bastions' tokens are for its tenant from the first call on.
	 */
	knownSubscriptions?: () => ReadonlyArray<{id: string; tenantId?: string | undefined}>;
}

export interface AzureAccess {
	readonly cloud: CloudSettings;
	/** The one tenant the sign-in is narrowed to, if any. */
	readonly tenantId: string | undefined;
	/** "Azure", "Azure (AzureChinaCloud)", or the injected clients' name ("demo lab"), for the status line. */
	readonly label: string;
	/** vmux's sign-in to real Azure (device code on request); undefined for injected clients. */
	readonly signIn: AzureSignIn | undefined;
	/** The ARM clients, made on first use. */
	clients(): Promise<ArmClients>;
	/** Key Vault clients on the same cloud and sign-in, made on first use. */
	keyVault(): Promise<KeyVaultClients>;
	/** Reads a Key Vault secret into memory (at connect, and for the doctor). */
	readonly readSecret: ReadSecret;
	/** A tunnel through a Bastion, with a fresh token of its subscription's tenant at every (re)connect. */
	readonly bastionTransport: (bastion: BastionInfo, target: BastionTunnelTarget) => Transport;
	/** Entra SSH certificates for this cloud, made on first use. */
	entraCertificates(): Promise<EntraCertificates>;
	/** The tenant of a known subscription (see AzureAccessOptions.knownSubscriptions). */
	tenantOfSubscription(subscriptionId: string): string | undefined;
	/** Frees what this made (Key Vault clients; the ARM clients unless injected). */
	close(): Promise<void>;
}

/** The cloud settings.json names and the tenant to sign in to (`--tenant` wins over the setting). Throws CloudSettingsError. */
export function azureTarget(settings: Pick<Settings, 'cloud'>, settingsPath: string, tenant?: string): {cloud: CloudSettings; tenantId?: string} {
	const cloud = cloudFromSettings(settings.cloud, settingsPath);
	const tenantId = tenant || settings.cloud.tenantId || undefined;
	return {cloud, ...(tenantId ? {tenantId} : {})};
}

/** Builds the Azure side from `source`; a bad cloud setting throws a CloudSettingsError naming the file and field. */
export function openAzureAccess(source: AzureSource, options: AzureAccessOptions = {}): AzureAccess {
	const tenantOfSubscription = (subscriptionId: string): string | undefined =>
		options.knownSubscriptions?.().find(sub => sub.id.toLowerCase() === subscriptionId.toLowerCase())?.tenantId;
	let cloud: CloudSettings;
	let tenantId: string | undefined;
	let label: string;
	let signIn: AzureSignIn | undefined;
	let credential: TokenCredential;
	let makeClients: () => Promise<ArmClients>;
	let makeEntraCertificates: () => Promise<EntraCertificates>;
	if (source.kind === 'settings') {
		({cloud, tenantId} = azureTarget(source.settings, source.settingsPath, source.tenant));
		label = cloud.name === 'AzureCloud' ? 'Azure' : `Azure (${cloud.name})`;
		const azureSignIn = new AzureSignIn(cloud, tenantId);
		signIn = azureSignIn;
		credential = azureSignIn.credential;
		const target = {cloud, ...(tenantId ? {tenantId} : {})};
		// Narrowed to one tenant by --tenant (or the setting), only its subscriptions are listed.
		makeClients = async () => (await import('./clients.js')).createArmClients({...target, credential});
		const setting = source.settings.entraCertificateSource;
		makeEntraCertificates = async () => {
			const [{EntraCertificates}, {azCliCertificates}] = await Promise.all([import('../entra/certificates.js'), import('../entra/az-cli-certificate.js')]);
			// vmux's own sign-in is the browser's (L): one sign-in serves ARM, Key Vault and certificates.
			return new EntraCertificates({cloud: target.cloud, setting, own: () => azureSignIn.entra(), cli: azCliCertificates()});
		};
	} else {
		const injected = source.clients;
		({cloud, tenantId} = injected);
		label = source.label;
		credential = injected.credential;
		makeClients = async () => injected;
		makeEntraCertificates = async () => {
			const [{EntraCertificates}, {EntraSignIn}] = await Promise.all([import('../entra/certificates.js'), import('../entra/msal-sign-in.js')]);
			return new EntraCertificates({cloud: injected.cloud, setting: 'device-code', own: new EntraSignIn({cloud: injected.cloud})});
		};
	}

	let clientsPromise: Promise<ArmClients> | undefined;
	// The subscriptions' tenants known from the last list (the cache, before the first refresh) serve calls at once.
	const clients = () =>
		(clientsPromise ??= makeClients().then(made => {
			made.tenants.remember(options.knownSubscriptions?.() ?? []);
			return made;
		}));
	let keyVaultPromise: Promise<KeyVaultClients> | undefined;
	const keyVault = () => (keyVaultPromise ??= clients().then(async made => (await import('./keyvault.js')).createKeyVaultClients(made)));
	let entraCertificates: Promise<EntraCertificates> | undefined;
	const ownsClients = source.kind === 'settings';

	return {
		cloud,
		tenantId,
		label,
		signIn,
		clients,
		keyVault,
		readSecret: secretReader(keyVault, async () => (await clients()).cloud),
		bastionTransport: bastionTunnels(cloud, credential, tenantOfSubscription),
		entraCertificates: () => (entraCertificates ??= makeEntraCertificates()),
		tenantOfSubscription,
		async close() {
			(await keyVaultPromise?.catch(() => undefined))?.close();
			// Injected clients are their owner's to close (the demo closes them with the lab).
			if (ownsClients) (await clientsPromise?.catch(() => undefined))?.close();
		},
	};
}
