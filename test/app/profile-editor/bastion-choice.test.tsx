import {copyFileSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {cleanup as cleanupInk, render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ProfileEditor} from '../../../source/app/views/profile-editor/index.js';
import type {BastionRef, VmRecord} from '../../../source/core/inventory/model.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import {labUserKeyPath} from '../../helpers/lab-credentials.js';
import {tempDir} from '../../core/profiles/helpers.js';
import {flat, focus, focusedLabel, KEY, press, screen, SUB, vm, waitForScreen, waitUntil} from './helpers.js';

/** Issue 14: when several Bastions serve a VM, the editor says so and lets the user pick one; a secondary NIC's Bastion is offered by IP. */

let home: string;
let cleanupDir: () => void;
beforeEach(() => {
	let dir: string;
	({dir, cleanup: cleanupDir} = tempDir('vmux-bastion-choice-'));
	home = join(dir, 'home');
	mkdirSync(join(home, '.ssh'), {recursive: true});
	copyFileSync(labUserKeyPath('demo_ed25519'), join(home, '.ssh', 'id_ed25519'));
});
afterEach(() => {
	cleanupInk();
	cleanupDir();
});

function bastionRef(name: string, sku: BastionRef['sku'], via: BastionRef['via'], flags: Partial<BastionRef['flags']> = {}): BastionRef {
	const base = vm('x', sku, flags).bastion!;
	return {...base, id: base.id.replace(/[^/]+$/, name), name, via};
}

const hub = bastionRef('bas-hub', 'Premium', 'peered-vnet', {enableTunneling: true});
const own = bastionRef('bas-own', 'Basic', 'same-vnet');
const spokeVm: VmRecord = {...vm('legacy-01'), bastion: hub, bastionChoices: [hub, own], bastionsComplete: true};

function open(draftFrom: VmRecord, initial?: Profile) {
	const saved: Profile[] = [];
	const view = render(
		<ProfileEditor
			existingNames={initial ? [initial.name] : []}
			profilesByName={initial ? {[initial.name]: initial} : {}}
			homeDir={home}
			width={110}
			height={40}
			draftFrom={draftFrom}
			{...(initial ? {initial} : {})}
			onSave={profile => {
				saved.push(profile);
			}}
			onCancel={() => {}}
		/>,
	);
	return {...view, saved};
}

describe('choosing among the Bastions that serve a VM', () => {
	it('offers every serving Bastion, best first, and saves the one picked', async () => {
		const {stdin, lastFrame, saved} = open(spokeVm);
		let text = await waitForScreen(lastFrame, t => t.includes('Through'), 'the Bastion choice');
		expect(flat(text)).toContain('Bastion bas-hub · Premium SKU · native client on · 2 Bastions serve this VM');
		expect(text).toMatch(/Transport +Bastion \(2 serve this VM\)/);
		expect(text).toMatch(/Through +bas-hub \(Premium, peered, native client\)/);
		await focus(stdin, lastFrame, 'Through');
		await press(stdin, KEY.right);
		text = await waitForScreen(lastFrame, t => /Through +‹ bas-own \(Basic, same VNet, portal only\) ›/.test(t), 'the own Basic Bastion');
		// The Basic one cannot tunnel: the SKU check says so and blocks saving.
		expect(flat(text)).toMatch(/The Basic SKU of bas-own only serves connections from the Azure portal/);
		await press(stdin, KEY.left);
		await waitForScreen(lastFrame, t => /Through +‹ bas-hub/.test(t), 'back to the hub');
		expect(focusedLabel(screen(lastFrame))).toBe('Through');
		await press(stdin, KEY.ctrlS);
		await waitUntil(() => saved.length === 1, 'the save');
		expect(saved[0]!.transport).toMatchObject({kind: 'bastion', bastionName: 'bas-hub', sku: 'Premium'});
	});

	it('a saved profile whose Bastion no longer serves the VM opens on the best one that does', async () => {
		const gone = bastionRef('bas-gone', 'Standard', 'peered-vnet', {enableTunneling: true});
		const initial = {
			name: 'legacy-01',
			target: {kind: 'azure-vm', vmId: spokeVm.id, vmName: spokeVm.name, resourceGroup: spokeVm.resourceGroup, subscriptionId: SUB},
			transport: {kind: 'bastion', bastionId: gone.id, bastionName: gone.name, sku: gone.sku, flags: gone.flags},
			protocol: 'ssh',
			port: 22,
			username: 'azureuser',
			auth: {type: 'password'},
			options: {keepaliveIntervalSec: 15, keepaliveCountMax: 3, record: false, recordInput: false, forwardAgent: false},
		} satisfies Profile;
		const {stdin, lastFrame, saved} = open(spokeVm, initial);
		await waitForScreen(lastFrame, t => /Through +bas-hub/.test(t), 'the hub chosen');
		expect(screen(lastFrame)).not.toContain('bas-gone');
		await press(stdin, KEY.ctrlS);
		await waitUntil(() => saved.length === 1, 'the save');
		expect(saved[0]!.transport).toMatchObject({bastionName: 'bas-hub'});
	});

	it('only a secondary NIC’s VNet has a Bastion: the draft connects to that NIC’s address through it (IP-based)', async () => {
		const mgmt = bastionRef('bas-mgmt', 'Standard', 'same-vnet', {enableTunneling: true, enableIpConnect: true});
		const multiNic: VmRecord = {...vm('app-multi'), secondaryNicBastion: {bastion: mgmt, privateIp: '10.60.1.4'}};
		const {stdin, lastFrame, saved} = open(multiNic);
		const text = await waitForScreen(lastFrame, t => t.includes('Transport'), 'the form');
		expect(text).toMatch(/Target +Host or IP address/);
		expect(text).toMatch(/Host +10\.60\.1\.4/);
		expect(text).toMatch(/Transport +Bastion bas-mgmt \(Standard\)/);
		// Back to the VM itself: refused, with the reason and the way out.
		await focus(stdin, lastFrame, 'Target');
		await press(stdin, KEY.left);
		await waitForScreen(lastFrame, t => flat(t).includes('Bastion connects to a VM by its primary one: choose Target "Host or IP address" 10.60.1.4'), 'the refusal');
		await press(stdin, KEY.right);
		await waitForScreen(lastFrame, t => /Host +10\.60\.1\.4/.test(t), 'the address again');
		await press(stdin, KEY.ctrlS);
		await waitUntil(() => saved.length === 1, 'the save');
		expect(saved[0]).toMatchObject({target: {kind: 'host', host: '10.60.1.4'}, transport: {kind: 'bastion', bastionName: 'bas-mgmt'}});
	});
});
