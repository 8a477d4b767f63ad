import {createServer, type Server} from 'node:https';
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import type {AddressInfo} from 'node:net';
import {readLabAsset} from './assets.js';

/**
 * One HTTPS listener for every lab stand-in (ARM, Key Vault, Bastion, Entra token endpoint). Each stand-in
 * mounts itself by host name and/or path prefix, the way the real services are split by host and path, so the
 * app and the real SDKs can be pointed at one local port with the lab CA.
 */

export interface LabRequestContext {
	/** Full request URL as the client addressed it (host from the Host header). */
	url: URL;
	/** Host name from the Host header, lower-cased, without the port. */
	host: string;
	/** The path with the mount's prefix removed (always starts with `/`). */
	path: string;
}

export type LabHandler = (req: IncomingMessage, res: ServerResponse, ctx: LabRequestContext) => void | Promise<void>;
export type LabUpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, ctx: LabRequestContext) => void;

/**
 * Where a handler is mounted. A string is a path prefix (any host). `host` matches the Host header without its
 * port: an exact name, a `*.suffix` wildcard, or a RegExp. `match` is a free-form test for anything else.
 */
export type LabMountMatcher =
	| string
	| {
		host?: string | RegExp;
		pathPrefix?: string;
		match?: (req: IncomingMessage, url: URL) => boolean;
	};

export interface LabHttpsServer {
	/** `https://127.0.0.1:<port>` */
	url: string;
	port: number;
	/** The lab CA (PEM) that signed the server's certificate; clients trust it for the lab only. */
	ca: string;
	/** The underlying server, for callers that need its events. */
	server: Server;
	/** Route matching requests to `handler`; returns a function that unmounts it. */
	mount(matcher: LabMountMatcher, handler: LabHandler): () => void;
	/** Route matching WebSocket/upgrade requests to `handler`; returns a function that unmounts it. */
	mountUpgrade(matcher: LabMountMatcher, handler: LabUpgradeHandler): () => void;
	close(): Promise<void>;
}

export interface LabHttpsServerOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	/** Interface to listen on; defaults to 127.0.0.1 so the lab is never reachable from the network. */
	host?: string;
}

interface Mount<H> {
	host?: string | RegExp;
	prefix: string;
	match?: (req: IncomingMessage, url: URL) => boolean;
	handler: H;
	order: number;
}

export async function startLabHttpsServer(options: LabHttpsServerOptions = {}): Promise<LabHttpsServer> {
	const ca = readLabAsset('tls/lab-ca.pem').toString('utf8');
	const cert = readLabAsset('tls/lab-server.pem');
	const key = readLabAsset('tls/lab-server.key');
	const listenHost = options.host ?? '127.0.0.1';

	const mounts: Array<Mount<LabHandler>> = [];
	const upgradeMounts: Array<Mount<LabUpgradeHandler>> = [];
	let order = 0;

	const server = createServer({cert, key, ca}, (req, res) => {
		const found = route(mounts, req);
		if (!found) {
			sendJson(res, 404, {error: {code: 'NotFound', message: `No lab service is mounted for ${req.method ?? 'GET'} ${req.url ?? '/'}.`}});
			return;
		}
		Promise.resolve()
			.then(() => found.mount.handler(req, res, found.ctx))
			.catch((error: unknown) => {
				// A handler bug must show up as a 500 the client can report, not a hung request.
				if (!res.headersSent) {
					sendJson(res, 500, {error: {code: 'InternalServerError', message: `Lab handler failed: ${String(error)}`}});
				} else {
					res.destroy(error instanceof Error ? error : new Error(String(error)));
				}
			});
	});

	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const found = route(upgradeMounts, req);
		if (!found) {
			socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		try {
			found.mount.handler(req, socket, head, found.ctx);
		} catch {
			socket.destroy();
		}
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, listenHost, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const urlHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;

	function add<H>(list: Array<Mount<H>>, matcher: LabMountMatcher, handler: H): () => void {
		const mount: Mount<H> =
			typeof matcher === 'string'
				? {prefix: normalizePrefix(matcher), handler, order: order++}
				: {
					host: typeof matcher.host === 'string' ? matcher.host.toLowerCase() : matcher.host,
					prefix: normalizePrefix(matcher.pathPrefix ?? '/'),
					match: matcher.match,
					handler,
					order: order++,
				};
		list.push(mount);
		// Most specific first: host-bound mounts, then longer prefixes, then registration order.
		list.sort((a, b) => Number(Boolean(b.host)) - Number(Boolean(a.host)) || b.prefix.length - a.prefix.length || a.order - b.order);
		return () => {
			const index = list.indexOf(mount);
			if (index >= 0) list.splice(index, 1);
		};
	}

	return {
		url: `https://${urlHost}:${port}`,
		port,
		ca,
		server,
		mount: (matcher, handler) => add(mounts, matcher, handler),
		mountUpgrade: (matcher, handler) => add(upgradeMounts, matcher, handler),
		close: () =>
			new Promise<void>(resolve => {
				server.close(() => resolve());
				// Keep-alive sockets from SDK agents would otherwise hold close() open.
				server.closeAllConnections();
			}),
	};
}

function normalizePrefix(prefix: string): string {
	const withSlash = prefix.startsWith('/') ? prefix : `/${prefix}`;
	return withSlash.length > 1 && withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

function hostMatches(pattern: string | RegExp, host: string): boolean {
	if (pattern instanceof RegExp) return pattern.test(host);
	if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
	return host === pattern;
}

function route<H>(list: Array<Mount<H>>, req: IncomingMessage): {mount: Mount<H>; ctx: LabRequestContext} | undefined {
	const hostHeader = req.headers.host ?? 'localhost';
	const url = new URL(req.url ?? '/', `https://${hostHeader}`);
	const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
	const pathLower = url.pathname.toLowerCase();
	for (const mount of list) {
		if (mount.host && !hostMatches(mount.host, host)) continue;
		const prefix = mount.prefix.toLowerCase();
		// Prefixes match whole path segments: `/api` matches `/api/x` but not `/apix`.
		if (prefix !== '/' && pathLower !== prefix && !pathLower.startsWith(`${prefix}/`)) continue;
		if (mount.match && !mount.match(req, url)) continue;
		const rest = prefix === '/' ? url.pathname : url.pathname.slice(prefix.length);
		return {mount, ctx: {url, host, path: rest.startsWith('/') ? rest : `/${rest}`}};
	}
	return undefined;
}

/** Writes a JSON response; shared by the lab's stand-ins so they all answer alike. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

/** Reads a request body as text, bounded so a runaway client cannot exhaust memory. */
export async function readBody(req: IncomingMessage, limit = 4 * 1024 * 1024): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		const buf = chunk as Buffer;
		size += buf.length;
		if (size > limit) throw new Error(`Request body exceeds ${limit} bytes`);
		chunks.push(buf);
	}
	return Buffer.concat(chunks).toString('utf8');
}
