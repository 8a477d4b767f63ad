import {rootCertificates} from 'node:tls';
import ssh2 from 'ssh2';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {bastionTunnels} from '../../../source/core/transport/bastion-tunnels.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import type {VmRecord} from '../../../source/core/inventory/model.js';
import {BastionError} from '../../../source/core/transport/bastion.js';
import {LAB_PASSWORD, LAB_USERNAME} from '../../helpers/lab-credentials.js';
import {NSS_WRAPPER_PATH, startTinyproxy, TINYPROXY_INSTALL_HINT, TINYPROXY_PATH, type Tinyproxy} from '../../helpers/tinyproxy.js';
import {startLabWithBastion, type LabWithBastion} from '../../lab/bastion/lab-bastion.js';

/**
 * Issue 10, networks with a proxy: the Bastion tunnel's /api/* calls and its WebSocket go through HTTPS_PROXY
 * (a real tinyproxy here, whose log shows the CONNECTs), NO_PROXY bypasses it, and the Bastion's certificate is
 * still checked end to end through the proxy.
 */

const haveProxy = Boolean(TINYPROXY_PATH && NSS_WRAPPER_PATH);
if (!haveProxy) console.warn(`SKIPPED: the proxy tests need tinyproxy and libnss_wrapper. Install them with: ${TINYPROXY_INSTALL_HINT}`);

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'] as const;

describe.skipIf(!haveProxy)('the Bastion tunnel behind a proxy', () => {
	let lab: LabWithBastion;
	let proxy: Tinyproxy;
	let saved: Partial<Record<(typeof PROXY_VARIABLES)[number], string>>;
	let stdHost: string;

	beforeAll(async () => {
		lab = await startLabWithBastion();
		// The Bastion's own dnsName (the lab's ARM lists it in the lab's domain): vmux connects to it as listed.
		stdHost = lab.vm('web-01').bastion!.dnsName!.toLowerCase();
		// Only bas-std's host resolves for the proxy: bas-prem's does not, to see a proxy's refusal.
		proxy = await startTinyproxy({hosts: [stdHost]});
	});
	afterAll(async () => {
		await proxy?.stop();
		await lab?.stop();
	});
	beforeAll(() => {
		saved = Object.fromEntries(PROXY_VARIABLES.filter(name => process.env[name] !== undefined).map(name => [name, process.env[name]]));
	});
	afterEach(() => {
		for (const name of PROXY_VARIABLES) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
	});

	function setProxyEnvironment(noProxy?: string): void {
		for (const name of PROXY_VARIABLES) delete process.env[name];
		process.env.HTTPS_PROXY = proxy.url;
		if (noProxy !== undefined) process.env.NO_PROXY = noProxy;
	}

	function transportFor(vm: VmRecord, ca = lab.server.ca) {
		const tunnel = bastionTunnels(labCloud(lab.server.url, ca), new LabCredential(scopes => lab.tokens.issueForScopes(scopes)));
		const b = vm.bastion!;
		return tunnel({id: b.id, name: b.name, sku: b.sku, dnsName: b.dnsName!}, {resourceId: vm.id, port: 22});
	}

	function echo(sock: NodeJS.ReadWriteStream, command: string): Promise<string> {
		return new Promise((resolve, reject) => {
			const client = new ssh2.Client();
			client.on('error', reject);
			client.on('ready', () =>
				client.exec(command, (error, stream) => {
					if (error) return reject(error);
					let out = '';
					stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
					stream.on('close', () => {
						client.end();
						resolve(out.trim());
					});
				}),
			);
			client.connect({sock: sock as never, username: LAB_USERNAME, password: LAB_PASSWORD, readyTimeout: 10_000});
		});
	}

	const connects = () => proxy.log().split('\n').filter(line => line.includes(`CONNECT ${stdHost}:${lab.server.port} `));

	it('goes through HTTPS_PROXY: tinyproxy logs a CONNECT to the Bastion host for /api/tokens and the WebSocket', async () => {
		setProxyEnvironment();
		const before = connects().length;
		expect(await echo(await transportFor(lab.vm('web-01')).open(new AbortController().signal), 'echo via-proxy')).toBe('via-proxy');
		// The token DELETE after the connection goes through it too.
		await expect.poll(() => lab.bastion.liveTokens().length).toBe(0);
		await expect.poll(() => connects().length - before).toBeGreaterThanOrEqual(3);
		expect(proxy.log()).toMatch(new RegExp(`Established connection to host "${stdHost.replace(/\./g, '\\.')}"`));
	});

	it('NO_PROXY bypasses it: no new CONNECT in its log, and the tunnel still works', async () => {
		setProxyEnvironment('.bastion.localhost');
		const before = connects().length;
		expect(await echo(await transportFor(lab.vm('web-01')).open(new AbortController().signal), 'echo direct')).toBe('direct');
		await expect.poll(() => lab.bastion.liveTokens().length).toBe(0);
		expect(connects().length).toBe(before);
	});

	it('checks the Bastion’s certificate end to end through the proxy (a CA that did not sign it is refused)', async () => {
		setProxyEnvironment();
		const before = connects().length;
		const error = await transportFor(lab.vm('web-01'), rootCertificates[0]!)
			.open(new AbortController().signal)
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(BastionError);
		expect((error as BastionError).message).toMatch(new RegExp(`^Could not reach Bastion bas-std \\(${stdHost.replace(/\./g, '\\.')} through the proxy http://127\\.0\\.0\\.1:${proxy.port}\\): .*(certificate|self.signed|issuer)`, 'i'));
		expect(connects().length).toBeGreaterThan(before);
	});

	it('a proxy that cannot connect to the Bastion is named as the one refusing, with the fix', async () => {
		setProxyEnvironment();
		const app = lab.vm('app-01');
		const error = await transportFor(app)
			.open(new AbortController().signal)
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(BastionError);
		expect((error as BastionError).message).toMatch(
			new RegExp(`^The proxy http://127\\.0\\.0\\.1:${proxy.port} refused to connect to Bastion ${app.bastion!.name} \\(.+, HTTP 5\\d\\d\\)\\. Check HTTPS_PROXY and NO_PROXY`),
		);
	});
});
