import type {Agent, IncomingMessage} from 'node:http';
import {request as httpsRequest} from 'node:https';
import type {Duplex} from 'node:stream';
import WebSocket from 'ws';
import type {BastionSku} from '../inventory/model.js';
import {usesDataPod} from '../profiles/sku.js';
import type {Transport} from '../session/types.js';
import {VMUX_USER_AGENT} from '../version.js';
import {bastionRefusalHint} from './bastion-refusal.js';
import {tunnelStream} from './tunnel-stream.js';
import {hintKeys} from '../commands/hint-keys.js';

/**
 * Azure Bastion's native-client tunnel (contracts §3), the way `az network bastion ssh` opens it: an ARM token
 * buys a one-time tunnel token from the Bastion (`POST /api/tokens`), and a WebSocket to the Bastion then
 * carries the raw SSH byte stream in binary frames of at most 4096 bytes. ssh2 runs over that stream exactly as
 * over TCP, so host key checks and authentication are end to end with the VM: the Bastion never sees a credential.
 * One tunnel per SSH connection; its token is deleted when the connection ends, or at once when the WebSocket
 * does not open. Every call names vmux and its version (User-Agent), and the WebSocket sends the Origin of the
 * host it connects to, as the Azure CLI's client does.
 */

export interface BastionTunnelTarget {
	/** The VM's resource id; for IP-based connections the `bh-hostConnect/{ip}` id (see `ipConnectResourceId`). */
	resourceId: string;
	/** IP-based connection (Standard/Premium with enableIpConnect): the private IP to reach. */
	hostname?: string;
	/** The sshd port on the VM (22 unless the SKU allows a custom port). */
	port: number;
}

export interface BastionInfo {
	id: string;
	name: string;
	sku: BastionSku;
	/** `bst-<guid>.bastion.azure.com`: where `/api/*` and the WebSocket live. */
	dnsName: string;
	/** `enablePrivateOnlyBastion`: no public IP, reachable only from a network connected to its VNet. */
	privateOnly?: boolean;
}

/** Where a Bastion host name is reached, and how: directly or through the proxy the environment names. */
export interface BastionEndpoint {
	/** `https://host[:port]` */
	origin: string;
	/** The host name (the origin's), for messages. */
	host: string;
	/** Direct: an agent with the cloud's CA (and the lab's names); through a proxy: its CONNECT agent. */
	agent?: Agent;
	/** The cloud's extra CA, given with each request: through a proxy the TLS session is still the Bastion's own. */
	ca?: string;
	/** The proxy in use, without credentials, for messages. */
	proxy?: string;
}

export interface BastionTransportOptions {
	bastion: BastionInfo;
	target: BastionTunnelTarget;
	/** An ARM access token (scope `https://management.azure.com/.default` in the public cloud). */
	armToken(signal: AbortSignal): Promise<string>;
	/** Maps a Bastion (or data pod) host name to where it is reached; the identity for public Azure. */
	endpoint?(host: string): BastionEndpoint;
	timeoutMs?: number;
}

/** A refusal or failure from the Bastion, with the sentence to show. */
export class BastionError extends Error {
	constructor(
		message: string,
		readonly status?: number,
	) {
		super(message);
		this.name = 'BastionError';
	}
}

interface TunnelTokens {
	authToken: string;
	nodeId: string;
	websocketToken: string;
}

const publicEndpoint = (host: string): BastionEndpoint => ({origin: `https://${host}`, host});

export class BastionTransport implements Transport {
	readonly description: string;
	private readonly endpoint: (host: string) => BastionEndpoint;
	private readonly timeoutMs: number;
	/** The token of the tunnel in use, deleted when it closes (or on close()). */
	private live: {endpoint: BastionEndpoint; tokens: TunnelTokens} | undefined;

	constructor(private readonly options: BastionTransportOptions) {
		this.description = `Bastion ${options.bastion.name}`;
		this.endpoint = options.endpoint ?? publicEndpoint;
		this.timeoutMs = options.timeoutMs ?? 20_000;
	}

	async open(signal: AbortSignal): Promise<Duplex> {
		const {bastion} = this.options;
		// A previous tunnel of this connection (before a reconnect) is let go first.
		await this.close();
		let token: string;
		try {
			token = await this.options.armToken(signal);
		} catch (error) {
			// Not retried on its own (401-like): a sign-in does not come back by waiting.
			const reason = (error as Error).message.replace(/\s+$/, '');
			throw new BastionError(`Could not get an Azure token for Bastion ${bastion.name}: ${reason}${/[.!?]$/.test(reason) ? '' : '.'} Sign in (az login, or L in the browser), then ${hintKeys().reconnect}.`, 401);
		}
		// Developer and QuickConnect Bastions are shared: they hand out the data pod that carries this tunnel.
		const dataPod = usesDataPod(bastion.sku);
		const podHost = dataPod ? await this.dataPod(token, signal) : bastion.dnsName;
		const endpoint = this.endpoint(podHost);
		const tokens = await this.tunnelTokens(endpoint, token, signal);
		this.live = {endpoint, tokens};
		const path = dataPod ? `/omni/webtunnel/${tokens.websocketToken}` : `/webtunnelv2/${tokens.websocketToken}?X-Node-Id=${encodeURIComponent(tokens.nodeId)}`;
		let socket: WebSocket;
		try {
			socket = await this.connectWebSocket(endpoint, path, signal);
		} catch (error) {
			// The token would otherwise stay live on the Bastion until a retry or close (contracts §3).
			await this.release(tokens);
			throw error;
		}
		const stream = tunnelStream(socket);
		// A WebSocket that dies (a killed tunnel) only ends the stream; ssh2 learns the connection is gone from
		// 'close', so the stream is destroyed once everything the Bastion sent has been read.
		stream.once('end', () => setImmediate(() => stream.destroy()));
		stream.once('error', () => stream.destroy());
		// The tunnel token is single-use; once the SSH connection over it ends, Bastion is told to forget it.
		socket.once('close', () => void this.release(tokens));
		return stream;
	}

	async close(): Promise<void> {
		const live = this.live;
		if (live) await this.release(live.tokens);
	}

	/** Developer and QuickConnect: the shared Bastion hands out the data pod that serves this VM (contracts §3 step 1). */
	private async dataPod(token: string, signal: AbortSignal): Promise<string> {
		const {bastion, target} = this.options;
		const body = JSON.stringify({resourceId: target.resourceId, bastionResourceId: bastion.id, vmPort: target.port, azToken: token, connectionType: 'nativeclient'});
		const response = await this.call(this.endpoint(bastion.dnsName), 'POST', '/api/connection', {'Content-Type': 'application/json'}, body, signal);
		if (response.status < 200 || response.status >= 300) throw this.refusal('find the Developer data pod', response);
		const host = response.body.trim();
		if (!/^[a-z0-9.-]+$/i.test(host)) throw new BastionError(`Bastion ${bastion.name} answered /api/connection with something that is not a host name.`);
		return host;
	}

	/** Step 2: the tunnel's tokens, bought with the ARM token. */
	private async tunnelTokens(endpoint: BastionEndpoint, token: string, signal: AbortSignal): Promise<TunnelTokens> {
		const {target} = this.options;
		const form = new URLSearchParams({resourceId: target.resourceId, protocol: 'tcptunnel', workloadHostPort: String(target.port), aztoken: token});
		if (target.hostname) form.set('hostname', target.hostname);
		const response = await this.call(endpoint, 'POST', '/api/tokens', {'Content-Type': 'application/x-www-form-urlencoded'}, form.toString(), signal);
		if (response.status !== 200) throw this.refusal('open a tunnel', response);
		let parsed: Partial<TunnelTokens>;
		try {
			parsed = JSON.parse(response.body) as Partial<TunnelTokens>;
		} catch {
			throw new BastionError(`Bastion ${this.options.bastion.name} answered /api/tokens with something that is not JSON.`);
		}
		if (typeof parsed.authToken !== 'string' || typeof parsed.nodeId !== 'string' || typeof parsed.websocketToken !== 'string') {
			throw new BastionError(`Bastion ${this.options.bastion.name} answered /api/tokens without authToken, nodeId and websocketToken.`);
		}
		return parsed as TunnelTokens;
	}

	private connectWebSocket(endpoint: BastionEndpoint, path: string, signal: AbortSignal): Promise<WebSocket> {
		const {bastion} = this.options;
		return new Promise((resolve, reject) => {
			const url = `${endpoint.origin.replace(/^https:/, 'wss:')}${path}`;
			// No subprotocol, no auth header, no compression (contracts §3): the URL's token is the credential. The
			// Origin is the host's own, as the Azure CLI's client sends it.
			const socket = new WebSocket(url, {
				perMessageDeflate: false,
				handshakeTimeout: this.timeoutMs,
				origin: endpoint.origin,
				headers: {'User-Agent': VMUX_USER_AGENT},
				...(endpoint.agent ? {agent: endpoint.agent} : {}),
				...(endpoint.ca ? {ca: endpoint.ca} : {}),
			});
			const onAbort = () => {
				socket.terminate();
				reject(new Error('aborted'));
			};
			signal.addEventListener('abort', onAbort, {once: true});
			const done = () => signal.removeEventListener('abort', onAbort);
			socket.once('open', () => {
				done();
				socket.removeAllListeners('error');
				// Errors after the handshake surface as the stream's close; ssh2 reports the lost connection.
				socket.on('error', () => {});
				resolve(socket);
			});
			let refused = false;
			socket.once('unexpected-response', (_request, response) => {
				done();
				// The Bastion answered instead of upgrading: its status and message are the sentence, so the body is
				// read before the socket goes (terminating first loses it to "closed before established").
				refused = true;
				let text = '';
				const settle = () => {
					reject(this.refusal('open the tunnel\'s WebSocket', {status: response.statusCode ?? 0, body: text}));
					socket.on('error', () => {});
					socket.terminate();
				};
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => (text += chunk));
				response.once('end', settle);
				response.once('error', settle);
				response.once('aborted', settle);
			});
			socket.once('error', error => {
				done();
				if (!refused) reject(new BastionError(`Could not reach Bastion ${bastion.name} (${endpoint.host}${via(endpoint)}): ${error.message}${privateOnlyNote(bastion)}`));
			});
		});
	}

	/** Step 4: forget the tunnel's token. Best effort: 404 means already gone, and failures change nothing for the user. */
	private async release(tokens: TunnelTokens): Promise<void> {
		const live = this.live;
		if (!live || live.tokens !== tokens) return;
		this.live = undefined;
		try {
			await this.call(live.endpoint, 'DELETE', `/api/tokens/${encodeURIComponent(tokens.authToken)}`, {'X-Node-Id': tokens.nodeId}, undefined, AbortSignal.timeout(this.timeoutMs));
		} catch {
			// The token expires on its own.
		}
	}

	private refusal(doing: string, response: {status: number; body: string}): BastionError {
		const {bastion} = this.options;
		let message = '';
		try {
			const parsed = JSON.parse(response.body) as {message?: unknown; error?: {message?: unknown}};
			const text = parsed.message ?? parsed.error?.message;
			if (typeof text === 'string') message = text;
		} catch {
			message = response.body.trim().slice(0, 300);
		}
		const said = message ? `: ${message.replace(/\s+$/, '')}` : '';
		const hint = bastionRefusalHint(response.status, message, bastion.name);
		return new BastionError(`Bastion ${bastion.name} refused to ${doing} (HTTP ${response.status})${said}${/[.!?]$/.test(said) ? '' : '.'}${hint}`, response.status);
	}

	private call(endpoint: BastionEndpoint, method: string, path: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<{status: number; body: string}> {
		return new Promise((resolve, reject) => {
			const url = new URL(path, endpoint.origin);
			// A proxy that refuses the CONNECT answers in the Bastion's place; its status must not read as the Bastion's.
			let proxyRefused: number | undefined;
			const request = httpsRequest(
				url,
				{
					method,
					headers: {'User-Agent': VMUX_USER_AGENT, ...headers, ...(body !== undefined ? {'Content-Length': Buffer.byteLength(body)} : {})},
					...(endpoint.agent ? {agent: endpoint.agent} : {}),
					...(endpoint.ca ? {ca: endpoint.ca} : {}),
					signal,
					timeout: this.timeoutMs,
				},
				response => {
					if (proxyRefused !== undefined) {
						response.resume();
						reject(
							new BastionError(
								`The proxy ${endpoint.proxy ?? ''} refused to connect to Bastion ${this.options.bastion.name} (${endpoint.host}, HTTP ${proxyRefused}). Check HTTPS_PROXY and NO_PROXY, or ask for ${endpoint.host} on port 443 to be allowed through the proxy.`,
								proxyRefused,
							),
						);
						return;
					}
					let text = '';
					response.setEncoding('utf8');
					response.on('data', (chunk: string) => (text += chunk));
					response.on('end', () => resolve({status: response.statusCode ?? 0, body: text}));
				},
			);
			request.once('proxyConnect', (connect: IncomingMessage) => {
				if (connect.statusCode !== 200) proxyRefused = connect.statusCode ?? 0;
			});
			request.on('timeout', () => request.destroy(new Error(`no answer within ${this.timeoutMs / 1000} s`)));
			request.on('error', error => reject(new BastionError(`Could not reach Bastion ${this.options.bastion.name} (${endpoint.host}${via(endpoint)}): ${error.message}${privateOnlyNote(this.options.bastion)}`)));
			request.end(body);
		});
	}
}

/** Why a private-only Bastion cannot be reached from here, appended to a network failure. */
export function privateOnlyNote(bastion: Pick<BastionInfo, 'name' | 'privateOnly'>): string {
	if (!bastion.privateOnly) return '';
	return ` ${bastion.name} is a private-only Bastion (no public IP): it is reachable only from a network connected to its virtual network (a VPN or ExpressRoute gateway, or a peered network). Connect from such a network, or through a jump host inside it.`;
}

function via(endpoint: BastionEndpoint): string {
	return endpoint.proxy ? ` through the proxy ${endpoint.proxy}` : '';
}
