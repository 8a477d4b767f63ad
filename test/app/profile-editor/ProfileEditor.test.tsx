import {copyFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {Text, useInput} from 'ink';
import {cleanup as cleanupInk, render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ProfileEditor, type ProfileEditorProps, type SecretPickerProps} from '../../../source/app/views/profile-editor/index.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import {ProfileStore} from '../../../source/core/profiles/store.js';
import {labUserKeyPath} from '../../helpers/lab-credentials.js';
import {tempDir} from '../../core/profiles/helpers.js';
import {flat, focus, focusedLabel, KEY, press, screen, vm, waitForScreen, waitUntil} from './helpers.js';

let dir: string;
let home: string;
let configDir: string;
let cleanupDir: () => void;
beforeEach(() => {
	({dir, cleanup: cleanupDir} = tempDir('vmux-editor-'));
	home = join(dir, 'home');
	configDir = join(dir, 'config');
	mkdirSync(join(home, '.ssh'), {recursive: true});
	copyFileSync(labUserKeyPath('demo_ed25519'), join(home, '.ssh', 'id_ed25519'));
});
afterEach(() => {
	cleanupInk();
	cleanupDir();
});

/** A stand-in Key Vault picker: `p` picks a fixed secret, `q` cancels. */
function TestPicker({kind, onPick, onCancel}: SecretPickerProps) {
	useInput(input => {
		if (input === 'p') onPick({vaultUrl: 'https://kv-picked.vault.azure.net', secretName: 'picked-secret'});
		if (input === 'q') onCancel();
	});
	return <Text>Picker for a {kind}</Text>;
}

function open(props: Partial<ProfileEditorProps> & {store?: ProfileStore} = {}) {
	const store = props.store ?? new ProfileStore({configDir});
	const saved: Array<{profile: Profile; originalName?: string}> = [];
	let cancelled = 0;
	const profilesByName = Object.fromEntries(store.list().map(profile => [profile.name, profile]));
	const view = render(
		<ProfileEditor
			existingNames={Object.keys(profilesByName)}
			profilesByName={profilesByName}
			homeDir={home}
			width={100}
			height={40}
			onSave={(profile, meta) => {
				store.save(profile, {replacing: meta.originalName});
				saved.push({profile, originalName: meta.originalName});
			}}
			onCancel={() => {
				cancelled++;
			}}
			{...props}
		/>,
	);
	return {...view, store, saved, cancelled: () => cancelled, text: () => screen(view.lastFrame)};
}

describe('ProfileEditor', () => {
	it('prefills a first connect from the inventory: VM, Bastion, SKU, suggested username, local key', async () => {
		const {lastFrame} = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		const text = await waitForScreen(lastFrame, t => t.includes('New profile · web-01'), 'the title');
		expect(text).toContain('VM web-01 · rg-web · Contoso Dev');
		expect(text).toContain('Bastion bas-standard · Standard SKU · native client on');
		expect(text).toMatch(/Name +web-01/);
		expect(text).toMatch(/Target +VM web-01 \(rg-web\)/);
		expect(text).toMatch(/Transport +Bastion bas-standard \(Standard\)/);
		expect(text).toMatch(/Port +SSH · port 22/);
		expect(text).toMatch(/Username +azureuser/);
		expect(text).toMatch(/Local file +~\/\.ssh\/id_ed25519/);
		expect(focusedLabel(text)).toBe('Name');
	});

	it('switching the authentication type changes the field set', async () => {
		const {stdin, lastFrame} = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		await waitForScreen(lastFrame, t => t.includes('Authentication'), 'the form');
		await focus(stdin, lastFrame, 'Authentication');
		const labels = (text: string) =>
			text
				.split('\n')
				.map(line => /^[› ] (\S[^\s]*(?: \S+)*?)\s{2,}/.exec(line)?.[1])
				.filter(Boolean);

		let text = screen(lastFrame);
		expect(text).toContain('‹ SSH Private Key from Local File ›');
		expect(labels(text)).toEqual(['Name', 'Target', 'Transport', 'Port', 'Authentication', 'Username', 'Local file', 'Record', 'Record input', 'Forward agent', 'Port forwards']);

		await press(stdin, KEY.right);
		text = await waitForScreen(lastFrame, t => t.includes('‹ SSH Private Key from Azure Key Vault ›'), 'Key Vault key');
		expect(labels(text)).toEqual(['Name', 'Target', 'Transport', 'Port', 'Authentication', 'Username', 'Subscription', 'Azure Key Vault', 'Secret', 'Record', 'Record input', 'Forward agent', 'Port forwards']);

		await press(stdin, KEY.right);
		text = await waitForScreen(lastFrame, t => t.includes('‹ SSH agent (SSH_AUTH_SOCK) ›'), 'SSH agent');
		expect(labels(text)).toEqual(['Name', 'Target', 'Transport', 'Port', 'Authentication', 'Username', 'Record', 'Record input', 'Forward agent', 'Port forwards']);
		expect(text).toContain('The keys your ssh-agent holds (SSH_AUTH_SOCK) sign the login; nothing is saved.');

		await press(stdin, KEY.right);
		text = await waitForScreen(lastFrame, t => t.includes('‹ Microsoft Entra ID ›'), 'Entra ID');
		expect(labels(text)).toEqual(['Name', 'Target', 'Transport', 'Port', 'Authentication', 'Record', 'Record input', 'Forward agent', 'Port forwards']);

		await press(stdin, ' ');
		text = await waitForScreen(lastFrame, t => t.includes('‹ Password ›'), 'Password');
		expect(labels(text)).toEqual(['Name', 'Target', 'Transport', 'Port', 'Authentication', 'Username', 'Record', 'Record input', 'Forward agent', 'Port forwards']);
		expect(text).toContain('Asked for when connecting; never saved.');

		await press(stdin, KEY.left, KEY.left, KEY.left);
		text = await waitForScreen(lastFrame, t => t.includes('‹ SSH Private Key from Azure Key Vault ›'), 'back to Key Vault key');
		expect(focusedLabel(text)).toBe('Authentication');
	});

	it('agent forwarding is off by default; turning it on shows the warning', async () => {
		const view = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		let text = await waitForScreen(view.lastFrame, t => t.includes('Forward agent'), 'the form');
		expect(text).toMatch(/Forward agent +‹?No/);
		expect(text).not.toContain("the VM's root can use your keys");
		await focus(view.stdin, view.lastFrame, 'Forward agent');
		await press(view.stdin, KEY.right);
		text = await waitForScreen(view.lastFrame, t => t.includes("Warning: the VM's root can use your keys while you are connected."), 'the warning');
		expect(text).toContain('Yes (ssh -A)');
	});

	it('Basic locks port 22 (never focusable) and explains that Basic is portal-only', async () => {
		const {stdin, lastFrame} = open({draftFrom: vm('legacy-01', 'Basic')});
		const text = await waitForScreen(lastFrame, t => t.includes('Connection'), 'the connection line');
		expect(text).toMatch(/Connection +SSH · port 22 — fixed by the Basic SKU/);
		expect(flat(text)).toMatch(/✗ The Basic SKU of bas-basic only serves connections from the Azure portal, not from native clients like vmux: upgrade bas-basic to Standard or Premium and enable native client support, or use a direct or jump transport, or open the VM's Bastion page in the Azure portal\./);
		const focused = new Set<string | undefined>();
		for (let i = 0; i < 10; i++) {
			focused.add(focusedLabel(screen(lastFrame)));
			await press(stdin, KEY.tab);
		}
		expect(focused).not.toContain('Connection');
		expect(focused).toContain('Transport');
	});

	it('Developer locks port 22 too and carries its one-session limit', async () => {
		const {lastFrame} = open({draftFrom: vm('dev-01', 'Developer')});
		const text = await waitForScreen(lastFrame, t => t.includes('Connection'), 'the connection line');
		expect(text).toMatch(/Connection +SSH · port 22 — fixed by the Developer SKU/);
		expect(flat(text)).toMatch(/i The Developer SKU allows one session at a time through bas-developer/);
	});

	it('Standard allows port 2222, and Ctrl-s saves it to the store on disk', async () => {
		const {stdin, lastFrame, store, saved} = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		await waitForScreen(lastFrame, t => t.includes('Port'), 'the port');
		await focus(stdin, lastFrame, 'Port');
		await press(stdin, KEY.backspace, KEY.backspace, '2222');
		await waitForScreen(lastFrame, t => /Port +SSH · port 2222/.test(t), 'port 2222');
		await press(stdin, KEY.ctrlS);
		await waitUntil(() => saved.length === 1, 'the save');
		expect(saved[0].profile).toMatchObject({name: 'web-01', port: 2222, transport: {kind: 'bastion', sku: 'Standard'}});
		expect(saved[0].originalName).toBeUndefined();
		const onDisk = new ProfileStore({configDir}).get('web-01');
		expect(onDisk).toMatchObject({
			port: 2222,
			username: 'azureuser',
			auth: {type: 'key-file', path: '~/.ssh/id_ed25519'},
			target: {kind: 'azure-vm', vmName: 'web-01'},
		});
		expect(store.list()).toHaveLength(1);
		// The key file was read to check it, never copied.
		const keyBody = readFileSync(join(home, '.ssh', 'id_ed25519'), 'utf8').split('\n')[1];
		expect(readFileSync(store.path, 'utf8')).not.toContain(keyBody);
		await waitForScreen(lastFrame, t => t.includes('Saved.'), 'the saved notice');
	});

	it('an invalid port shows the message, and Ctrl-s shows errors instead of saving', async () => {
		const {stdin, lastFrame, saved} = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		await waitForScreen(lastFrame, t => t.includes('Port'), 'the port');
		await focus(stdin, lastFrame, 'Port');
		await press(stdin, KEY.backspace, KEY.backspace, '70000');
		const text = await waitForScreen(lastFrame, t => t.includes('✗ Port must be a whole number from 1 to 65535.'), 'the port message');
		expect(text).toMatch(/Port +SSH · port 70000/);
		await press(stdin, KEY.ctrlS);
		await waitForScreen(lastFrame, t => t.includes('Not saved: 1 problem to fix, marked above.'), 'the refusal');
		expect(saved).toEqual([]);
	});

	it('checks the key file: ~ expanded, missing files and public keys refused inline', async () => {
		copyFileSync(labUserKeyPath('demo_rsa.pub'), join(home, '.ssh', 'id_rsa.pub'));
		const {stdin, lastFrame} = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		await waitForScreen(lastFrame, t => t.includes('Local file'), 'the key field');
		await focus(stdin, lastFrame, 'Local file');
		await press(stdin, KEY.ctrlU, '~/.ssh/nope');
		await waitForScreen(lastFrame, t => flat(t).includes(`✗ ${join(home, '.ssh', 'nope')} does not exist`), 'the missing-file message');
		await press(stdin, KEY.ctrlU, '~/.ssh/id_rsa.pub');
		await waitForScreen(lastFrame, t => flat(t).includes('is a public key; choose the private key (usually the same name without .pub).'), 'the public-key message');
		await press(stdin, KEY.ctrlU, '~/.ssh/id_ed25519');
		await waitForScreen(lastFrame, t => !t.includes('✗'), 'no problems');
	});

	it('checks the username rules as you type', async () => {
		const {stdin, lastFrame} = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		await waitForScreen(lastFrame, t => t.includes('Username'), 'the username');
		await focus(stdin, lastFrame, 'Username');
		await press(stdin, KEY.ctrlU, '-root');
		await waitForScreen(lastFrame, t => flat(t).includes("✗ Username must be a Linux username: 1-32 characters, starting with a letter or '_', then letters"), 'the rule');
	});

	it('Esc with changes asks to confirm; n keeps editing, y cancels', async () => {
		const view = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		await waitForScreen(view.lastFrame, t => t.includes('Name'), 'the form');
		await press(view.stdin, '-x');
		await waitForScreen(view.lastFrame, t => /Name +web-01-x/.test(t), 'the edit');
		await press(view.stdin, KEY.escape);
		await waitForScreen(view.lastFrame, t => t.includes('Discard your changes? y discard · n keep editing'), 'the question');
		await press(view.stdin, 'n');
		await waitForScreen(view.lastFrame, t => !t.includes('Discard your changes?'), 'the question gone');
		expect(view.cancelled()).toBe(0);
		expect(view.text()).toMatch(/Name +web-01-x/);
		await press(view.stdin, KEY.escape, 'y');
		await waitUntil(() => view.cancelled() === 1, 'the cancel');
		expect(view.saved).toEqual([]);
	});

	it('Esc without changes cancels at once', async () => {
		const view = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		await waitForScreen(view.lastFrame, t => t.includes('Name'), 'the form');
		await press(view.stdin, KEY.escape);
		await waitUntil(() => view.cancelled() === 1, 'the cancel');
		expect(view.text()).not.toContain('Discard');
	});

	it('edits a saved profile: renaming keeps one profile, under the new name', async () => {
		const store = new ProfileStore({configDir});
		const draft = vm('web-01', 'Standard', {enableTunneling: true});
		store.save({
			name: 'web',
			target: {kind: 'azure-vm', vmId: draft.id, vmName: 'web-01', resourceGroup: 'rg-web', subscriptionId: draft.subscriptionId},
			transport: {kind: 'direct'},
			port: 22,
			username: 'ops',
			auth: {type: 'password'},
		});
		const view = open({store, initial: store.get('web')});
		await waitForScreen(view.lastFrame, t => t.includes('Edit profile · web'), 'the title');
		expect(view.text()).toMatch(/Transport +Direct/);
		await press(view.stdin, '-01', KEY.ctrlS);
		await waitUntil(() => view.saved.length === 1, 'the save');
		expect(view.saved[0].originalName).toBe('web');
		expect(store.list().map(profile => profile.name)).toEqual(['web-01']);
		expect(store.get('web-01')).toMatchObject({username: 'ops', auth: {type: 'password'}, transport: {kind: 'direct'}});
	});

	it('refuses a name another profile has', async () => {
		const store = new ProfileStore({configDir});
		store.save({name: 'web-01', target: {kind: 'host', host: '10.0.0.9'}, transport: {kind: 'direct'}, username: 'ops', auth: {type: 'password'}});
		const view = open({store, draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		const text = await waitForScreen(view.lastFrame, t => t.includes('Name'), 'the form');
		// The suggestion avoids the taken name; typing it back is refused inline.
		expect(text).toMatch(/Name +web-01-2/);
		await press(view.stdin, KEY.backspace, KEY.backspace);
		await waitForScreen(view.lastFrame, t => flat(t).includes('✗ Another profile is already called "web-01": choose another name.'), 'the clash');
	});

	it('shows why the store refused a save, and stays open', async () => {
		mkdirSync(configDir, {recursive: true});
		writeFileSync(join(configDir, 'profiles.json'), '{not json');
		const view = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true})});
		await waitForScreen(view.lastFrame, t => t.includes('Name'), 'the form');
		await press(view.stdin, KEY.ctrlS);
		const text = await waitForScreen(view.lastFrame, t => t.includes('Not saved:'), 'the refusal');
		expect(flat(text)).toContain('is not valid JSON');
		expect(readFileSync(join(configDir, 'profiles.json'), 'utf8')).toBe('{not json');
	});

	it('a jump transport goes through another saved profile', async () => {
		const store = new ProfileStore({configDir});
		store.save({name: 'jump-01', target: {kind: 'host', host: '20.51.10.7'}, transport: {kind: 'direct'}, username: 'ops', auth: {type: 'password'}});
		const view = open({store});
		await waitForScreen(view.lastFrame, t => t.includes('New profile'), 'the form');
		await press(view.stdin, 'db-01', KEY.tab, '10.2.0.5');
		await focus(view.stdin, view.lastFrame, 'Transport');
		await press(view.stdin, KEY.right);
		const text = await waitForScreen(view.lastFrame, t => t.includes('‹ Jump host ›'), 'the jump transport');
		expect(text).toMatch(/Jump through +jump-01/);
		await press(view.stdin, KEY.ctrlS);
		await waitUntil(() => view.saved.length === 1, 'the save');
		expect(store.get('db-01')).toMatchObject({target: {kind: 'host', host: '10.2.0.5'}, transport: {kind: 'jump', via: 'jump-01'}});
	});

	it('IP-based Bastion targets lock port 22 and do not offer Entra ID', async () => {
		const view = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true, enableIpConnect: true})});
		await waitForScreen(view.lastFrame, t => t.includes('Target'), 'the form');
		await focus(view.stdin, view.lastFrame, 'Target');
		await press(view.stdin, KEY.right);
		let text = await waitForScreen(view.lastFrame, t => t.includes('‹ Host or IP address ›'), 'the host target');
		expect(text).toMatch(/Connection +SSH · port 22 — fixed for IP-based Bastion connections/);
		await focus(view.stdin, view.lastFrame, 'Authentication');
		const seen = new Set<string>();
		for (let i = 0; i < 5; i++) {
			await press(view.stdin, KEY.right);
			text = screen(view.lastFrame);
			seen.add(/‹ (.+?) ›/.exec(text)?.[1] ?? '');
		}
		expect(seen).not.toContain('Microsoft Entra ID');
		expect(seen.size).toBe(5);
	});

	it('the Key Vault picker seam: Enter on a Key Vault field hands over, and the choice fills the fields', async () => {
		const view = open({draftFrom: vm('web-01', 'Standard', {enableTunneling: true}), secretPicker: props => <TestPicker {...props} />});
		await waitForScreen(view.lastFrame, t => t.includes('Authentication'), 'the form');
		await focus(view.stdin, view.lastFrame, 'Authentication');
		await press(view.stdin, KEY.right);
		await focus(view.stdin, view.lastFrame, 'Azure Key Vault');
		expect(view.text()).toContain('Enter pick from Azure');
		await press(view.stdin, KEY.enter);
		await waitForScreen(view.lastFrame, t => t.includes('Picker for a key'), 'the picker');
		await press(view.stdin, 'p');
		const text = await waitForScreen(view.lastFrame, t => /Azure Key Vault +https:\/\/kv-picked\.vault\.azure\.net/.test(t), 'the picked vault');
		expect(text).toMatch(/Secret +picked-secret/);
		await press(view.stdin, KEY.ctrlS);
		await waitUntil(() => view.saved.length === 1, 'the save');
		expect(view.saved[0].profile.auth).toEqual({type: 'keyvault-key', vaultUrl: 'https://kv-picked.vault.azure.net', secretName: 'picked-secret'});
	});
});
