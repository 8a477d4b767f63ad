import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {WebSocket} from 'ws';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {labBastionTlsHost, mountLabBastion} from '../../../source/lab/bastion/index.js';
import {clientFrameScanner} from '../../../source/lab/bastion/frame-rules.js';
import {execText, form, FORM, labRequest, labWebSocket, sshOver, startLabWithBastion, upgradeRefusal, type LabWithBastion} from './lab-bastion.js';

/**
 * The lab Bastion's stricter rules (issue 10, contracts §3): the WebSocket's Origin, frames of at most 4096 bytes
 * and no continuation frames, DELETE answering 204, and data-pod Bastions (Developer, QuickConnect) of a region
 * sharing one host, told apart by bastionResourceId.
 */

const SHARED_DNS = 'omnibrain-eastus.bastion.localhost';

/** Besides the demo: a second Developer Bastion and a QuickConnect one on dev-01's shared host, each with a VM. */
function withSharedHost(demo: VmRecord[]): VmRecord[] {
	const dev = demo.find(vm => vm.name === 'dev-01')!;
	const web = demo.find(vm => vm.name === 'web-01')!;
	const db = demo.find(vm => vm.name === 'db-01')!;
	const sub = dev.subscriptionId;
	const bastionId = (name: string) => `/subscriptions/${sub}/resourceGroups/rg-dev2/providers/Microsoft.Network/bastionHosts/${name}`;
	const vmId = (name: string) => `/subscriptions/${sub}/resourceGroups/rg-dev2/providers/Microsoft.Compute/virtualMachines/${name}`;
	// They reuse web-01's and db-01's addresses, so the lab's SSH servers for those VMs answer them.
	const dev2: VmRecord = {...web, id: vmId('dev-02'), name: 'dev-02', resourceGroup: 'rg-dev2', bastion: {...dev.bastion!, id: bastionId('bas-dev-2'), name: 'bas-dev-2', resourceGroup: 'rg-dev2', dnsName: SHARED_DNS}};
	const qc: VmRecord = {...db, id: vmId('qc-01'), name: 'qc-01', resourceGroup: 'rg-dev2', bastion: {...dev.bastion!, id: bastionId('bas-qc'), name: 'bas-qc', resourceGroup: 'rg-dev2', sku: 'QuickConnect', dnsName: SHARED_DNS}};
	return [...demo, dev2, qc];
}

let env: LabWithBastion;
let stdHost: string;
const sharedHost = labBastionTlsHost(SHARED_DNS);

beforeAll(async () => {
	env = await startLabWithBastion({bastionVms: withSharedHost});
	stdHost = labBastionTlsHost(env.vm('web-01').bastion!.dnsName!);
});
afterAll(async () => {
	await env?.stop();
});

async function issue(host: string, vmName: string) {
	const res = await labRequest(env.server, host, 'POST', '/api/tokens', {
		body: form({resourceId: env.vm(vmName).id, protocol: 'tcptunnel', workloadHostPort: 22, aztoken: env.armToken()}),
		contentType: FORM,
	});
	expect(res.status, res.text).toBe(200);
	return res.json() as {authToken: string; nodeId: string; websocketToken: string};
}

function opened(ws: WebSocket): Promise<void> {
	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
}

function closeOf(ws: WebSocket): Promise<{code: number; reason: string}> {
	return new Promise(resolve => ws.once('close', (code, reason) => resolve({code, reason: reason.toString()})));
}

describe('lab Bastion: the WebSocket’s Origin', () => {
	it('refuses an upgrade without Origin, or with another host’s, and accepts https://{Host}', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		const path = `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`;
		const none = await upgradeRefusal(labWebSocket(env.server, stdHost, path, [], null));
		expect(none.status).toBe(403);
		expect(JSON.parse(none.body)).toEqual({message: `The Origin header must be https://${stdHost}:${env.server.port}.`});
		const other = await upgradeRefusal(labWebSocket(env.server, stdHost, path, [], 'https://evil.example'));
		expect(other.status).toBe(403);
		// A refused upgrade does not use up the websocket token.
		const ws = labWebSocket(env.server, stdHost, path);
		await opened(ws);
		ws.close();
	});
});

describe('lab Bastion: frames', () => {
	it('reads frame headers across chunk boundaries', () => {
		const scanner = clientFrameScanner(4096);
		const frame = (fin: boolean, opcode: number, length: number) => {
			const header = length < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | length]) : Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, length >> 8, length & 0xff]);
			return Buffer.concat([header, Buffer.alloc(4), Buffer.alloc(length)]);
		};
		const stream = Buffer.concat([frame(true, 2, 4096), frame(true, 9, 0), frame(true, 2, 100)]);
		for (let offset = 0; offset < stream.length; offset += 7) expect(scanner.push(stream.subarray(offset, offset + 7))).toBeUndefined();
		expect(scanner.frames).toBe(2);
		expect(scanner.largest).toBe(4096);
		expect(scanner.push(frame(true, 2, 4097))).toMatchObject({closeCode: 1009});
		expect(clientFrameScanner().push(frame(false, 2, 10))).toMatchObject({closeCode: 1002});
		expect(clientFrameScanner().push(frame(true, 0, 10))).toMatchObject({closeCode: 1002});
	});

	it('closes the tunnel (1009) on a frame of more than 4096 bytes', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		const ws = labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`);
		await opened(ws);
		const closed = closeOf(ws);
		ws.send(Buffer.alloc(4097, 0x41), {binary: true});
		expect(await closed).toEqual({code: 1009, reason: 'Frames of more than 4096 bytes are not accepted (got 4097).'});
		const tunnel = env.bastion.tunnels.at(-1)!;
		expect(tunnel).toMatchObject({closeReason: 'protocol', largestClientFrame: 4097});
	});

	it('closes the tunnel (1002) on a fragmented message (continuation frames)', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		const ws = labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`);
		await opened(ws);
		const closed = closeOf(ws);
		ws.send(Buffer.from('SSH-2.0-'), {binary: true, fin: false});
		ws.send(Buffer.from('split\r\n'), {fin: true});
		expect((await closed).code).toBe(1002);
		expect(env.bastion.tunnels.at(-1)!.violation).toMatch(/^Fragmented messages are not accepted/);
	});

	it('carries ssh in frames of at most 4096 bytes, a bulk upload included', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		const client = await sshOver(labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`));
		const counted = await new Promise<string>((resolve, reject) => {
			client.exec('wc -c', (error, stream) => {
				if (error) return reject(error);
				let out = '';
				stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
				stream.on('close', () => resolve(out.trim()));
				stream.end(Buffer.alloc(300_000, 0x61));
			});
		});
		expect(counted).toBe('300000');
		client.end();
		const tunnel = env.bastion.tunnels.find(t => t.authToken && t.nodeId === nodeId)!;
		expect(tunnel.violation).toBeUndefined();
		expect(tunnel.largestClientFrame).toBe(4096);
	});
});

describe('lab Bastion: data-pod Bastions sharing one host', () => {
	const connection = (vmName: string, bastionId = env.vm(vmName).bastion!.id) =>
		labRequest(env.server, sharedHost, 'POST', '/api/connection', {
			body: JSON.stringify({resourceId: env.vm(vmName).id, bastionResourceId: bastionId, vmPort: 22, azToken: env.armToken(), connectionType: 'nativeclient'}),
			contentType: 'application/json',
		});

	it('serves two Developer Bastions and a QuickConnect one on one dnsName, told apart by bastionResourceId', async () => {
		for (const name of ['dev-01', 'dev-02', 'qc-01']) {
			const res = await connection(name);
			expect(res.status, `${name}: ${res.text}`).toBe(200);
			const pod = res.text;
			expect(env.bastion.dataPods().find(p => p.host === pod)).toEqual({host: pod, bastionId: env.vm(name).bastion!.id, vmId: env.vm(name).id});
			const {authToken, nodeId, websocketToken} = await issue(pod, name);
			const client = await sshOver(labWebSocket(env.server, pod, `/omni/webtunnel/${websocketToken}`));
			expect((await execText(client, `echo via-${name}`)).trim()).toBe(`via-${name}`);
			client.end();
			expect((await labRequest(env.server, pod, 'DELETE', `/api/tokens/${authToken}`, {headers: {'X-Node-Id': nodeId}})).status).toBe(204);
		}
		// A Bastion on the host that does not serve the VM, and one that is not on the host at all.
		expect((await connection('dev-02', env.vm('dev-01').bastion!.id)).status).toBe(403);
		expect((await connection('dev-02', env.vm('web-01').bastion!.id)).status).toBe(400);
		// The shared host is the data-pod Bastions' only: no tokens, no tunnel there.
		const tokens = await labRequest(env.server, sharedHost, 'POST', '/api/tokens', {body: form({resourceId: env.vm('qc-01').id, protocol: 'tcptunnel', workloadHostPort: 22, aztoken: env.armToken()}), contentType: FORM});
		expect(tokens.status).toBe(404);
	});

	it('still refuses a topology where a tunnelling Bastion would share a host', () => {
		const std = env.vm('web-01');
		const clash: VmRecord = {...std, id: `${std.id}-clash`, bastion: {...std.bastion!, id: `${std.bastion!.id}-2`}};
		expect(() => mountLabBastion(env.server, {tokens: env.tokens, vms: [std, clash], resolve: () => undefined})).toThrow(/would serve both/);
	});
});

describe('lab Bastion: faults and the request log', () => {
	it('failUpgrades refuses the next upgrade after the tokens were issued', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		env.bastion.failUpgrades(1, 503);
		const refused = await upgradeRefusal(labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`));
		expect(refused.status).toBe(503);
	});

	it('records each request’s User-Agent and Origin', async () => {
		await labRequest(env.server, stdHost, 'POST', '/api/tokens', {body: '', contentType: FORM, headers: {'User-Agent': 'probe/1'}});
		expect(env.bastion.requests.at(-1)).toMatchObject({userAgent: 'probe/1', status: 400});
		expect(env.bastion.requests.filter(r => r.upgrade && r.status === 101).every(r => r.origin?.startsWith('https://'))).toBe(true);
	});
});
