import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {armScope} from '../../../source/core/azure/cloud.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {EntraSignIn} from '../../../source/core/entra/msal-sign-in.js';
import {startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {mountLabEntra, type LabEntra} from '../../../source/lab/entra/index.js';
import {NSS_WRAPPER_PATH, startTinyproxy, TINYPROXY_INSTALL_HINT, TINYPROXY_PATH, type Tinyproxy} from '../../helpers/tinyproxy.js';

/**
 * Behind a corporate proxy, vmux's own Entra sign-in (msal-node through vmux's HTTPS client) goes through
 * HTTPS_PROXY like the Azure SDK and the Bastion tunnel do: a real tinyproxy's log shows the CONNECTs, NO_PROXY
 * bypasses it, and the lab's CA is still what vouches for Entra through the tunnel.
 */

const haveProxy = Boolean(TINYPROXY_PATH && NSS_WRAPPER_PATH);
if (!haveProxy) console.warn(`SKIPPED: the proxy tests need tinyproxy and libnss_wrapper. Install them with: ${TINYPROXY_INSTALL_HINT}`);

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'] as const;

describe.skipIf(!haveProxy)("vmux's Entra sign-in behind a proxy", () => {
	let arm: LabArm;
	let entra: LabEntra;
	let proxy: Tinyproxy;
	const saved = Object.fromEntries(PROXY_VARIABLES.filter(name => process.env[name] !== undefined).map(name => [name, process.env[name]]));

	beforeAll(async () => {
		arm = await startLabArm();
		entra = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1});
		proxy = await startTinyproxy({hosts: []});
	});
	afterAll(async () => {
		await proxy?.stop();
		entra?.close();
		await arm?.close();
	});
	afterEach(() => {
		for (const name of PROXY_VARIABLES) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
	});

	async function signInAndGetToken(): Promise<void> {
		const cloud = labCloud(arm.url, arm.ca);
		const signIn = new EntraSignIn({cloud});
		const done = signIn.signInWithDeviceCode(() => {});
		entra.approve((await entra.nextCode()).userCode);
		await done;
		const token = await signIn.getToken(armScope(cloud));
		expect(token.token.length).toBeGreaterThan(20);
	}

	it('signs in through HTTPS_PROXY (the proxy logs the CONNECTs) with the cloud CA checked end to end', async () => {
		for (const name of PROXY_VARIABLES) delete process.env[name];
		process.env.HTTPS_PROXY = proxy.url;
		const target = new URL(arm.url).host;
		const before = proxy.log().split(`CONNECT ${target}`).length;
		await signInAndGetToken();
		expect(proxy.log().split(`CONNECT ${target}`).length - before).toBeGreaterThanOrEqual(3);
	});

	it('goes direct for hosts NO_PROXY lists', async () => {
		for (const name of PROXY_VARIABLES) delete process.env[name];
		process.env.HTTPS_PROXY = proxy.url;
		process.env.NO_PROXY = '127.0.0.1';
		const before = proxy.log();
		await signInAndGetToken();
		expect(proxy.log()).toBe(before);
	});
});
