import {globalAgent} from 'node:https';
import {describe, expect, test} from 'vitest';
import {createArmClients} from '../../../source/core/azure/clients.js';
import {AZURE_CLOUDS} from '../../../source/core/azure/cloud.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import {rawRequest} from '../../lab/arm/helpers.js';
import {collect, DEV, startLabWithClients} from '../../lab/arm/lab-clients.js';

describe('createArmClients', () => {
	test('every client sends to the cloud’s ARM endpoint with the cloud’s ARM scope', async () => {
		const scopes = new Set<string>();
		const credential = new LabCredential(requested => {
			for (const scope of requested) scopes.add(scope);
			return {token: 'token', expiresOnTimestamp: Date.now() + 60_000};
		});
		const clients = createArmClients({cloud: AZURE_CLOUDS.AzureChinaCloud, credential});
		const urls: string[] = [];
		const stop = {
			name: 'stop',
			async sendRequest(request: {url: string}): Promise<never> {
				urls.push(request.url.split('?')[0]!);
				throw Object.assign(new Error('stopped by test'), {code: 'TEST_STOP'});
			},
		};
		for (const client of [clients.subscriptions(), await clients.compute('s1'), await clients.network('s1')]) client.pipeline.addPolicy(stop as never);
		await collect(clients.subscriptions().subscriptions.list()).catch(() => undefined);
		await collect((await clients.compute('s1')).virtualMachines.listAll()).catch(() => undefined);
		await collect((await clients.network('s1')).bastionHosts.list()).catch(() => undefined);
		expect(urls).toEqual([
			'https://management.chinacloudapi.cn/subscriptions',
			'https://management.chinacloudapi.cn/subscriptions/s1/providers/Microsoft.Compute/virtualMachines',
			'https://management.chinacloudapi.cn/subscriptions/s1/providers/Microsoft.Network/bastionHosts',
		]);
		expect([...scopes]).toEqual(['https://management.chinacloudapi.cn/.default']);
		// ms-rest-js (under the Resource Graph client) builds every request URL from `baseUri`, protected in its types.
		expect((clients.resourceGraph() as unknown as {baseUri: string}).baseUri).toBe('https://management.chinacloudapi.cn');
		clients.close();
	});

	test('clients are made once per subscription, also when asked for while their package loads', async () => {
		const clients = createArmClients({cloud: AZURE_CLOUDS.AzureCloud, credential: new LabCredential({token: 't', expiresOnTimestamp: 0})});
		const [first, second] = await Promise.all([clients.compute('a'), clients.compute('a')]);
		expect(first).toBe(second);
		expect(await clients.compute('a')).toBe(first);
		expect(await clients.compute('b')).not.toBe(first);
		expect(await clients.network('a')).toBe(await clients.network('a'));
		expect(clients.resourceGraph()).toBe(clients.resourceGraph());
		clients.close();
	});

	test('the lab CA is trusted by the lab clients only, never process-wide', async () => {
		const env = await startLabWithClients();
		try {
			expect(await collect((await env.clients.compute(DEV)).virtualMachines.listAll())).toHaveLength(3);
			expect((await env.clients.resourceGraph().resources({query: 'Resources | project id', subscriptions: [DEV]})).count).toBeGreaterThan(0);
			expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined();
			expect(globalAgent.options.ca).toBeUndefined();
			// A request with Node's defaults does not trust the lab.
			await expect(
				new Promise((resolve, reject) => {
					import('node:https').then(({get}) => get(`${env.lab.url}/subscriptions?api-version=2022-12-01`, resolve).on('error', reject));
				}),
			).rejects.toMatchObject({code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/)});
			// Clients for a real cloud carry no extra CA.
			expect(AZURE_CLOUDS.AzureCloud.tlsCa).toBeUndefined();
			expect(labCloud(env.lab.url, env.lab.ca).tlsCa).toBe(env.lab.ca);
			// And the lab still answers a client that does trust it.
			expect((await rawRequest(`${env.lab.url}/subscriptions?api-version=2022-12-01`, {ca: env.lab.ca})).status).toBe(401);
		} finally {
			await env.close();
		}
	});

	test('throttle listeners can unsubscribe', async () => {
		const env = await startLabWithClients();
		try {
			const seen: number[] = [];
			const stop = env.clients.onThrottle(event => seen.push(event.attempt));
			stop();
			env.lab.faults.throttle({count: 1, retryAfterSeconds: 1});
			await collect((await env.clients.network(DEV)).bastionHosts.list());
			expect(seen).toEqual([]);
		} finally {
			await env.close();
		}
	});

	test('every client retries a 429 through the shared policy', async () => {
		const env = await startLabWithClients();
		try {
			const seen: string[] = [];
			env.clients.onThrottle(event => seen.push(new URL(event.url).pathname));
			const calls: Array<() => Promise<unknown>> = [
				() => collect(env.clients.subscriptions().subscriptions.list()),
				async () => collect((await env.clients.compute(DEV)).virtualMachines.listAll()),
				async () => collect((await env.clients.network(DEV)).bastionHosts.list()),
				() => env.clients.resourceGraph().resources({query: 'Resources | project id', subscriptions: [DEV]}),
			];
			for (const call of calls) {
				env.lab.faults.throttle({count: 1, retryAfterSeconds: 1});
				await call();
			}
			expect(seen).toEqual([
				'/subscriptions',
				`/subscriptions/${DEV}/providers/Microsoft.Compute/virtualMachines`,
				`/subscriptions/${DEV}/providers/Microsoft.Network/bastionHosts`,
				'/providers/Microsoft.ResourceGraph/resources',
			]);
		} finally {
			await env.close();
		}
	});
});
