import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {rawRequest} from './helpers.js';
import {DEV, startLabWithClients, type LabWithClients} from './lab-clients.js';

/**
 * VM power in the lab's ARM (issue 13 §5): start/deallocate/powerOff/restart are long-running operations with
 * Azure's async shapes, and the real `@azure/arm-compute` pollers complete against them.
 */

let env: LabWithClients;
beforeAll(async () => {
	env = await startLabWithClients();
	resetPower();
});
afterAll(async () => {
	await env.close();
});
afterEach(resetPower);
function resetPower(): void {
	env.lab.faults.clear();
	env.lab.power.clear();
	env.lab.power.config.retryAfterSeconds = 0;
	env.lab.power.config.durationMs = {start: 300, deallocate: 300, powerOff: 300, restart: 300};
}

const RG = 'rg-web';
const vmPath = (vm: string) => `/subscriptions/${DEV}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${vm}`;
const auth = () => ({authorization: `Bearer ${env.lab.issueToken().token}`});

async function powerCode(vm: string): Promise<string | undefined> {
	const view = await (await env.clients.compute(DEV)).virtualMachines.instanceView(RG, vm);
	return view.statuses?.find(status => status.code?.startsWith('PowerState/'))?.code;
}

async function graphPower(vm: string): Promise<unknown> {
	const graph = env.clients.resourceGraph();
	const answer = await graph.resources({subscriptions: [DEV], query: `Resources | where type =~ 'microsoft.compute/virtualmachines' | project id, name, properties`});
	const row = (answer.data as Array<{name: string; properties: {extended?: {instanceView?: {powerState?: {code?: string}}}}}>).find(r => r.name === vm);
	return row?.properties.extended?.instanceView?.powerState?.code;
}

describe('lab ARM: VM power as long-running operations', () => {
	test('POST start answers 202 with Azure-AsyncOperation, Location and Retry-After; the operation goes InProgress -> Succeeded', async () => {
		// Long enough that the checks below see it in progress on a loaded machine.
		env.lab.power.config.durationMs.start = 2000;
		env.lab.power.config.retryAfterSeconds = 1;
		const accepted = await rawRequest(`${env.lab.url}${vmPath('web-02')}/start?api-version=2026-03-01`, {ca: env.lab.ca, method: 'POST', headers: auth()});
		expect(accepted.status).toBe(202);
		expect(accepted.text).toBe('');
		const operation = String(accepted.headers['azure-asyncoperation']);
		expect(operation).toMatch(new RegExp(`/subscriptions/${DEV}/providers/Microsoft\\.Compute/locations/[a-z]+/operations/[0-9a-f-]{36}\\?p=.*api-version=2026-03-01$`));
		expect(String(accepted.headers.location)).toContain('monitor=true');
		expect(accepted.headers['retry-after']).toBe('1');

		const running = await rawRequest(operation, {ca: env.lab.ca, headers: auth()});
		expect(running.status).toBe(200);
		expect(running.json).toEqual({name: expect.any(String), startTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\+00:00$/), status: 'InProgress'});
		expect((await rawRequest(String(accepted.headers.location), {ca: env.lab.ca, headers: auth()})).status).toBe(202);
		expect(await powerCode('web-02')).toBe('PowerState/starting');
		expect(await graphPower('web-02')).toBe('PowerState/starting');

		await new Promise(resolve => setTimeout(resolve, 2050));
		const done = await rawRequest(operation, {ca: env.lab.ca, headers: auth()});
		expect(done.json).toMatchObject({status: 'Succeeded', endTime: expect.any(String)});
		const monitor = await rawRequest(String(accepted.headers.location), {ca: env.lab.ca, headers: auth()});
		expect(monitor.status).toBe(200);
		expect(await powerCode('web-02')).toBe('PowerState/running');
		expect(await graphPower('web-02')).toBe('PowerState/running');
	});

	test('the real SDK pollers start, restart and deallocate a VM, and really poll the operation', async () => {
		const compute = await env.clients.compute(DEV);
		const before = env.lab.requests.length;
		const started = Date.now();
		await compute.virtualMachines.beginStartAndWait(RG, 'web-02');
		// A lab that answered 200 at once would pass no time and be asked no operation status.
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		const polls = env.lab.requests.slice(before).filter(request => /\/operations\//i.test(request.path));
		expect(polls.length).toBeGreaterThanOrEqual(2);
		expect(polls.some(request => request.status === 200)).toBe(true);
		expect(await powerCode('web-02')).toBe('PowerState/running');

		await compute.virtualMachines.beginRestartAndWait(RG, 'web-02');
		expect(await powerCode('web-02')).toBe('PowerState/running');

		await compute.virtualMachines.beginDeallocateAndWait(RG, 'web-02');
		expect(await powerCode('web-02')).toBe('PowerState/deallocated');
		expect(await graphPower('web-02')).toBe('PowerState/deallocated');
	});

	test('409 for a conflicting state: restart of a deallocated VM, and any operation while another runs', async () => {
		const compute = await env.clients.compute(DEV);
		await compute.virtualMachines.beginDeallocateAndWait(RG, 'web-02');
		await expect(compute.virtualMachines.beginRestartAndWait(RG, 'web-02')).rejects.toMatchObject({statusCode: 409, code: 'OperationNotAllowed', message: expect.stringContaining('since the VM is deallocated')});
		env.lab.power.config.durationMs.start = 600;
		const first = await rawRequest(`${env.lab.url}${vmPath('web-02')}/start?api-version=2026-03-01`, {ca: env.lab.ca, method: 'POST', headers: auth()});
		expect(first.status).toBe(202);
		const second = await rawRequest(`${env.lab.url}${vmPath('web-02')}/deallocate?api-version=2026-03-01`, {ca: env.lab.ca, method: 'POST', headers: auth()});
		expect(second.status).toBe(409);
		expect(second.json).toMatchObject({error: {code: 'Conflict', message: expect.stringContaining("another operation ('start') is in progress")}});
		await new Promise(resolve => setTimeout(resolve, 650));
		expect(await powerCode('web-02')).toBe('PowerState/running');
	});

	test('403 AuthorizationFailed naming the start action without the role; reads still work', async () => {
		env.lab.faults.denyAction({action: 'Microsoft.Compute/virtualMachines/start/action'});
		const compute = await env.clients.compute(DEV);
		await expect(compute.virtualMachines.beginStartAndWait(RG, 'web-02')).rejects.toMatchObject({
			statusCode: 403,
			code: 'AuthorizationFailed',
			message: expect.stringContaining("'Microsoft.Compute/virtualMachines/start/action' over scope"),
		});
		expect(await powerCode('web-02')).toMatch(/^PowerState\//);
	});

	test('an operation that ends Failed carries its error; the VM goes back to its state', async () => {
		const compute = await env.clients.compute(DEV);
		await compute.virtualMachines.beginDeallocateAndWait(RG, 'web-02');
		env.lab.power.failNext({vmName: 'web-02', action: 'start'});
		await expect(compute.virtualMachines.beginStartAndWait(RG, 'web-02')).rejects.toMatchObject({message: expect.stringContaining('Allocation failed')});
		expect(await powerCode('web-02')).toBe('PowerState/deallocated');
	});

	test('unknown VM: 404; unknown operation: 404', async () => {
		const missing = await rawRequest(`${env.lab.url}${vmPath('nope-01')}/start?api-version=2026-03-01`, {ca: env.lab.ca, method: 'POST', headers: auth()});
		expect(missing.status).toBe(404);
		const op = await rawRequest(`${env.lab.url}/subscriptions/${DEV}/providers/Microsoft.Compute/locations/eastus/operations/00000000-0000-0000-0000-000000000000?api-version=2026-03-01`, {ca: env.lab.ca, headers: auth()});
		expect(op.status).toBe(404);
	});
});
