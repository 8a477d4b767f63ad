import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {createArmClients} from '../../../source/core/azure/clients.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import {LAB_DEFAULT_IDENTITY} from '../../../source/lab/arm/index.js';
import {exampleBody} from '../../fixtures/topology/examples-topology.js';
import {rawRequest} from './helpers.js';
import {collect, DEV, PROD, startLabWithClients, type LabWithClients} from './lab-clients.js';

/** Real @azure SDK clients (compute 24, network 36, subscriptions 2, resourcegraph 4) against the lab's ARM. */

let env: LabWithClients;
beforeAll(async () => {
	env = await startLabWithClients();
});
afterAll(async () => {
	await env.close();
});
afterEach(() => {
	env.lab.faults.clear();
	env.lab.config.pageSize = 1000;
	env.lab.config.graphPageSize = 1000;
});

function lastRequest(pathPart: string) {
	return [...env.lab.requests].reverse().find(request => request.path.toLowerCase().includes(pathPart.toLowerCase()))!;
}

function token(): string {
	return env.lab.issueToken().token;
}

describe('reads through the real SDKs', () => {
	test('subscriptions: list, with nextLink paging', async () => {
		env.lab.config.pageSize = 1;
		const subs = await collect(env.clients.subscriptions().subscriptions.list());
		expect(subs.map(sub => [sub.subscriptionId, sub.displayName, sub.state, sub.tenantId])).toEqual([
			[DEV, 'Contoso Dev', 'Enabled', env.lab.topology.tenantId],
			[PROD, 'Contoso Prod', 'Enabled', env.lab.topology.tenantId],
		]);
		const requests = env.lab.requests.filter(request => request.path === '/subscriptions');
		expect(requests.at(-2)!.query).toEqual({'api-version': '2022-12-01'});
		expect(requests.at(-1)!.query.$skiptoken).toBeTruthy();
	});

	test('VMs: list by subscription without and with statusOnly=true, by resource group, get, $expand, instanceView', async () => {
		const compute = await env.clients.compute(DEV);
		const plain = await collect(compute.virtualMachines.listAll());
		expect(plain.map(vm => vm.name).sort()).toEqual(['db-01', 'web-01', 'web-02']);
		expect(plain.every(vm => vm.instanceView === undefined)).toBe(true);
		expect(plain.find(vm => vm.name === 'web-01')!.hardwareProfile?.vmSize).toBe('Standard_B2s');

		const status = await collect(compute.virtualMachines.listAll({statusOnly: 'true'}));
		expect(lastRequest('/providers/Microsoft.Compute/virtualMachines').query).toEqual({'api-version': '2026-03-01', statusOnly: 'true'});
		const power = Object.fromEntries(status.map(vm => [vm.name, vm.instanceView?.statuses?.find(s => s.code?.startsWith('PowerState/'))?.code]));
		expect(power).toEqual({'web-01': 'PowerState/running', 'web-02': 'PowerState/stopped', 'db-01': 'PowerState/running'});

		expect((await collect(compute.virtualMachines.list('rg-web'))).map(vm => vm.name).sort()).toEqual(['web-01', 'web-02']);
		const web02 = await compute.virtualMachines.get('rg-web', 'web-02');
		expect(web02.instanceView).toBeUndefined();
		const expanded = await compute.virtualMachines.get('rg-web', 'web-02', {expand: 'instanceView'});
		expect(lastRequest('/virtualMachines/web-02').query).toEqual({'api-version': '2026-03-01', $expand: 'instanceView'});
		expect(expanded.instanceView?.statuses?.map(s => s.code)).toEqual(['ProvisioningState/succeeded', 'PowerState/stopped']);
		const view = await compute.virtualMachines.instanceView('rg-web', 'web-02');
		expect(view.statuses?.[1]?.displayStatus).toBe('VM stopped');
	});

	test('VM extensions: listed, and returned as the VM’s child resources', async () => {
		const compute = await env.clients.compute(PROD);
		const extensions = await compute.virtualMachineExtensions.list('rg-app', 'app-01');
		expect(extensions.value?.map(e => [e.name, e.publisher, e.typePropertiesType])).toEqual([
			['AADSSHLoginForLinux', 'Microsoft.Azure.ActiveDirectory', 'AADSSHLoginForLinux'],
		]);
		const vm = await compute.virtualMachines.get('rg-app', 'app-01');
		expect(vm.resources?.map(r => r.typePropertiesType)).toEqual(['AADSSHLoginForLinux']);
		expect((await compute.virtualMachineExtensions.list('rg-dev', 'dev-01')).value).toEqual([]);
	});

	test('NICs, public IPs: list all, list in a group, get', async () => {
		const network = await env.clients.network(PROD);
		const nics = await collect(network.networkInterfaces.listAll());
		expect(nics).toHaveLength(4);
		const jump = await network.networkInterfaces.get('rg-legacy', 'jump-01-nic');
		expect(jump.ipConfigurations?.[0]?.privateIPAddress).toBe('10.40.1.4');
		expect(jump.ipConfigurations?.[0]?.publicIPAddress?.id).toMatch(/publicIPAddresses\/pip-jump-01$/);
		expect(jump.ipConfigurations?.[0]?.subnet?.id).toMatch(/virtualNetworks\/vnet-prod-dmz\/subnets\/snet-dmz$/);
		expect((await collect(network.networkInterfaces.list('rg-legacy'))).map(n => n.name).sort()).toEqual(['jump-01-nic', 'legacy-01-nic']);
		const ips = await collect(network.publicIPAddresses.listAll());
		expect(ips.map(ip => [ip.name, ip.ipAddress]).sort()).toEqual([
			['pip-bas-basic', '198.51.100.31'],
			['pip-bas-prem', '198.51.100.21'],
			['pip-jump-01', '203.0.113.10'],
		]);
		expect((await network.publicIPAddresses.get('rg-legacy', 'pip-jump-01')).dnsSettings?.fqdn).toBe('jump-01-contoso.eastus.cloudapp.azure.com');
		expect(lastRequest('/publicIPAddresses/pip-jump-01').query['api-version']).toBe('2025-05-01');
	});

	test('VNets (with peerings inline) and the peerings list', async () => {
		const network = await env.clients.network(DEV);
		const vnets = await collect(network.virtualNetworks.listAll());
		const data = vnets.find(vnet => vnet.name === 'vnet-dev-data')!;
		expect(data.virtualNetworkPeerings?.map(p => [p.name, p.peeringState, p.remoteVirtualNetwork?.id?.split('/').at(-1)])).toEqual([
			['data-to-web', 'Connected', 'vnet-dev-web'],
		]);
		const web = await network.virtualNetworks.get('rg-network', 'vnet-dev-web');
		expect(web.subnets?.map(s => s.name)).toEqual(['AzureBastionSubnet', 'snet-web']);
		expect((await collect(network.virtualNetworkPeerings.list('rg-network', 'vnet-dev-web'))).map(p => p.name)).toEqual(['web-to-data']);
		expect((await network.virtualNetworkPeerings.get('rg-network', 'vnet-dev-web', 'web-to-data')).peeringState).toBe('Connected');
	});

	test('Bastion hosts: list by subscription and group, get; missing flags stay missing on the wire', async () => {
		const network = await env.clients.network(PROD);
		const bastions = await collect(network.bastionHosts.list());
		expect(bastions.map(b => [b.name, b.sku?.name]).sort()).toEqual([
			['bas-basic', 'Basic'],
			['bas-dev', 'Developer'],
			['bas-prem', 'Premium'],
		]);
		const prem = await network.bastionHosts.get('rg-app', 'bas-prem');
		expect([prem.enableTunneling, prem.enableSessionRecording, prem.dnsName]).toEqual([true, true, 'bst-7e2a9c4d-5b6f-4a8e-8d0c-1f2e3d4c5b6a.bastion.localhost']);
		const dev = await network.bastionHosts.get('rg-dev', 'bas-dev');
		expect(dev.virtualNetwork?.id).toMatch(/virtualNetworks\/vnet-prod-dev$/);
		expect(dev.ipConfigurations).toEqual([]);
		const basic = (await collect(network.bastionHosts.listByResourceGroup('rg-legacy')))[0]!;
		expect(basic.name).toBe('bas-basic');
		// The Basic host's flags are absent on the wire; the SDK's model fills in false, as DESIGN §4 reads them.
		expect(basic.enableTunneling).toBe(false);
		const raw = await rawRequest(`${env.lab.url}/subscriptions/${PROD}/resourceGroups/rg-legacy/providers/Microsoft.Network/bastionHosts/bas-basic?api-version=2025-05-01`, {
			ca: env.lab.ca,
			headers: {authorization: `Bearer ${token()}`},
		});
		expect(Object.keys((raw.json as {properties: object}).properties).filter(key => key.startsWith('enable'))).toEqual([]);
	});

	test('nextLink paging covers every list the inventory uses', async () => {
		env.lab.config.pageSize = 1;
		const network = await env.clients.network(PROD);
		expect(await collect(network.networkInterfaces.listAll())).toHaveLength(4);
		expect(await collect(network.bastionHosts.list())).toHaveLength(3);
		expect(await collect(network.virtualNetworks.listAll())).toHaveLength(4);
		expect(await collect(network.publicIPAddresses.listAll())).toHaveLength(3);
		expect(await collect((await env.clients.compute(PROD)).virtualMachines.listAll({statusOnly: 'true'}))).toHaveLength(4);
		const pages = env.lab.requests.filter(request => request.path.endsWith('/bastionHosts'));
		expect(pages.slice(-3).map(request => Boolean(request.query.$skiptoken))).toEqual([false, true, true]);
	});

	test('Resource Graph: paged with $skipToken, ARG row shape, power state under properties.extended', async () => {
		env.lab.config.graphPageSize = 3;
		const graph = env.clients.resourceGraph();
		const query = "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name, type, resourceGroup, subscriptionId, properties";
		const rows: Array<Record<string, unknown>> = [];
		let skipToken: string | undefined;
		let pages = 0;
		do {
			const page = await graph.resources({query, subscriptions: [DEV, PROD], options: {top: 1000, resultFormat: 'objectArray', ...(skipToken ? {skipToken} : {})}});
			expect(page.totalRecords).toBe(7);
			rows.push(...(page.data as Array<Record<string, unknown>>));
			skipToken = page.skipToken;
			pages++;
		} while (skipToken);
		expect(pages).toBe(3);
		expect(rows).toHaveLength(7);
		const web02 = rows.find(row => row.name === 'web-02')!;
		expect(Object.keys(web02)).toEqual(['id', 'name', 'type', 'resourceGroup', 'subscriptionId', 'properties']);
		expect(web02.type).toBe('microsoft.compute/virtualmachines');
		expect(web02.resourceGroup).toBe('rg-web');
		expect((web02.properties as {extended: unknown}).extended).toEqual({instanceView: {powerState: {code: 'PowerState/stopped', displayStatus: 'VM stopped'}}});
		const sent = lastRequest('/providers/Microsoft.ResourceGraph/resources');
		expect(sent.method).toBe('POST');
		expect(sent.query).toEqual({'api-version': '2021-03-01'});
		expect(sent.body).toMatchObject({query, subscriptions: [DEV, PROD], options: {$top: 1000, resultFormat: 'objectArray', $skipToken: expect.any(String)}});
	});

	test('Resource Graph responses have the published example’s fields', async () => {
		env.lab.config.graphPageSize = 2;
		const response = await rawRequest(`${env.lab.url}/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`, {
			ca: env.lab.ca,
			method: 'POST',
			headers: {authorization: `Bearer ${token()}`, 'content-type': 'application/json'},
			body: JSON.stringify({query: "Resources | where type =~ 'microsoft.network/bastionhosts' | project id, name", subscriptions: [PROD], options: {$top: 2}}),
		});
		const published = exampleBody('resourcegraph/ResourcesFirstPageQuery.json');
		expect(Object.keys(response.json as object).sort()).toEqual(Object.keys(published).sort());
		expect(response.json).toMatchObject({totalRecords: 3, count: 2, resultTruncated: 'false', facets: []});
	});

	test('Resource Graph refuses query shapes it does not understand, with the service’s error envelope', async () => {
		const graph = env.clients.resourceGraph();
		await expect(graph.resources({query: 'Resources | summarize count() by type'})).rejects.toMatchObject({statusCode: 400, code: 'BadRequest'});
		const raw = await rawRequest(`${env.lab.url}/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01`, {
			ca: env.lab.ca,
			method: 'POST',
			headers: {authorization: `Bearer ${token()}`},
			body: JSON.stringify({query: 'Resources | project id', options: {$skipToken: 'forged'}}),
		});
		expect(raw.status).toBe(400);
		expect((raw.json as {error: {details: Array<{code: string}>}}).error.details[0]!.code).toBe('InvalidSkipToken');
	});

	test('not found answers are ARM’s', async () => {
		await expect((await env.clients.compute(DEV)).virtualMachines.get('rg-web', 'web-99')).rejects.toMatchObject({statusCode: 404, code: 'ResourceNotFound'});
		await expect((await env.clients.compute(DEV)).virtualMachines.get('rg-nope', 'web-01')).rejects.toMatchObject({statusCode: 404, code: 'ResourceGroupNotFound'});
		await expect(collect((await env.clients.network('00000000-0000-4000-8000-000000000000')).bastionHosts.list())).rejects.toMatchObject({
			statusCode: 404,
			code: 'SubscriptionNotFound',
		});
	});
});

describe('wire rules', () => {
	test('a request without api-version is a 400, like ARM', async () => {
		const response = await rawRequest(`${env.lab.url}/subscriptions`, {ca: env.lab.ca, headers: {authorization: `Bearer ${token()}`}});
		expect(response.status).toBe(400);
		expect(response.json).toEqual({error: {code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.'}});
		const bad = await rawRequest(`${env.lab.url}/subscriptions?api-version=latest`, {ca: env.lab.ca, headers: {authorization: `Bearer ${token()}`}});
		expect(bad.status).toBe(400);
		expect((bad.json as {error: {code: string}}).error.code).toBe('InvalidApiVersionParameter');
	});

	test('nextLinks carry a literal $skiptoken and a forged one is refused', async () => {
		env.lab.config.pageSize = 1;
		const first = await rawRequest(`${env.lab.url}/subscriptions/${DEV}/providers/Microsoft.Compute/virtualMachines?api-version=2026-03-01`, {
			ca: env.lab.ca,
			headers: {authorization: `Bearer ${token()}`},
		});
		const nextLink = (first.json as {nextLink: string}).nextLink;
		expect(nextLink).toMatch(new RegExp(`^${env.lab.url}/subscriptions/${DEV}/providers/Microsoft.Compute/virtualMachines\\?api-version=2026-03-01&\\$skiptoken=[\\w-]+$`));
		const forged = await rawRequest(nextLink.replace(/skiptoken=.*/, 'skiptoken=abc'), {ca: env.lab.ca, headers: {authorization: `Bearer ${token()}`}});
		expect(forged.status).toBe(400);
	});
});

describe('authentication', () => {
	test('no Authorization header: 401 with a Bearer challenge', async () => {
		const response = await rawRequest(`${env.lab.url}/subscriptions?api-version=2022-12-01`, {ca: env.lab.ca});
		expect(response.status).toBe(401);
		expect(response.headers['www-authenticate']).toBe(
			'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="Authentication failed. The \'Authorization\' header is missing."',
		);
		expect(response.json).toEqual({error: {code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing."}});
	});

	test('tokens the lab did not issue, expired tokens and tokens for another audience are refused', async () => {
		const sdkWith = (credential: LabCredential) => createArmClients({cloud: env.cloud, credential}).subscriptions().subscriptions.list();
		const forged = new LabCredential({token: 'eyJhbGciOiJub25lIn0.eyJvaWQiOiJ4In0.sig', expiresOnTimestamp: Date.now() + 3_600_000});
		await expect(collect(sdkWith(forged))).rejects.toMatchObject({statusCode: 401, code: 'InvalidAuthenticationToken'});
		const expired = new LabCredential(env.lab.tokens.issue({lifetimeSeconds: 60, now: Date.now() - 3_600_000}));
		await expect(collect(sdkWith(expired))).rejects.toMatchObject({statusCode: 401, code: 'ExpiredAuthenticationToken'});
		const vaultToken = new LabCredential(env.lab.tokens.issue({audience: 'https://vault.azure.net'}));
		await expect(collect(sdkWith(vaultToken))).rejects.toMatchObject({statusCode: 401, code: 'InvalidAuthenticationTokenAudience'});
	});

	test('the SDKs request the cloud’s ARM scope', async () => {
		const scopes: string[][] = [];
		const recording = new LabCredential(requested => {
			scopes.push(requested);
			return env.lab.tokens.issueForScopes(requested);
		});
		const clients = createArmClients({cloud: env.cloud, credential: recording});
		await collect(clients.subscriptions().subscriptions.list());
		await collect((await clients.compute(DEV)).virtualMachines.listAll());
		await collect((await clients.network(DEV)).bastionHosts.list());
		await clients.resourceGraph().resources({query: 'Resources | project id', subscriptions: [DEV]});
		clients.close();
		expect(new Set(scopes.flat())).toEqual(new Set(['https://management.azure.com/.default']));
	});
});

describe('faults', () => {
	const scopeOf = (sub: string) => `/subscriptions/${sub}`;

	test('403 AuthorizationFailed over a whole list scope, with the contract’s error shape', async () => {
		env.lab.faults.deny({type: 'Microsoft.Network/bastionHosts', scope: scopeOf(DEV)});
		const error = (await collect((await env.clients.network(DEV)).bastionHosts.list()).catch(e => e)) as {statusCode: number; code: string; message: string};
		expect(error.statusCode).toBe(403);
		expect(error.code).toBe('AuthorizationFailed');
		expect(error.message).toBe(
			`The client '${LAB_DEFAULT_IDENTITY.upn}' with object id '${LAB_DEFAULT_IDENTITY.oid}' does not have authorization to perform action 'Microsoft.Network/bastionHosts/read' over scope '/subscriptions/${DEV}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
		);
		const raw = await rawRequest(`${env.lab.url}/subscriptions/${DEV}/providers/Microsoft.Network/bastionHosts?api-version=2025-05-01`, {
			ca: env.lab.ca,
			headers: {authorization: `Bearer ${token()}`},
		});
		expect(Object.keys(raw.json as object)).toEqual(['error']);
		expect(Object.keys((raw.json as {error: object}).error)).toEqual(['code', 'message']);
		// Other types and other subscriptions are unaffected.
		expect(await collect((await env.clients.network(DEV)).virtualNetworks.listAll())).toHaveLength(2);
		expect(await collect((await env.clients.network(PROD)).bastionHosts.list())).toHaveLength(3);
	});

	test('a narrower denial hides items from wider lists and refuses the item itself', async () => {
		env.lab.faults.deny({type: 'Microsoft.Network/bastionHosts', scope: `${scopeOf(PROD)}/resourceGroups/rg-app`});
		expect((await collect((await env.clients.network(PROD)).bastionHosts.list())).map(b => b.name).sort()).toEqual(['bas-basic', 'bas-dev']);
		await expect((await env.clients.network(PROD)).bastionHosts.get('rg-app', 'bas-prem')).rejects.toMatchObject({
			statusCode: 403,
			message: expect.stringContaining(`over scope '${scopeOf(PROD)}/resourceGroups/rg-app/providers/Microsoft.Network/bastionHosts/bas-prem'`),
		});
		// Authorization comes first: a name that does not exist is refused the same way.
		await expect((await env.clients.network(PROD)).bastionHosts.get('rg-app', 'no-such')).rejects.toMatchObject({statusCode: 403});
	});

	test('a denial on a type covers its child types (VNet -> peerings, VM -> extensions)', async () => {
		env.lab.faults.deny({type: 'Microsoft.Network/virtualNetworks', scope: scopeOf(DEV)});
		await expect(collect((await env.clients.network(DEV)).virtualNetworkPeerings.list('rg-data', 'vnet-dev-data'))).rejects.toMatchObject({
			statusCode: 403,
			message: expect.stringContaining("'Microsoft.Network/virtualNetworks/virtualNetworkPeerings/read'"),
		});
	});

	test('no role in a subscription: it is not listed, and reads in it are refused', async () => {
		env.lab.faults.deny({scope: scopeOf(PROD)});
		expect((await collect(env.clients.subscriptions().subscriptions.list())).map(sub => sub.displayName)).toEqual(['Contoso Dev']);
		// (The compute SDK's pager keeps the code but replaces ARM's message; the inventory restores it.)
		await expect(collect((await env.clients.compute(PROD)).virtualMachines.listAll())).rejects.toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
		await expect(collect((await env.clients.network(PROD)).networkInterfaces.listAll())).rejects.toMatchObject({
			statusCode: 403,
			message: expect.stringContaining(`'Microsoft.Network/networkInterfaces/read' over scope '${scopeOf(PROD)}'`),
		});
		await expect(env.clients.subscriptions().subscriptions.get(PROD)).rejects.toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
	});

	test('429 with Retry-After: the shared policy waits, reports progress and retries', async () => {
		const events: Array<{attempt: number; retryAfterMs: number}> = [];
		const stop = env.clients.onThrottle(event => events.push({attempt: event.attempt, retryAfterMs: event.retryAfterMs}));
		env.lab.faults.throttle({count: 2, retryAfterSeconds: 1});
		const vms = await collect((await env.clients.compute(DEV)).virtualMachines.listAll());
		stop();
		expect(vms).toHaveLength(3);
		expect(events).toEqual([
			{attempt: 1, retryAfterMs: 1000},
			{attempt: 2, retryAfterMs: 1000},
		]);
		const throttled = env.lab.requests.filter(request => request.status === 429);
		expect(throttled.length).toBeGreaterThanOrEqual(2);
	});

	test('429 on Resource Graph goes through the same policy', async () => {
		const events: number[] = [];
		const stop = env.clients.onThrottle(event => events.push(event.retryAfterMs));
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 1, pathPrefix: '/providers/Microsoft.ResourceGraph'});
		const page = await env.clients.resourceGraph().resources({query: 'Resources | project id', subscriptions: [DEV]});
		stop();
		expect(page.count).toBeGreaterThan(0);
		expect(events).toEqual([1000]);
	});

	test('429 answers carry Retry-After and ARM’s throttling error', async () => {
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 7});
		const raw = await rawRequest(`${env.lab.url}/subscriptions/${DEV}/providers/Microsoft.Compute/virtualMachines?api-version=2026-03-01`, {
			ca: env.lab.ca,
			headers: {authorization: `Bearer ${token()}`},
		});
		expect(raw.status).toBe(429);
		expect(raw.headers['retry-after']).toBe('7');
		expect((raw.json as {error: {code: string}}).error.code).toBe('SubscriptionRequestsThrottled');
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 3, pathPrefix: '/providers/Microsoft.ResourceGraph'});
		const graph = await rawRequest(`${env.lab.url}/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01`, {
			ca: env.lab.ca,
			method: 'POST',
			headers: {authorization: `Bearer ${token()}`},
			body: '{"query":"Resources | project id"}',
		});
		expect(graph.status).toBe(429);
		expect(graph.headers['retry-after']).toBe('3');
		expect((graph.json as {error: {details: Array<{code: string}>}}).error.details[0]!.code).toBe('RateLimiting');
	});

	test('when throttling outlasts the retries, the 429 surfaces', async () => {
		const clients = createArmClients({cloud: env.cloud, credential: env.credential, maxThrottleRetries: 1});
		env.lab.faults.throttle({count: 5, retryAfterSeconds: 1});
		await expect(collect((await clients.compute(DEV)).virtualMachines.listAll())).rejects.toMatchObject({statusCode: 429});
		clients.close();
	});
});
