import {labCloud, type CloudSettings} from '../../../source/core/azure/cloud.js';
import {LabCredential} from '../../../source/core/azure/credentials.js';
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
	close(): Promise<void>;
}

/** The lab's ARM and Key Vault on one server, one token issuer, and the lab cloud pointed at them. */
export async function startLabWithKeyVault(options: Omit<LabKeyVaultOptions, 'tokens'> = {}): Promise<LabWithKeyVault> {
	const arm = await startLabArm();
	const keyVault = mountLabKeyVault(arm.server, {credentials: TEST_LAB_CREDENTIALS, ...options, tokens: arm.tokens, armFaults: arm.faults});
	const scopes: string[] = [];
	const credential = new LabCredential(requested => {
		scopes.push(...requested);
		return arm.tokens.issueForScopes(requested);
	});
	return {
		arm,
		keyVault,
		cloud: labCloud(arm.url, arm.ca),
		credential,
		scopes,
		close: async () => {
			keyVault.close();
			await arm.close();
		},
	};
}
