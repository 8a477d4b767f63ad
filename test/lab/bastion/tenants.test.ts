import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {bastionTunnels} from '../../../source/core/transport/bastion-tunnels.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import {loadDemoTopology} from '../../../source/lab/topology/index.js';
import {labBastionTlsHost} from '../../../source/lab/bastion/index.js';
import {BastionError} from '../../../source/core/transport/bastion.js';
import {LAB_PASSWORD, LAB_USERNAME} from '../../helpers/lab-credentials.js';
import {CONTOSO_TENANT, FABRIKAM, FABRIKAM_TENANT} from '../arm/lab-clients.js';
import {form, FORM, labRequest, startLabWithBastion, type LabWithBastion} from './lab-bastion.js';

/**
 * A Bastion takes ARM tokens of its own subscription's tenant only (contracts §3: the CLI asks for the current
 * subscription's tenant). The demo's bas-fab serves ops-01 in Fabrikam Ops, a tenant where the user is a guest.
 */

let env: LabWithBastion;
let fabHost: string;
let stdHost: string;
beforeAll(async () => {
	env = await startLabWithBastion();
	fabHost = labBastionTlsHost(env.vm('ops-01').bastion!.dnsName!);
	stdHost = labBastionTlsHost(env.vm('web-01').bastion!.dnsName!);
});
afterAll(async () => {
	await env?.stop();
});

const tokens = (host: string, vmName: string, aztoken: string) =>
	labRequest(env.server, host, 'POST', '/api/tokens', {body: form({resourceId: env.vm(vmName).id, protocol: 'tcptunnel', workloadHostPort: 22, aztoken}), contentType: FORM});

/** ssh2 over an opened transport; resolves with a command's output. */
function sshRun(sock: NodeJS.ReadWriteStream, command: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const client = new ssh2.Client();
		client.on('error', reject);
		client.on('ready', () => {
			client.exec(command, (error, stream) => {
				if (error) return reject(error);
				let output = '';
				stream.on('data', (d: Buffer) => (output += d.toString()));
				stream.on('close', () => {
					client.end();
					resolve(output);
				});
			});
		});
		client.connect({sock: sock as never, username: LAB_USERNAME, password: LAB_PASSWORD, readyTimeout: 10_000});
	});
}

describe('lab Bastion: the token’s tenant', () => {
	it('bas-fab sits in Fabrikam Ops and serves ops-01', () => {
		const bastion = env.vm('ops-01').bastion!;
		expect(bastion).toMatchObject({name: 'bas-fab', sku: 'Standard', subscriptionId: FABRIKAM});
		expect(loadDemoTopology().tenantOf(FABRIKAM)).toBe(FABRIKAM_TENANT);
	});

	it('refuses an ARM token of another tenant than the Bastion’s subscription’s with 401, and takes the right one', async () => {
		const refused = await tokens(fabHost, 'ops-01', env.armToken());
		expect(refused.status).toBe(401);
		expect(refused.json().message).toBe(
			`The access token is from the wrong issuer 'https://sts.windows.net/${CONTOSO_TENANT}/'. It must match the tenant 'https://sts.windows.net/${FABRIKAM_TENANT}/' associated with the subscription of Bastion Host 'bas-fab'.`,
		);
		const back = await tokens(stdHost, 'web-01', env.armToken(FABRIKAM_TENANT));
		expect(back.status).toBe(401);
		const ok = await tokens(fabHost, 'ops-01', env.armToken(FABRIKAM_TENANT));
		expect(ok.status, ok.text).toBe(200);
		expect(Object.keys(ok.json()).sort()).toEqual(['authToken', 'nodeId', 'websocketToken']);
	});
});

describe('vmux through the Bastion of another tenant', () => {
	// A sign-in that can get a token for any tenant of the user (what the product's credentials now allow).
	const credential = new LabCredential((scopes, {tenantId}) => env.tokens.issueForScopes(scopes, undefined, tenantId));
	const tenantOf = (subscriptionId: string) => loadDemoTopology().tenantOf(subscriptionId);

	it('pays for the tunnel with a token for the Bastion’s subscription’s tenant and reaches ops-01', async () => {
		const tunnel = bastionTunnels(labCloud(env.server.url, env.server.ca), credential, tenantOf);
		const b = env.vm('ops-01').bastion!;
		const transport = tunnel({id: b.id, name: b.name, sku: b.sku, dnsName: b.dnsName!}, {resourceId: env.vm('ops-01').id, port: 22});
		const output = await sshRun(await transport.open(new AbortController().signal), 'echo fabrikam-$((6*7))');
		expect(output).toContain('fabrikam-42');
		// And the home tenant's Bastions still get home-tenant tokens.
		const web = env.vm('web-01').bastion!;
		const home = tunnel({id: web.id, name: web.name, sku: web.sku, dnsName: web.dnsName!}, {resourceId: env.vm('web-01').id, port: 22});
		expect(await sshRun(await home.open(new AbortController().signal), 'echo contoso-ok')).toContain('contoso-ok');
	});

	it('without the tenant, the Bastion’s refusal is the sentence shown', async () => {
		const tunnel = bastionTunnels(labCloud(env.server.url, env.server.ca), credential);
		const b = env.vm('ops-01').bastion!;
		const error = await tunnel({id: b.id, name: b.name, sku: b.sku, dnsName: b.dnsName!}, {resourceId: env.vm('ops-01').id, port: 22})
			.open(new AbortController().signal)
			.catch((caught: unknown) => caught as BastionError);
		expect(error).toBeInstanceOf(BastionError);
		expect((error as BastionError).message).toMatch(/^Bastion bas-fab refused to open a tunnel \(HTTP 401\): The access token is from the wrong issuer/);
	});
});
