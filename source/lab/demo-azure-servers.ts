import {randomBytes} from 'node:crypto';
import type {VmRecord} from '../core/inventory/model.js';
import {startLabArm, type LabArm} from './arm/index.js';
import type {LabBastion} from './bastion/index.js';
import type {LabCredentials} from './credentials.js';
import {mountLabEntra, type LabConfidentialClient, type LabEntra} from './entra/index.js';
import type {LabSshCa} from './entra/ssh-ca.js';
import {mountLabKeyVault} from './keyvault/index.js';
import type {Topology} from './topology/index.js';

/** The demo's app registration (a confidential client); the secret is made per run. */
const DEMO_APP: Omit<LabConfidentialClient, 'secret'> = {
	clientId: '3c1f6b2a-7d4e-4a9b-8e2f-5a6b7c8d9e0f',
	identity: {oid: '8b2e4f6a-1c3d-4e5f-9a7b-2c4d6e8f0a1b', upn: '3c1f6b2a-7d4e-4a9b-8e2f-5a6b7c8d9e0f', name: 'vmux demo'},
};

/** How long the demo's device code stays on screen before the lab approves it. */
export const DEMO_SIGN_IN_APPROVE_MS = 2500;

export interface DemoNetwork {
	vms: VmRecord[];
	/** The lab's SSH servers by VM address (lab.ts), where the Bastion's tunnels lead. */
	resolve(host: string, port: number): {host: string; port: number} | undefined;
}

/**
 * What a client needs to reach the demo's Azure stand-ins as vmux does any custom cloud: the lab's URL and CA, the
 * tenant, and the demo app registration's client id and this run's secret. Plain data: it crosses to the app's
 * thread when the lab runs in a worker (demo-worker.ts).
 */
export interface DemoAzureConnection {
	url: string;
	ca: string;
	tenantId: string;
	clientId: string;
	secret: string;
}

export interface DemoAzureServers {
	arm: LabArm;
	entra: LabEntra;
	connection: DemoAzureConnection;
	/** Mounts the Bastion stand-ins, whose tunnels lead into this network (once; later calls do nothing). */
	attachNetwork(network: DemoNetwork): Promise<void>;
	/** The Bastion stand-ins once mounted (their requests and tunnels, for tests). */
	readonly bastion: LabBastion | undefined;
	close(): Promise<void>;
}

/**
 * The demo's Azure stand-ins on one HTTPS server: ARM (with Resource Graph), Key Vault serving this run's
 * credentials, Entra ID (the demo's app registration, device-code sign-in, SSH certificates), and on request the
 * Bastions. No Azure SDK here: the clients are the app's (demo-azure.ts), so the lab can run on a thread of its own.
 */
export async function startDemoAzureServers(
	topology: Topology,
	credentials: LabCredentials,
	/** The CA Entra signs SSH certificates with; a promise while its key is being made (grants wait for it). */
	sshCa?: LabSshCa | Promise<LabSshCa>,
): Promise<DemoAzureServers> {
	const arm = await startLabArm({topology});
	// Key Vault (vault list on ARM, secrets on {vault}.vault.localhost) shares the server and the sign-in; its
	// demo secrets are this run's credentials, the only ones the lab's SSH servers accept.
	// Each vault belongs to its subscription's tenant (Fabrikam's vault takes Fabrikam tokens only).
	const keyVault = mountLabKeyVault(arm.server, {tokens: arm.tokens, armFaults: arm.faults, credentials, tenantOf: id => topology.tenantOf(id)});
	// Bastion tunnels ({bastion}.bastion.localhost) check the same ARM tokens and lead to the lab's SSH servers;
	// mounted with the network (at once, or on the first connect when the demo starts its SSH servers lazily).
	let bastion: LabBastion | undefined;
	const attachNetwork = async (network: DemoNetwork) => {
		if (bastion) return;
		const {mountLabBastion} = await import('./bastion/index.js');
		bastion ??= mountLabBastion(arm.server, {tokens: arm.tokens, vms: network.vms, resolve: network.resolve, tenantOf: id => topology.tenantOf(id)});
	};
	// Entra ID (device-code sign-in and SSH certificates) on the same server: the demo shows the code for a moment,
	// then approves it by itself, as if the user had entered it in a browser.
	// The demo's app registration has a new secret each run; its service principal is in every tenant of the world.
	const app = {...DEMO_APP, secret: randomBytes(32).toString('base64url')};
	const entra = mountLabEntra(arm.server, {
		tokens: arm.tokens,
		interval: 1,
		autoApprove: {afterMs: DEMO_SIGN_IN_APPROVE_MS},
		confidentialClients: [app],
		...(sshCa ? {sshCa} : {}),
	});
	return {
		arm,
		entra,
		connection: {url: arm.url, ca: arm.ca, tenantId: topology.tenantId, clientId: app.clientId, secret: app.secret},
		attachNetwork,
		get bastion() {
			return bastion;
		},
		async close() {
			entra.close();
			await bastion?.close();
			keyVault.close();
			await arm.close();
		},
	};
}
