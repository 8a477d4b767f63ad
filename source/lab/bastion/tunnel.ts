import {randomBytes, randomUUID} from 'node:crypto';
import {STATUS_CODES, type IncomingMessage, type ServerResponse} from 'node:http';
import {connect as tcpConnect, type Socket} from 'node:net';
import type {Duplex} from 'node:stream';
import {WebSocketServer, type WebSocket} from 'ws';
import {idKey, sameId} from '../../core/azure/resource-id.js';
import {servingBastions, type BastionRef, type VmRecord} from '../../core/inventory/model.js';
import {ARM_AUDIENCES, sameTenant, tokenIssuer, type LabTokenIssuer} from '../arm/tokens.js';
import {readBody, type LabHttpsServer, type LabRequestContext} from '../https-server.js';
import {clientFrameScanner, MAX_CLIENT_FRAME} from './frame-rules.js';

/**
 * A stand-in for Azure Bastion's native-client tunnel (docs: shared/contracts/azure.md §2–3), strict enough that
 * a client which gets through it speaks the real protocol:
 *
 * - Developer (and QuickConnect, handled the same way): `POST /api/connection` (JSON) on the Bastion's host ->
 *   text/plain data-pod host; tokens and the WebSocket (`/omni/webtunnel/{websocketToken}`) are then served on that
 *   data-pod host only. Several such Bastions of a region may share one host (`omnibrain.{region}…`): the
 *   `bastionResourceId` of the request tells them apart.
 * - Standard/Premium with `enableTunneling`: `POST /api/tokens` (form) and `/webtunnelv2/{websocketToken}?X-Node-Id=`.
 * - `DELETE /api/tokens/{authToken}` with `X-Node-Id` -> 204.
 * - The WebSocket upgrade must carry `Origin: https://{host}` (the Host it was sent to), as the Azure CLI's client
 *   sends it; the client's frames must be binary, complete (no continuation frames) and at most 4096 bytes.
 *
 * Addressing in the lab: the lab's ARM lists each Bastion's `dnsName` in the lab's own domain
 * (`bst-1234.bastion.localhost`), and vmux connects to it as listed, on the lab cloud's data-plane port, exactly as
 * to a Bastion of any cloud (core/transport/bastion-endpoints.ts). A topology with public names (Microsoft's
 * examples: `bst-1234.bastion.azure.com`) is answered at its first label under `.localhost` and `.bastion.localhost`
 * too (labBastionHost, labBastionTlsHost), for the lab's own tests; the client knows nothing of these aliases.
 * Developer data pods are `dp-<hex>.bastion.localhost`.
 */

export interface LabBastionOptions {
	tokens: LabTokenIssuer;
	/** The VMs (with their Bastion refs) the lab serves; Bastions are taken from these records. */
	vms: VmRecord[];
	/** The lab's network: VM address -> loopback address of its SSH server (see `startLab`). */
	resolve(host: string, port: number): {host: string; port: number} | undefined;
	/**
	 * The tenant of a subscription (the topology's `tenantOf`): a Bastion takes ARM tokens of its subscription's
	 * tenant only. Without it, or for a subscription it does not know, the issuer's home tenant.
	 */
	tenantOf?(subscriptionId: string): string | undefined;
}

export interface LabBastionRequest {
	method: string;
	host: string;
	path: string;
	status: number;
	/** The `message` of an error response. */
	message?: string;
	/** Bastion resource id the Host named (data pods map to their Bastion; a shared host names none). */
	bastionId?: string;
	upgrade: boolean;
	/** The request's `User-Agent` and `Origin` headers, as sent. */
	userAgent?: string;
	origin?: string;
	at: number;
}

export type LabTunnelCloseReason = 'client' | 'target' | 'killed' | 'unreachable' | 'protocol' | 'shutdown';

export interface LabBastionTunnel {
	id: number;
	bastionId: string;
	/** The VM the token was issued for; undefined for IP connect with no matching VM. */
	vmId?: string;
	/** The address the tunnel was asked to reach (VM private IP or IP-connect hostname) and port. */
	target: {host: string; port: number};
	authToken: string;
	nodeId: string;
	endpoint: string;
	openedAt: number;
	closedAt?: number;
	closeReason?: LabTunnelCloseReason;
	/** Bytes carried client -> VM. */
	bytesToTarget: number;
	/** Bytes carried VM -> client. */
	bytesFromTarget: number;
	/** Data frames the client sent, and the largest payload among them. */
	framesFromClient: number;
	largestClientFrame: number;
	/** Why the lab closed the tunnel on a frame rule (closeReason `protocol`). */
	violation?: string;
}

export interface LabBastionTokenInfo {
	authToken: string;
	nodeId: string;
	bastionId: string;
	/** The host the token was issued on (the Bastion's host, or a Developer data pod). */
	endpoint: string;
	vmId?: string;
	target: {host: string; port: number};
	/** websocketTokens issued under this authToken and not yet used. */
	unusedWebsocketTokens: string[];
	issuedAt: number;
}

export interface LabBastion {
	/** Every request the stand-in answered, in order. */
	readonly requests: LabBastionRequest[];
	/** Every tunnel opened, live or closed. */
	readonly tunnels: LabBastionTunnel[];
	/** The lab host name for a Bastion dnsName (`bst-1234.bastion.azure.com` -> `bst-1234.localhost`). */
	hostFor(dnsName: string): string;
	/** Data-pod hosts handed out by `/api/connection`. */
	dataPods(): Array<{host: string; bastionId: string; vmId: string}>;
	/** authTokens issued and not deleted. */
	liveTokens(): LabBastionTokenInfo[];
	/** Drops live tunnels abruptly (no close frame), all or one VM's; returns how many. */
	killTunnels(vmId?: string): number;
	/** Refuses the next `count` WebSocket upgrades with `status` (default 503), after the tokens were issued. */
	failUpgrades(count?: number, status?: number): void;
	close(): Promise<void>;
}

/** `bst-1234.bastion.azure.com` -> `bst-1234.localhost`: an alias the lab answers on (a lab-side rule; vmux never rewrites names). */
export function labBastionHost(dnsName: string): string {
	const label = dnsName.trim().toLowerCase().split('.')[0] ?? '';
	return `${label}.localhost`;
}

/**
 * `bst-1234.bastion.azure.com` -> `bst-1234.bastion.localhost`: an alias the lab also answers on. Node's TLS check
 * refuses two-label wildcards such as the lab certificate's `*.localhost`, so `bst-1234.localhost` fails verification
 * with Node clients; `*.bastion.localhost` (also in the certificate) verifies. Data pods are named under it too.
 */
export function labBastionTlsHost(dnsName: string): string {
	const label = dnsName.trim().toLowerCase().split('.')[0] ?? '';
	return `${label}.bastion.localhost`;
}

export const NATIVE_CLIENT_SKU_MESSAGE = 'Bastion Host SKU must be Standard or Premium and Native Client must be enabled.';
export const IP_CONNECT_DISABLED_MESSAGE = 'Bastion Host SKU must be Standard or Premium and IP Connect must be enabled.';
export const IP_CONNECT_PORTS_MESSAGE = 'Custom ports are not allowed. Allowed ports for Tunnel with IP connect is 22, 3389.';

interface HostEntry {
	kind: 'bastion' | 'datapod';
	/** The Bastion answering on this host; for a shared data-pod host, the first of `shared`. */
	bastion: BastionRef;
	/** Data-pod Bastions sharing this host (Developer and QuickConnect of one region), told apart by bastionResourceId. */
	shared: BastionRef[];
	/** Data pods are allocated for one VM. */
	vmId?: string;
	host: string;
}

/** SKUs whose Bastions hand out a data pod through `/api/connection` (contracts §3: QuickConnect as Developer). */
const DATA_POD_SKUS = new Set(['Developer', 'QuickConnect']);
const usesDataPod = (bastion: BastionRef) => DATA_POD_SKUS.has(bastion.sku);

interface Session {
	authToken: string;
	nodeId: string;
	bastion: BastionRef;
	endpoint: string;
	kind: 'bastion' | 'datapod';
	vmId?: string;
	target: {host: string; port: number};
	websocketTokens: Set<string>;
	issuedAt: number;
}

interface LiveTunnel {
	record: LabBastionTunnel;
	ws: WebSocket;
	tcp: Socket;
}

class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const TUNNEL_HIGH_WATER = 1024 * 1024;
const TUNNEL_LOW_WATER = 256 * 1024;

async function readBodyOr413(req: IncomingMessage): Promise<string> {
	try {
		return await readBody(req, 64 * 1024);
	} catch {
		throw new HttpError(413, 'The request body is too large.');
	}
}

const VM_ID_RE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i;
const HOST_CONNECT_RE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/bh-hostConnect\/([^/]+)$/i;
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function mountLabBastion(server: LabHttpsServer, options: LabBastionOptions): LabBastion {
	const requests: LabBastionRequest[] = [];
	const tunnels: LabBastionTunnel[] = [];
	const live = new Set<LiveTunnel>();
	const hosts = new Map<string, HostEntry>();
	const sessions = new Map<string, Session>();
	const websocketTokens = new Map<string, Session>();
	const vmsById = new Map<string, VmRecord>();
	let tunnelSeq = 0;
	let upgradeFailures: {remaining: number; status: number} | undefined;

	for (const vm of options.vms) vmsById.set(idKey(vm.id), vm);
	// Every Bastion that serves some VM answers on its host, not only each VM's preferred one.
	const serving = options.vms.flatMap(vm => [...servingBastions(vm), ...(vm.secondaryNicBastion ? [vm.secondaryNicBastion.bastion] : [])]);
	for (const bastion of serving) {
		if (!bastion.dnsName) continue;
		for (const host of new Set([labBastionHost(bastion.dnsName), labBastionTlsHost(bastion.dnsName), bastion.dnsName.toLowerCase()])) {
			const existing = hosts.get(host);
			if (!existing) {
				hosts.set(host, {kind: 'bastion', bastion, shared: [bastion], host});
				continue;
			}
			if (existing.shared.some(candidate => sameId(candidate.id, bastion.id))) continue;
			// Data-pod Bastions of a region share one host in Azure; any other pair on one host is a topology mistake.
			if (!usesDataPod(bastion) || !existing.shared.every(usesDataPod)) {
				throw new Error(`Lab Bastion host ${host} would serve both ${existing.bastion.id} and ${bastion.id}.`);
			}
			existing.shared.push(bastion);
		}
	}

	const wss = new WebSocketServer({noServer: true, perMessageDeflate: false, handleProtocols: () => false});

	const matcher = {host: /^[^:]+$/, match: (_req: IncomingMessage, url: URL) => hosts.has(url.hostname.toLowerCase())};

	const record = (req: IncomingMessage, ctx: LabRequestContext, status: number, message: string | undefined, upgrade: boolean) => {
		requests.push({
			method: req.method ?? 'GET',
			host: ctx.host,
			path: ctx.url.pathname,
			status,
			...(message !== undefined ? {message} : {}),
			bastionId: bastionOfHost(ctx.host),
			upgrade,
			...(typeof req.headers['user-agent'] === 'string' ? {userAgent: req.headers['user-agent']} : {}),
			...(typeof req.headers.origin === 'string' ? {origin: req.headers.origin} : {}),
			at: Date.now(),
		});
	};

	const bastionOfHost = (host: string): string | undefined => {
		const entry = hosts.get(host);
		return entry && entry.shared.length === 1 ? entry.bastion.id : undefined;
	};

	const reply = (req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext, status: number, body: unknown, contentType = 'application/json; charset=utf-8') => {
		const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
		if (status === 204) res.writeHead(status);
		else res.writeHead(status, {'content-type': contentType, 'content-length': Buffer.byteLength(text)});
		res.end(status === 204 ? undefined : text);
		const message = status >= 400 && body && typeof body === 'object' && 'message' in body ? String((body as {message: unknown}).message) : undefined;
		record(req, ctx, status, message, false);
	};

	const checkAzToken = (token: string, bastion: BastionRef) => {
		const check = options.tokens.validate(token, {audiences: ARM_AUDIENCES});
		if (!check.ok) throw new HttpError(401, check.message);
		// As ARM: the token must be for the tenant of the Bastion's subscription (contracts §3).
		const tenantId = options.tenantOf?.(bastion.subscriptionId) ?? options.tokens.tenantId;
		if (!sameTenant(check.claims, tenantId)) {
			throw new HttpError(
				401,
				`The access token is from the wrong issuer '${tokenIssuer(String(check.claims.tid))}'. It must match the tenant '${tokenIssuer(tenantId)}' associated with the subscription of Bastion Host '${bastion.name}'.`,
			);
		}
	};

	const findVm = (resourceId: string): VmRecord => {
		const m = VM_ID_RE.exec(resourceId);
		if (!m) throw new HttpError(400, `resourceId '${resourceId}' is not a virtual machine resource id.`);
		const vm = vmsById.get(idKey(resourceId));
		if (!vm) throw new HttpError(404, `The Resource 'Microsoft.Compute/virtualMachines/${m[3]}' under resource group '${m[2]}' was not found.`);
		return vm;
	};

	const checkVmServed = (vm: VmRecord, bastion: BastionRef) => {
		// Any Bastion that reaches the VM's primary NIC will do (its VNet, or a Connected peering), not only the preferred one.
		if (!servingBastions(vm).some(serving => sameId(serving.id, bastion.id))) {
			throw new HttpError(403, `Virtual machine '${vm.name}' is not reachable from Bastion Host '${bastion.name}'.`);
		}
		if (vm.powerState !== 'running') {
			throw new HttpError(409, `Virtual machine '${vm.name}' is not running (power state: ${vm.powerState}).`);
		}
	};

	// ---- POST /api/connection (Developer, QuickConnect) ----
	const handleConnection = async (req: IncomingMessage, entry: HostEntry): Promise<string> => {
		if (entry.kind !== 'bastion' || !usesDataPod(entry.bastion)) throw new HttpError(404, `No such endpoint on ${entry.host}: /api/connection.`);
		if (req.method !== 'POST') throw new HttpError(405, `Method ${req.method ?? ''} is not allowed on /api/connection.`);
		if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
			throw new HttpError(415, `Content-Type must be application/json, not '${req.headers['content-type'] ?? ''}'.`);
		}
		let body: unknown;
		try {
			body = JSON.parse(await readBodyOr413(req));
		} catch (error) {
			if (error instanceof HttpError) throw error;
			throw new HttpError(400, 'The request body is not valid JSON.');
		}
		if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The request body must be a JSON object.');
		const b = body as Record<string, unknown>;
		for (const field of ['resourceId', 'bastionResourceId', 'azToken', 'connectionType']) {
			if (typeof b[field] !== 'string' || b[field] === '') throw new HttpError(400, `The field '${field}' is required.`);
		}
		if (b.connectionType !== 'nativeclient') throw new HttpError(400, `connectionType must be 'nativeclient', not '${String(b.connectionType)}'.`);
		// The shared host serves every data-pod Bastion of its region; the request names the one it means.
		const bastion = entry.shared.find(candidate => sameId(b.bastionResourceId as string, candidate.id));
		if (!bastion) throw new HttpError(400, `bastionResourceId '${String(b.bastionResourceId)}' does not name a Bastion Host served here.`);
		if (b.vmPort !== 22) throw new HttpError(400, `vmPort must be 22 for a ${bastion.sku} Bastion, not ${JSON.stringify(b.vmPort)}.`);
		checkAzToken(b.azToken as string, bastion);
		const vm = findVm(b.resourceId as string);
		checkVmServed(vm, bastion);
		const pod = `dp-${randomBytes(6).toString('hex')}.bastion.localhost`;
		hosts.set(pod, {kind: 'datapod', bastion, shared: [bastion], vmId: vm.id, host: pod});
		return pod;
	};

	// ---- POST /api/tokens ----
	const handleTokens = async (req: IncomingMessage, entry: HostEntry): Promise<{authToken: string; nodeId: string; websocketToken: string}> => {
		const bastion = entry.bastion;
		if (entry.kind === 'bastion' && usesDataPod(bastion)) {
			throw new HttpError(404, `A ${bastion.sku} Bastion serves /api/tokens on the data pod returned by /api/connection, not on ${entry.host}.`);
		}
		if (req.method !== 'POST') throw new HttpError(405, `Method ${req.method ?? ''} is not allowed on /api/tokens.`);
		if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
			throw new HttpError(415, `Content-Type must be application/x-www-form-urlencoded, not '${req.headers['content-type'] ?? ''}'.`);
		}
		const form = new URLSearchParams(await readBodyOr413(req));
		const field = (name: string) => form.get(name) ?? '';
		for (const name of ['resourceId', 'protocol', 'workloadHostPort', 'aztoken']) {
			if (!field(name)) throw new HttpError(400, `The field '${name}' is required.`);
		}
		if (field('protocol') !== 'tcptunnel') throw new HttpError(400, `protocol must be 'tcptunnel', not '${field('protocol')}'.`);
		const portText = field('workloadHostPort');
		const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
		if (!(port >= 1 && port <= 65535)) throw new HttpError(400, `workloadHostPort '${portText}' is not a valid port.`);
		const resourceId = field('resourceId');
		const hostname = form.get('hostname');
		checkAzToken(field('aztoken'), bastion);

		let vmId: string | undefined;
		let target: {host: string; port: number};
		if (entry.kind === 'datapod') {
			if (hostname !== null) throw new HttpError(403, `IP connect is not supported on a ${bastion.sku} Bastion.`);
			const vm = findVm(resourceId);
			if (!sameId(vm.id, entry.vmId)) throw new HttpError(403, `Data pod ${entry.host} was allocated for another virtual machine, not '${vm.name}'.`);
			checkVmServed(vm, bastion);
			if (port !== 22) throw new HttpError(403, `A ${bastion.sku} Bastion connects to port 22 only, not ${port}.`);
			vmId = vm.id;
			target = {host: vm.privateIp ?? '', port};
		} else {
			if ((bastion.sku !== 'Standard' && bastion.sku !== 'Premium') || !bastion.flags.enableTunneling) {
				throw new HttpError(403, NATIVE_CLIENT_SKU_MESSAGE);
			}
			if (hostname !== null) {
				const m = HOST_CONNECT_RE.exec(resourceId);
				if (!m) throw new HttpError(400, `With hostname, resourceId must be /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Network/bh-hostConnect/{ip}, not '${resourceId}'.`);
				if (!IPV4_RE.test(hostname)) throw new HttpError(400, `hostname '${hostname}' is not an IP address.`);
				if (m[3] !== hostname) throw new HttpError(400, `resourceId names ${m[3] ?? ''} but hostname is ${hostname}.`);
				if (m[1]?.toLowerCase() !== bastion.subscriptionId.toLowerCase() || m[2]?.toLowerCase() !== bastion.resourceGroup.toLowerCase()) {
					throw new HttpError(400, `resourceId '${resourceId}' is not in the Bastion Host's subscription and resource group.`);
				}
				if (!bastion.flags.enableIpConnect) throw new HttpError(403, IP_CONNECT_DISABLED_MESSAGE);
				if (port !== 22 && port !== 3389) throw new HttpError(403, IP_CONNECT_PORTS_MESSAGE);
				// An address is reachable from the Bastions of its NIC's VNet: the primary NIC's, or a secondary NIC's.
				const vm = options.vms.find(
					v =>
						(v.privateIp === hostname && servingBastions(v).some(serving => sameId(serving.id, bastion.id))) ||
						(v.secondaryNicBastion?.privateIp === hostname && sameId(v.secondaryNicBastion.bastion.id, bastion.id)),
				);
				if (!vm) throw new HttpError(403, `${hostname} is not reachable from Bastion Host '${bastion.name}'.`);
				vmId = vm.id;
				target = {host: hostname, port};
			} else {
				const vm = findVm(resourceId);
				checkVmServed(vm, bastion);
				vmId = vm.id;
				target = {host: vm.privateIp ?? '', port};
			}
		}

		// The reconnect form: `token=<previous authToken>` + `X-Node-Id`. A live, matching pair keeps its authToken
		// and node; anything else gets a fresh pair (a server accepts both forms).
		const previous = form.get('token');
		const nodeHeader = req.headers['x-node-id'];
		let session = previous ? sessions.get(previous) : undefined;
		if (session && (session.endpoint !== entry.host || session.nodeId !== nodeHeader || session.vmId !== vmId || session.target.port !== target.port || session.target.host !== target.host)) {
			session = undefined;
		}
		if (!session) {
			session = {
				authToken: randomBytes(24).toString('base64url'),
				nodeId: randomUUID().replace(/-/g, '').toUpperCase(),
				bastion,
				endpoint: entry.host,
				kind: entry.kind,
				vmId,
				target,
				websocketTokens: new Set(),
				issuedAt: Date.now(),
			};
			sessions.set(session.authToken, session);
		}
		const websocketToken = randomBytes(32).toString('base64url');
		session.websocketTokens.add(websocketToken);
		websocketTokens.set(websocketToken, session);
		return {authToken: session.authToken, nodeId: session.nodeId, websocketToken};
	};

	// ---- DELETE /api/tokens/{authToken} ----
	const handleDelete = (req: IncomingMessage, entry: HostEntry, authToken: string) => {
		if (req.method !== 'DELETE') throw new HttpError(405, `Method ${req.method ?? ''} is not allowed on /api/tokens/{authToken}.`);
		const session = sessions.get(authToken);
		if (!session || session.endpoint !== entry.host) throw new HttpError(404, 'The token was not found.');
		const nodeId = req.headers['x-node-id'];
		if (typeof nodeId !== 'string' || nodeId === '') throw new HttpError(400, 'The X-Node-Id header is required.');
		if (nodeId !== session.nodeId) throw new HttpError(403, 'X-Node-Id does not match the node the token was issued on.');
		sessions.delete(authToken);
		for (const ws of session.websocketTokens) websocketTokens.delete(ws);
		session.websocketTokens.clear();
	};

	const unmountHttp = server.mount(matcher, async (req, res, ctx) => {
		const entry = hosts.get(ctx.host);
		if (!entry) {
			reply(req, res, ctx, 404, {message: `Unknown host ${ctx.host}.`});
			return;
		}
		if (unreachableFromHere(entry)) {
			req.socket.destroy();
			record(req, ctx, 0, 'private-only Bastion: not reachable from outside its network', false);
			return;
		}
		const path = ctx.url.pathname;
		try {
			if (path === '/api/connection') {
				const pod = await handleConnection(req, entry);
				reply(req, res, ctx, 200, pod, 'text/plain; charset=utf-8');
			} else if (path === '/api/tokens') {
				reply(req, res, ctx, 200, await handleTokens(req, entry));
			} else if (path.startsWith('/api/tokens/') && path.length > '/api/tokens/'.length && !path.slice('/api/tokens/'.length).includes('/')) {
				if (entry.kind === 'bastion' && usesDataPod(entry.bastion)) throw new HttpError(404, 'The token was not found.');
				handleDelete(req, entry, decodeURIComponent(path.slice('/api/tokens/'.length)));
				// As Azure answers a deleted token: 204, no body.
				reply(req, res, ctx, 204, undefined);
			} else {
				throw new HttpError(404, `No such endpoint on ${ctx.host}: ${req.method ?? 'GET'} ${path}.`);
			}
		} catch (error) {
			if (error instanceof HttpError) reply(req, res, ctx, error.status, {message: error.message});
			else throw error;
		}
	});

	/**
	 * A private-only Bastion (`enablePrivateOnlyBastion`, no public IP) answers only on its private address, from a
	 * network connected to its VNet. vmux (and the tests) run outside any such network: the connection goes nowhere, so
	 * the lab drops it without an answer, as an unroutable private address would.
	 */
	const unreachableFromHere = (entry: HostEntry) => entry.shared.every(bastion => bastion.flags.enablePrivateOnlyBastion);

	const refuseUpgrade = (req: IncomingMessage, socket: Duplex, ctx: LabRequestContext, status: number, message: string) => {
		const body = JSON.stringify({message});
		socket.end(
			`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
		);
		record(req, ctx, status, message, true);
	};

	const unmountUpgrade = server.mountUpgrade(matcher, (req, socket, head, ctx) => {
		const entry = hosts.get(ctx.host);
		if (!entry) {
			refuseUpgrade(req, socket, ctx, 404, `Unknown host ${ctx.host}.`);
			return;
		}
		if (unreachableFromHere(entry)) {
			socket.destroy();
			record(req, ctx, 0, 'private-only Bastion: not reachable from outside its network', true);
			return;
		}
		const path = ctx.url.pathname;
		const prefix = entry.kind === 'datapod' ? '/omni/webtunnel/' : '/webtunnelv2/';
		if (entry.kind === 'bastion' && usesDataPod(entry.bastion)) {
			refuseUpgrade(req, socket, ctx, 404, `A ${entry.bastion.sku} Bastion serves its tunnel on the data pod returned by /api/connection, not on ${ctx.host}.`);
			return;
		}
		if (!path.startsWith(prefix) || path.length === prefix.length || path.slice(prefix.length).includes('/')) {
			refuseUpgrade(req, socket, ctx, 404, `No such endpoint on ${ctx.host}: ${path}.`);
			return;
		}
		if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket' || !req.headers['sec-websocket-key']) {
			refuseUpgrade(req, socket, ctx, 400, 'Expected a WebSocket upgrade (GET with Upgrade: websocket).');
			return;
		}
		// The CLI's client sends the origin of the host it connects to; a browser-less client that sends none, or
		// another origin, is refused.
		const expectedOrigin = `https://${(req.headers.host ?? ctx.host).toLowerCase()}`;
		if (req.headers.origin?.toLowerCase() !== expectedOrigin) {
			refuseUpgrade(req, socket, ctx, 403, `The Origin header must be ${expectedOrigin}${req.headers.origin ? `, not ${req.headers.origin}` : ''}.`);
			return;
		}
		if (upgradeFailures && upgradeFailures.remaining > 0) {
			upgradeFailures.remaining -= 1;
			refuseUpgrade(req, socket, ctx, upgradeFailures.status, 'The tunnel could not be opened (lab fault).');
			return;
		}
		const token = decodeURIComponent(path.slice(prefix.length));
		const session = websocketTokens.get(token);
		if (!session || session.endpoint !== entry.host) {
			refuseUpgrade(req, socket, ctx, 404, 'The websocket token is unknown or has already been used.');
			return;
		}
		const nodeId = ctx.url.searchParams.get('X-Node-Id');
		if (entry.kind === 'bastion' ? nodeId !== session.nodeId : nodeId !== null && nodeId !== session.nodeId) {
			refuseUpgrade(req, socket, ctx, 403, nodeId === null ? 'The X-Node-Id query parameter is required.' : 'X-Node-Id does not match the node the token was issued on.');
			return;
		}
		websocketTokens.delete(token);
		session.websocketTokens.delete(token);
		wss.handleUpgrade(req, socket, head, ws => {
			record(req, ctx, 101, undefined, true);
			openTunnel(ws, session, socket);
		});
	});

	const openTunnel = (ws: WebSocket, session: Session, raw: Duplex) => {
		const tunnelRecord: LabBastionTunnel = {
			id: ++tunnelSeq,
			bastionId: session.bastion.id,
			...(session.vmId ? {vmId: session.vmId} : {}),
			target: {...session.target},
			authToken: session.authToken,
			nodeId: session.nodeId,
			endpoint: session.endpoint,
			openedAt: Date.now(),
			bytesToTarget: 0,
			bytesFromTarget: 0,
			framesFromClient: 0,
			largestClientFrame: 0,
		};
		tunnels.push(tunnelRecord);
		const finish = (reason: LabTunnelCloseReason) => {
			if (tunnelRecord.closedAt === undefined) {
				tunnelRecord.closedAt = Date.now();
				tunnelRecord.closeReason = reason;
			}
			live.delete(tunnel);
		};
		const address = session.target.host ? options.resolve(session.target.host, session.target.port) : undefined;
		const tcp = address ? tcpConnect(address.port, address.host) : undefined;
		// A placeholder socket keeps the LiveTunnel shape simple for unreachable targets.
		const tunnel: LiveTunnel = {record: tunnelRecord, ws, tcp: tcp ?? (undefined as unknown as Socket)};
		if (!tcp) {
			finish('unreachable');
			ws.close(1011, `Unable to reach ${session.target.host}:${session.target.port}`);
			return;
		}
		live.add(tunnel);
		tcp.setNoDelay(true);
		// Frame rules, read off the raw socket beside ws (which reassembles fragments before 'message').
		const scanner = clientFrameScanner(MAX_CLIENT_FRAME);
		raw.on('data', (data: Buffer) => {
			if (tunnelRecord.closedAt !== undefined) return;
			const violation = scanner.push(data);
			tunnelRecord.framesFromClient = scanner.frames;
			tunnelRecord.largestClientFrame = scanner.largest;
			if (!violation) return;
			tunnelRecord.violation = violation.message;
			finish('protocol');
			ws.close(violation.closeCode, violation.message);
			tcp.destroy();
		});
		ws.on('message', (data, isBinary) => {
			// A tunnel closed on a frame rule forwards nothing more (nor pauses the socket its close must be read from).
			if (tunnelRecord.closedAt !== undefined) return;
			if (!isBinary) {
				// The tunnel carries the raw SSH byte stream in binary frames only.
				finish('protocol');
				ws.close(1003, 'Binary frames only');
				tcp.destroy();
				return;
			}
			const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
			tunnelRecord.bytesToTarget += chunk.length;
			// Backpressure: stop reading frames while the VM side is not draining.
			if (!tcp.write(chunk)) ws.pause();
		});
		tcp.on('drain', () => ws.resume());
		ws.on('close', () => {
			finish('client');
			tcp.end();
		});
		ws.on('error', () => {
			finish('client');
			tcp.destroy();
		});
		tcp.on('data', (chunk: Buffer) => {
			tunnelRecord.bytesFromTarget += chunk.length;
			if (ws.readyState !== ws.OPEN) return;
			ws.send(chunk, {binary: true}, () => {
				if (tcp.isPaused() && ws.bufferedAmount < TUNNEL_LOW_WATER) tcp.resume();
			});
			if (ws.bufferedAmount > TUNNEL_HIGH_WATER) tcp.pause();
		});
		tcp.on('error', error => {
			finish((error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'unreachable' : 'target');
			if (ws.readyState === ws.OPEN) ws.close(1011, 'Target connection failed');
		});
		tcp.on('close', () => {
			finish('target');
			if (ws.readyState === ws.OPEN) ws.close(1000);
		});
	};

	const killTunnels = (vmId?: string, reason: LabTunnelCloseReason = 'killed') => {
		let count = 0;
		for (const tunnel of [...live]) {
			if (vmId !== undefined && !sameId(tunnel.record.vmId, vmId)) continue;
			count++;
			if (tunnel.record.closedAt === undefined) {
				tunnel.record.closedAt = Date.now();
				tunnel.record.closeReason = reason;
			}
			live.delete(tunnel);
			tunnel.ws.terminate();
			tunnel.tcp.destroy();
		}
		return count;
	};

	return {
		requests,
		tunnels,
		hostFor: labBastionHost,
		dataPods: () =>
			[...hosts.values()].filter(h => h.kind === 'datapod').map(h => ({host: h.host, bastionId: h.bastion.id, vmId: h.vmId ?? ''})),
		liveTokens: () =>
			[...sessions.values()].map(s => ({
				authToken: s.authToken,
				nodeId: s.nodeId,
				bastionId: s.bastion.id,
				endpoint: s.endpoint,
				...(s.vmId ? {vmId: s.vmId} : {}),
				target: {...s.target},
				unusedWebsocketTokens: [...s.websocketTokens],
				issuedAt: s.issuedAt,
			})),
		killTunnels: (vmId?: string) => killTunnels(vmId),
		failUpgrades: (count = 1, status = 503) => {
			upgradeFailures = {remaining: count, status};
		},
		close: async () => {
			unmountHttp();
			unmountUpgrade();
			killTunnels(undefined, 'shutdown');
			await new Promise<void>(resolve => wss.close(() => resolve()));
		},
	};
}
