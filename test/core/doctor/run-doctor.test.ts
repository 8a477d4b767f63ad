import {CredentialUnavailableError} from '@azure/identity';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {createArmClients} from '../../../source/core/azure/clients.js';
import {createKeyVaultClients, type KeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {secretReader} from '../../../source/core/azure/secret-reader.js';
import {mountLabKeyVault, type LabKeyVault} from '../../../source/lab/keyvault/index.js';
import {LAB_PASSWORD, TEST_LAB_CREDENTIALS} from '../../helpers/lab-credentials.js';
import {runDoctor, type CheckId, type DoctorCheck, type DoctorReport} from '../../../source/core/doctor/index.js';
import {keyPath} from '../../fixtures/keys/fixtures.js';
import {collect, DEV, PROD, startLabWithClients, type LabWithClients} from '../../lab/arm/lab-clients.js';
import {loadDemoTopology, withoutSystemAssignedIdentity} from '../../../source/lab/topology/index.js';
import {demoVm, editedTopology, profileFor, resourceNamed} from './helpers.js';

/** The doctor against the lab's ARM, through the real SDK clients. */

let env: LabWithClients;
let home: string;
beforeAll(async () => {
	env = await startLabWithClients();
	home = mkdtempSync(join(tmpdir(), 'vmux-doctor-'));
});
afterAll(async () => {
	await env.close();
	rmSync(home, {recursive: true, force: true});
});
afterEach(() => {
	env.lab.faults.clear();
});

function checkOf(report: DoctorReport, id: CheckId): DoctorCheck {
	const found = report.checks.find(check => check.id === id);
	if (!found) throw new Error(`no ${id} check`);
	return found;
}

function statuses(report: DoctorReport): Record<string, string> {
	return Object.fromEntries(report.checks.map(check => [check.id, check.status]));
}

const WEB_01 = demoVm('web-01');

describe('runDoctor', () => {
	test('a healthy web-01 profile (Standard, tunneling on, key file) passes every check, in order', async () => {
		const profile = profileFor('web-01', {port: 2222, auth: {type: 'key-file', path: keyPath('id_ed25519')}});
		const report = await runDoctor({clients: env.clients, vm: 'web-01', profile});
		expect(report.checks.map(check => check.id)).toEqual(['sign-in', 'vm', 'nic', 'bastion', 'vnet', 'sku', 'power', 'auth']);
		expect(report.checks.map(check => [check.id, check.status, check.detail])).toEqual(report.checks.map(check => [check.id, 'pass', check.detail]));
		expect(report.ok).toBe(true);
		expect(report.vm).toEqual({id: WEB_01.id, name: 'web-01', resourceGroup: 'rg-web', subscriptionId: DEV, subscriptionName: 'Contoso Dev'});
		expect(report.bastion).toMatchObject({name: 'bas-std', sku: 'Standard', via: 'same-vnet'});
		expect(report.profileName).toBe('web-01');
		expect(checkOf(report, 'sign-in').detail).toContain('alice@contoso.com');
		expect(checkOf(report, 'nic').detail).toBe("Read web-01-nic: private IP 10.1.1.4 in subnet 'snet-web' of virtual network 'vnet-dev-web'.");
		expect(checkOf(report, 'sku').detail).toBe('bas-std is Standard with native client support (enableTunneling) on: vmux can connect through it to port 2222.');
		expect(checkOf(report, 'auth').detail).toMatch(/id_ed25519 holds a usable private key: 256 SHA256:/);
		// Every check says what it found; none needs fixing.
		for (const check of report.checks) expect(check.fix).toBeUndefined();
	});

	test('finds a VM by name across subscriptions, or reads it by resource id, with no profile', async () => {
		const byName = await runDoctor({clients: env.clients, vm: 'APP-01'});
		const byId = await runDoctor({clients: env.clients, vm: demoVm('app-01').id});
		for (const report of [byName, byId]) {
			expect(report.vm).toMatchObject({name: 'app-01', subscriptionId: PROD, subscriptionName: 'Contoso Prod'});
			expect(statuses(report)).toEqual({'sign-in': 'pass', vm: 'pass', nic: 'pass', bastion: 'pass', vnet: 'pass', sku: 'pass', power: 'pass', auth: 'skip'});
			expect(checkOf(report, 'bastion').detail).toBe("Found bas-prem (Premium) in resource group 'rg-app' in subscription 'Contoso Prod', in the VM's own virtual network.");
			expect(checkOf(report, 'sku').detail).toMatch(/^No profile: checked an SSH connection to the VM on port 22\. .*Sessions through bas-prem are recorded/);
			expect(checkOf(report, 'auth').detail).toMatch(/no saved profile for this VM/);
		}
	});

	test('a VM in a peered VNet: the peering is read and must be Connected', async () => {
		for (const profile of [profileFor('db-01'), undefined]) {
			const report = await runDoctor({clients: env.clients, vm: 'db-01', profile});
			expect(report.ok).toBe(true);
			expect(report.bastion).toMatchObject({name: 'bas-std', via: 'peered-vnet'});
			expect(checkOf(report, 'vnet')).toMatchObject({
				status: 'pass',
				detail: "Read 'vnet-dev-data': it is peered with 'vnet-dev-web', where bas-std sits, and the peering data-to-web is Connected.",
			});
		}
	});

	test('legacy-01 behind a Basic Bastion fails the SKU check with the SKU table’s sentence and the upgrade command', async () => {
		for (const profile of [undefined, profileFor('legacy-01')]) {
			const report = await runDoctor({clients: env.clients, vm: 'legacy-01', profile});
			expect(report.ok).toBe(false);
			const sku = checkOf(report, 'sku');
			expect(sku.status).toBe('fail');
			expect(sku.detail).toContain(
				"The Basic SKU of bas-basic only serves connections from the Azure portal, not from native clients like vmux: upgrade bas-basic to Standard or Premium and enable native client support, or use a direct or jump transport, or open the VM's Bastion page in the Azure portal.",
			);
			expect(sku.fix).toBe('Upgrade bas-basic and turn on native client support: az network bastion update -g rg-legacy -n bas-basic --sku Standard --enable-tunneling true');
			// Only the SKU is wrong.
			expect(report.checks.filter(check => check.status === 'fail').map(check => check.id)).toEqual(['sku']);
		}
	});

	test('a custom port on a Basic Bastion is named too', async () => {
		const report = await runDoctor({clients: env.clients, vm: 'legacy-01', profile: profileFor('legacy-01', {port: 2222})});
		expect(checkOf(report, 'sku').detail).toContain('The Basic SKU fixes the connection to SSH on port 22, so port 2222 cannot be used through bas-basic');
	});

	test('Standard with native client support off fails with the Azure CLI’s sentence and the flag to turn on', async () => {
		const topology = editedTopology('tunneling off', resources => {
			resourceNamed(resources, 'bas-std').properties!.enableTunneling = false;
		});
		const lab = await startLabWithClients({topology});
		try {
			const report = await runDoctor({clients: lab.clients, vm: 'web-01'});
			const sku = checkOf(report, 'sku');
			expect(sku.status).toBe('fail');
			expect(sku.detail).toContain('Bastion Host SKU must be Standard or Premium and Native Client must be enabled. bas-std is Standard with native client support off');
			expect(sku.fix).toBe('Turn on native client support: az network bastion update -g rg-network -n bas-std --enable-tunneling true');
		} finally {
			await lab.close();
		}
	});

	test('a profile that remembers an older SKU or flags is checked against Azure’s current ones, with a warning', async () => {
		const stale = profileFor('web-01');
		if (stale.transport.kind !== 'bastion') throw new Error('expected a Bastion transport');
		stale.transport.flags.enableTunneling = false;
		const report = await runDoctor({clients: env.clients, vm: 'web-01', profile: stale});
		const sku = checkOf(report, 'sku');
		expect(sku.status).toBe('warn');
		expect(sku.detail).toContain('Profile "web-01" saved enableTunneling as off, and it is now on.');
		expect(sku.fix).toMatch(/^Open profile "web-01" in the editor/);
		expect(report.ok).toBe(true);
	});

	test('web-02 is stopped: the power check fails with the start command', async () => {
		const report = await runDoctor({clients: env.clients, vm: 'web-02'});
		expect(checkOf(report, 'power')).toEqual({
			id: 'power',
			title: 'Power state',
			status: 'fail',
			detail: 'web-02 is stopped (still allocated), so nothing answers on its SSH port.',
			fix: 'Start it: az vm start -g rg-web -n web-02',
		});
		expect(report.ok).toBe(false);
	});

	describe('Microsoft Entra ID', () => {
		test('app-01 has the AADSSHLoginForLinux extension and a system-assigned identity', async () => {
			const report = await runDoctor({clients: env.clients, vm: 'app-01', profile: profileFor('app-01', {auth: {type: 'entra'}, username: undefined})});
			const auth = checkOf(report, 'auth');
			expect(auth.status).toBe('pass');
			expect(auth.detail).toContain('app-01 has the AADSSHLoginForLinux extension and a system-assigned identity');
			expect(auth.detail).toContain('Virtual Machine Administrator Login or Virtual Machine User Login');
			expect(report.ok).toBe(true);
		});

		test('a VM without the extension fails, naming it, the command that installs it and the login roles', async () => {
			const report = await runDoctor({clients: env.clients, vm: 'web-01', profile: profileFor('web-01', {auth: {type: 'entra'}, username: undefined})});
			const auth = checkOf(report, 'auth');
			expect(auth.status).toBe('fail');
			expect(auth.detail).toBe(
				'Microsoft Entra ID: web-01 does not have the AADSSHLoginForLinux extension (Microsoft Entra ID login for Linux) or a system-assigned managed identity, so it refuses Entra ID certificates ("Permission denied (publickey)").',
			);
			expect(auth.fix).toContain('az vm extension set --publisher Microsoft.Azure.ActiveDirectory --name AADSSHLoginForLinux -g rg-web --vm-name web-01');
			expect(auth.fix).toContain('az vm identity assign -g rg-web -n web-01');
			expect(auth.fix).toContain(`Virtual Machine Administrator Login or Virtual Machine User Login on it: az role assignment create --role 'Virtual Machine Administrator Login' --assignee alice@contoso.com --scope ${WEB_01.id}`);
			expect(report.ok).toBe(false);
		});

		test('app-01 without its system-assigned identity (the lab knob) fails naming the identity only, with the command', async () => {
			const lab = await startLabWithClients({topology: withoutSystemAssignedIdentity(loadDemoTopology(), ['app-01'])});
			try {
				// The lab serves the VM as ARM would after `az vm identity remove`: no identity block at all.
				const raw = await collect((await lab.clients.compute(PROD)).virtualMachines.list('rg-app'));
				expect(raw.find(vm => vm.name === 'app-01')?.identity).toBeUndefined();
				const report = await runDoctor({clients: lab.clients, vm: 'app-01', profile: profileFor('app-01', {auth: {type: 'entra'}, username: undefined})});
				const auth = checkOf(report, 'auth');
				expect(auth.status).toBe('fail');
				expect(auth.detail).toBe(
					'Microsoft Entra ID: app-01 does not have a system-assigned managed identity, so it refuses Entra ID certificates ("Permission denied (publickey)").',
				);
				const appId = demoVm('app-01').id;
				expect(auth.fix).toBe(
					`Give the VM a system-assigned identity: az vm identity assign -g rg-app -n app-01; and hold the role Virtual Machine Administrator Login or Virtual Machine User Login on it: az role assignment create --role 'Virtual Machine Administrator Login' --assignee alice@contoso.com --scope ${appId}.`,
				);
				expect(report.ok).toBe(false);
			} finally {
				await lab.close();
			}
		});

		test('the role is named as something vmux cannot check, with the command that shows it', async () => {
			const report = await runDoctor({clients: env.clients, vm: 'app-01', profile: profileFor('app-01', {auth: {type: 'entra'}, username: undefined})});
			expect(checkOf(report, 'auth').detail).toBe(
				`Microsoft Entra ID: app-01 has the AADSSHLoginForLinux extension and a system-assigned identity. Signing in also needs the role Virtual Machine Administrator Login or Virtual Machine User Login for you on the VM, which vmux cannot check (az role assignment list --assignee alice@contoso.com --scope ${demoVm('app-01').id} --include-inherited --include-groups shows yours).`,
			);
		});

		test('without Reader on the VM’s extensions the check fails naming that', async () => {
			env.lab.faults.deny({type: 'Microsoft.Compute/virtualMachines/extensions'});
			const report = await runDoctor({clients: env.clients, vm: 'app-01', profile: profileFor('app-01', {auth: {type: 'entra'}, username: undefined})});
			const auth = checkOf(report, 'auth');
			expect(auth.status).toBe('fail');
			expect(auth.detail).toMatch(/^You need the Reader role on the VM's extensions/);
			expect(auth.access).toMatchObject({role: 'Reader', action: 'Microsoft.Compute/virtualMachines/extensions/read'});
		});
	});

	describe('key files', () => {
		test('a missing file fails with its path', async () => {
			const missing = join(home, 'no-such-key');
			const report = await runDoctor({clients: env.clients, vm: 'web-01', profile: profileFor('web-01', {auth: {type: 'key-file', path: missing}})});
			const auth = checkOf(report, 'auth');
			expect(auth.status).toBe('fail');
			expect(auth.detail).toContain(`There is no file at ${missing}.`);
			expect(auth.fix).toBe('Fix the key path in profile "web-01" (e on the VM in vmux).');
		});

		test('`~` in the path is the home directory', async () => {
			const report = await runDoctor({clients: env.clients, vm: 'web-01', homeDir: home, profile: profileFor('web-01', {auth: {type: 'key-file', path: '~/.ssh/id_missing'}})});
			expect(checkOf(report, 'auth').detail).toContain('There is no file at ~/.ssh/id_missing.');
		});

		test('a key that needs a passphrase passes, with a note', async () => {
			const report = await runDoctor({clients: env.clients, vm: 'web-01', profile: profileFor('web-01', {auth: {type: 'key-file', path: keyPath('id_ed25519_enc')}})});
			const auth = checkOf(report, 'auth');
			expect(auth.status).toBe('pass');
			expect(auth.detail).toMatch(/id_ed25519_enc is a private key \(256 SHA256:.*\) protected by a passphrase; vmux asks for it when you connect\.$/);
		});

		test('a public key chosen by mistake fails', async () => {
			const report = await runDoctor({clients: env.clients, vm: 'web-01', profile: profileFor('web-01', {auth: {type: 'key-file', path: keyPath('id_ed25519.pub')}})});
			expect(checkOf(report, 'auth')).toMatchObject({status: 'fail', detail: expect.stringContaining('is a public key; vmux needs the private key')});
		});
	});

	test('a password profile skips the auth check with the reason; Key Vault ones without Key Vault access too', async () => {
		const vault = await runDoctor({
			clients: env.clients,
			vm: 'web-01',
			profile: profileFor('web-01', {auth: {type: 'keyvault-key', vaultUrl: 'https://kv-contoso-demo.vault.azure.net', secretName: 'web-01-key'}}),
		});
		expect(checkOf(vault, 'auth')).toMatchObject({status: 'skip', detail: expect.stringMatching(/^Key Vault: not checked here/)});
		const password = await runDoctor({clients: env.clients, vm: 'web-01', profile: profileFor('web-01')});
		expect(checkOf(password, 'auth')).toMatchObject({status: 'skip', detail: expect.stringMatching(/^Password: it is typed when you connect/)});
		expect(password.ok).toBe(true);
	});

	describe('Key Vault profiles: the secret is read as connecting would, its value never shown', () => {
		let keyVault: LabKeyVault;
		let clients: KeyVaultClients;
		let readSecret: ReturnType<typeof secretReader>;
		beforeAll(() => {
			keyVault = mountLabKeyVault(env.lab.server, {tokens: env.lab.tokens, armFaults: env.lab.faults, credentials: TEST_LAB_CREDENTIALS});
			clients = createKeyVaultClients({cloud: env.cloud, credential: env.credential});
			readSecret = secretReader(async () => clients, async () => env.cloud);
		});
		afterAll(() => {
			clients.close();
			keyVault.close();
		});
		afterEach(() => keyVault.clearFaults());
		const kv = (type: 'keyvault-key' | 'keyvault-password', secretName: string) =>
			profileFor('web-01', {auth: {type, vaultUrl: 'https://kv-contoso-demo.vault.localhost', secretName}});

		test('a readable key and a readable password pass', async () => {
			const key = await runDoctor({clients: env.clients, vm: 'web-01', profile: kv('keyvault-key', 'web-01-key'), readSecret});
			expect(checkOf(key, 'auth').status).toMatch(/^(pass|warn)$/);
			expect(checkOf(key, 'auth').detail).toMatch(/^Key Vault: the secret web-01-key in Key Vault kv-contoso-demo holds a usable private key/);
			expect(checkOf(key, 'auth').detail).not.toMatch(/PRIVATE KEY|BEGIN/);
			const password = await runDoctor({clients: env.clients, vm: 'web-01', profile: kv('keyvault-password', 'dev-01-password'), readSecret});
			expect(checkOf(password, 'auth')).toMatchObject({status: 'pass', detail: expect.stringContaining('vmux can read the secret dev-01-password')});
			expect(JSON.stringify(password)).not.toContain(LAB_PASSWORD);
		});

		test('a 403 fails with the role to ask for; a missing secret fails naming it; a password where a key is needed fails', async () => {
			keyVault.forbid({operation: 'get'});
			const denied = await runDoctor({clients: env.clients, vm: 'web-01', profile: kv('keyvault-key', 'web-01-key'), readSecret});
			expect(checkOf(denied, 'auth')).toMatchObject({status: 'fail', detail: expect.stringContaining('Key Vault Secrets User')});
			expect(denied.ok).toBe(false);
			keyVault.clearFaults();
			const missing = await runDoctor({clients: env.clients, vm: 'web-01', profile: kv('keyvault-key', 'no-such-secret'), readSecret});
			expect(checkOf(missing, 'auth')).toMatchObject({status: 'fail', detail: expect.stringContaining("no secret named 'no-such-secret'")});
			const wrongKind = await runDoctor({clients: env.clients, vm: 'web-01', profile: kv('keyvault-key', 'dev-01-password'), readSecret});
			// The same sentences connecting gives (core/credentials/vault-key), both ways round.
			expect(checkOf(wrongKind, 'auth')).toMatchObject({status: 'fail', detail: expect.stringContaining('not an SSH private key: it looks like a password')});
			expect(JSON.stringify(wrongKind)).not.toContain(LAB_PASSWORD);
			const keyAsPassword = await runDoctor({clients: env.clients, vm: 'web-01', profile: kv('keyvault-password', 'web-01-key'), readSecret});
			expect(checkOf(keyAsPassword, 'auth')).toMatchObject({status: 'fail', detail: expect.stringContaining('holds a private key, not a password')});
			expect(JSON.stringify(keyAsPassword)).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
		});
	});

	test('a direct profile skips the Bastion checks and still checks power and the key', async () => {
		const profile = profileFor('jump-01', {auth: {type: 'key-file', path: keyPath('id_ed25519')}});
		expect(profile.transport.kind).toBe('direct');
		const report = await runDoctor({clients: env.clients, vm: 'jump-01', profile});
		expect(statuses(report)).toEqual({'sign-in': 'pass', vm: 'pass', nic: 'pass', bastion: 'skip', vnet: 'skip', sku: 'skip', power: 'pass', auth: 'pass'});
		expect(checkOf(report, 'bastion').detail).toBe('Profile "jump-01" connects to the VM directly, not through a Bastion.');
	});

	test('no Bastion serves jump-01’s VNet: the Bastion check fails and says what to do instead', async () => {
		const report = await runDoctor({clients: env.clients, vm: 'jump-01'});
		const bastion = checkOf(report, 'bastion');
		expect(bastion.status).toBe('fail');
		expect(bastion.detail).toBe("No Bastion host serves the virtual network 'vnet-prod-dmz': none of the 5 Bastion(s) this account can read sits in it or in a virtual network peered with it.");
		expect(bastion.fix).toContain('use a direct or jump transport');
		expect(checkOf(report, 'sku')).toMatchObject({status: 'skip', detail: 'Not checked: it needs the Bastion that serves the VM, which could not be read or found.'});
		expect(checkOf(report, 'power').status).toBe('pass');
	});

	describe('missing roles (403) name the role and the scope, and later checks that need the resource are skipped', () => {
		test('no Reader on the Bastion (profile): the Bastion’s own scope', async () => {
			env.lab.faults.deny({type: 'Microsoft.Network/bastionHosts'});
			const bastionId = demoVm('web-01').bastion!.id;
			const report = await runDoctor({clients: env.clients, vm: 'web-01', profile: profileFor('web-01')});
			const bastion = checkOf(report, 'bastion');
			expect(bastion.status).toBe('fail');
			expect(bastion.detail).toMatch(
				/^You need the Reader role on the Bastion host \(bastionHosts 'bas-std' in resource group 'rg-network', subscription 'Contoso Dev'\): Azure refused 'Microsoft.Network\/bastionHosts\/read'\./,
			);
			expect(bastion.detail).toContain("Reader on the VM, on its NIC, on the Bastion, and on the VM's virtual network when the Bastion is in a peered network.");
			expect(bastion.access).toEqual({role: 'Reader', scope: bastionId, action: 'Microsoft.Network/bastionHosts/read'});
			expect(bastion.fix).toBe(
				`Ask an owner of bastionHosts 'bas-std' in resource group 'rg-network', subscription 'Contoso Dev' to grant it: az role assignment create --assignee alice@contoso.com --role Reader --scope ${bastionId}`,
			);
			expect(checkOf(report, 'sku')).toMatchObject({status: 'skip', detail: expect.stringContaining('needs the Bastion')});
			// What does not need the Bastion still runs.
			expect(statuses(report)).toMatchObject({vm: 'pass', nic: 'pass', vnet: 'pass', power: 'pass'});
			expect(report.ok).toBe(false);
		});

		test('no Reader on Bastions (no profile): the listing’s scope', async () => {
			env.lab.faults.deny({type: 'Microsoft.Network/bastionHosts', scope: `/subscriptions/${DEV}`});
			const report = await runDoctor({clients: env.clients, vm: 'web-01'});
			const bastion = checkOf(report, 'bastion');
			expect(bastion.status).toBe('fail');
			expect(bastion.detail).toMatch(/^No Bastion serving 'vnet-dev-web' was found, and listing Bastion hosts was refused: You need the Reader role on the Bastion host \(subscription 'Contoso Dev'\)/);
			expect(bastion.access).toMatchObject({role: 'Reader', scope: `/subscriptions/${DEV}`});
			expect(checkOf(report, 'sku').status).toBe('skip');
		});

		test('no Reader on the VM: everything after it that needs the VM is skipped', async () => {
			env.lab.faults.deny({type: 'Microsoft.Compute/virtualMachines', scope: WEB_01.id});
			const report = await runDoctor({clients: env.clients, vm: WEB_01.id, profile: profileFor('web-01', {auth: {type: 'entra'}, username: undefined})});
			const vm = checkOf(report, 'vm');
			expect(vm.status).toBe('fail');
			expect(vm.detail).toMatch(/^You need the Reader role on the virtual machine \(virtualMachines 'web-01' in resource group 'rg-web', subscription 'Contoso Dev'\)/);
			expect(vm.access).toMatchObject({role: 'Reader', scope: WEB_01.id});
			expect(statuses(report)).toEqual({'sign-in': 'pass', vm: 'fail', nic: 'skip', bastion: 'skip', vnet: 'skip', sku: 'skip', power: 'skip', auth: 'skip'});
			expect(checkOf(report, 'power').detail).toBe('Not checked: it needs the VM, which could not be read.');
			expect(checkOf(report, 'auth').detail).toBe("Microsoft Entra ID needs the VM's extensions, and the VM could not be read.");
			expect(report.vm).toBeUndefined();
		});

		test('a VM hidden by RBAC is not found by name, and that is said', async () => {
			env.lab.faults.deny({type: 'Microsoft.Compute/virtualMachines', scope: WEB_01.id});
			const report = await runDoctor({clients: env.clients, vm: 'web-01'});
			expect(checkOf(report, 'vm')).toMatchObject({
				status: 'fail',
				detail: "No VM named web-01 is visible in the 3 subscription(s) this account can read (Contoso Dev, Contoso Prod, Fabrikam Ops).",
				fix: expect.stringContaining('ask for the Reader role on the VM'),
			});
		});

		test('no Reader on VMs in a whole subscription: the refused search names it', async () => {
			env.lab.faults.deny({type: 'Microsoft.Compute/virtualMachines', scope: `/subscriptions/${DEV}`});
			const report = await runDoctor({clients: env.clients, vm: 'web-01'});
			const vm = checkOf(report, 'vm');
			expect(vm.detail).toMatch(/^No VM named web-01 was found, and part of the search was refused: You need the Reader role on the virtual machine \(subscription 'Contoso Dev'\)/);
			expect(vm.access).toMatchObject({role: 'Reader', scope: `/subscriptions/${DEV}`, action: 'Microsoft.Compute/virtualMachines/read'});
		});

		test('no Reader on the NIC', async () => {
			env.lab.faults.deny({type: 'Microsoft.Network/networkInterfaces'});
			const report = await runDoctor({clients: env.clients, vm: 'web-01', profile: profileFor('web-01')});
			const nic = checkOf(report, 'nic');
			expect(nic.status).toBe('fail');
			expect(nic.detail).toMatch(/^You need the Reader role on the VM's network interface \(NIC\) \(networkInterfaces 'web-01-nic'/);
			expect(statuses(report)).toMatchObject({bastion: 'skip', vnet: 'skip', sku: 'skip', power: 'pass'});
		});

		test('no Reader on the VNet when the Bastion is in a peered one fails; in the same VNet it only warns', async () => {
			env.lab.faults.deny({type: 'Microsoft.Network/virtualNetworks'});
			const peered = await runDoctor({clients: env.clients, vm: 'db-01', profile: profileFor('db-01')});
			const vnet = checkOf(peered, 'vnet');
			expect(vnet.status).toBe('fail');
			expect(vnet.detail).toMatch(/^You need the Reader role on the VM's virtual network \(needed when the Bastion sits in a peered network\) \(virtualNetworks 'vnet-dev-data'/);
			expect(vnet.access).toMatchObject({role: 'Reader', action: 'Microsoft.Network/virtualNetworks/read'});

			const same = await runDoctor({clients: env.clients, vm: 'web-01', profile: profileFor('web-01')});
			expect(checkOf(same, 'vnet')).toMatchObject({status: 'warn', detail: expect.stringMatching(/^bas-std sits in the VM's own virtual network 'vnet-dev-web', so connecting does not need Reader on it/)});
			expect(same.ok).toBe(true);
		});
	});

	test('a peering that is not Connected fails the VNet check with its state and the fix', async () => {
		const topology = editedTopology('peering initiated', resources => {
			resourceNamed(resources, 'data-to-web').properties!.peeringState = 'Initiated';
			return resources.filter(resource => resource.name !== 'web-to-data');
		});
		const lab = await startLabWithClients({topology});
		try {
			for (const profile of [profileFor('db-01'), undefined]) {
				const report = await runDoctor({clients: lab.clients, vm: 'db-01', profile});
				const vnet = checkOf(report, 'vnet');
				expect(vnet.status).toBe('fail');
				expect(vnet.detail).toBe(
					"The peering data-to-web from 'vnet-dev-data' to 'vnet-dev-web', where bas-std sits, is Initiated, not Connected (the matching peering in 'vnet-dev-web' back to 'vnet-dev-data' does not exist yet), so bas-std cannot reach the VM.",
				);
				expect(vnet.fix).toContain('az network vnet peering create -g rg-network --vnet-name vnet-dev-web');
			}
		} finally {
			await lab.close();
		}
	});

	test('two VMs with the same name: the user is asked for the resource id', async () => {
		const twin = `/subscriptions/${PROD}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/web-01`;
		const topology = editedTopology('twin', resources => {
			const copy = structuredClone(resourceNamed(resources, 'web-01'));
			copy.id = twin;
			resources.push(copy);
		});
		const lab = await startLabWithClients({topology});
		try {
			const report = await runDoctor({clients: lab.clients, vm: 'web-01'});
			expect(checkOf(report, 'vm')).toMatchObject({
				status: 'fail',
				detail: "2 VMs are named web-01: in resource group 'rg-web' in subscription 'Contoso Dev'; in resource group 'rg-app' in subscription 'Contoso Prod'.",
				fix: `Pass the resource id of the one you mean, for example: vmux doctor ${WEB_01.id}`,
			});
			// A profile for one of them settles it.
			expect((await runDoctor({clients: lab.clients, vm: 'web-01', profile: profileFor('web-01')})).vm?.id).toBe(WEB_01.id);
		} finally {
			await lab.close();
		}
	});

	test('no such VM', async () => {
		const report = await runDoctor({clients: env.clients, vm: 'nope-99'});
		expect(checkOf(report, 'vm')).toMatchObject({status: 'fail', detail: expect.stringContaining('No VM named nope-99 is visible')});
		const byId = await runDoctor({clients: env.clients, vm: WEB_01.id.replace('web-01', 'gone-01')});
		expect(checkOf(byId, 'vm')).toMatchObject({status: 'fail', detail: expect.stringMatching(/^Not found while reading the VM gone-01/)});
		const notAVm = await runDoctor({clients: env.clients, vm: '/subscriptions/x/resourceGroups/y'});
		expect(checkOf(notAVm, 'vm').detail).toBe("'/subscriptions/x/resourceGroups/y' is not a virtual machine resource id.");
	});

	test('when sign-in fails, the Azure checks are skipped and the key file is still checked', async () => {
		const failing = {
			getToken: async () => {
				throw new CredentialUnavailableError('AzureCliCredential: Please run az login.');
			},
		};
		const clients = createArmClients({cloud: env.cloud, credential: failing});
		try {
			const report = await runDoctor({clients, vm: 'web-01', profile: profileFor('web-01', {auth: {type: 'key-file', path: join(home, 'absent')}})});
			const signIn = checkOf(report, 'sign-in');
			expect(signIn.status).toBe('fail');
			expect(signIn.detail).toMatch(/^vmux could not sign in to Azure/);
			expect(signIn.fix).toMatch(/az login/);
			expect(statuses(report)).toEqual({'sign-in': 'fail', vm: 'skip', nic: 'skip', bastion: 'skip', vnet: 'skip', sku: 'skip', power: 'skip', auth: 'fail'});
			expect(checkOf(report, 'vm').detail).toBe('Not checked: it needs an Azure sign-in, and sign-in failed.');
		} finally {
			clients.close();
		}
	});

	test('a cancelled run rejects instead of reporting', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(runDoctor({clients: env.clients, vm: 'web-01', signal: controller.signal})).rejects.toMatchObject({name: 'AbortError'});
	});

	test('onCheck sees each check as it is decided, in report order', async () => {
		const seen: string[] = [];
		const report = await runDoctor({clients: env.clients, vm: 'web-02', onCheck: check => seen.push(`${check.id}:${check.status}`)});
		expect(seen).toEqual(report.checks.map(check => `${check.id}:${check.status}`));
		expect(seen).toHaveLength(8);
	});

	test('the report is plain data: it survives JSON', async () => {
		const report = await runDoctor({clients: env.clients, vm: 'web-02', profile: profileFor('web-02')});
		expect(JSON.parse(JSON.stringify(report))).toEqual(report);
	});
});
