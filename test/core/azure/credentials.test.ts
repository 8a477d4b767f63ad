import {AzureCliCredential, ChainedTokenCredential, EnvironmentCredential, ManagedIdentityCredential} from '@azure/identity';
import {describe, expect, test} from 'vitest';
import {AZURE_CLOUDS} from '../../../source/core/azure/cloud.js';
import {createAzureCredential, signInChain} from '../../../source/core/azure/credentials.js';

describe('sign-in chain', () => {
	test('Azure CLI first, then environment, workload identity and managed identity', () => {
		const chain = signInChain({cloud: AZURE_CLOUDS.AzureCloud, tenantId: 'contoso.onmicrosoft.com'});
		expect(chain.map(entry => entry.name)).toEqual(['AzureCliCredential', 'EnvironmentCredential', 'WorkloadIdentityCredential', 'ManagedIdentityCredential']);
		expect(chain[0]!.credential).toBeInstanceOf(AzureCliCredential);
		expect(chain[1]!.credential).toBeInstanceOf(EnvironmentCredential);
		expect(chain[3]!.credential).toBeInstanceOf(ManagedIdentityCredential);
		expect(createAzureCredential({cloud: AZURE_CLOUDS.AzureCloud})).toBeInstanceOf(ChainedTokenCredential);
	});

	test('a credential that cannot be built without its environment reports itself unavailable instead of throwing', async () => {
		const saved = {id: process.env.AZURE_CLIENT_ID, tenant: process.env.AZURE_TENANT_ID, file: process.env.AZURE_FEDERATED_TOKEN_FILE};
		delete process.env.AZURE_CLIENT_ID;
		delete process.env.AZURE_TENANT_ID;
		delete process.env.AZURE_FEDERATED_TOKEN_FILE;
		try {
			const workload = signInChain({cloud: AZURE_CLOUDS.AzureCloud}).find(entry => entry.name === 'WorkloadIdentityCredential')!;
			await expect(workload.credential.getToken('https://management.azure.com/.default')).rejects.toMatchObject({name: 'CredentialUnavailableError'});
		} finally {
			if (saved.id !== undefined) process.env.AZURE_CLIENT_ID = saved.id;
			if (saved.tenant !== undefined) process.env.AZURE_TENANT_ID = saved.tenant;
			if (saved.file !== undefined) process.env.AZURE_FEDERATED_TOKEN_FILE = saved.file;
		}
	});
});
