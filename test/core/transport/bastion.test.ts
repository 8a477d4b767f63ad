import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {bastionTunnels} from '../../../source/core/transport/bastion-tunnels.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {ipConnectResourceId} from '../../../source/core/azure/resource-id.js';
import {BastionError} from '../../../source/core/transport/bastion.js';
import {bastionEndpoints} from '../../../source/core/transport/bastion-endpoints.js';
import {AZURE_CLOUDS, customCloud} from '../../../source/core/azure/cloud.js';
import {LAB_PASSWORD, LAB_USERNAME} from '../../helpers/lab-credentials.js';
import {startLabWithBastion, type LabWithBastion} from '../../lab/bastion/lab-bastion.js';
import {makeManager, ScriptedPrompter, screenText, tempDir, waitUntil as waitFor} from '../../helpers/lab-session.js';

/**
 * vmux's Bastion native-client tunnel (core/transport/bastion) against the lab's contract-exact stand-in:
 * the ARM token buys a tunnel token, the WebSocket carries ssh2 to the lab VM's sshd, the token is deleted after.
 */
let lab: LabWithBastion;
let tunnel: ReturnType<typeof bastionTunnels>;

beforeAll(async () => {
	lab = await startLabWithBastion();
	const cloud = labCloud(lab.server.url, lab.server.ca);
	tunnel = bastionTunnels(cloud, new LabCredential(scopes => lab.tokens.issueForScopes(scopes)));
});
afterAll(async () => {
	await lab.stop();
});

function transportFor(vm: VmRecord, port = 22) {
	const b = vm.bastion!;
	return tunnel({id: b.id, name: b.name, sku: b.sku, dnsName: b.dnsName!}, {resourceId: vm.id, port});
}

/** Runs one command over ssh2 through an opened transport stream. */
function sshEcho(sock: NodeJS.ReadWriteStream, command: string): Promise<{output: string; client: ssh2.Client}> {
	return new Promise((resolve, reject) => {
		const client = new ssh2.Client();
		client.on('error', reject);
		client.on('ready', () => {
			client.exec(command, (error, stream) => {
				if (error) return reject(error);
				let output = '';
				stream.on('data', (d: Buffer) => (output += d.toString()));
				stream.on('close', () => resolve({output, client}));
			});
		});
		client.connect({sock: sock as never, username: LAB_USERNAME, password: LAB_PASSWORD, readyTimeout: 10_000});
	});
}

describe('BastionTransport against the lab Bastion', () => {
	it("reaches a Bastion at its own dnsName, on the cloud's data-plane port when it has one: one path for every cloud", () => {
		const noProxy = () => undefined;
		const publicCloud = bastionEndpoints(AZURE_CLOUDS.AzureCloud, noProxy)('BST-1234.bastion.azure.com');
		expect(publicCloud).toMatchObject({origin: 'https://bst-1234.bastion.azure.com', host: 'bst-1234.bastion.azure.com'});
		const stack = customCloud({armEndpoint: 'https://management.stack.example', authorityHost: 'https://login.stack.example', keyVaultSuffix: 'vault.stack.example', dataPlanePort: 8443});
		expect(bastionEndpoints(stack, noProxy)('bst-1.bastion.stack.example').origin).toBe('https://bst-1.bastion.stack.example:8443');
		// The lab cloud is built the same way: its port and its CA, nothing named after the lab.
		const cloud = labCloud(lab.server.url, lab.server.ca);
		expect(cloud.name).toBe('custom');
		const dnsName = lab.vm('web-01').bastion!.dnsName!;
		expect(bastionEndpoints(cloud, noProxy)(dnsName)).toMatchObject({origin: `https://${dnsName}:${lab.server.port}`, host: dnsName, ca: lab.server.ca});
	});

	it('tunnels ssh to a Standard-SKU VM and deletes the tunnel token when the connection ends', async () => {
		const vm = lab.vm('web-01');
		const transport = transportFor(vm);
		expect(transport.description).toBe(`Bastion ${vm.bastion!.name}`);
		const {output, client} = await sshEcho(await transport.open(new AbortController().signal), 'echo through-bastion-$((40+2))');
		expect(output).toContain('through-bastion-42');
		expect(lab.bastion.liveTokens()).toHaveLength(1);
		client.end();
		await waitUntil(() => lab.bastion.liveTokens().length === 0);
		const deletes = lab.bastion.requests.filter(r => r.method === 'DELETE');
		expect(deletes.at(-1)?.status).toBe(204);
	});

	it('reaches a Developer-SKU VM through its data pod', async () => {
		const vm = lab.vms.find(v => v.bastion?.sku === 'Developer' && v.powerState === 'running')!;
		const {output, client} = await sshEcho(await transportFor(vm).open(new AbortController().signal), 'echo dev-$((1+1))');
		expect(output).toContain('dev-2');
		client.end();
		expect(lab.bastion.requests.some(r => r.path === '/api/connection' && r.status === 200)).toBe(true);
	});

	it('says what the Bastion refused, as a sentence, and does not retry a refusal', async () => {
		const stopped = lab.vms.find(v => v.bastion && v.powerState !== 'running' && v.bastion.sku === 'Standard')!;
		const error = await transportFor(stopped).open(new AbortController().signal).catch(e => e as BastionError);
		expect(error).toBeInstanceOf(BastionError);
		expect((error as BastionError).message).toMatch(new RegExp(`^Bastion ${stopped.bastion!.name} refused to open a tunnel \\(HTTP 4\\d\\d\\): .+`));
		expect((error as BastionError).status).toBeGreaterThanOrEqual(400);
	});

	it('turns a killed tunnel into a closed ssh connection (so the session reconnects)', async () => {
		const vm = lab.vm('web-01');
		const {client} = await sshEcho(await transportFor(vm).open(new AbortController().signal), 'true');
		const closed = new Promise<void>(resolve => client.once('close', () => resolve()));
		expect(lab.bastion.killTunnels(vm.id)).toBeGreaterThan(0);
		await closed;
	});

	it('a session over a killed tunnel shows disconnected, reconnects through a new tunnel, and continues in the pane', async () => {
		const vm = lab.vm('web-01');
		const config = tempDir();
		const manager = makeManager(config.dir, new ScriptedPrompter('accept-save'));
		try {
			const session = manager.open({
				label: vm.name,
				host: vm.privateIp!,
				port: 22,
				username: LAB_USERNAME,
				transport: transportFor(vm),
				credentials: async () => [{type: 'password', password: LAB_PASSWORD, label: 'password'}],
				keepaliveIntervalSec: 1,
				keepaliveCountMax: 2,
			});
			await waitFor(() => session.state.kind === 'running' && session.connection.state.kind === 'open', 'the session to open');
			session.sendInput(Buffer.from('echo before-kill-$((1+2))\r'));
			await waitFor(() => screenText(session).includes('before-kill-3'), 'the first echo');
			const tunnelsBefore = lab.bastion.tunnels.length;
			lab.bastion.killTunnels(vm.id);
			await waitFor(() => session.connection.state.kind === 'disconnected', 'the session to see the tunnel die');
			// Backoff starts at 1 s; a new ARM token buys a new tunnel.
			await waitFor(() => session.connection.state.kind === 'open' && session.state.kind === 'running', 'the reconnect', 15_000);
			expect(lab.bastion.tunnels.length).toBeGreaterThan(tunnelsBefore);
			session.sendInput(Buffer.from('echo after-kill-$((2+2))\r'));
			await waitFor(() => screenText(session).includes('after-kill-4'), 'the echo after reconnecting');
			const screen = screenText(session);
			expect(screen).toContain('before-kill-3');
			expect(screen).toMatch(/reconnected/);
		} finally {
			manager.closeAll();
			config.remove();
		}
	}, 30_000);

	it('builds the bh-hostConnect resource id for IP-based connections', () => {
		expect(ipConnectResourceId('/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/bastionHosts/bas-std', '10.1.1.4')).toBe(
			'/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/bh-hostConnect/10.1.1.4',
		);
	});
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise(done => setTimeout(done, 20));
	}
}

describe('BastionTransport without a sign-in', () => {
	it('says so and what to do, and is not retried on its own', async () => {
		const {BastionTransport} = await import('../../../source/core/transport/bastion.js');
		const {describeConnectError} = await import('../../../source/core/session/errors.js');
		const transport = new BastionTransport({
			bastion: {id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/bastionHosts/bas-std', name: 'bas-std', sku: 'Standard', dnsName: 'bst-1.bastion.azure.com'},
			target: {resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web-01', port: 22},
			armToken: async () => {
				throw new Error('There is no Azure CLI login');
			},
		});
		const error = await transport.open(new AbortController().signal).then(
			(): never => {
				throw new Error('the transport opened without a sign-in');
			},
			(e: unknown) => e as Error,
		);
		expect(error.message).toBe('Could not get an Azure token for Bastion bas-std: There is no Azure CLI login. Sign in (az login, or L in the browser), then Ctrl-b r.');
		expect(describeConnectError(error, 'web-01')).toEqual({retriable: false, message: error.message});
	});
});
