import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {bastionTunnels} from '../../../source/core/transport/bastion-tunnels.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {BastionError} from '../../../source/core/transport/bastion.js';
import {LAB_PASSWORD, LAB_USERNAME} from '../../helpers/lab-credentials.js';
import {startLabWithBastion, type LabWithBastion} from '../../lab/bastion/lab-bastion.js';

/**
 * vmux's Bastion tunnel against the lab's stricter rules (issue 10): it names itself (User-Agent) and sends the
 * host's Origin, writes frames of at most 4096 bytes, deletes the tunnel token at once when the WebSocket does not
 * open, and handles QuickConnect like Developer, on a host several data-pod Bastions share.
 */

const SHARED_DNS = 'omnibrain-eastus.bastion.localhost';
const version = (await import('../../../package.json', {with: {type: 'json'}})).default.version;

let lab: LabWithBastion;
let tunnel: ReturnType<typeof bastionTunnels>;

beforeAll(async () => {
	lab = await startLabWithBastion({
		bastionVms: demo => {
			const dev = demo.find(vm => vm.name === 'dev-01')!;
			const db = demo.find(vm => vm.name === 'db-01')!;
			const id = (type: string, name: string) => `/subscriptions/${dev.subscriptionId}/resourceGroups/rg-qc/providers/${type}/${name}`;
			// qc-01 answers at db-01's address; its QuickConnect Bastion shares dev-01's Developer host.
			const qc: VmRecord = {...db, id: id('Microsoft.Compute/virtualMachines', 'qc-01'), name: 'qc-01', resourceGroup: 'rg-qc', bastion: {...dev.bastion!, id: id('Microsoft.Network/bastionHosts', 'bas-qc'), name: 'bas-qc', resourceGroup: 'rg-qc', sku: 'QuickConnect', dnsName: SHARED_DNS}};
			return [...demo, qc];
		},
	});
	tunnel = bastionTunnels(labCloud(lab.server.url, lab.server.ca), new LabCredential(scopes => lab.tokens.issueForScopes(scopes)));
});
afterAll(async () => {
	await lab?.stop();
});

function transportFor(vm: VmRecord) {
	const b = vm.bastion!;
	return tunnel({id: b.id, name: b.name, sku: b.sku, dnsName: b.dnsName!}, {resourceId: vm.id, port: 22});
}

function ssh(sock: NodeJS.ReadWriteStream): Promise<ssh2.Client> {
	return new Promise((resolve, reject) => {
		const client = new ssh2.Client();
		client.on('error', reject);
		client.on('ready', () => resolve(client));
		client.connect({sock: sock as never, username: LAB_USERNAME, password: LAB_PASSWORD, readyTimeout: 10_000});
	});
}

function exec(client: ssh2.Client, command: string, input?: Buffer): Promise<string> {
	return new Promise((resolve, reject) => {
		client.exec(command, (error, stream) => {
			if (error) return reject(error);
			let out = '';
			stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
			stream.on('close', () => resolve(out.trim()));
			stream.end(input);
		});
	});
}

describe('Bastion tunnel hardening', () => {
	it('sends User-Agent vmux/<version> on every call and Origin https://{endpoint} on the WebSocket', async () => {
		const before = lab.bastion.requests.length;
		const client = await ssh(await transportFor(lab.vm('web-01')).open(new AbortController().signal));
		client.end();
		await expect.poll(() => lab.bastion.requests.slice(before).some(r => r.method === 'DELETE')).toBe(true);
		const requests = lab.bastion.requests.slice(before);
		expect(requests.map(r => `${r.method} ${r.upgrade ? 'upgrade' : r.path} ${r.status}`)).toEqual(['POST /api/tokens 200', 'GET upgrade 101', expect.stringMatching(/^DELETE \/api\/tokens\/\S+ 204$/)]);
		expect(requests.every(r => r.userAgent === `vmux/${version}`)).toBe(true);
		const host = lab.vm('web-01').bastion!.dnsName!.split('.')[0];
		expect(requests[1]!.origin).toBe(`https://${host}.bastion.localhost:${lab.server.port}`);
	});

	it('writes frames of at most 4096 bytes, whatever ssh2 writes (a 1 MB upload)', async () => {
		const client = await ssh(await transportFor(lab.vm('web-01')).open(new AbortController().signal));
		expect(await exec(client, 'wc -c', Buffer.alloc(1_000_000, 0x62))).toBe('1000000');
		client.end();
		const record = lab.bastion.tunnels.at(-1)!;
		expect(record.violation).toBeUndefined();
		expect(record.largestClientFrame).toBeLessThanOrEqual(4096);
		expect(record.framesFromClient).toBeGreaterThan(244);
	});

	it('deletes the tunnel token at once when the WebSocket fails to open', async () => {
		const vm = lab.vm('web-01');
		await expect.poll(() => lab.bastion.liveTokens().length).toBe(0);
		lab.bastion.failUpgrades(1, 503);
		const error = await transportFor(vm)
			.open(new AbortController().signal)
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(BastionError);
		expect((error as BastionError).message).toMatch(/refused to open the tunnel's WebSocket \(HTTP 503\)/);
		// No close(), no retry: the token is already gone.
		expect(lab.bastion.liveTokens()).toEqual([]);
		expect(lab.bastion.requests.at(-1)).toMatchObject({method: 'DELETE', status: 204});
	});

	it('connects through a QuickConnect Bastion like a Developer one, on the host it shares with bas-dev', async () => {
		const qc = lab.vm('qc-01');
		const client = await ssh(await transportFor(qc).open(new AbortController().signal));
		expect(await exec(client, 'echo via-quickconnect')).toBe('via-quickconnect');
		client.end();
		const connection = lab.bastion.requests.filter(r => r.path === '/api/connection').at(-1)!;
		expect(connection.status).toBe(200);
		expect(lab.bastion.dataPods().at(-1)).toMatchObject({bastionId: qc.bastion!.id, vmId: qc.id});
		// bas-dev on the same host still serves dev-01.
		const dev = await ssh(await transportFor(lab.vm('dev-01')).open(new AbortController().signal));
		expect(await exec(dev, 'echo via-developer')).toBe('via-developer');
		dev.end();
	});
});
