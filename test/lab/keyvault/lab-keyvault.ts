import type {CloudSettings} from '../../../source/core/azure/cloud.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {LabCredential} from '../../helpers/lab-credential.js';
import {startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {mountLabKeyVault, type LabKeyVault, type LabKeyVaultOptions} from '../../../source/lab/keyvault/index.js';
import {TEST_LAB_CREDENTIALS} from '../../helpers/lab-credentials.js';

export interface LabWithKeyVault {
	arm: LabArm;
	keyVault: LabKeyVault;
	cloud: CloudSettings;
	credential: LabCredential;
	/** Every scope the SDKs asked the credential for. */
	scopes: string[];
	/** The tenant of each of those requests (undefined: none named). */
	tenants: Array<string | undefined>;
	close(): Promise<void>;
}

/** The lab's ARM and Key Vault on one server, one token issuer, and the lab cloud pointed at them. */
export async function startLabWithKeyVault(options: Omit<LabKeyVaultOptions, 'tokens'> = {}): Promise<LabWithKeyVault> {
	const arm = await startLabArm();
	const keyVault = mountLabKeyVault(arm.server, {
		credentials: TEST_LAB_CREDENTIALS,
		tenantOf: id => arm.topology.tenantOf(id),
		...options,
		tokens: arm.tokens,
		armFaults: arm.faults,
	});
	const scopes: string[] = [];
	const tenants: Array<string | undefined> = [];
	// A sign-in that is a member of every tenant of the lab's world: a token for the tenant asked for.
	const credential = new LabCredential((requested, {tenantId}) => {
		scopes.push(...requested);
		tenants.push(tenantId);
		return arm.tokens.issueForScopes(requested, undefined, tenantId);
	});
	return {
		arm,
		keyVault,
		cloud: labCloud(arm.url, arm.ca),
		credential,
		scopes,
		tenants,
		close: async () => {
			keyVault.close();
			await arm.close();
		},
	};
}
