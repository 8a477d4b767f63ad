import {createArmClients, type ArmClients} from '../../../source/core/azure/clients.js';
import {labCloud, type CloudSettings} from '../../../source/core/azure/cloud.js';
import {LabCredential} from '../../../source/core/azure/credentials.js';
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
	const credential = new LabCredential(scopes => lab.tokens.issueForScopes(scopes));
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
