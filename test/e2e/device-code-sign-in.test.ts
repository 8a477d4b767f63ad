import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startLabArm, type LabArm} from '../../source/lab/arm/index.js';
import {mountLabEntra, type LabEntra} from '../../source/lab/entra/index.js';
import {VmuxPty} from './pty-driver.js';

/**
 * A user with no Azure CLI login and no identity in the environment signs in with a device code: the built vmux
 * (not --demo) is pointed at the lab by its settings alone, like an Azure Stack Hub (custom endpoints, a private
 * CA trusted for that cloud only), and vmux's own msal-node sign-in (core/entra/msal-sign-in.ts) signs in against
 * the lab's Entra stand-in.
 */
describe('device-code sign-in in the built app (real PTY, lab Entra + ARM over HTTPS)', () => {
	let arm: LabArm;
	let entra: LabEntra;
	const configDirs: string[] = [];
	let vmux: VmuxPty | undefined;
	let settings: string;

	beforeAll(async () => {
		arm = await startLabArm();
		entra = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1});
		const caDir = mkdtempSync(join(tmpdir(), 'vmux-e2e-signin-ca-'));
		configDirs.push(caDir);
		const caFile = join(caDir, 'lab-ca.pem');
		writeFileSync(caFile, arm.ca);
		const cloud = {
			name: 'Custom',
			resourceManagerEndpoint: arm.url,
			resourceManagerAudience: 'https://management.azure.com/',
			authorityHost: arm.url,
			keyVaultDnsSuffix: 'vault.localhost',
			caFile,
		};
		settings = JSON.stringify({cloud}, null, 2);
	});

	/** A fresh config dir (no inventory cache) pointed at the lab by settings.json alone. */
	function freshConfig(): string {
		const dir = mkdtempSync(join(tmpdir(), 'vmux-e2e-signin-'));
		configDirs.push(dir);
		writeFileSync(join(dir, 'settings.json'), settings, {mode: 0o600});
		return dir;
	}

	/** Starts vmux with no Azure CLI on the PATH and no service principal: every credential in the chain fails. */
	async function startAndAskForCode(): Promise<string> {
		vmux?.dispose();
		vmux = new VmuxPty([], {configDir: freshConfig(), env: {PATH: '/usr/bin:/bin', AZURE_CLIENT_ID: '', AZURE_TENANT_ID: '', AZURE_CLIENT_SECRET: '', AZURE_FEDERATED_TOKEN_FILE: ''}});
		await vmux.waitFor('Press L', 60_000);
		vmux.write('L');
		await vmux.waitFor('Sign in to Azure?');
		vmux.write('y');
		const screen = (await vmux.waitFor(/enter the code [A-Z0-9]+/)).replace(/\n/g, ' ');
		expect(screen).toContain(`${arm.url}/devicelogin`);
		return /enter the code ([A-Z0-9]+)/.exec(screen)![1]!;
	}
	afterAll(async () => {
		vmux?.dispose();
		entra.close();
		await arm.close();
		for (const dir of configDirs) rmSync(dir, {recursive: true, force: true});
	});

	it('offers the device code, shows the URL and code, and lists the fleet once the code is approved', async () => {
		const start = entra.requests.length;
		const code = await startAndAskForCode();
		expect(entra.pending().map(pending => pending.userCode)).toContain(code);
		entra.approve(code);
		// The prompt closes by itself, and the same sign-in serves the Resource Graph query: the demo fleet.
		const listed = await vmux!.waitFor('web-01', 30_000);
		expect(listed).toContain('jump-01');
		expect(listed).not.toContain('enter the code');
		expect(entra.requests.slice(start).filter(request => request.path.endsWith('/devicecode'))).toHaveLength(1);
	}, 120_000);

	it('says so when the code is declined, and offers the sign-in again', async () => {
		const code = await startAndAskForCode();
		entra.decline(code);
		const screen = await vmux!.waitFor('did not complete: the sign-in was declined in the browser. Press L to try again.', 30_000);
		expect(screen).not.toContain('enter the code');
		expect(screen).not.toMatch(/^\s+at /m);
		await vmux!.waitFor('Press L');
	}, 120_000);
});
