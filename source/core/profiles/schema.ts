/**
 * The one schema for saved connection profiles and app settings (DESIGN §2, issue 4).
 *
 * Every custom message here is the *expectation* ("a whole number from 1 to 65535"), not a full sentence:
 * `describeIssues` (./issues.ts) turns an issue into a sentence naming the file, the profile, the field,
 * what was found and what is expected. Objects are strict so a typo ("usrename") or a secret someone pasted
 * into the file ("password") is reported instead of silently dropped.
 */
import {isIP} from 'node:net';
import * as z from 'zod';
import type {BastionFlags, BastionSku} from '../inventory/model.js';

export {describeIssues, type IssueContext} from './issues.js';

/** The profiles file format this vmux writes. Older files are migrated (./migrations.ts), newer ones read-only. */
export const PROFILES_FILE_VERSION = 1;

export const BASTION_SKUS = ['Developer', 'QuickConnect', 'Basic', 'Standard', 'Premium'] as const satisfies readonly BastionSku[];

export const AUTH_TYPES = ['entra', 'password', 'keyvault-password', 'key-file', 'keyvault-key', 'agent'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/** The portal's names for the five authentication types (seed: "Bastion connection page"). */
export const AUTH_TYPE_LABELS: Record<AuthType, string> = {
	entra: 'Microsoft Entra ID',
	password: 'Password',
	'keyvault-password': 'Password from Azure Key Vault',
	'key-file': 'SSH Private Key from Local File',
	'keyvault-key': 'SSH Private Key from Azure Key Vault',
	agent: 'SSH agent (SSH_AUTH_SOCK)',
};

export const TRANSPORT_KINDS = ['bastion', 'direct', 'jump'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

// ---- field rules (exported so the editor validates with exactly the same rules) ----

/**
 * Linux login names as useradd and Azure accept them: a letter or underscore first (never '-', which ssh
 * would read as an option), then letters, digits, '.', '_' or '-', at most 32 characters.
 */
export const USERNAME_PATTERN = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;
export const USERNAME_EXPECTED =
	"a Linux username: 1-32 characters, starting with a letter or '_', then letters, digits, '.', '_' or '-' (for example azureuser)";

export const PORT_EXPECTED = 'a whole number from 1 to 65535';

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VM_ID_PATTERN = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Compute\/virtualMachines\/[^/]+$/i;
const BASTION_ID_PATTERN = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/bastionHosts\/[^/]+$/i;
const HOSTNAME_PATTERN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
// Key Vault secret names: 1-127 alphanumerics and dashes (Azure's rule).
const SECRET_NAME_PATTERN = /^[0-9A-Za-z-]{1,127}$/;
// Printable, no surrounding blanks: names are typed on the command line and shown in tables.
const PROFILE_NAME_PATTERN = /^[^\s\p{Cc}](?:[^\p{Cc}]{0,62}[^\s\p{Cc}])?$/u;

export function isValidHost(host: string): boolean {
	return isIP(host) !== 0 || HOSTNAME_PATTERN.test(host);
}

export function isIpAddress(host: string): boolean {
	return isIP(host) !== 0;
}

const str = (expected: string) => z.string({error: expected});

export const ProfileNameSchema = str('a profile name: 1-64 printable characters, no leading or trailing spaces').regex(
	PROFILE_NAME_PATTERN,
);
export const SubscriptionIdSchema = str('an Azure subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)').regex(GUID_PATTERN);
export const UsernameSchema = str(USERNAME_EXPECTED).regex(USERNAME_PATTERN);
export const PortSchema = z.number({error: PORT_EXPECTED}).int().min(1).max(65535);
export const HostSchema = str('a host name or an IP address (for example 10.0.0.4 or jump.contoso.com)').refine(isValidHost);
export const VaultUrlSchema = str('a Key Vault URL such as https://my-vault.vault.azure.net').refine(value => {
	try {
		const url = new URL(value);
		return url.protocol === 'https:' && url.username === '' && url.password === '';
	} catch {
		return false;
	}
});
export const SecretNameSchema = str('a Key Vault secret name: 1-127 letters, digits or dashes').regex(SECRET_NAME_PATTERN);

// ---- target ----

export const AzureVmTargetSchema = z.strictObject({
	kind: z.literal('azure-vm'),
	vmId: str('the VM resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/virtualMachines/…)').regex(
		VM_ID_PATTERN,
	),
	vmName: str('the VM name').min(1),
	resourceGroup: str('the VM resource group name').min(1),
	subscriptionId: SubscriptionIdSchema,
});

export const HostTargetSchema = z.strictObject({
	kind: z.literal('host'),
	host: HostSchema,
});

export const TargetSchema = z.discriminatedUnion('kind', [AzureVmTargetSchema, HostTargetSchema], {
	error: 'a target kind of "azure-vm" (a VM by resource id) or "host" (a host name or IP address)',
});

// ---- transport ----

const flag = z.boolean({error: 'true or false'}).default(false);

/** Bastion feature flags as last seen in ARM; a missing flag means false (DESIGN §4). */
export const BastionFlagsSchema = z
	.strictObject({
		enableTunneling: flag,
		enableIpConnect: flag,
		enableFileCopy: flag,
		enableShareableLink: flag,
		enableKerberos: flag,
		disableCopyPaste: flag,
		enableSessionRecording: flag,
		enablePrivateOnlyBastion: flag,
	})
	.prefault({});

export const BastionTransportSchema = z.strictObject({
	kind: z.literal('bastion'),
	bastionId: str('the Bastion resource id (/subscriptions/…/providers/Microsoft.Network/bastionHosts/…)').regex(BASTION_ID_PATTERN),
	bastionName: str('the Bastion name').min(1),
	sku: z.enum(BASTION_SKUS, {error: 'one of "Developer", "QuickConnect", "Basic", "Standard" or "Premium"'}),
	flags: BastionFlagsSchema,
	dnsName: HostSchema.optional(),
});

export const DirectTransportSchema = z.strictObject({kind: z.literal('direct')});

export const JumpTransportSchema = z.strictObject({
	kind: z.literal('jump'),
	via: str('the name of another saved profile to jump through').min(1),
});

export const TransportSchema = z.discriminatedUnion('kind', [BastionTransportSchema, DirectTransportSchema, JumpTransportSchema], {
	error: 'a transport kind of "bastion", "direct" or "jump"',
});

// ---- authentication (DESIGN §5): where the secret comes from, never the secret itself ----

const keyVaultFields = {
	vaultUrl: VaultUrlSchema,
	secretName: SecretNameSchema,
	subscriptionId: SubscriptionIdSchema.optional(),
};

export const AuthSchema = z.discriminatedUnion(
	'type',
	[
		z.strictObject({type: z.literal('entra')}),
		z.strictObject({type: z.literal('password')}),
		z.strictObject({type: z.literal('keyvault-password'), ...keyVaultFields}),
		z.strictObject({type: z.literal('key-file'), path: str('the path of an SSH private key file (~ allowed)').min(1)}),
		z.strictObject({type: z.literal('keyvault-key'), ...keyVaultFields}),
		// The keys the running ssh-agent holds (SSH_AUTH_SOCK): nothing secret is in the profile.
		z.strictObject({type: z.literal('agent')}),
	],
	{error: `one of ${AUTH_TYPES.map(type => `"${type}"`).join(', ')}`},
);

export const ProfileOptionsSchema = z
	.strictObject({
		keepaliveIntervalSec: z.number({error: 'a whole number of seconds from 0 (off) to 3600'}).int().min(0).max(3600).default(15),
		keepaliveCountMax: z.number({error: 'a whole number from 1 to 100'}).int().min(1).max(100).default(3),
		/** Record every session of this profile from its start (asciicast v2, core/recording). */
		record: z.boolean({error: 'true or false'}).default(false),
		/** Record typed input too (never at a recognised password prompt). */
		recordInput: z.boolean({error: 'true or false'}).default(false),
		// Agent forwarding (ssh -A): off unless asked, since the VM's root can use the keys while connected.
		forwardAgent: z.boolean({error: 'true or false'}).default(false),
	})
	.prefault({});

// ---- port forwards (issue 13 §2): ssh's -L, -R and -D, saved per profile, each on or off ----

const ForwardHostSchema = str('a host name or IP address').refine(isValidHost, {error: 'a host name or IP address, such as localhost or 10.0.0.5'});
/** Where a listener binds: loopback unless the user says otherwise (another address exposes the tunnel). */
const BindAddressSchema = str('an IP address to listen on, such as 127.0.0.1').refine(host => isIP(host) !== 0 || host === 'localhost', {
	error: 'an IP address to listen on, such as 127.0.0.1 (or localhost)',
});
const enabled = z.boolean({error: 'true or false'}).default(true);

export const ForwardSchema = z.discriminatedUnion(
	'kind',
	[
		/** -L [bind:]port:host:hostPort — a local port reaching host:hostPort as the VM sees it. */
		z.strictObject({kind: z.literal('local'), bind: BindAddressSchema.default('127.0.0.1'), port: PortSchema, host: ForwardHostSchema, hostPort: PortSchema, enabled}),
		/** -R [bind:]port:host:hostPort — a port on the VM reaching host:hostPort as this machine sees it. */
		z.strictObject({kind: z.literal('remote'), bind: BindAddressSchema.default('127.0.0.1'), port: PortSchema, host: ForwardHostSchema, hostPort: PortSchema, enabled}),
		/** -D [bind:]port — a SOCKS5 proxy whose connections leave from the VM. */
		z.strictObject({kind: z.literal('dynamic'), bind: BindAddressSchema.default('127.0.0.1'), port: PortSchema, enabled}),
	],
	{error: 'a forward: {"kind": "local" | "remote" | "dynamic", "port": …} (see the README, Port forwards)'},
);
export type Forward = z.output<typeof ForwardSchema>;

// ---- profile ----

export const ProfileSchema = z
	.strictObject(
		{
		name: ProfileNameSchema,
		target: TargetSchema,
		transport: TransportSchema,
		protocol: z.literal('ssh', {error: '"ssh" (the only protocol vmux speaks)'}).default('ssh'),
		port: PortSchema.default(22),
		/** Not used by Entra ID, whose certificate names the login (contracts §4). */
		username: UsernameSchema.optional(),
		auth: AuthSchema,
		options: ProfileOptionsSchema,
		/** Port forwards opened with every connection of this profile (absent in files written before them). */
		forwards: z.array(ForwardSchema, {error: 'a list of forwards'}).max(32, {error: 'at most 32 forwards'}).optional(),
		},
		{error: 'a profile: an object with name, target, transport, port, username and auth'},
	)
	// Runs even when other fields failed, so one pass reports every problem of a profile.
	.check(
		z.refine(
			(profile: {username?: unknown; auth?: unknown}) => {
				const auth = profile.auth as {type?: unknown} | undefined;
				const needsUsername = typeof auth?.type === 'string' && auth.type !== 'entra' && (AUTH_TYPES as readonly string[]).includes(auth.type);
				return !needsUsername || profile.username !== undefined;
			},
			{
				path: ['username'],
				message: `${USERNAME_EXPECTED}; every authentication type except Microsoft Entra ID needs one`,
				when: payload => typeof payload.value === 'object' && payload.value !== null,
			},
		),
	);

export type Profile = z.output<typeof ProfileSchema>;
/** What a hand-written file or the editor may supply: defaults (port, protocol, options, flags) filled in. */
export type ProfileInput = z.input<typeof ProfileSchema>;
export type ProfileTransport = Profile['transport'];
export type BastionTransport = Extract<ProfileTransport, {kind: 'bastion'}>;
export type ProfileAuth = Profile['auth'];
export type KeyVaultAuth = Extract<ProfileAuth, {type: 'keyvault-password' | 'keyvault-key'}>;

// The stored flags must stay interchangeable with the inventory's (compile-time check, no runtime cost).
const flagsMatchInventory: BastionFlags = {} as z.output<typeof BastionFlagsSchema>;
void flagsMatchInventory;

/** The profiles file: `{version, profiles}`. Cross-profile rules (unique names, jump targets) live in ./validate.ts. */
export const ProfilesFileSchema = z.strictObject(
	{
		version: z.number({error: `a file format version number (this vmux writes ${PROFILES_FILE_VERSION})`}).int().min(1),
		profiles: z.array(z.unknown(), {error: 'a list of profiles'}),
	},
	{error: `a profiles file: a JSON object like {"version": ${PROFILES_FILE_VERSION}, "profiles": [...]}`},
);

// ---- settings ----

export const CLOUD_NAMES = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment', 'Custom'] as const;

const httpsUrl = (what: string) =>
	str(`${what} (an https:// URL)`).refine(value => {
		try {
			return new URL(value).protocol === 'https:';
		} catch {
			return false;
		}
	});

/**
 * Which Azure cloud to talk to. The named clouds carry their well-known endpoints (core/azure owns them);
 * the overrides point vmux at a sovereign cloud, an Azure Stack, or any other custom cloud (the lab is one).
 */
export const CloudSettingsSchema = z
	.strictObject({
		name: z.enum(CLOUD_NAMES, {error: `one of ${CLOUD_NAMES.map(name => `"${name}"`).join(', ')}`}).default('AzureCloud'),
		resourceManagerEndpoint: httpsUrl('the Azure Resource Manager endpoint').optional(),
		authorityHost: httpsUrl('the Microsoft Entra authority host').optional(),
		keyVaultDnsSuffix: str('a Key Vault DNS suffix such as .vault.azure.net').min(1).optional(),
		/** The token audience for ARM when it is not the endpoint itself (az: --endpoint-active-directory-resource-id). */
		resourceManagerAudience: httpsUrl('the Azure Resource Manager token audience').optional(),
		/** The token audience for Key Vault when it is not `https://{keyVaultDnsSuffix}` (az: --endpoint-vault-resource-id). */
		keyVaultAudience: httpsUrl('the Key Vault token audience').optional(),
		/** The port of Key Vault and Bastion hosts when not 443 (a custom cloud served from one HTTPS port). */
		dataPlanePort: z.number({error: 'a TCP port number (1-65535)'}).int({error: 'a TCP port number (1-65535)'}).min(1, {error: 'a TCP port number (1-65535)'}).max(65535, {error: 'a TCP port number (1-65535)'}).optional(),
		/** Extra CA certificates (PEM) trusted for this cloud's endpoints only, e.g. an Azure Stack Hub's private CA. */
		caFile: str('the path of a PEM file of CA certificates').min(1).optional(),
		tenantId: str('a tenant id or domain').min(1).optional(),
	})
	.prefault({});

/**
 * Where Microsoft Entra ID SSH certificates come from (issue 9): `cli` is `az ssh cert` (the Azure CLI's own
 * sign-in), `device-code` is vmux's own sign-in, `auto` the CLI when it is installed, signed in and has the ssh
 * extension, else vmux's own sign-in.
 */
export const ENTRA_CERTIFICATE_SOURCES = ['auto', 'cli', 'device-code'] as const;
export type EntraCertificateSource = (typeof ENTRA_CERTIFICATE_SOURCES)[number];

/**
 * Where copy mode's copies go besides vmux's paste buffer: `auto` both OSC 52 (the user's terminal, which
 * works over ssh) and the desktop's clipboard program when one is on PATH, `osc52` or `program` only one of
 * them, `off` neither.
 */
export const CLIPBOARD_SETTINGS = ['auto', 'osc52', 'program', 'off'] as const;
export type ClipboardSetting = (typeof CLIPBOARD_SETTINGS)[number];

export const SettingsSchema = z
	.strictObject({
		prefixKey: str('a key chord such as C-b or C-a').regex(/^(?:C-)?[a-z\][\\^_@]$/).default('C-b'),
		scrollbackLines: z.number({error: 'a whole number of lines from 0 to 1000000'}).int().min(0).max(1_000_000).default(5000),
		closePaneOnExit: z.boolean({error: 'true or false'}).default(false),
		maxFps: z.number({error: 'a whole number of frames per second from 1 to 120'}).int().min(1).max(120).default(30),
		cloud: CloudSettingsSchema,
		/** Subscription ids the browser lists; empty means every subscription the credential can read. */
		selectedSubscriptions: z.array(SubscriptionIdSchema, {error: 'a list of subscription ids'}).default([]),
		entraCertificateSource: z
			.enum(ENTRA_CERTIFICATE_SOURCES, {
				error: 'one of "auto" (the Azure CLI when it is signed in, else vmux\'s own sign-in), "cli" (always az ssh cert) or "device-code" (always vmux\'s own sign-in)',
			})
			.default('auto'),
		/**
		 * Key bindings by command name (core/commands): `{"new-window": "prefix c", "doctor": "!", "sort": "none"}`.
		 * Checked by core/commands/keymap, not here: a bad binding is a notice and keeps that command's default,
		 * instead of setting every other setting back to its default too.
		 */
		keys: z.unknown().optional(),
		clipboard: z
			.enum(CLIPBOARD_SETTINGS, {
				error: 'one of "auto" (OSC 52 and wl-copy/xclip/pbcopy when present), "osc52" (only the terminal), "program" (only wl-copy/xclip/pbcopy) or "off" (only vmux\'s paste buffer)',
			})
			.default('auto'),
		/**
		 * The mouse (issue 11): clicks focus tabs and panes, the wheel scrolls in copy mode, a drag selects, and
		 * remote programs that ask for the mouse get it. False leaves the user's terminal's own mouse alone.
		 */
		mouse: z.boolean({error: 'true or false'}).default(true),
	})
	.prefault({});

export type Settings = z.output<typeof SettingsSchema>;
export type CloudSettings = Settings['cloud'];

export function defaultSettings(): Settings {
	return SettingsSchema.parse(undefined);
}
