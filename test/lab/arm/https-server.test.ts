import type {IncomingMessage} from 'node:http';
import {afterEach, describe, expect, test} from 'vitest';
import {readBody, sendJson, startLabHttpsServer, type LabHttpsServer} from '../../../source/lab/https-server.js';
import {rawRequest} from './helpers.js';

describe('startLabHttpsServer', () => {
	let server: LabHttpsServer | undefined;
	afterEach(async () => {
		await server?.close();
		server = undefined;
	});

	test('listens on 127.0.0.1 with an ephemeral port and serves TLS signed by the lab CA', async () => {
		server = await startLabHttpsServer();
		expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
		expect(server.port).toBeGreaterThan(0);
		expect(server.ca).toContain('BEGIN CERTIFICATE');
		server.mount('/', (_req, res) => sendJson(res, 200, {ok: true}));
		const response = await rawRequest(`${server.url}/anything`, {ca: server.ca});
		expect(response.status).toBe(200);
		expect(response.json).toEqual({ok: true});
	});

	test('routes by path prefix on whole segments, longest prefix first, and strips the prefix', async () => {
		server = await startLabHttpsServer();
		server.mount('/api', (_req, res, ctx) => sendJson(res, 200, {mount: 'api', path: ctx.path}));
		server.mount('/api/tokens', (_req, res, ctx) => sendJson(res, 200, {mount: 'tokens', path: ctx.path}));
		expect((await rawRequest(`${server.url}/api/connection`, {ca: server.ca})).json).toEqual({mount: 'api', path: '/connection'});
		expect((await rawRequest(`${server.url}/api/tokens/abc`, {ca: server.ca})).json).toEqual({mount: 'tokens', path: '/abc'});
		const miss = await rawRequest(`${server.url}/apix`, {ca: server.ca});
		expect(miss.status).toBe(404);
		expect(miss.json).toMatchObject({error: {code: 'NotFound'}});
	});

	test('routes by Host header (exact and wildcard) before host-agnostic mounts', async () => {
		server = await startLabHttpsServer();
		server.mount('/', (_req, res) => sendJson(res, 200, {mount: 'any'}));
		server.mount({host: '*.vault.localhost'}, (_req, res, ctx) => sendJson(res, 200, {mount: 'vault', host: ctx.host}));
		server.mount({host: 'bst-1.bastion.localhost', pathPrefix: '/api'}, (_req, res, ctx) => sendJson(res, 200, {mount: 'bastion', path: ctx.path}));
		const vault = await rawRequest(`${server.url}/secrets/x`, {ca: server.ca, host: 'web-kv.vault.localhost'});
		expect(vault.json).toEqual({mount: 'vault', host: 'web-kv.vault.localhost'});
		const bastion = await rawRequest(`${server.url}/api/tokens`, {ca: server.ca, host: 'bst-1.bastion.localhost'});
		expect(bastion.json).toEqual({mount: 'bastion', path: '/tokens'});
		const other = await rawRequest(`${server.url}/api/tokens`, {ca: server.ca, host: 'bst-2.bastion.localhost'});
		expect(other.json).toEqual({mount: 'any'});
	});

	test('a custom matcher decides, and unmounting removes the route', async () => {
		server = await startLabHttpsServer();
		const off = server.mount({match: (req: IncomingMessage) => req.method === 'POST'}, async (req, res) => sendJson(res, 201, {body: await readBody(req)}));
		const posted = await rawRequest(`${server.url}/x`, {ca: server.ca, method: 'POST', body: 'hello'});
		expect(posted.status).toBe(201);
		expect(posted.json).toEqual({body: 'hello'});
		expect((await rawRequest(`${server.url}/x`, {ca: server.ca})).status).toBe(404);
		off();
		expect((await rawRequest(`${server.url}/x`, {ca: server.ca, method: 'POST', body: 'hello'})).status).toBe(404);
	});

	test('a failing handler answers 500 instead of hanging the client', async () => {
		server = await startLabHttpsServer();
		server.mount('/boom', async () => {
			throw new Error('handler bug');
		});
		const response = await rawRequest(`${server.url}/boom`, {ca: server.ca});
		expect(response.status).toBe(500);
		expect(response.json).toMatchObject({error: {code: 'InternalServerError'}});
	});

	test('upgrade requests are routed to upgrade mounts', async () => {
		server = await startLabHttpsServer();
		server.mountUpgrade({pathPrefix: '/webtunnelv2'}, (_req, socket) => {
			socket.end('HTTP/1.1 418 I am a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
		});
		const tunneled = await rawRequest(`${server.url}/webtunnelv2/token`, {ca: server.ca, headers: {connection: 'Upgrade', upgrade: 'websocket'}});
		expect(tunneled.status).toBe(418);
		const unrouted = await rawRequest(`${server.url}/other`, {ca: server.ca, headers: {connection: 'Upgrade', upgrade: 'websocket'}});
		expect(unrouted.status).toBe(404);
	});

	test('refuses clients that do not trust the lab CA', async () => {
		server = await startLabHttpsServer();
		server.mount('/', (_req, res) => sendJson(res, 200, {}));
		await expect(rawRequest(`${server.url}/`, {ca: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'})).rejects.toThrow();
	});

	test('close() returns even with keep-alive connections open', async () => {
		server = await startLabHttpsServer();
		server.mount('/', (_req, res) => sendJson(res, 200, {}));
		const {Agent} = await import('node:https');
		const agent = new Agent({keepAlive: true, ca: server.ca});
		const {request} = await import('node:https');
		await new Promise<void>((resolve, reject) => {
			request(`${server!.url}/`, {agent, servername: 'localhost'}, res => {
				res.resume();
				res.on('end', () => resolve());
			})
				.on('error', reject)
				.end();
		});
		await server.close();
		server = undefined;
		agent.destroy();
	});
});
