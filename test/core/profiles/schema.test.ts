import {describe, expect, it} from 'vitest';
import type {BastionFlags} from '../../../source/core/inventory/model.js';
import {
	AUTH_TYPES,
	describeIssues,
	defaultSettings,
	ProfileSchema,
	SettingsSchema,
	type ProfileInput,
} from '../../../source/core/profiles/schema.js';
import {bastion, profile, SUB} from './helpers.js';

function problems(input: unknown, index?: number): string[] {
	const result = ProfileSchema.safeParse(input);
	return result.success ? [] : describeIssues(result.error.issues, input, {root: 'profile', index});
}

const AUTHS: Record<(typeof AUTH_TYPES)[number], ProfileInput['auth']> = {
	entra: {type: 'entra'},
	password: {type: 'password'},
	'keyvault-password': {type: 'keyvault-password', vaultUrl: 'https://kv-dev.vault.azure.net', secretName: 'dev-01-password'},
	'key-file': {type: 'key-file', path: '~/.ssh/id_ed25519'},
	'keyvault-key': {type: 'keyvault-key', vaultUrl: 'https://kv-dev.vault.azure.net', secretName: 'web-01-key', subscriptionId: SUB},
	agent: {type: 'agent'},
};

describe('ProfileSchema', () => {
	it.each(AUTH_TYPES)('accepts auth type %s with its fields', type => {
		const parsed = ProfileSchema.parse(profile({auth: AUTHS[type], username: type === 'entra' ? undefined : 'azureuser'}));
		expect(parsed.auth).toEqual(AUTHS[type]);
	});

	it('fills the defaults a hand-written profile may leave out', () => {
		const {port, protocol, options, ...rest} = profile({transport: bastion('Developer')});
		void port;
		void protocol;
		void options;
		const parsed = ProfileSchema.parse(rest);
		expect(parsed.port).toBe(22);
		expect(parsed.protocol).toBe('ssh');
		expect(parsed.options).toEqual({keepaliveIntervalSec: 15, keepaliveCountMax: 3, record: false, recordInput: false, forwardAgent: false});
		// A flag missing from ARM means false (DESIGN §4); the result is the inventory's BastionFlags.
		const flags: BastionFlags = parsed.transport.kind === 'bastion' ? parsed.transport.flags : ({} as BastionFlags);
		expect(Object.values(flags)).toEqual([false, false, false, false, false, false, false, false]);
	});

	it.each([
		[1, true],
		[22, true],
		[65535, true],
		[0, false],
		[65536, false],
		[22.5, false],
		['22', false],
	])('port %j valid: %s', (port, valid) => {
		const result = problems({...profile(), port});
		expect(result.length === 0).toBe(valid);
		if (!valid) expect(result[0]).toMatch(/port is .*; expected a whole number from 1 to 65535\./);
	});

	it.each(['azureuser', '_svc', 'first.last', 'a', 'ops-2', 'A'.repeat(32)])('username %j follows the Linux rules', username => {
		expect(problems(profile({username}))).toEqual([]);
	});

	it.each(['-rf', '1abc', 'has space', 'a'.repeat(33), 'root;rm', ''])('username %j is refused with the rule spelled out', username => {
		expect(problems(profile({username}))).toEqual([
			expect.stringMatching(/^Profile "web-01": username is .*; expected a Linux username: 1-32 characters, starting with a letter or '_'/),
		]);
	});

	it('needs a username for every auth type but Entra ID', () => {
		for (const type of AUTH_TYPES) {
			const result = problems(profile({auth: AUTHS[type], username: undefined}));
			if (type === 'entra') expect(result).toEqual([]);
			else expect(result).toEqual([expect.stringMatching(/username is missing; .*every authentication type except Microsoft Entra ID needs one/)]);
		}
	});

	it('reports every problem of a profile in one pass', () => {
		const result = problems({...profile({username: undefined}), port: 0, target: {kind: 'host', host: 'not a host'}}, 4);
		expect(result).toHaveLength(3);
		expect(result.every(sentence => sentence.startsWith('Profile "web-01" (profiles[4]): '))).toBe(true);
		expect(result.join('\n')).toMatch(/target\.host is "not a host"; expected a host name or an IP address/);
		expect(result.join('\n')).toMatch(/port is 0/);
		expect(result.join('\n')).toMatch(/username is missing/);
	});

	it('names a profile without a usable name by its index', () => {
		expect(problems({...profile(), name: ''}, 2)).toEqual([expect.stringMatching(/^The profile at profiles\[2\]: name is empty; expected a profile name/)]);
	});

	it('has no secret fields: a password, passphrase or key is refused as a secret', () => {
		for (const [key, value] of [
			['password', 'hunter2'],
			['passphrase', 'correct horse'],
			['privateKey', '-----BEGIN OPENSSH PRIVATE KEY-----'],
			['secretValue', 's3cr3t'],
		]) {
			const result = problems(profile({auth: {type: 'key-file', path: '~/.ssh/id_ed25519', [key]: value} as ProfileInput['auth']}));
			expect(result).toEqual([expect.stringContaining(`auth.${key} looks like a secret, and profiles never store secrets`)]);
			// The secret itself is never echoed back.
			expect(result[0]).not.toContain(value);
		}
	});

	it('reports unknown fields as possible typos', () => {
		expect(problems({...profile(), usrename: 'x'})).toEqual(['Profile "web-01": usrename is not a field vmux knows: remove it or check its spelling.']);
	});

	it('checks the Key Vault fields', () => {
		const result = problems(profile({auth: {type: 'keyvault-key', vaultUrl: 'http://kv.vault.azure.net', secretName: 'bad name', subscriptionId: 'sub-1'}}));
		expect(result).toEqual([
			expect.stringMatching(/auth\.vaultUrl is "http:\/\/kv\.vault\.azure\.net"; expected a Key Vault URL such as https:/),
			expect.stringMatching(/auth\.secretName is "bad name"; expected a Key Vault secret name: 1-127 letters, digits or dashes/),
			expect.stringMatching(/auth\.subscriptionId is "sub-1"; expected an Azure subscription id/),
		]);
	});

	it('checks target and transport shapes', () => {
		expect(problems(profile({target: {kind: 'host', host: '10.0.0.4'}}))).toEqual([]);
		expect(problems(profile({target: {kind: 'host', host: 'jump.contoso.com'}}))).toEqual([]);
		expect(problems(profile({target: {kind: 'host', host: 'fd00::4'}}))).toEqual([]);
		expect(problems({...profile(), target: {kind: 'vm'}})).toEqual([expect.stringMatching(/target\.kind is "vm"; expected a target kind of "azure-vm"/)]);
		expect(problems({...profile(), transport: {...bastion('Standard'), sku: 'Gold'}})).toEqual([
			expect.stringMatching(/transport\.sku is "Gold"; expected one of "Developer", "QuickConnect", "Basic", "Standard" or "Premium"/),
		]);
		expect(problems({...profile(), transport: {kind: 'jump'}})).toEqual([expect.stringMatching(/transport\.via is missing; expected the name of another saved profile/)]);
		expect(problems({...profile(), protocol: 'rdp'})).toEqual([expect.stringMatching(/protocol is "rdp"; expected "ssh"/)]);
	});

	it('describes a value that is not an object', () => {
		expect(problems('hello', 0)).toEqual([expect.stringMatching(/^The profile at profiles\[0\]: found "hello"; expected a profile: an object with name/)]);
	});
});

describe('SettingsSchema', () => {
	it('has the documented defaults', () => {
		expect(defaultSettings()).toEqual({
			prefixKey: 'C-b',
			scrollbackLines: 5000,
			clipboard: 'auto',
			closePaneOnExit: false,
			maxFps: 30,
			cloud: {name: 'AzureCloud'},
			selectedSubscriptions: [],
			entraCertificateSource: 'auto',
			mouse: true,
		});
	});

	it('mouse: true or false, anything else named as such', () => {
		expect(SettingsSchema.parse({mouse: false}).mouse).toBe(false);
		const input = {mouse: 'off'};
		const result = SettingsSchema.safeParse(input);
		expect(result.success).toBe(false);
		expect(describeIssues(result.error!.issues, input, {root: 'settings'})).toEqual(['Settings: mouse is "off"; expected true or false.']);
	});

	it('entraCertificateSource: auto, cli or device-code, anything else named with the choices', () => {
		for (const source of ['auto', 'cli', 'device-code'] as const) expect(SettingsSchema.parse({entraCertificateSource: source}).entraCertificateSource).toBe(source);
		for (const input of [{entraCertificateSource: 'az'}, {entraCertificateSource: true}, {entraCertificateSource: 'CLI'}]) {
			const result = SettingsSchema.safeParse(input);
			expect(result.success).toBe(false);
			expect(describeIssues(result.error!.issues, input, {root: 'settings'})).toEqual([
				`Settings: entraCertificateSource is ${JSON.stringify(input.entraCertificateSource)}; expected one of "auto" (the Azure CLI when it is signed in, else vmux's own sign-in), "cli" (always az ssh cert) or "device-code" (always vmux's own sign-in).`,
			]);
		}
	});

	it('accepts lab-style cloud endpoint overrides and reports bad values as sentences', () => {
		expect(SettingsSchema.parse({cloud: {name: 'Custom', resourceManagerEndpoint: 'https://127.0.0.1:8443/'}}).cloud.name).toBe('Custom');
		const input = {maxFps: 0, cloud: {name: 'Mars'}, selectedSubscriptions: ['nope']};
		const result = SettingsSchema.safeParse(input);
		expect(result.success).toBe(false);
		expect(describeIssues(result.error!.issues, input, {root: 'settings'})).toEqual([
			'Settings: maxFps is 0; expected a whole number of frames per second from 1 to 120.',
			'Settings: cloud.name is "Mars"; expected one of "AzureCloud", "AzureChinaCloud", "AzureUSGovernment", "Custom".',
			expect.stringMatching(/^Settings: selectedSubscriptions\[0\] is "nope"; expected an Azure subscription id/),
		]);
	});
});
