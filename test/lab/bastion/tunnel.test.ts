import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {WebSocket} from 'ws';
import {
	IP_CONNECT_DISABLED_MESSAGE,
	IP_CONNECT_PORTS_MESSAGE,
	labBastionHost,
	labBastionTlsHost,
	NATIVE_CLIENT_SKU_MESSAGE,
} from '../../../source/lab/bastion/index.js';
import {execText, form, FORM, labRequest, labWebSocket, sshOver, startLabWithBastion, upgradeRefusal, type LabWithBastion} from './lab-bastion.js';

let env: LabWithBastion;
let stdHost: string;
let premHost: string;
let basicHost: string;
let devHost: string;

beforeAll(async () => {
	env = await startLabWithBastion();
	// Node's TLS check refuses the certificate's two-label `*.localhost`, so the tests address the Bastions by the
	// `{label}.bastion.localhost` alias (covered by `*.bastion.localhost`); the short form is tested with that SNI.
	stdHost = labBastionTlsHost(env.vm('web-01').bastion!.dnsName!);
	premHost = labBastionTlsHost(env.vm('app-01').bastion!.dnsName!);
	basicHost = labBastionTlsHost(env.vm('legacy-01').bastion!.dnsName!);
	devHost = labBastionTlsHost(env.vm('dev-01').bastion!.dnsName!);
});

afterAll(async () => {
	await env?.stop();
});

function tokenForm(vmName: string, overrides: Record<string, string | number | undefined> = {}): string {
	const fields: Record<string, string | number> = {};
	const base = {resourceId: env.vm(vmName).id, protocol: 'tcptunnel', workloadHostPort: 22, aztoken: env.armToken(), ...overrides};
	for (const [k, v] of Object.entries(base)) if (v !== undefined) fields[k] = v;
	return form(fields);
}

async function postTokens(host: string, body: string, headers: Record<string, string> = {}) {
	return labRequest(env.server, host, 'POST', '/api/tokens', {body, contentType: FORM, headers});
}

async function issue(host: string, vmName: string, overrides: Record<string, string | number | undefined> = {}) {
	const res = await postTokens(host, tokenForm(vmName, overrides));
	expect(res.status, res.text).toBe(200);
	return res.json() as {authToken: string; nodeId: string; websocketToken: string};
}

function waitOpen(ws: WebSocket): Promise<void> {
	return new Promise((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
}

describe('lab Bastion: addressing', () => {
	it('maps a dnsName to its first label + .localhost, case-insensitively', () => {
		expect(labBastionHost('bst-1234.bastion.azure.com')).toBe('bst-1234.localhost');
		expect(labBastionHost('BST-1234.Bastion.Azure.com')).toBe('bst-1234.localhost');
		expect(env.bastion.hostFor('omnibrain.eastus.bastion.azure.com')).toBe('omnibrain.localhost');
		expect(labBastionTlsHost('BST-1234.bastion.azure.com')).toBe('bst-1234.bastion.localhost');
	});

	it('answers on {label}.localhost, the full dnsName and an upper-case Host too, and 404s on unknown hosts', async () => {
		const dnsName = env.vm('web-01').bastion!.dnsName!;
		for (const host of [labBastionHost(dnsName), dnsName, labBastionHost(dnsName).toUpperCase(), stdHost.toUpperCase()]) {
			const res = await labRequest(env.server, host, 'POST', '/api/tokens', {body: tokenForm('web-01'), contentType: FORM, servername: stdHost});
			expect(res.status, `${host}: ${res.text}`).toBe(200);
		}
		// The short Developer form too (omnibrain-eastus.bastion.localhost -> omnibrain-eastus.localhost).
		const dev = await labRequest(env.server, 'omnibrain-eastus.localhost', 'POST', '/api/connection', {body: '{}', contentType: 'application/json', servername: devHost});
		expect(dev.status).toBe(400);
		const unknown = await labRequest(env.server, 'bst-nope.bastion.localhost', 'POST', '/api/tokens', {body: tokenForm('web-01'), contentType: FORM});
		expect(unknown.status).toBe(404);
	});
});

describe('lab Bastion: Standard tunnel round trip', () => {
	it('runs ssh through webtunnelv2 to the VM, records the tunnel, then DELETE 204 and 404', async () => {
		const {authToken, nodeId, websocketToken} = await issue(stdHost, 'web-01');
		expect(env.bastion.liveTokens().some(t => t.authToken === authToken && t.unusedWebsocketTokens.includes(websocketToken))).toBe(true);
		const ws = labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`);
		const client = await sshOver(ws);
		expect(ws.protocol).toBe('');
		expect(ws.extensions).toBe('');
		const out = await execText(client, 'echo hello-through-bastion');
		expect(out.trim()).toBe('hello-through-bastion');
		client.end();
		await new Promise(resolve => ws.once('close', resolve));

		const tunnel = env.bastion.tunnels.find(t => t.authToken === authToken)!;
		expect(tunnel.vmId).toBe(env.vm('web-01').id);
		expect(tunnel.target).toEqual({host: '10.1.1.4', port: 22});
		expect(tunnel.bytesToTarget).toBeGreaterThan(0);
		expect(tunnel.bytesFromTarget).toBeGreaterThan(0);
		await expect.poll(() => tunnel.closedAt).toBeDefined();
		expect(env.lab.ssh.get('web-01')!.sessions.some(s => s.command === 'echo hello-through-bastion')).toBe(true);

		const del = await labRequest(env.server, stdHost, 'DELETE', `/api/tokens/${authToken}`, {headers: {'X-Node-Id': nodeId}});
		expect(del.status).toBe(204);
		expect(env.bastion.liveTokens().some(t => t.authToken === authToken)).toBe(false);
		const again = await labRequest(env.server, stdHost, 'DELETE', `/api/tokens/${authToken}`, {headers: {'X-Node-Id': nodeId}});
		expect(again.status).toBe(404);
		expect(again.json()).toEqual({message: expect.any(String)});
	});

	it('serves a VM in a peered VNet (db-01 via bas-std)', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'db-01');
		const client = await sshOver(labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`));
		expect((await execText(client, 'echo db')).trim()).toBe('db');
		client.end();
	});

	it('carries a bulk transfer both ways intact (backpressure)', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		const client = await sshOver(labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`));
		const big = await execText(client, 'head -c 3000000 /dev/urandom | base64 -w0');
		expect(big).toMatch(/^[A-Za-z0-9+/]{4000000}$/);
		const uploaded = await new Promise<string>((resolve, reject) => {
			client.exec('wc -c', (error, stream) => {
				if (error) return reject(error);
				let text = '';
				stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
				stream.on('close', () => resolve(text));
				stream.end(Buffer.alloc(3_000_000, 7));
			});
		});
		expect(uploaded.trim()).toBe('3000000');
		const tunnel = env.bastion.tunnels.find(t => t.nodeId === nodeId)!;
		expect(tunnel.bytesToTarget).toBeGreaterThan(3_000_000);
		expect(tunnel.bytesFromTarget).toBeGreaterThan(3_000_000);
		client.end();
		await expect.poll(() => tunnel.closeReason).toBeDefined();
	});

	it('accepts the reconnect form (token + X-Node-Id) and keeps the authToken', async () => {
		const first = await issue(stdHost, 'web-01');
		const res = await postTokens(stdHost, tokenForm('web-01', {token: first.authToken}), {'X-Node-Id': first.nodeId});
		expect(res.status, res.text).toBe(200);
		const second = res.json();
		expect(second.authToken).toBe(first.authToken);
		expect(second.nodeId).toBe(first.nodeId);
		expect(second.websocketToken).not.toBe(first.websocketToken);
	});
});

describe('lab Bastion: /api/tokens refusals', () => {
	it('allows only POST with a form body', async () => {
		const get = await labRequest(env.server, stdHost, 'GET', '/api/tokens');
		expect(get.status).toBe(405);
		const json = await labRequest(env.server, stdHost, 'POST', '/api/tokens', {
			body: JSON.stringify({resourceId: env.vm('web-01').id, protocol: 'tcptunnel', workloadHostPort: 22, aztoken: env.armToken()}),
			contentType: 'application/json',
		});
		expect(json.status).toBe(415);
		expect(json.json()).toEqual({message: expect.stringContaining('application/x-www-form-urlencoded')});
	});

	it('answers 400 for missing or invalid fields', async () => {
		for (const overrides of [
			{resourceId: undefined},
			{protocol: undefined},
			{protocol: 'ssh'},
			{workloadHostPort: undefined},
			{workloadHostPort: 'abc'},
			{workloadHostPort: 70000},
			{workloadHostPort: 0},
			{aztoken: undefined},
			{resourceId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z'},
		]) {
			const res = await postTokens(stdHost, tokenForm('web-01', overrides));
			expect(res.status, JSON.stringify(overrides)).toBe(400);
			expect(res.json()).toEqual({message: expect.any(String)});
		}
	});

	it('answers 401 for a garbage, expired, revoked or wrong-audience aztoken', async () => {
		const expired = env.tokens.issue({now: Date.now() - 7200_000, lifetimeSeconds: 3600}).token;
		const vault = env.tokens.issue({audience: 'https://vault.azure.net'}).token;
		const revoked = env.armToken();
		env.tokens.revoke(revoked);
		for (const aztoken of ['garbage', 'a.b.c', expired, vault, revoked]) {
			const res = await postTokens(stdHost, tokenForm('web-01', {aztoken}));
			expect(res.status).toBe(401);
			expect(res.json()).toEqual({message: expect.any(String)});
		}
		const wrongAud = await postTokens(stdHost, tokenForm('web-01', {aztoken: vault}));
		expect(wrongAud.json().message).toMatch(/wrong audience/);
	});

	it('refuses VMs this Bastion does not serve, stopped VMs and unknown VMs', async () => {
		const other = await postTokens(stdHost, tokenForm('app-01'));
		expect(other.status).toBe(403);
		expect(other.json().message).toMatch(/not reachable from Bastion Host 'bas-std'/);
		const stopped = await postTokens(stdHost, tokenForm('web-02'));
		expect(stopped.status).toBe(409);
		expect(stopped.json().message).toMatch(/not running/);
		const unknown = await postTokens(stdHost, tokenForm('web-01', {resourceId: env.vm('web-01').id.replace(/web-01$/, 'ghost-01')}));
		expect(unknown.status).toBe(404);
		expect(unknown.json().message).toMatch(/ghost-01/);
	});

	it('gates on SKU and native client (Basic refused), Developer host serves no tokens', async () => {
		const basic = await postTokens(basicHost, tokenForm('legacy-01'));
		expect(basic.status).toBe(403);
		expect(basic.json()).toEqual({message: NATIVE_CLIENT_SKU_MESSAGE});
		const dev = await postTokens(devHost, tokenForm('dev-01'));
		expect(dev.status).toBe(404);
		const devWs = await upgradeRefusal(labWebSocket(env.server, devHost, '/webtunnelv2/x?X-Node-Id=y'));
		expect(devWs.status).toBe(404);
	});

	it('allows custom ports on Standard/Premium (and the tunnel then fails to reach a closed port)', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01', {workloadHostPort: 2222});
		const ws = labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`);
		const code = await new Promise<number>(resolve => ws.once('close', c => resolve(c)));
		expect(code).toBe(1011);
		expect(env.bastion.tunnels.at(-1)).toMatchObject({target: {host: '10.1.1.4', port: 2222}, closeReason: 'unreachable'});
	});

	it('gates IP connect on enableIpConnect, ports 22/3389 and the bh-hostConnect resourceId', async () => {
		const prem = env.vm('app-01').bastion!;
		const ipId = (ip: string, rg = prem.resourceGroup) => `/subscriptions/${prem.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/bh-hostConnect/${ip}`;
		const ok = await issue(premHost, 'app-01', {resourceId: ipId('10.10.1.4'), hostname: '10.10.1.4'});
		const client = await sshOver(labWebSocket(env.server, premHost, `/webtunnelv2/${ok.websocketToken}?X-Node-Id=${ok.nodeId}`));
		expect((await execText(client, 'echo via-ip')).trim()).toBe('via-ip');
		client.end();

		const custom = await postTokens(premHost, tokenForm('app-01', {resourceId: ipId('10.10.1.4'), hostname: '10.10.1.4', workloadHostPort: 2222}));
		expect(custom.status).toBe(403);
		expect(custom.json()).toEqual({message: IP_CONNECT_PORTS_MESSAGE});
		const rdp = await postTokens(premHost, tokenForm('app-01', {resourceId: ipId('10.10.1.4'), hostname: '10.10.1.4', workloadHostPort: 3389}));
		expect(rdp.status).toBe(200);
		const mismatch = await postTokens(premHost, tokenForm('app-01', {resourceId: ipId('10.10.1.5'), hostname: '10.10.1.4'}));
		expect(mismatch.status).toBe(400);
		const vmIdWithHostname = await postTokens(premHost, tokenForm('app-01', {hostname: '10.10.1.4'}));
		expect(vmIdWithHostname.status).toBe(400);
		const wrongRg = await postTokens(premHost, tokenForm('app-01', {resourceId: ipId('10.10.1.4', 'rg-other'), hostname: '10.10.1.4'}));
		expect(wrongRg.status).toBe(400);
		const unreachable = await postTokens(premHost, tokenForm('app-01', {resourceId: ipId('10.1.1.4'), hostname: '10.1.1.4'}));
		expect(unreachable.status).toBe(403);

		const std = env.vm('web-01').bastion!;
		const stdIp = `/subscriptions/${std.subscriptionId}/resourceGroups/${std.resourceGroup}/providers/Microsoft.Network/bh-hostConnect/10.1.1.4`;
		const disabled = await postTokens(stdHost, tokenForm('web-01', {resourceId: stdIp, hostname: '10.1.1.4'}));
		expect(disabled.status).toBe(403);
		expect(disabled.json()).toEqual({message: IP_CONNECT_DISABLED_MESSAGE});
	});
});

describe('lab Bastion: WebSocket rules', () => {
	it('makes websocketTokens single-use and requires the right X-Node-Id', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		const missing = await upgradeRefusal(labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}`));
		expect(missing.status).toBe(403);
		const wrong = await upgradeRefusal(labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=WRONG`));
		expect(wrong.status).toBe(403);
		expect(JSON.parse(wrong.body)).toEqual({message: expect.stringContaining('X-Node-Id')});
		const otherHost = await upgradeRefusal(labWebSocket(env.server, premHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`));
		expect(otherHost.status).toBe(404);

		const ws = labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`);
		await waitOpen(ws);
		const reused = await upgradeRefusal(labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`));
		expect(reused.status).toBe(404);
		const unknown = await upgradeRefusal(labWebSocket(env.server, stdHost, `/webtunnelv2/not-a-token?X-Node-Id=${nodeId}`));
		expect(unknown.status).toBe(404);
		ws.close();
		await new Promise(resolve => ws.once('close', resolve));
	});

	it('selects no subprotocol even when one is asked for', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		const ws = labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`, ['tunnel']);
		const error = await new Promise<Error>(resolve => ws.once('error', resolve));
		expect(error.message).toMatch(/subprotocol/i);
	});

	it('closes the tunnel on a text frame (binary frames only)', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		const ws = labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`);
		await waitOpen(ws);
		ws.send('SSH-2.0-text\r\n');
		const code = await new Promise<number>(resolve => ws.once('close', c => resolve(c)));
		expect(code).toBe(1003);
	});

	it('killTunnels drops the ssh connection abruptly', async () => {
		const {nodeId, websocketToken} = await issue(stdHost, 'web-01');
		const ws = labWebSocket(env.server, stdHost, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`);
		const client = await sshOver(ws);
		// ws's createWebSocketStream never emits 'close' (emitClose: false), so ssh2 reports a dropped tunnel as 'end'.
		const closed = new Promise<void>(resolve => {
			client.once('end', () => resolve());
			client.once('close', () => resolve());
		});
		const wsClose = new Promise<number>(resolve => ws.once('close', c => resolve(c)));
		// Earlier tests end their ssh clients without waiting, so count what is still live rather than assume.
		const liveFor = (name: string) => env.bastion.tunnels.filter(t => t.vmId === env.vm(name).id && t.closedAt === undefined).length;
		expect(env.bastion.killTunnels(env.vm('legacy-01').id)).toBe(0);
		const liveWeb = liveFor('web-01');
		expect(liveWeb).toBeGreaterThanOrEqual(1);
		expect(env.bastion.killTunnels(env.vm('web-01').id)).toBe(liveWeb);
		expect(liveFor('web-01')).toBe(0);
		await closed;
		expect(await wsClose).toBe(1006);
		expect(env.bastion.tunnels.at(-1)).toMatchObject({closeReason: 'killed', vmId: env.vm('web-01').id});
		await expect(execText(client, 'echo after-kill')).rejects.toThrow();
	});
});

describe('lab Bastion: DELETE /api/tokens/{authToken}', () => {
	it('requires the matching X-Node-Id', async () => {
		const {authToken, nodeId} = await issue(stdHost, 'web-01');
		const missing = await labRequest(env.server, stdHost, 'DELETE', `/api/tokens/${authToken}`);
		expect(missing.status).toBe(400);
		const wrong = await labRequest(env.server, stdHost, 'DELETE', `/api/tokens/${authToken}`, {headers: {'X-Node-Id': 'WRONG'}});
		expect(wrong.status).toBe(403);
		const otherHost = await labRequest(env.server, premHost, 'DELETE', `/api/tokens/${authToken}`, {headers: {'X-Node-Id': nodeId}});
		expect(otherHost.status).toBe(404);
		const ok = await labRequest(env.server, stdHost, 'DELETE', `/api/tokens/${authToken}`, {headers: {'X-Node-Id': nodeId}});
		expect(ok.status).toBe(204);
		expect((await labRequest(env.server, stdHost, 'DELETE', `/api/tokens/${authToken}`, {headers: {'X-Node-Id': nodeId}})).status).toBe(404);
	});
});

describe('lab Bastion: Developer via the data pod', () => {
	function connectionBody(overrides: Record<string, unknown> = {}) {
		return JSON.stringify({
			resourceId: env.vm('dev-01').id,
			bastionResourceId: env.vm('dev-01').bastion!.id,
			vmPort: 22,
			azToken: env.armToken(),
			connectionType: 'nativeclient',
			...overrides,
		});
	}
	const postConnection = (body: string, contentType = 'application/json', host = devHost) =>
		labRequest(env.server, host, 'POST', '/api/connection', {body, contentType});

	it('validates /api/connection', async () => {
		expect((await postConnection('{not json')).status).toBe(400);
		expect((await postConnection(connectionBody(), FORM)).status).toBe(415);
		expect((await labRequest(env.server, devHost, 'GET', '/api/connection')).status).toBe(405);
		for (const overrides of [{vmPort: 2222}, {vmPort: '22'}, {connectionType: 'rdp'}, {resourceId: undefined}, {bastionResourceId: env.vm('web-01').bastion!.id}]) {
			const res = await postConnection(connectionBody(overrides));
			expect(res.status, JSON.stringify(overrides)).toBe(400);
			expect(res.json()).toEqual({message: expect.any(String)});
		}
		expect((await postConnection(connectionBody({azToken: 'garbage'}))).status).toBe(401);
		expect((await postConnection(connectionBody({resourceId: env.vm('web-01').id}))).status).toBe(403);
		expect((await postConnection(connectionBody(), 'application/json', stdHost)).status).toBe(404);
	});

	it('returns a data pod host, then tokens and /omni/webtunnel there carry ssh to the VM', async () => {
		const res = await postConnection(connectionBody());
		expect(res.status, res.text).toBe(200);
		expect(res.headers['content-type']).toMatch(/^text\/plain/);
		const pod = res.text;
		expect(pod).toMatch(/^dp-[a-z0-9]+\.bastion\.localhost$/);

		expect((await postTokens(pod, tokenForm('dev-01', {workloadHostPort: 2222}))).status).toBe(403);
		expect((await postTokens(pod, tokenForm('web-01'))).status).toBe(403);
		const {authToken, nodeId, websocketToken} = await issue(pod, 'dev-01');
		expect((await upgradeRefusal(labWebSocket(env.server, pod, `/webtunnelv2/${websocketToken}?X-Node-Id=${nodeId}`))).status).toBe(404);
		const client = await sshOver(labWebSocket(env.server, pod, `/omni/webtunnel/${websocketToken}`));
		expect((await execText(client, 'echo dev-pod')).trim()).toBe('dev-pod');
		client.end();
		expect(env.bastion.tunnels.at(-1)).toMatchObject({vmId: env.vm('dev-01').id, endpoint: pod});

		expect((await labRequest(env.server, pod, 'DELETE', `/api/tokens/${authToken}`, {headers: {'X-Node-Id': nodeId}})).status).toBe(204);
		expect((await labRequest(env.server, pod, 'DELETE', `/api/tokens/${authToken}`, {headers: {'X-Node-Id': nodeId}})).status).toBe(404);
	});
});

describe('lab Bastion: request log', () => {
	it('records every request with its status', () => {
		expect(env.bastion.requests.length).toBeGreaterThan(10);
		expect(env.bastion.requests.some(r => r.upgrade && r.status === 101)).toBe(true);
		expect(env.bastion.requests.some(r => r.status === 401 && r.path === '/api/tokens')).toBe(true);
	});
});
