import {createArmClients, type ArmClients} from '../core/azure/clients.js';
import {labCloud} from '../core/azure/cloud.js';
import {LabCredential} from '../core/azure/credentials.js';
import {startLabArm, type LabArm} from './arm/index.js';
import type {Topology} from './topology/index.js';

/** The lab's ARM on HTTPS and the app's real SDK clients pointed at it (cloud setting + lab CA), as `--demo` uses them. */
export async function startDemoAzure(topology: Topology): Promise<{arm: LabArm; clients: ArmClients; close(): Promise<void>}> {
	const arm = await startLabArm({topology});
	const clients = createArmClients({cloud: labCloud(arm.url, arm.ca), credential: new LabCredential(scopes => arm.tokens.issueForScopes(scopes))});
	return {
		arm,
		clients,
		async close() {
			clients.close();
			await arm.close();
		},
	};
}
