import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {bastionTunnels} from '../../../source/core/transport/bastion-tunnels.js';
import {cloudFromSettings, type CloudSettings} from '../../../source/core/azure/cloud.js';
import {createKeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {ProfileStore} from '../../../source/core/profiles/store.js';
import {SettingsSchema} from '../../../source/core/profiles/schema.js';
import {CLIENT_CREDENTIALS_GRANT} from '../../../source/lab/entra/index.js';
import {startDemo, type Demo} from '../../../source/lab/demo.js';
import {DEMO_VAULT_URL} from '../../../source/lab/demo-profiles.js';
import {loadDemoTopology} from '../../../source/lab/topology/index.js';

/**
 * `vmux --demo` takes the path any custom cloud takes (issue 10): the demo's cloud is exactly the cloud a user's
 * settings.json would give for the lab's endpoints (name "Custom", caFile, dataPlanePort, keyVaultAudience), and
 * with that settings-made cloud the product reads the demo's Key Vault and opens its Bastion tunnels. The demo's
 * token comes over HTTPS from the lab's Entra (client-credentials grant), not from the lab's issuer in-process.
 */
describe('the demo lab is just another cloud', () => {
	let demo: Demo;
	let dir: string;
	let fromSettings: CloudSettings;

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'vmux-demo-cloud-'));
		demo = await startDemo({topology: loadDemoTopology(), configDir: dir, store: new ProfileStore({configDir: dir}), ssh: true});
		const cloud = demo.azure.clients.cloud;
		const caFile = join(dir, 'lab-ca.pem');
		writeFileSync(caFile, cloud.tlsCa ?? '');
		const settings = SettingsSchema.parse({
			cloud: {
				name: 'Custom',
				resourceManagerEndpoint: demo.azure.arm.url,
				authorityHost: demo.azure.arm.url,
				keyVaultDnsSuffix: '.vault.localhost',
				resourceManagerAudience: 'https://management.azure.com',
				keyVaultAudience: 'https://vault.localhost',
				dataPlanePort: new URL(demo.azure.arm.url).port ? Number(new URL(demo.azure.arm.url).port) : undefined,
				caFile,
			},
		});
		fromSettings = cloudFromSettings(settings.cloud, join(dir, 'settings.json'));
	}, 60_000);
	afterAll(async () => {
		await demo?.stop();
		rmSync(dir, {recursive: true, force: true});
	});

	it("is the Custom cloud a settings.json would give for the lab's endpoints, nothing named after the lab", () => {
		expect(demo.azure.clients.cloud).toEqual(fromSettings);
		expect(fromSettings.name).toBe('custom');
	});

	it('signs in over HTTPS with the client-credentials grant at the lab Entra', async () => {
		await demo.azure.clients.subscriptions().subscriptions.list().next();
		const grants = demo.azure.entra.requests.filter(request => request.grantType === CLIENT_CREDENTIALS_GRANT);
		expect(grants.length).toBeGreaterThan(0);
		expect(grants.every(request => request.status === 200)).toBe(true);
	});

	it("reads the demo vault's secret through the settings-made cloud, with the demo's credential", async () => {
		const vaults = createKeyVaultClients({cloud: fromSettings, credential: demo.azure.clients.credential});
		// The saved URL has no port; the cloud's dataPlanePort says where the vault listens.
		expect(DEMO_VAULT_URL).toBe('https://kv-contoso-demo.vault.localhost');
		expect(await vaults.getSecret(DEMO_VAULT_URL, 'dev-01-password')).toBe(demo.credentials.password);
	});

	it('opens a Bastion tunnel to web-01 through the settings-made cloud, at the dnsName the lab ARM lists', async () => {
		const vm = demo.vms.find(candidate => candidate.name === 'web-01')!;
		const bastion = vm.bastion!;
		expect(bastion.dnsName).toMatch(/^[a-z0-9-]+\.bastion\.localhost$/);
		const tunnel = bastionTunnels(fromSettings, demo.azure.clients.credential)({id: bastion.id, name: bastion.name, sku: bastion.sku, dnsName: bastion.dnsName!}, {resourceId: vm.id, port: 22});
		const sock = await tunnel.open(new AbortController().signal);
		const output = await new Promise<string>((resolve, reject) => {
			const client = new ssh2.Client();
			client.on('error', reject);
			client.on('ready', () =>
				client.exec('echo via-$((40+2))', (error, stream) => {
					if (error) return reject(error);
					let out = '';
					stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
					stream.on('close', () => {
						client.end();
						resolve(out);
					});
				}),
			);
			client.connect({sock: sock as never, username: demo.credentials.username, password: demo.credentials.password, readyTimeout: 15_000});
		});
		expect(output).toContain('via-42');
	});
});
