import {createArmClients, type ArmClients} from '../core/azure/clients.js';
import {labCloud} from '../core/azure/cloud.js';
import {LabCredential} from '../core/azure/credentials.js';
import type {VmRecord} from '../core/inventory/model.js';
import {startLabArm, type LabArm} from './arm/index.js';
import type {LabCredentials} from './credentials.js';
import {mountLabBastion} from './bastion/index.js';
import {mountLabKeyVault} from './keyvault/index.js';
import {mountLabEntra, type LabEntra} from './entra/index.js';
import type {LabSshCa} from './entra/ssh-ca.js';

/** How long the demo's device code stays on screen before the lab approves it. */
export const DEMO_SIGN_IN_APPROVE_MS = 2500;
import type {Topology} from './topology/index.js';

export interface DemoNetwork {
	vms: VmRecord[];
	/** The lab's SSH servers by VM address (lab.ts), where the Bastion's tunnels lead. */
	resolve(host: string, port: number): {host: string; port: number} | undefined;
}

/**
 * The lab's ARM on HTTPS and the app's real SDK clients pointed at it (cloud setting + lab CA), as `--demo` uses
 * them; with the network, the Bastions' native-client tunnels too.
 */
export async function startDemoAzure(
	topology: Topology,
	credentials: LabCredentials,
	network?: DemoNetwork,
	sshCa?: LabSshCa,
): Promise<{arm: LabArm; clients: ArmClients; entra: LabEntra; close(): Promise<void>}> {
	const arm = await startLabArm({topology});
	// Key Vault (vault list on ARM, secrets on {vault}.vault.localhost) shares the server and the sign-in; its
	// demo secrets are this run's credentials, the only ones the lab's SSH servers accept.
	// Each vault belongs to its subscription's tenant (Fabrikam's vault takes Fabrikam tokens only).
	const keyVault = mountLabKeyVault(arm.server, {tokens: arm.tokens, armFaults: arm.faults, credentials, tenantOf: id => topology.tenantOf(id)});
	// Bastion tunnels ({bastion}.bastion.localhost) check the same ARM tokens and lead to the lab's SSH servers.
	const bastion = network
		? mountLabBastion(arm.server, {tokens: arm.tokens, vms: network.vms, resolve: network.resolve, tenantOf: id => topology.tenantOf(id)})
		: undefined;
	// Entra ID (device-code sign-in and SSH certificates) on the same server: the demo shows the code for a moment,
	// then approves it by itself, as if the user had entered it in a browser.
	const entra = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1, autoApprove: {afterMs: DEMO_SIGN_IN_APPROVE_MS}, ...(sshCa ? {sshCa} : {})});
	// The demo's sign-in is a member of every tenant of the world, as a user who is a guest in the others.
	const credential = new LabCredential((scopes, {tenantId}) => arm.tokens.issueForScopes(scopes, undefined, tenantId));
	const clients = createArmClients({cloud: labCloud(arm.url, arm.ca), credential});
	return {
		arm,
		clients,
		entra,
		async close() {
			clients.close();
			entra.close();
			await bastion?.close();
			keyVault.close();
			await arm.close();
		},
	};
}
