import {createArmClients, type ArmClients} from '../../../source/core/azure/clients.js';
import type {CloudSettings} from '../../../source/core/azure/cloud.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import {startLabArm, type LabArm, type LabArmOptions} from '../../../source/lab/arm/index.js';

export interface LabWithClients {
	lab: LabArm;
	cloud: CloudSettings;
	credential: LabCredential;
	clients: ArmClients;
	close(): Promise<void>;
}

/** The lab's ARM plus the app's real SDK clients pointed at it through the cloud setting and the lab CA. */
export async function startLabWithClients(options: LabArmOptions & {maxThrottleRetries?: number} = {}): Promise<LabWithClients> {
	const lab = await startLabArm(options);
	const cloud = labCloud(lab.url, lab.ca);
	// A sign-in that is a member of every tenant of the lab's world: a token for the tenant asked for.
	const credential = new LabCredential((scopes, {tenantId}) => lab.tokens.issueForScopes(scopes, undefined, tenantId));
	const clients = createArmClients({cloud, credential, maxThrottleRetries: options.maxThrottleRetries});
	return {
		lab,
		cloud,
		credential,
		clients,
		close: async () => {
			clients.close();
			await lab.close();
		},
	};
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
	const items: T[] = [];
	for await (const item of iterable) items.push(item);
	return items;
}

export const DEV = '3f2a6c1e-7d4b-4e8a-9c5f-1b2d3e4f5a6b';
export const PROD = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
/** Fabrikam Ops: the demo's subscription in a second tenant, where the demo user is a guest. */
export const FABRIKAM = 'c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f';
export const CONTOSO_TENANT = '8f3c1a5e-4b2d-4c6e-9a7b-0d1e2f3a4b5c';
export const FABRIKAM_TENANT = '2b7e4f9a-6c1d-4e3b-8a5f-9d0c1b2a3e4f';
