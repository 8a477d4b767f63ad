/**
 * The profile editor's form as plain data: which fields show for the chosen target, transport, SKU and
 * authentication type; what each field's problem is; how the form becomes a Profile; and the pure reducer
 * the state hook runs. No React here, so the rules are readable (and testable) on their own.
 */
import {entraLoginRefusal} from '../../../core/entra/entra-support.js';
import {homedir} from 'node:os';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {servingBastions, type BastionRef, type VmRecord} from '../../../core/inventory/model.js';
import {checkPrivateKeyFile} from '../../../core/profiles/key-file.js';
import {
	AUTH_TYPE_LABELS,
	AUTH_TYPES,
	isValidHost,
	PORT_EXPECTED,
	ProfileNameSchema,
	ProfileSchema,
	SecretNameSchema,
	SubscriptionIdSchema,
	USERNAME_EXPECTED,
	USERNAME_PATTERN,
	VaultUrlSchema,
	type AuthType,
	type BastionTransport,
	type Profile,
	type ProfileInput,
	type TransportKind,
} from '../../../core/profiles/schema.js';
import {checkProfileAgainstSku, IP_CONNECT_LOCKED_LABEL, lockedPortLabel, type Problem} from '../../../core/profiles/sku.js';
import {hintKeys} from '../../../core/commands/hint-keys.js';
import {formatForward, parseForward, type ParsedForward} from '../../../core/forwards/spec.js';
import type {Forward} from '../../../core/profiles/schema.js';

export type FieldId =
	| 'name'
	| 'target'
	| 'host'
	| 'transport'
	| 'bastion'
	| 'via'
	| 'port'
	| 'authType'
	| 'username'
	| 'keyPath'
	| 'vaultSubscriptionId'
	| 'vaultUrl'
	| 'secretName'
	| 'record'
	| 'recordInput'
	| 'forwardAgent'
	| 'forwards';

/** The recording fields' choices: `prefix R` only or from the start; typed input or not. */
export type RecordChoice = 'on-demand' | 'from-start';
export type RecordInputChoice = 'no' | 'yes';

/** Everything the user can change, as typed (text stays text until the profile is built). */
export interface FormValues {
	name: string;
	targetKind: 'azure-vm' | 'host';
	host: string;
	transportKind: TransportKind;
	/** The chosen Bastion's resource id, when several serve the VM. */
	bastionId: string;
	via: string;
	port: string;
	username: string;
	authType: AuthType;
	keyPath: string;
	vaultSubscriptionId: string;
	vaultUrl: string;
	secretName: string;
	record: RecordChoice;
	recordInput: RecordInputChoice;
	/** Agent forwarding (ssh -A), off by default. */
	forwardAgent: 'no' | 'yes';
	/** Port forwards as ssh writes them, comma-separated: `L 8080:localhost:80, D 1080` (core/forwards/spec). */
	forwards: string;
}

type AzureVmTarget = Extract<Profile['target'], {kind: 'azure-vm'}>;

/** What the form knows but the user does not edit: the VM, its Bastion (as last seen), the other profiles. */
export interface FormContext {
	vm?: AzureVmTarget;
	/**
	 * The Bastions the profile may go through, best first: every one that serves the VM (its own VNet and Connected
	 * peerings, from the inventory), or the profile's own as last seen. `via` says how it reaches the VM, when the
	 * inventory said (Developer cannot reach peered VNets); `ipOnly` marks a Bastion that serves only a secondary
	 * NIC's VNet, which can reach the VM only by that address (an IP-based connection).
	 */
	bastions: BastionChoice[];
	/** The VM's OS, when the inventory said (Entra ID login is Linux-only). */
	vmOsType?: 'Linux' | 'Windows';
	options: Profile['options'];
	/** The profile's name before editing; undefined for a new profile. */
	originalName?: string;
	/** Names taken by other profiles. */
	takenNames: readonly string[];
	/** Saved profiles a jump transport may go through. */
	jumpHosts: readonly string[];
	homeDir: string;
}

export type FieldSpec =
	| {id: FieldId; kind: 'text'; label: string; placeholder?: string}
	| {id: FieldId; kind: 'choice'; label: string; options: readonly string[]; optionLabels: readonly string[]; labelOf?: (value: string) => string}
	/** Shown, never focused: the Connection Settings line the SKU fixes. */
	| {id: FieldId; kind: 'locked'; label: string; text: string};

export interface BastionChoice {
	transport: BastionTransport;
	via?: BastionRef['via'];
	ipOnly?: {address?: string};
}

/** The Bastion the form goes through: the one chosen, else the best one. */
export function chosenBastion(values: Pick<FormValues, 'bastionId'>, context: Pick<FormContext, 'bastions'>): BastionChoice | undefined {
	return context.bastions.find(choice => choice.transport.bastionId.toLowerCase() === values.bastionId.toLowerCase()) ?? context.bastions[0];
}

/** One Bastion as the choice field names it: name, SKU, and why it is (or is not) the first choice. */
export function bastionChoiceLabel(choice: BastionChoice): string {
	const {transport} = choice;
	const tunnels = (transport.sku === 'Standard' || transport.sku === 'Premium') && transport.flags.enableTunneling;
	const notes = [
		choice.via === 'peered-vnet' ? 'peered' : choice.via === 'same-vnet' ? 'same VNet' : undefined,
		tunnels ? 'native client' : transport.sku === 'Basic' ? 'portal only' : transport.sku === 'Standard' || transport.sku === 'Premium' ? 'native client off' : undefined,
		choice.ipOnly ? `by IP ${choice.ipOnly.address ?? ''}`.trim() : undefined,
	].filter(Boolean);
	return `${transport.bastionName} (${transport.sku}${notes.length > 0 ? `, ${notes.join(', ')}` : ''})`;
}

export const SUGGESTED_USERNAME = 'azureuser';
const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

// ---- building the context and the first values ----

export interface ContextInput {
	initial?: Profile;
	draftFrom?: VmRecord;
	existingNames: readonly string[];
	profilesByName: Readonly<Record<string, Profile>>;
	homeDir?: string;
}

export function bastionFromRef(ref: BastionRef): BastionTransport {
	return {
		kind: 'bastion',
		bastionId: ref.id,
		bastionName: ref.name,
		sku: ref.sku,
		flags: {...ref.flags},
		...(ref.dnsName ? {dnsName: ref.dnsName} : {}),
	};
}

export function vmTargetFrom(vm: VmRecord): AzureVmTarget {
	return {kind: 'azure-vm', vmId: vm.id, vmName: vm.name, resourceGroup: vm.resourceGroup, subscriptionId: vm.subscriptionId};
}

export function buildContext({initial, draftFrom, existingNames, profilesByName, homeDir}: ContextInput): FormContext {
	const originalName = initial?.name;
	// A browser row without a subscription is a saved plain host (a profile's own row), not an Azure VM.
	const draftVm = draftFrom && draftFrom.subscriptionId !== '' ? draftFrom : undefined;
	const vm = draftVm ? vmTargetFrom(draftVm) : initial?.target.kind === 'azure-vm' ? initial.target : undefined;
	return {
		vm,
		bastions: bastionChoices(initial, draftVm),
		...(draftVm?.osType ? {vmOsType: draftVm.osType} : {}),
		options: initial?.options ?? {keepaliveIntervalSec: 15, keepaliveCountMax: 3, record: false, recordInput: false, forwardAgent: false},
		originalName,
		takenNames: existingNames.filter(name => name !== originalName),
		jumpHosts: jumpHostNames(profilesByName, originalName),
		homeDir: homeDir ?? homedir(),
	};
}

/**
 * The inventory's Bastions for the VM are fresher than the one saved with the profile ("flags as last seen"), and a
 * saved Bastion that no longer serves the VM is not offered: the best one that does is chosen instead. Without the
 * inventory's word, the profile's own Bastion is the only choice.
 */
function bastionChoices(initial: Profile | undefined, vm: VmRecord | undefined): BastionChoice[] {
	if (vm) {
		const refs = servingBastions(vm);
		if (refs.length > 0) return refs.map(ref => ({transport: bastionFromRef(ref), via: ref.via}));
		const secondary = vm.secondaryNicBastion;
		if (secondary) return [{transport: bastionFromRef(secondary.bastion), via: secondary.bastion.via, ipOnly: secondary.privateIp ? {address: secondary.privateIp} : {}}];
		return [];
	}
	return initial?.transport.kind === 'bastion' ? [{transport: initial.transport}] : [];
}

/**
 * Profiles a jump transport may go through, by name: not the profile itself, and not Microsoft Entra ID
 * ones (vmux cannot sign in to a jump host with Entra ID).
 */
export function jumpHostNames(profilesByName: Readonly<Record<string, Profile>>, originalName?: string): string[] {
	return Object.values(profilesByName)
		.filter(profile => profile.name !== originalName && profile.auth.type !== 'entra')
		.map(profile => profile.name)
		.sort((a, b) => a.localeCompare(b));
}

const EMPTY_VALUES: FormValues = {
	name: '',
	targetKind: 'host',
	host: '',
	transportKind: 'direct',
	bastionId: '',
	via: '',
	port: '22',
	username: SUGGESTED_USERNAME,
	authType: 'key-file',
	keyPath: '',
	vaultSubscriptionId: '',
	vaultUrl: '',
	secretName: '',
	record: 'on-demand',
	recordInput: 'no',
	forwardAgent: 'no',
	forwards: '',
};

export function initialValues({initial, draftFrom}: ContextInput, context: FormContext): FormValues {
	if (initial) return valuesFromProfile(initial);
	const values: FormValues = {...EMPTY_VALUES, keyPath: defaultKeyFile(context.homeDir)};
	if (draftFrom && context.vm) {
		values.name = uniqueName(draftFrom.name, context.takenNames);
		values.targetKind = 'azure-vm';
		const bastion = context.bastions[0];
		values.transportKind = bastion ? 'bastion' : 'direct';
		values.bastionId = bastion?.transport.bastionId ?? '';
		// Only a secondary NIC's VNet has a Bastion: it reaches the VM by that address (IP-based connection).
		if (bastion?.ipOnly?.address) {
			values.targetKind = 'host';
			values.host = bastion.ipOnly.address;
		}
		// The portal makes Entra ID the default when the VM has the login extension (seed: Entra ID authentication).
		if (draftFrom.extensions?.includes('AADSSHLoginForLinux') && draftFrom.osType !== 'Windows') values.authType = 'entra';
	}
	return values;
}

export function valuesFromProfile(profile: Profile): FormValues {
	const {auth, target, transport} = profile;
	return {
		name: profile.name,
		targetKind: target.kind,
		host: target.kind === 'host' ? target.host : '',
		transportKind: transport.kind,
		bastionId: transport.kind === 'bastion' ? transport.bastionId : '',
		via: transport.kind === 'jump' ? transport.via : '',
		port: String(profile.port),
		username: profile.username ?? '',
		authType: auth.type,
		keyPath: auth.type === 'key-file' ? auth.path : '',
		vaultSubscriptionId: (auth.type === 'keyvault-key' || auth.type === 'keyvault-password') && auth.subscriptionId ? auth.subscriptionId : '',
		vaultUrl: auth.type === 'keyvault-key' || auth.type === 'keyvault-password' ? auth.vaultUrl : '',
		secretName: auth.type === 'keyvault-key' || auth.type === 'keyvault-password' ? auth.secretName : '',
		record: profile.options.record ? 'from-start' : 'on-demand',
		recordInput: profile.options.recordInput ? 'yes' : 'no',
		forwardAgent: profile.options.forwardAgent ? 'yes' : 'no',
		forwards: (profile.forwards ?? []).map(formatForward).join(', '),
	};
}

function uniqueName(base: string, taken: readonly string[]): string {
	if (!taken.includes(base)) return base;
	for (let n = 2; ; n++) if (!taken.includes(`${base}-${n}`)) return `${base}-${n}`;
}

function defaultKeyFile(home: string): string {
	const found = DEFAULT_KEY_FILES.find(name => existsSync(join(home, '.ssh', name)));
	return found ? `~/.ssh/${found}` : '';
}

// ---- which fields show ----

function isBastionIpConnect(values: FormValues): boolean {
	return values.transportKind === 'bastion' && values.targetKind === 'host';
}

/** The port line's lock, if the SKU (or an IP-based Bastion connection) fixes it. */
export function portLock(values: FormValues, context: FormContext): string | undefined {
	const bastion = values.transportKind === 'bastion' ? chosenBastion(values, context) : undefined;
	if (!bastion) return undefined;
	return lockedPortLabel(bastion.transport.sku) ?? (isBastionIpConnect(values) ? IP_CONNECT_LOCKED_LABEL : undefined);
}

export function authOptions(values: FormValues, context?: Pick<FormContext, 'vmOsType'>): readonly AuthType[] {
	// Like the portal, offer Entra ID only where it can work: not over an IP-based Bastion connection, not on Windows.
	const noEntra = isBastionIpConnect(values) || (values.targetKind === 'azure-vm' && context?.vmOsType === 'Windows');
	return noEntra ? AUTH_TYPES.filter(type => type !== 'entra') : AUTH_TYPES;
}

export function transportOptions(context: FormContext): readonly TransportKind[] {
	return context.bastions.length > 0 ? ['bastion', 'direct', 'jump'] : ['direct', 'jump'];
}

export function visibleFields(values: FormValues, context: FormContext): FieldSpec[] {
	const fields: FieldSpec[] = [{id: 'name', kind: 'text', label: 'Name'}];
	if (context.vm) {
		fields.push({
			id: 'target',
			kind: 'choice',
			label: 'Target',
			options: ['azure-vm', 'host'],
			optionLabels: [context.vm.resourceGroup ? `VM ${context.vm.vmName} (${context.vm.resourceGroup})` : `VM ${context.vm.vmName}`, 'Host or IP address'],
		});
	}
	if (values.targetKind === 'host' || !context.vm) fields.push({id: 'host', kind: 'text', label: 'Host', placeholder: 'for example 10.0.0.4 or jump.contoso.com'});

	const transports = transportOptions(context);
	fields.push({
		id: 'transport',
		kind: 'choice',
		label: 'Transport',
		options: transports,
		optionLabels: transports.map(kind =>
			kind === 'bastion'
				? context.bastions.length > 1
					? `Bastion (${context.bastions.length} serve this VM)`
					: `Bastion ${context.bastions[0]!.transport.bastionName} (${context.bastions[0]!.transport.sku})`
				: kind === 'direct'
					? 'Direct'
					: 'Jump host',
		),
	});
	if (values.transportKind === 'bastion' && context.bastions.length > 1) {
		const ids = context.bastions.map(choice => choice.transport.bastionId);
		const chosen = chosenBastion(values, context)!.transport.bastionId;
		fields.push({
			id: 'bastion',
			kind: 'choice',
			label: 'Through',
			options: ids,
			optionLabels: context.bastions.map(bastionChoiceLabel),
			// A saved Bastion that no longer serves the VM is shown as the best one that does (it is what gets saved).
			labelOf: value => bastionChoiceLabel(context.bastions.find(choice => choice.transport.bastionId === value) ?? context.bastions.find(choice => choice.transport.bastionId === chosen)!),
		});
	}
	if (values.transportKind === 'jump') {
		fields.push({id: 'via', kind: 'choice', label: 'Jump through', options: context.jumpHosts, optionLabels: context.jumpHosts});
	}

	const lock = portLock(values, context);
	fields.push(lock ? {id: 'port', kind: 'locked', label: 'Connection', text: lock} : {id: 'port', kind: 'text', label: 'Port'});

	const auths = authOptions(values, context);
	fields.push({
		id: 'authType',
		kind: 'choice',
		label: 'Authentication',
		options: auths,
		optionLabels: auths.map(type => AUTH_TYPE_LABELS[type]),
		// Entra ID stays chosen when a switch to an IP-based connection takes it off the list: name it, not "entra".
		labelOf: type => AUTH_TYPE_LABELS[type as AuthType] ?? type,
	});
	if (values.authType !== 'entra') fields.push({id: 'username', kind: 'text', label: 'Username'});
	if (values.authType === 'key-file') fields.push({id: 'keyPath', kind: 'text', label: 'Local file', placeholder: 'for example ~/.ssh/id_ed25519'});
	if (values.authType === 'keyvault-password' || values.authType === 'keyvault-key') {
		fields.push(
			{id: 'vaultSubscriptionId', kind: 'text', label: 'Subscription', placeholder: 'optional: the vault’s subscription id'},
			{id: 'vaultUrl', kind: 'text', label: 'Azure Key Vault', placeholder: 'for example https://my-vault.vault.azure.net'},
			{id: 'secretName', kind: 'text', label: 'Secret', placeholder: 'secret name'},
		);
	}
	fields.push(
		{id: 'record', kind: 'choice', label: 'Record', options: ['on-demand', 'from-start'], optionLabels: [`When asked (${hintKeys().record})`, 'Every session, from the start']},
		{id: 'recordInput', kind: 'choice', label: 'Record input', options: ['no', 'yes'], optionLabels: ['No (output only)', 'Yes, except at password prompts']},
		{id: 'forwardAgent', kind: 'choice', label: 'Forward agent', options: ['no', 'yes'], optionLabels: ['No', 'Yes (ssh -A)']},
		{id: 'forwards', kind: 'text', label: 'Port forwards', placeholder: 'optional: L 8080:localhost:80, R 9000:localhost:3000, D 1080'},
	);
	return fields;
}

const FIELD_VALUE_KEYS: Record<FieldId, keyof FormValues> = {
	name: 'name',
	target: 'targetKind',
	host: 'host',
	transport: 'transportKind',
	bastion: 'bastionId',
	via: 'via',
	port: 'port',
	authType: 'authType',
	username: 'username',
	keyPath: 'keyPath',
	vaultSubscriptionId: 'vaultSubscriptionId',
	vaultUrl: 'vaultUrl',
	secretName: 'secretName',
	record: 'record',
	recordInput: 'recordInput',
	forwardAgent: 'forwardAgent',
	forwards: 'forwards',
};

/** The text, or the chosen option, a field shows. */
export function fieldValue(values: FormValues, id: FieldId): string {
	return values[FIELD_VALUE_KEYS[id]];
}

export function focusableFields(values: FormValues, context: FormContext): FieldId[] {
	return visibleFields(values, context)
		.filter(field => field.kind !== 'locked')
		.map(field => field.id);
}

/** A short line under the auth type saying where the secret comes from (DESIGN §5). */
export const AUTH_NOTES: Record<AuthType, string> = {
	entra: 'Signs in as your Microsoft Entra user with a short-lived certificate; nothing is saved.',
	password: 'Asked for when connecting; never saved.',
	'keyvault-password': 'Read from Key Vault when connecting; never saved.',
	'key-file': 'A passphrase, if the key has one, is asked for when connecting (not when your ssh-agent holds the key).',
	'keyvault-key': 'Read from Key Vault into memory when connecting; never written to disk.',
	agent: 'The keys your ssh-agent holds (SSH_AUTH_SOCK) sign the login; nothing is saved.',
};

/** The warning under "Forward agent" while it is on. */
export const FORWARD_AGENT_WARNING = "Warning: the VM's root can use your keys while you are connected. Forward only to VMs you trust.";

// ---- validation ----

export type FieldErrors = Partial<Record<FieldId, string>>;

function schemaError(label: string, schema: {safeParse(value: unknown): {success: boolean; error?: {issues: Array<{message: string}>}}}, value: unknown) {
	const result = schema.safeParse(value);
	return result.success ? undefined : `${label} must be ${result.error!.issues[0].message}.`;
}

export function parsePort(text: string): number | undefined {
	if (!/^\d{1,5}$/.test(text.trim())) return undefined;
	const port = Number(text.trim());
	return port >= 1 && port <= 65535 ? port : undefined;
}

/** Inline problems of the visible fields, keyed by field. `checkKey` is injectable so tests need no real files. */
export function validateFields(values: FormValues, context: FormContext, checkKey = checkPrivateKeyFile): FieldErrors {
	const errors: FieldErrors = {};
	for (const field of visibleFields(values, context)) {
		const error = fieldError(field.id, values, context, checkKey);
		if (error) errors[field.id] = error;
	}
	return errors;
}

function fieldError(id: FieldId, values: FormValues, context: FormContext, checkKey: typeof checkPrivateKeyFile): string | undefined {
	switch (id) {
		case 'name':
			if (values.name.trim() === '') return 'Name is needed: it is how you pick this profile later.';
			if (context.takenNames.includes(values.name)) return `Another profile is already called "${values.name}": choose another name.`;
			return schemaError('Name', ProfileNameSchema, values.name);
		case 'host':
			if (values.host.trim() === '') return 'Host is needed: a host name or an IP address.';
			return isValidHost(values.host.trim()) ? undefined : 'Host must be a host name or an IP address (for example 10.0.0.4 or jump.contoso.com).';
		case 'via':
			if (context.jumpHosts.length === 0) return 'No saved profile can be a jump host yet (Microsoft Entra ID ones cannot): save the jump host as a profile first, or choose another transport.';
			return context.jumpHosts.includes(values.via) ? undefined : 'Choose the saved profile to jump through (←/→).';
		case 'port':
			if (portLock(values, context)) return undefined;
			return parsePort(values.port) === undefined ? `Port must be ${PORT_EXPECTED}.` : undefined;
		case 'username':
			if (values.username === '') return 'Username is needed: the Linux account to log in as.';
			return USERNAME_PATTERN.test(values.username) ? undefined : `Username must be ${USERNAME_EXPECTED}.`;
		case 'keyPath': {
			if (values.keyPath.trim() === '') return 'Local file is needed: the path of your SSH private key (~ is fine).';
			const check = checkKey(values.keyPath, context.homeDir);
			return check.ok ? undefined : check.message;
		}
		case 'vaultSubscriptionId':
			return values.vaultSubscriptionId.trim() === '' ? undefined : schemaError('Subscription', SubscriptionIdSchema, values.vaultSubscriptionId.trim());
		case 'vaultUrl':
			return schemaError('Azure Key Vault', VaultUrlSchema, values.vaultUrl.trim());
		case 'secretName':
			return schemaError('Secret', SecretNameSchema, values.secretName.trim());
		case 'forwards': {
			const failed = forwardList(values.forwards).find(parsed => !parsed.ok);
			return failed && !failed.ok ? `Port forwards: ${failed.message}` : undefined;
		}
		default:
			return undefined;
	}
}

// ---- the profile the form describes ----

export function toProfileInput(values: FormValues, context: FormContext): ProfileInput {
	const target: ProfileInput['target'] =
		values.targetKind === 'azure-vm' && context.vm ? context.vm : {kind: 'host', host: values.host.trim()};
	const transport: ProfileInput['transport'] =
		values.transportKind === 'bastion' && chosenBastion(values, context)
			? chosenBastion(values, context)!.transport
			: values.transportKind === 'jump'
				? {kind: 'jump', via: values.via}
				: {kind: 'direct'};
	const lock = portLock(values, context);
	const keyVault = {
		vaultUrl: values.vaultUrl.trim(),
		secretName: values.secretName.trim(),
		...(values.vaultSubscriptionId.trim() ? {subscriptionId: values.vaultSubscriptionId.trim()} : {}),
	};
	const auth: ProfileInput['auth'] =
		values.authType === 'key-file'
			? {type: 'key-file', path: values.keyPath.trim()}
			: values.authType === 'keyvault-key' || values.authType === 'keyvault-password'
				? {type: values.authType, ...keyVault}
				: {type: values.authType};
	return {
		name: values.name,
		target,
		transport,
		protocol: 'ssh',
		port: lock ? 22 : (parsePort(values.port) ?? Number.NaN),
		...(values.authType === 'entra' ? {} : {username: values.username}),
		auth,
		options: {...context.options, record: values.record === 'from-start', recordInput: values.recordInput === 'yes', forwardAgent: values.forwardAgent === 'yes'},
		...forwardsInput(values.forwards),
	};
}

/** The forwards field's entries, each parsed (an empty field: none). */
function forwardList(text: string): ParsedForward[] {
	return text
		.split(',')
		.map(part => part.trim())
		.filter(part => part !== '')
		.map(parseForward);
}

function forwardsInput(text: string): {forwards?: Forward[]} {
	const forwards = forwardList(text).flatMap(parsed => (parsed.ok ? [parsed.forward] : []));
	return forwards.length > 0 ? {forwards} : {};
}

/** The SKU's say about what the form describes (errors block saving; warnings and notices are shown). */
export function skuProblems(values: FormValues, context: FormContext): Problem[] {
	const input = toProfileInput(values, context);
	const bastion = chosenBastion(values, context);
	if (input.transport.kind !== 'bastion' || !bastion) return [];
	const problems = checkProfileAgainstSku(
		{target: input.target, transport: bastion.transport, port: Number.isNaN(input.port) ? 22 : (input.port ?? 22), auth: input.auth} as Pick<
			Profile,
			'target' | 'transport' | 'port' | 'auth'
		>,
		bastion.via ? {via: bastion.via} : {},
	);
	if (bastion.ipOnly && input.target.kind === 'azure-vm') {
		problems.push({
			code: 'secondary-nic-only',
			severity: 'error',
			field: 'target',
			message: `${bastion.transport.bastionName} serves only the VNet of this VM's secondary network interface, and Bastion connects to a VM by its primary one: choose Target "Host or IP address"${bastion.ipOnly.address ? ` ${bastion.ipOnly.address}` : ''} (an IP-based connection).`,
		});
	}
	return problems;
}

export type BuildResult = {ok: true; profile: Profile} | {ok: false; problems: string[]};

/** The profile to save, or every reason it cannot be saved yet. */
export function buildProfile(values: FormValues, context: FormContext, checkKey = checkPrivateKeyFile): BuildResult {
	const problems = [
		...Object.values(validateFields(values, context, checkKey)),
		...skuProblems(values, context)
			.filter(problem => problem.severity === 'error')
			.map(problem => problem.message),
		// The connect plan's own rule (core/entra/entra-support): a profile it would refuse is not saved.
		values.targetKind === 'azure-vm' && context.vm ? entraLoginRefusal({auth: {type: values.authType} as Profile['auth']}, {name: context.vm.vmName, osType: context.vmOsType}) : undefined,
	].filter((problem): problem is string => problem !== undefined);
	if (problems.length > 0) return {ok: false, problems};
	const parsed = ProfileSchema.safeParse(toProfileInput(values, context));
	// The inline rules mirror the schema, so this only trips if they drift apart; say so rather than crash.
	if (!parsed.success) return {ok: false, problems: parsed.error.issues.map(issue => `${issue.path.join('.')}: ${issue.message}`)};
	return {ok: true, profile: parsed.data};
}
