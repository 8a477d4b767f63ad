import {request} from 'node:https';
import {WebSocket, type ClientOptions} from 'ws';
import ssh2 from 'ssh2';
import {readLabWorld} from '../../../source/lab/topology/world.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {tunnelStream} from '../../../source/core/transport/tunnel-stream.js';
import {LabTokenIssuer} from '../../../source/lab/arm/tokens.js';
import {mountLabBastion, type LabBastion} from '../../../source/lab/bastion/index.js';
import {startLabHttpsServer, type LabHttpsServer} from '../../../source/lab/https-server.js';
import {startLab, type Lab} from '../../../source/lab/lab.js';
import {LAB_PASSWORD, LAB_USERNAME, TEST_LAB_CREDENTIALS} from '../../helpers/lab-credentials.js';
import {loadDemoTopology} from '../../../source/lab/topology/index.js';

/** A real lab (sshd per running demo VM, the lab HTTPS server, ARM tokens) with the Bastion stand-in mounted. */
export interface LabWithBastion {
	lab: Lab;
	server: LabHttpsServer;
	tokens: LabTokenIssuer;
	bastion: LabBastion;
	vms: VmRecord[];
	vm(name: string): VmRecord;
	/** An ARM token for the home tenant, or for `tenantId`. */
	armToken(tenantId?: string): string;
	stop(): Promise<void>;
}

/**
 * `bastionVms` picks the VMs (with their Bastion refs) the Bastion stand-in serves, from the demo's; the SSH servers
 * are the demo's running VMs either way, so extra records may reuse their addresses.
 */
export async function startLabWithBastion(options: {bastionVms?: (demo: VmRecord[]) => VmRecord[]} = {}): Promise<LabWithBastion> {
	const topology = loadDemoTopology();
	// The lab's own reading of its world (lab/topology/world.ts), not vmux's inventory parsers.
	const demoVms = readLabWorld(topology);
	const vms = options.bastionVms ? options.bastionVms(demoVms) : demoVms;
	const lab = await startLab(demoVms, {credentials: TEST_LAB_CREDENTIALS});
	const server = await startLabHttpsServer();
	const tokens = new LabTokenIssuer({tenantId: topology.tenantId, tenants: topology.tenants.map(tenant => tenant.tenantId)});
	const bastion = mountLabBastion(server, {tokens, vms, resolve: lab.resolve, tenantOf: id => topology.tenantOf(id)});
	return {
		lab,
		server,
		tokens,
		bastion,
		vms,
		vm(name) {
			const vm = vms.find(v => v.name === name);
			if (!vm) throw new Error(`no VM ${name}`);
			return vm;
		},
		armToken: tenantId => tokens.issue(tenantId ? {tenantId} : {}).token,
		async stop() {
			await bastion.close();
			await server.close();
			await lab.stop();
		},
	};
}

export interface LabResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	// biome-ignore lint/suspicious/noExplicitAny: tests read ad-hoc fields of the lab's JSON answers.
	json(): any;
}

/** An HTTPS request to `host` (sent as SNI and Host) on the lab server, connecting to 127.0.0.1. */
export function labRequest(
	server: LabHttpsServer,
	host: string,
	method: string,
	path: string,
	options: {body?: string; contentType?: string; headers?: Record<string, string>; servername?: string} = {},
): Promise<LabResponse> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string | number> = {host: `${host}:${server.port}`, ...options.headers};
		if (options.contentType) headers['content-type'] = options.contentType;
		if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
		const req = request(
			{host: '127.0.0.1', port: server.port, method, path, ca: server.ca, servername: options.servername ?? host, headers, agent: false},
			res => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					resolve({status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text)});
				});
			},
		);
		req.on('error', reject);
		req.end(options.body);
	});
}

export function form(fields: Record<string, string | number>): string {
	return new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();
}

export const FORM = 'application/x-www-form-urlencoded';

/**
 * Opens a WebSocket to `host` on the lab server (SNI/Host = host, TCP to 127.0.0.1, lab CA), with the Origin a
 * Bastion expects (`https://{Host}`) unless `origin` says otherwise (null: none).
 */
export function labWebSocket(server: LabHttpsServer, host: string, pathAndQuery: string, protocols?: string[], origin?: string | null): WebSocket {
	// `servername` is passed through to tls.connect (ws's ClientOptions type does not list it).
	const options: ClientOptions & {servername: string} = {
		ca: server.ca,
		servername: host,
		headers: {host: `${host}:${server.port}`},
		perMessageDeflate: false,
		...(origin === null ? {} : {origin: origin ?? `https://${host}:${server.port}`}),
	};
	return new WebSocket(`wss://127.0.0.1:${server.port}${pathAndQuery}`, protocols ?? [], options);
}

/** Resolves with the HTTP status of a refused upgrade (rejects if the upgrade succeeds). */
export function upgradeRefusal(ws: WebSocket): Promise<{status: number; body: string}> {
	return new Promise((resolve, reject) => {
		ws.on('unexpected-response', (_req, res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}));
		});
		ws.on('open', () => {
			ws.terminate();
			reject(new Error('upgrade unexpectedly succeeded'));
		});
		ws.on('error', () => {});
	});
}

/** ssh2 over the WebSocket in frames of at most 4096 bytes, as a Bastion takes them; resolves once logged in. */
export function sshOver(ws: WebSocket): Promise<ssh2.Client> {
	return new Promise((resolve, reject) => {
		const client = new ssh2.Client();
		client.on('ready', () => resolve(client));
		client.on('error', reject);
		const connect = () => client.connect({sock: tunnelStream(ws), username: LAB_USERNAME, password: LAB_PASSWORD, readyTimeout: 10_000});
		if (ws.readyState === ws.OPEN) connect();
		else {
			ws.once('open', connect);
			ws.once('unexpected-response', () => reject(new Error('the WebSocket upgrade was refused')));
			ws.once('error', reject);
		}
	});
}

export function execText(client: ssh2.Client, command: string): Promise<string> {
	return new Promise((resolve, reject) => {
		client.exec(command, (error, stream) => {
			if (error) {
				reject(error);
				return;
			}
			let out = '';
			stream.on('data', (c: Buffer) => (out += c.toString('utf8')));
			stream.stderr.on('data', () => {});
			stream.on('close', () => resolve(out));
		});
	});
}
