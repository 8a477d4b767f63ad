import {createArmClients, type ArmClients} from '../core/azure/clients.js';
import {labCloud} from '../core/azure/cloud.js';
import {LabCredential} from '../core/azure/credentials.js';
import {startLabArm, type LabArm} from './arm/index.js';
import {mountLabKeyVault} from './keyvault/index.js';
import type {Topology} from './topology/index.js';

/** The lab's ARM on HTTPS and the app's real SDK clients pointed at it (cloud setting + lab CA), as `--demo` uses them. */
export async function startDemoAzure(topology: Topology): Promise<{arm: LabArm; clients: ArmClients; close(): Promise<void>}> {
	const arm = await startLabArm({topology});
	// Key Vault (vault list on ARM, secrets on {vault}.vault.localhost) shares the server and the sign-in.
	const keyVault = mountLabKeyVault(arm.server, {tokens: arm.tokens, armFaults: arm.faults});
	const clients = createArmClients({cloud: labCloud(arm.url, arm.ca), credential: new LabCredential(scopes => arm.tokens.issueForScopes(scopes))});
	return {
		arm,
		clients,
		async close() {
			clients.close();
			keyVault.close();
			await arm.close();
		},
	};
}
