// A new user's first look at the editor: messages built from values that are still empty (no host typed
// yet, a plain host's missing resource group) read as sentences, auth types show by their names, and the
// jump-host choice lists only profiles that can be one, sorted.
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {cleanup as cleanupInk, render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ProfileEditor} from '../../../source/app/views/profile-editor/index.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import {ProfileStore} from '../../../source/core/profiles/store.js';
import {tempDir} from '../../core/profiles/helpers.js';
import {flat, focus, KEY, press, screen, vm, waitForScreen} from './helpers.js';

let configDir: string;
let home: string;
let cleanupDir: () => void;
beforeEach(() => {
	let dir: string;
	({dir, cleanup: cleanupDir} = tempDir('vmux-editor-empty-'));
	configDir = join(dir, 'config');
	home = join(dir, 'home');
	mkdirSync(home);
});
afterEach(() => {
	cleanupInk();
	cleanupDir();
});

function open(props: {draftFrom?: VmRecord; initial?: Profile; store?: ProfileStore}) {
	const store = props.store ?? new ProfileStore({configDir});
	const profilesByName = Object.fromEntries(store.list().map(profile => [profile.name, profile]));
	return render(
		<ProfileEditor
			existingNames={Object.keys(profilesByName)}
			profilesByName={profilesByName}
			homeDir={home}
			width={120}
			height={40}
			onSave={() => {}}
			onCancel={() => {}}
			{...props}
		/>,
	);
}

/** Gaps a message leaves where an empty value went: "of ,", "and  is", "·  ·", "()". */
function expectNoEmptySlots(text: string) {
	const line = flat(text);
	expect(line).not.toMatch(/ (of|and|reaches) [,.:]/);
	expect(line).not.toMatch(/ (of|and|reaches) {2,}/);
	expect(text).not.toMatch(/·\s*·|·\s*$|\(\s*\)/m);
}

describe('the profile editor with empty values', () => {
	it('a host target with no host yet: the SKU messages read as sentences', async () => {
		for (const [sku, flags] of [
			['Basic', {}],
			['Standard', {enableTunneling: true}],
			['Standard', {enableTunneling: true, enableIpConnect: true}],
		] as const) {
			const view = open({draftFrom: vm('web-01', sku, flags)});
			await waitForScreen(view.lastFrame, t => t.includes('Target'), 'the form');
			await focus(view.stdin, view.lastFrame, 'Target');
			await press(view.stdin, KEY.right);
			const text = await waitForScreen(view.lastFrame, t => t.includes('‹ Host or IP address ›'), 'the host target');
			expect(text).toMatch(/Host +for example/);
			expectNoEmptySlots(text);
			if (sku === 'Basic') expect(flat(text)).toContain('target the VM itself instead of an IP address, upgrade');
			view.unmount();
		}
	});

	it('Entra ID taken off the list by an IP-based target is named, not shown as "entra"', async () => {
		const draft = vm('app-01', 'Standard', {enableTunneling: true, enableIpConnect: true}, {extensions: ['AADSSHLoginForLinux']});
		const view = open({draftFrom: draft});
		await waitForScreen(view.lastFrame, t => /Authentication +Microsoft Entra ID/.test(t), 'Entra ID chosen');
		await focus(view.stdin, view.lastFrame, 'Target');
		await press(view.stdin, KEY.right);
		const text = await waitForScreen(view.lastFrame, t => t.includes('‹ Host or IP address ›'), 'the host target');
		expect(text).toMatch(/Authentication +Microsoft Entra ID \(not available here\)/);
		expect(text).not.toMatch(/Authentication +entra/);
		expect(flat(text)).toContain('Microsoft Entra ID login is not available over IP-based Bastion connections: target the VM itself instead of an IP address');
	});

	it('editing a plain host profile from its browser row: no VM line with empty parts', async () => {
		const store = new ProfileStore({configDir});
		store.save({name: 'local-sshd', target: {kind: 'host', host: '127.0.0.1'}, transport: {kind: 'direct'}, username: 'me', auth: {type: 'password'}});
		// The browser's row for a plain host: no subscription, no resource group (core/inventory/host-rows).
		const row: VmRecord = {id: 'profile:local-sshd', name: 'local-sshd', subscriptionId: '', subscriptionName: '', resourceGroup: '', location: '', powerState: 'unknown', privateIp: '127.0.0.1', tags: {}};
		const view = open({store, initial: store.get('local-sshd'), draftFrom: row});
		const text = await waitForScreen(view.lastFrame, t => t.includes('Edit profile · local-sshd'), 'the title');
		expectNoEmptySlots(text);
		expect(text).not.toContain('VM local-sshd');
		expect(text).toMatch(/Host +127\.0\.0\.1/);
	});

	it('the jump-host choice is sorted by name and leaves out Microsoft Entra ID profiles', async () => {
		const store = new ProfileStore({configDir});
		const host = (name: string, auth: Profile['auth']) => store.save({name, target: {kind: 'host', host: '10.0.0.9'}, transport: {kind: 'direct'}, ...(auth.type === 'entra' ? {} : {username: 'ops'}), auth});
		host('zulu-jump', {type: 'password'});
		host('entra-only', {type: 'entra'});
		host('alpha-jump', {type: 'password'});
		host('mike-jump', {type: 'password'});
		const view = open({store});
		await waitForScreen(view.lastFrame, t => t.includes('New profile'), 'the form');
		await focus(view.stdin, view.lastFrame, 'Transport');
		await press(view.stdin, KEY.right);
		await waitForScreen(view.lastFrame, t => t.includes('‹ Jump host ›'), 'the jump transport');
		await focus(view.stdin, view.lastFrame, 'Jump through');
		const order: string[] = [];
		for (let i = 0; i < 3; i++) {
			order.push(/‹ (.+?) ›/.exec(screen(view.lastFrame))?.[1] ?? '');
			await press(view.stdin, KEY.right);
		}
		expect(order).toEqual(['alpha-jump', 'mike-jump', 'zulu-jump']);
		expect(screen(view.lastFrame)).toMatch(/‹ alpha-jump ›/);
	});
});
