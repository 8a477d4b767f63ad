import {describe, expect, test} from 'vitest';
import {buildLocalInventory} from '../../../source/core/inventory/local-source.js';
import {ProfileSchema, type Profile, type ProfileInput} from '../../../source/core/profiles/schema.js';
import {planConnection, type PlanContext} from '../../../source/core/session/connect-plan.js';
import {DirectTransport} from '../../../source/core/transport/direct.js';
import {loadDemoTopology} from '../../../source/lab/topology/index.js';

/**
 * Microsoft Entra ID and the connection plan (issue 9 §7): over an IP-based Bastion connection it is refused by
 * planConnection, so no transport opens, no host key is asked about and no certificate is requested; over a
 * direct or jump transport to a host it is planned like `az ssh vm --ip`, and the VM decides.
 */

const vms = buildLocalInventory(loadDemoTopology()).vms;
const app = vms.find(vm => vm.name === 'app-01')!;
const jump = vms.find(vm => vm.name === 'jump-01')!;
const premium = app.bastion!;

function profile(overrides: Partial<ProfileInput>): Profile {
	return ProfileSchema.parse({
		name: 'entra-test',
		target: {kind: 'azure-vm', vmId: app.id, vmName: app.name, resourceGroup: app.resourceGroup, subscriptionId: app.subscriptionId},
		transport: {kind: 'bastion', bastionId: premium.id, bastionName: premium.name, sku: premium.sku, flags: {...premium.flags, enableIpConnect: true}, dnsName: 'bst.example'},
		auth: {type: 'entra'},
		...overrides,
	});
}

/** A plan context that counts what a plan reaches for: a transport, or credentials. */
function countingContext(profiles: Profile[] = []) {
	const calls = {bastionTransport: 0, jumpTransport: 0, credentials: 0};
	const context: PlanContext = {
		profile: name => profiles.find(candidate => candidate.name === name),
		credentials: () => {
			calls.credentials++;
			return async () => [];
		},
		bastionTransport: () => {
			calls.bastionTransport++;
			return {description: 'Bastion (test)', open: () => Promise.reject(new Error('not in this test'))};
		},
		jumpTransport: () => {
			calls.jumpTransport++;
			return {description: 'jump (test)', open: () => Promise.reject(new Error('not in this test'))};
		},
	};
	return {context, calls};
}

describe('Entra ID over an IP-based Bastion connection', () => {
	test('is refused by the plan, before any transport, host-key question or certificate, with the reason and the fix', async () => {
		const {context, calls} = countingContext();
		const plan = await planConnection(profile({target: {kind: 'host', host: '10.10.1.4'}}), undefined, context);
		expect(plan).toEqual({
			ok: false,
			title: 'Cannot connect to entra-test',
			message:
				'Microsoft Entra ID login is not available over IP-based Bastion connections: target the VM itself instead of 10.10.1.4, reach the host through a direct or jump transport, or choose another authentication type.',
		});
		expect(calls).toEqual({bastionTransport: 0, jumpTransport: 0, credentials: 0});
	});

	test('also when IP connect is off on the Bastion (a warning that alone would not stop it): refused for Entra ID', async () => {
		const {context, calls} = countingContext();
		const plan = await planConnection(
			profile({target: {kind: 'host', host: '10.10.1.4'}, transport: {kind: 'bastion', bastionId: premium.id, bastionName: premium.name, sku: premium.sku, flags: {enableTunneling: true}, dnsName: 'bst.example'}}),
			undefined,
			context,
		);
		expect(plan.ok).toBe(false);
		expect(!plan.ok && plan.message).toMatch(/^Microsoft Entra ID login is not available over IP-based Bastion connections/);
		expect(calls.bastionTransport).toBe(0);
	});

	test('the same VM targeted as itself through the Bastion is planned, and carries the VM for a refusal', async () => {
		const {context, calls} = countingContext();
		const plan = await planConnection(profile({}), app, context);
		expect(plan.ok).toBe(true);
		expect(plan.ok && plan.spec.entraVm).toEqual({label: 'app-01', name: 'app-01', resourceGroup: 'rg-app', id: app.id});
		expect(calls.bastionTransport).toBe(1);
	});
});

describe('Entra ID to a host over a direct or jump transport', () => {
	// Allowed, as `az ssh vm --ip <address>` allows it: the certificate names the user, not the address, so the
	// VM's own sshd (with AADSSHLoginForLinux) decides. A host that is not an Entra-enabled Azure VM refuses the
	// certificate, and that refusal is explained with placeholders for the VM it cannot name.
	test('direct: planned with a TCP transport to the host; the refusal names the host', async () => {
		const {context} = countingContext();
		const plan = await planConnection(profile({target: {kind: 'host', host: '203.0.113.10'}, transport: {kind: 'direct'}}), undefined, context);
		expect(plan.ok).toBe(true);
		if (!plan.ok) return;
		expect(plan.spec.transport).toBeInstanceOf(DirectTransport);
		expect(plan.spec.host).toBe('203.0.113.10');
		expect(plan.spec.entraVm).toEqual({label: '203.0.113.10'});
	});

	test('direct to a listed VM by its public IP: the refusal names the VM', async () => {
		const {context} = countingContext();
		const plan = await planConnection(profile({target: {kind: 'host', host: jump.publicIp!}, transport: {kind: 'direct'}}), jump, context);
		expect(plan.ok && plan.spec.entraVm).toEqual({label: 'jump-01', name: 'jump-01', resourceGroup: jump.resourceGroup, id: jump.id});
	});

	test('jump: planned through the jump host', async () => {
		const via = ProfileSchema.parse({name: 'jumper', target: {kind: 'host', host: '203.0.113.10'}, transport: {kind: 'direct'}, username: 'azureuser', auth: {type: 'password'}});
		const {context, calls} = countingContext([via]);
		const plan = await planConnection(profile({target: {kind: 'host', host: '10.10.1.4'}, transport: {kind: 'jump', via: 'jumper'}}), undefined, context);
		expect(plan.ok).toBe(true);
		expect(plan.ok && plan.spec.entraVm).toEqual({label: '10.10.1.4'});
		expect(calls.jumpTransport).toBe(1);
	});
});
