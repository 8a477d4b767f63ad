import {mkdtempSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {runDoctorCommand} from '../../../source/commands/doctor.js';
import {azureTarget, openAzureAccess} from '../../../source/core/azure/azure-access.js';
import {CloudSettingsError} from '../../../source/core/azure/cloud.js';
import {listSubscriptions} from '../../../source/core/inventory/azure-source.js';
import {createLogger} from '../../../source/core/log.js';
import {SettingsStore} from '../../../source/core/profiles/settings-store.js';
import {ProfileStore} from '../../../source/core/profiles/store.js';
import {buildCoreServices} from '../../../source/core/wiring/core-services.js';
import type {LabArm} from '../../../source/lab/arm/index.js';
import {LAB_KEY_VAULT_AUDIENCE, LAB_VAULT_SUFFIX} from '../../../source/lab/cloud.js';
import {DEMO_VAULT_NAME, mountLabKeyVault} from '../../../source/lab/keyvault/index.js';
import {Capture} from '../../helpers/capture.js';
import {readFakeAzLog} from '../../helpers/fake-az.js';
import {startLabSignedInWithAz, type LabSignedInWithAz} from '../../helpers/lab-signed-in-az.js';
import {LAB_PASSWORD, TEST_LAB_CREDENTIALS} from '../../helpers/lab-credentials.js';
import {CONTOSO_TENANT, DEV, FABRIKAM, FABRIKAM_TENANT, PROD, startLabWithClients} from '../../lab/arm/lab-clients.js';

/**
 * One Azure side for the app and `vmux doctor` (core/azure/azure-access): both read the cloud from settings.json,
 * sign in with the same chain for the same tenant (`--tenant` over the setting) and reach ARM and Key Vault with
 * the same clients. Real Azure is the lab here, named by settings.json alone as a user would name Azure Stack
 * (Custom cloud, caFile), and signed in through the stand-in Azure CLI (test/fixtures/az), as `az login` leaves it.
 */

let arm: LabArm;
let scratch: string;
let log: string;
let caFile: string;

/** A config dir whose settings.json points at the lab (the cloud fields merged over `cloud`). */
function configDir(cloud: Record<string, unknown> = {}): string {
	const dir = mkdtempSync(join(scratch, 'config-'));
	const port = Number(new URL(arm.url).port);
	const settings = {
		cloud: {
			name: 'Custom',
			resourceManagerEndpoint: arm.url,
			resourceManagerAudience: 'https://management.azure.com',
			authorityHost: arm.url,
			keyVaultDnsSuffix: LAB_VAULT_SUFFIX,
			keyVaultAudience: LAB_KEY_VAULT_AUDIENCE,
			dataPlanePort: port,
			caFile,
			...cloud,
		},
	};
	writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings), {mode: 0o600});
	return dir;
}

async function doctor(dir: string, deps: {tenantId?: string} = {}) {
	const stdout = new Capture();
	const stderr = new Capture();
	const code = await runDoctorCommand(['web-01'], {configDir: dir, stdout, stderr, env: {HOME: dir}}, deps);
	return {code, stdout: stdout.text, stderr: stderr.text};
}

/** The tenants the stand-in `az` was asked for tokens of since `from` runs (undefined: the sign-in's own). */
function tenantsAskedSince(from: number): Array<string | undefined> {
	return readFakeAzLog(log)
		.slice(from)
		.filter(run => run.command === 'account get-access-token')
		.map(run => run.tenant);
}

let lab: LabSignedInWithAz;

beforeAll(async () => {
	lab = await startLabSignedInWithAz('vmux-azure-access-');
	({arm, scratch, caFile, log} = lab);
}, 30_000);
afterAll(() => lab?.close());

describe('the Azure side from settings.json', () => {
	test('the cloud, its CA and data-plane port come from settings.json: ARM through the sign-in chain, a secret at the saved (portless) vault URL', async () => {
		const dir = configDir();
		const store = new SettingsStore(dir);
		expect(store.problems).toEqual([]);
		const azure = openAzureAccess({kind: 'settings', settings: store.settings, settingsPath: store.path});
		try {
			expect(azure.label).toBe('Azure (custom)');
			expect(azure.tenantId).toBeUndefined();
			expect(azure.signIn).toBeDefined();
			const clients = await azure.clients();
			expect(clients.cloud).toEqual(azureTarget(store.settings, store.path).cloud);
			expect(clients.cloud.tlsCa).toBe(arm.ca);
			// Made once: the inventory, the pickers and the doctor share them.
			expect(await azure.clients()).toBe(clients);
			const before = readFakeAzLog(log).length;
			const subscriptions = await listSubscriptions(clients);
			expect(subscriptions.map(sub => sub.id)).toEqual(expect.arrayContaining([DEV, PROD, FABRIKAM]));
			expect(tenantsAskedSince(before)).toEqual(expect.arrayContaining([CONTOSO_TENANT, FABRIKAM_TENANT]));
			expect(await azure.readSecret(`https://${DEMO_VAULT_NAME}.${LAB_VAULT_SUFFIX}`, 'dev-01-password')).toBe(LAB_PASSWORD);
		} finally {
			await azure.close();
		}
	}, 60_000);

	test('`vmux doctor` signs in the same way, from the same settings.json', async () => {
		const dir = configDir();
		const before = readFakeAzLog(log).length;
		const {code, stdout, stderr} = await doctor(dir);
		expect(stderr).toBe('');
		expect(stdout).toContain('✓ Sign-in to Azure');
		expect(stdout).toContain('vmux doctor: web-01 (resource group rg-web, Contoso Dev)');
		expect(code).toBe(0);
		// Its tokens came from the Azure CLI, as the app's do.
		expect(tenantsAskedSince(before).length).toBeGreaterThan(0);
	}, 60_000);

	test("the tenant: the setting's for both, and --tenant over the setting for both", async () => {
		const dir = configDir({tenantId: FABRIKAM_TENANT});
		const store = new SettingsStore(dir);
		const narrowed = openAzureAccess({kind: 'settings', settings: store.settings, settingsPath: store.path});
		const overridden = openAzureAccess({kind: 'settings', settings: store.settings, settingsPath: store.path, tenant: CONTOSO_TENANT});
		try {
			expect(narrowed.tenantId).toBe(FABRIKAM_TENANT);
			expect((await listSubscriptions(await narrowed.clients())).map(sub => sub.id)).toEqual([FABRIKAM]);
			expect(overridden.tenantId).toBe(CONTOSO_TENANT);
			expect((await listSubscriptions(await overridden.clients())).map(sub => sub.id).sort()).toEqual([DEV, PROD].sort());
		} finally {
			await narrowed.close();
			await overridden.close();
		}
		// The doctor, narrowed to Fabrikam by the setting, cannot see Contoso's web-01; --tenant Contoso can.
		const inFabrikam = await doctor(dir);
		expect(inFabrikam.code).toBe(1);
		expect(inFabrikam.stdout).toMatch(/✗ Read access to the VM/);
		const inContoso = await doctor(dir, {tenantId: CONTOSO_TENANT});
		expect(inContoso.stderr).toBe('');
		expect(inContoso.code).toBe(0);
	}, 90_000);

	test('a bad cloud setting is the same sentence from the app, the doctor and the wiring itself', async () => {
		const dir = configDir({authorityHost: undefined});
		const store = new SettingsStore(dir);
		let message = '';
		try {
			openAzureAccess({kind: 'settings', settings: store.settings, settingsPath: store.path});
		} catch (error) {
			expect(error).toBeInstanceOf(CloudSettingsError);
			message = (error as Error).message;
		}
		expect(message).toBe(`${store.path}: a Custom cloud needs cloud.resourceManagerEndpoint, cloud.authorityHost and cloud.keyVaultDnsSuffix; add cloud.authorityHost.`);
		// The app's wiring stops before it opens anything (no sessions, no inventory refresh).
		expect(() =>
			buildCoreServices({
				configDir: dir,
				recordingsDir: join(dir, 'recordings'),
				settings: store,
				store: new ProfileStore({configDir: dir}),
				logger: createLogger(undefined),
				azure: {kind: 'settings', settings: store.settings, settingsPath: store.path},
			}),
		).toThrow(message);
		const fromDoctor = await doctor(dir);
		expect(fromDoctor.code).toBe(1);
		expect(fromDoctor.stderr).toBe(`vmux doctor: ${message}\n`);
	});
});

describe('clients made elsewhere (the demo, tests)', () => {
	test('are used as they are, learn the known tenants, and are left open for their owner', async () => {
		const env = await startLabWithClients();
		let closed = 0;
		const injected = {...env.clients, close: () => void closed++};
		const vaults = mountLabKeyVault(env.lab.server, {tokens: env.lab.tokens, armFaults: env.lab.faults, credentials: TEST_LAB_CREDENTIALS, tenantOf: id => env.lab.topology.tenantOf(id)});
		const known = [{id: FABRIKAM, tenantId: FABRIKAM_TENANT}];
		const azure = openAzureAccess({kind: 'clients', clients: injected, label: 'demo lab'}, {knownSubscriptions: () => known});
		try {
			expect(azure.label).toBe('demo lab');
			expect(azure.signIn).toBeUndefined();
			expect(azure.cloud).toBe(env.cloud);
			expect(await azure.clients()).toBe(injected);
			expect(injected.tenants.tenantOf(FABRIKAM)).toBe(FABRIKAM_TENANT);
			expect(azure.tenantOfSubscription(FABRIKAM.toUpperCase())).toBe(FABRIKAM_TENANT);
			// Key Vault with the injected clients' cloud and credential.
			expect(await azure.readSecret(vaults.vaultUrl(DEMO_VAULT_NAME), 'dev-01-password')).toBe(LAB_PASSWORD);
			await azure.close();
			expect(closed).toBe(0);
		} finally {
			vaults.close();
			await env.close();
		}
	}, 60_000);
});
