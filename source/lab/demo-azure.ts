import type {ArmClients} from '../core/azure/clients.js';
import type {LabCredentials} from './credentials.js';
import {demoAzureClients} from './demo-azure-clients.js';
import {startDemoAzureServers, type DemoAzureServers, type DemoNetwork} from './demo-azure-servers.js';
import type {LabSshCa} from './entra/ssh-ca.js';
import type {Topology} from './topology/index.js';

export {demoAzureClients} from './demo-azure-clients.js';
export {DEMO_SIGN_IN_APPROVE_MS, type DemoAzureConnection, type DemoNetwork} from './demo-azure-servers.js';

/** The stand-ins (demo-azure-servers.ts) with the app's SDK clients signed in to them. */
export interface DemoAzure extends Omit<DemoAzureServers, 'connection'> {
	clients: ArmClients;
}

/**
 * The lab's ARM on HTTPS and the app's real SDK clients pointed at it (cloud setting + lab CA), in this thread (the
 * doctor and tests; the app runs the servers in a worker, demo-in-worker.ts); with the network, the Bastions'
 * native-client tunnels too.
 */
export async function startDemoAzure(
	topology: Topology,
	credentials: LabCredentials,
	network?: DemoNetwork,
	/** The CA Entra signs SSH certificates with; a promise while its key is being made (grants wait for it). */
	sshCa?: LabSshCa | Promise<LabSshCa>,
): Promise<DemoAzure> {
	const servers = await startDemoAzureServers(topology, credentials, sshCa);
	if (network) await servers.attachNetwork(network);
	const clients = demoAzureClients(servers.connection);
	return {
		arm: servers.arm,
		clients,
		entra: servers.entra,
		attachNetwork: servers.attachNetwork,
		get bastion() {
			return servers.bastion;
		},
		async close() {
			clients.close();
			await servers.close();
		},
	};
}
