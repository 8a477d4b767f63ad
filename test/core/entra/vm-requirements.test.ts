import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {describeEntraRefusal, entraRoleCommand} from '../../../source/core/entra/vm-requirements.js';
import type {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {certificateStep, entraLikeCertificate, ephemeralRsaKey, handshake, PRINCIPAL, stepsSpec, testCa} from '../../helpers/certificates.js';
import {startLabServer, tempDir} from '../../helpers/lab-session.js';

const APP_ID = '/subscriptions/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/app-01';

describe('describeEntraRefusal', () => {
	test('names the three things a VM needs, each with its az command', () => {
		expect(describeEntraRefusal({label: 'app-01', name: 'app-01', resourceGroup: 'rg-app', id: APP_ID}, 'alice@contoso.com')).toBe(
			'app-01 refused the Microsoft Entra ID certificate for alice@contoso.com (Permission denied (publickey)). ' +
				'A VM accepts Entra ID logins only with all three of: ' +
				'the AADSSHLoginForLinux extension (az vm extension set --publisher Microsoft.Azure.ActiveDirectory --name AADSSHLoginForLinux -g rg-app --vm-name app-01); ' +
				'a system-assigned managed identity (az vm identity assign -g rg-app -n app-01); ' +
				`and for you the role Virtual Machine Administrator Login or Virtual Machine User Login on the VM (az role assignment create --role 'Virtual Machine Administrator Login' --assignee alice@contoso.com --scope ${APP_ID}, or "Virtual Machine User Login" for a login without sudo). ` +
				'vmux doctor app-01 checks the extension and the identity; a role assignment can take a few minutes to apply.',
		);
	});

	test('a host that is not a known VM gets placeholders, never the address as a VM name', () => {
		const text = describeEntraRefusal({label: '203.0.113.10'});
		expect(text).toMatch(/^203\.0\.113\.10 refused the Microsoft Entra ID certificate \(Permission denied/);
		expect(text).toContain('-g <resource group> --vm-name <VM name>');
		expect(text).toContain('az vm identity assign -g <resource group> -n <VM name>');
		expect(text).toContain('--assignee <your sign-in name> --scope "$(az vm show -g <resource group> -n <VM name> --query id -o tsv)"');
		expect(text).toContain('vmux doctor <VM name> checks');
		expect(entraRoleCommand({label: 'x', name: 'x', resourceGroup: 'rg'}, 'bob@contoso.com', 'Virtual Machine User Login')).toBe(
			`az role assignment create --role 'Virtual Machine User Login' --assignee bob@contoso.com --scope "$(az vm show -g rg -n x --query id -o tsv)"`,
		);
	});
});

describe('a refused login on an Entra ID profile, through a real SSH handshake', () => {
	let server: LabSshServer;
	let config: ReturnType<typeof tempDir>;
	const ca = testCa();
	const key = ephemeralRsaKey();
	const entraVm = {label: 'app-01', name: 'app-01', resourceGroup: 'rg-app', id: APP_ID};
	beforeEach(async () => {
		// A VM without AADSSHLoginForLinux: its sshd trusts no Entra CA, so it refuses the certificate.
		server = await startLabServer();
		config = tempDir();
	});
	afterEach(async () => {
		await server.stop();
		config.remove();
	});

	test('"Permission denied (publickey)" becomes the explanation, for the certificate’s own user, not retried', async () => {
		const step = certificateStep(key, entraLikeCertificate(ca, key), PRINCIPAL, Date.now() + 3600_000);
		const {error} = await handshake({...stepsSpec(server.address, 'app-01', '', [step]), entraVm}, config.dir);
		expect(error?.message).toBe(describeEntraRefusal(entraVm, PRINCIPAL));
		expect(error?.disconnectCause).toBe('auth');
		expect(error?.retriable).toBe(false);
		expect(server.authAttempts.some(attempt => attempt.method === 'publickey' && !attempt.accepted)).toBe(true);
	});

	test('an expired certificate says it expired instead: no VM setting would help', async () => {
		const expiresAt = Date.now() - 60_000;
		const step = certificateStep(key, entraLikeCertificate(ca, key, {validAfter: new Date(expiresAt - 3600_000), validBefore: new Date(expiresAt)}), PRINCIPAL, expiresAt);
		const {error} = await handshake({...stepsSpec(server.address, 'app-01', '', [step]), entraVm}, config.dir);
		expect(error?.message).toMatch(/^Authentication failed for alice@contoso\.com@app-01: the server refused the certificate for alice@contoso\.com\. It expired at /);
	});

	test('a profile that is not Entra ID keeps the plain sentence', async () => {
		const {error} = await handshake(stepsSpec(server.address, 'jump-01', 'azureuser', [{type: 'password', password: 'wrong', label: 'password'}]), config.dir);
		expect(error?.message).toBe('Authentication failed for azureuser@jump-01; tried password. Check the username and credentials in the profile.');
	});
});
