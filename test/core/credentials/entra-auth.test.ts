import {describe, expect, it} from 'vitest';
import {authStepsFor, type EntraLoginSource} from '../../../source/core/credentials/auth-steps.js';
import type {EntraLogin} from '../../../source/core/entra/certificates.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import type {Prompter} from '../../../source/core/session/types.js';

const SUBSCRIPTION = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const vmProfile = {
	name: 'app-01',
	target: {kind: 'azure-vm', vmId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/app-01`, vmName: 'app-01', resourceGroup: 'rg-app', subscriptionId: SUBSCRIPTION},
	transport: {kind: 'direct'},
	protocol: 'ssh',
	port: 22,
	auth: {type: 'entra'},
	options: {keepaliveIntervalSec: 15, keepaliveCountMax: 3},
} as unknown as Profile;

const prompter: Prompter = {confirmUnknownHostKey: async () => 'reject', askSecret: async () => undefined, showSignIn: () => () => {}};
const login: EntraLogin = {
	privateKey: '-----BEGIN RSA PRIVATE KEY-----\n…\n-----END RSA PRIVATE KEY-----\n',
	certificate: Buffer.from('cert'),
	parsed: {} as EntraLogin['parsed'],
	username: 'alice@contoso.com',
	expiresAt: new Date(Date.now() + 3_600_000),
	source: 'own',
};

describe('authStepsFor: Microsoft Entra ID', () => {
	it("builds one certificate step logging in as the certificate's user, asking the VM's subscription's tenant, with the sign-in dialog", async () => {
		const asked: Array<Parameters<EntraLoginSource>[0]> = [];
		const steps = await authStepsFor(vmProfile, {entraLogin: async context => (asked.push(context), login)})({prompter});
		expect(asked).toHaveLength(1);
		expect(asked[0]!.subscriptionId).toBe(SUBSCRIPTION);
		expect(typeof asked[0]!.showSignIn).toBe('function');
		expect(steps).toEqual([
			{
				type: 'certificate',
				key: login.privateKey,
				certificate: login.certificate,
				username: 'alice@contoso.com',
				label: 'Microsoft Entra ID certificate for alice@contoso.com',
				expiresAt: login.expiresAt.getTime(),
				login: {user: 'alice@contoso.com', validUntil: login.expiresAt.getTime(), via: 'Microsoft Entra ID certificate'},
			},
		]);
	});

	it('says what to do when no certificate source exists in this run', async () => {
		await expect(authStepsFor(vmProfile, {})({prompter})).rejects.toThrow(/Microsoft Entra ID, which needs an Azure sign-in .* `az login`/);
	});
});
