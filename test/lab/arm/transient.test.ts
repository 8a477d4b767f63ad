import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/identity';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {createArmClients, type ArmClients} from '../../../source/core/azure/clients.js';
import {readFactsFromResourceGraph} from '../../../source/core/inventory/resource-graph.js';
import {rawRequest} from './helpers.js';
import {collect, DEV, PROD, startLabWithClients, type LabWithClients} from './lab-clients.js';

/**
 * Transient failures (issue 10): the lab's gateway answers 502/503/504 or resets the connection N times, then
 * serves normally; vmux's clients retry those within a bounded wait, and Resource Graph signs its pages with a
 * cached token.
 */

let env: LabWithClients;
/** Clients with short backoffs, so the retries take milliseconds here. */
let quick: ArmClients;
beforeAll(async () => {
	env = await startLabWithClients();
	quick = createArmClients({cloud: env.cloud, credential: env.credential, transientBaseDelayMs: 20});
});
afterAll(async () => {
	quick.close();
	await env.close();
});
afterEach(() => {
	env.lab.faults.clear();
	env.lab.config.graphPageSize = 1000;
});

const VMS = `/subscriptions/${DEV}/providers/Microsoft.Compute/virtualMachines`;
const GRAPH = '/providers/Microsoft.ResourceGraph/resources';

describe('lab ARM: transient failure switches', () => {
	test('503 with ARM’s envelope and the Retry-After asked for, N times, then the normal answer', async () => {
		env.lab.faults.fail({answer: 503, count: 2, pathPrefix: VMS, retryAfterSeconds: 2});
		const get = () => rawRequest(`${env.lab.url}${VMS}?api-version=2026-03-01`, {ca: env.lab.ca, headers: {authorization: `Bearer ${env.lab.issueToken().token}`}});
		const first = await get();
		expect(first.status).toBe(503);
		expect(first.headers['retry-after']).toBe('2');
		expect(first.json).toEqual({error: {code: 'ServiceUnavailable', message: expect.stringContaining('temporary overloading')}});
		expect((await get()).status).toBe(503);
		expect((await get()).status).toBe(200);
	});

	test('502 and 504 come before authentication, as a gateway answers; Resource Graph uses its own envelope', async () => {
		env.lab.faults.fail({answer: 502, pathPrefix: VMS});
		const bad = await rawRequest(`${env.lab.url}${VMS}?api-version=2026-03-01`, {ca: env.lab.ca});
		expect(bad.status).toBe(502);
		expect((bad.json as {error: {code: string}}).error.code).toBe('BadGateway');
		env.lab.faults.fail({answer: 504, pathPrefix: GRAPH});
		const graph = await rawRequest(`${env.lab.url}${GRAPH}?api-version=2021-03-01`, {ca: env.lab.ca, method: 'POST', body: '{}'});
		expect(graph.status).toBe(504);
		expect((graph.json as {error: {code: string; details: Array<{code: string}>}}).error).toMatchObject({code: 'GatewayTimeout', details: [{code: 'GatewayTimeout'}]});
	});

	test('a reset connection gets no answer at all', async () => {
		env.lab.faults.fail({answer: 'reset', pathPrefix: VMS});
		await expect(rawRequest(`${env.lab.url}${VMS}?api-version=2026-03-01`, {ca: env.lab.ca})).rejects.toMatchObject({code: expect.stringMatching(/ECONNRESET/)});
		expect((await rawRequest(`${env.lab.url}${VMS}?api-version=2026-03-01`, {ca: env.lab.ca})).status).toBe(401);
	});
});

describe('lab Resource Graph: lagging power state', () => {
	const graphRow = async (name: string) => {
		const page = await quick.resourceGraph().resources({query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name, properties", subscriptions: [DEV]});
		return (page.data as Array<{name: string; properties: {extended?: {instanceView?: {powerState?: {code: string}}}}}>).find(row => row.name === name)!;
	};
	const web01 = () => env.lab.topology.ofType('Microsoft.Compute/virtualMachines').find(vm => vm.name === 'web-01')!.id;

	test('serves a stale power code, or no instance view, while ARM’s instance view tells the truth', async () => {
		expect((await graphRow('web-01')).properties.extended?.instanceView?.powerState?.code).toBe('PowerState/running');
		env.lab.faults.lagGraph({vmId: web01(), powerCode: 'PowerState/deallocated'});
		expect((await graphRow('web-01')).properties.extended?.instanceView?.powerState?.code).toBe('PowerState/deallocated');
		env.lab.faults.clear();
		env.lab.faults.lagGraph({vmId: web01()});
		expect((await graphRow('web-01')).properties.extended).toEqual({});
		const view = await (await quick.compute(DEV)).virtualMachines.instanceView('rg-web', 'web-01');
		expect(view.statuses?.map(status => status.code)).toContain('PowerState/running');
	});
});

describe('ARM and Resource Graph clients retry transient failures', () => {
	test.each([503, 502, 504, 500, 'reset'] as const)('a VM list survives %s twice', async answer => {
		env.lab.faults.fail({answer, count: 2, pathPrefix: VMS});
		const vms = await collect((await quick.compute(DEV)).virtualMachines.listAll());
		expect(vms.map(vm => vm.name).sort()).toEqual(['db-01', 'web-01', 'web-02']);
		expect(env.lab.faults.takeFailure(VMS)).toBeUndefined();
	});

	test('a Resource Graph query survives a 503 and a reset connection, and 429 progress is still reported', async () => {
		const events: number[] = [];
		const stop = quick.onThrottle(event => events.push(event.attempt));
		env.lab.faults.fail({answer: 503, pathPrefix: GRAPH});
		env.lab.faults.fail({answer: 'reset', pathPrefix: GRAPH});
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 0, pathPrefix: GRAPH});
		const page = await quick.resourceGraph().resources({query: 'Resources | project id', subscriptions: [DEV, PROD]});
		stop();
		expect(page.count).toBeGreaterThan(0);
		expect(events).toEqual([1]);
	});

	test('the default clients retry too (backoff from 0.8 s)', async () => {
		env.lab.faults.fail({answer: 503, pathPrefix: VMS});
		const started = Date.now();
		expect(await collect((await env.clients.compute(DEV)).virtualMachines.listAll())).toHaveLength(3);
		expect(Date.now() - started).toBeGreaterThanOrEqual(500);
	});

	test('retries are bounded: a failure that outlasts them surfaces as the service’s 503', async () => {
		env.lab.faults.fail({answer: 503, count: 10, pathPrefix: VMS});
		const before = env.lab.requests.length;
		await expect(collect((await quick.compute(DEV)).virtualMachines.listAll())).rejects.toMatchObject({statusCode: 503});
		// The first try and three retries.
		expect(env.lab.requests.slice(before).filter(request => request.path === VMS && request.status === 503)).toHaveLength(4);
	});

	test('the total wait is bounded: a Retry-After beyond the budget is not waited for', async () => {
		const clients = createArmClients({cloud: env.cloud, credential: env.credential, maxTotalWaitMs: 1000});
		env.lab.faults.fail({answer: 503, pathPrefix: VMS, retryAfterSeconds: 30});
		const started = Date.now();
		await expect(collect((await clients.compute(DEV)).virtualMachines.listAll())).rejects.toMatchObject({statusCode: 503});
		expect(Date.now() - started).toBeLessThan(5000);
		clients.close();
	});

	test('a refused connection is not retried (it does not heal in seconds)', async () => {
		const {startLabHttpsServer} = await import('../../../source/lab/https-server.js');
		const {labCloud} = await import('../../../source/lab/cloud.js');
		const server = await startLabHttpsServer();
		const url = server.url;
		await server.close();
		const clients = createArmClients({cloud: labCloud(url, env.lab.ca), credential: env.credential});
		const started = Date.now();
		await expect(collect((await clients.compute(DEV)).virtualMachines.listAll())).rejects.toMatchObject({code: 'ECONNREFUSED'});
		expect(Date.now() - started).toBeLessThan(700);
		clients.close();
	});
});

describe('Resource Graph token cache', () => {
	test('several pages are signed with one token from the credential', async () => {
		const calls: Array<{scopes: string | string[]; options?: GetTokenOptions}> = [];
		const counting: TokenCredential = {
			getToken: async (scopes, options): Promise<AccessToken | null> => {
				calls.push({scopes, ...(options ? {options} : {})});
				return env.credential.getToken(scopes, options);
			},
		};
		const clients = createArmClients({cloud: env.cloud, credential: counting});
		env.lab.config.graphPageSize = 3;
		const pages: number[] = [];
		const facts = await readFactsFromResourceGraph(clients, [{id: DEV, name: 'Contoso Dev'}, {id: PROD, name: 'Contoso Prod'}], {onPage: page => pages.push(page.page)});
		clients.close();
		expect(pages.length).toBeGreaterThanOrEqual(4);
		expect(facts.vms).toHaveLength(7);
		expect(calls).toHaveLength(1);
	});
});
