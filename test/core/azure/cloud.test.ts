import {describe, expect, test} from 'vitest';
import {armScope, AZURE_CLOUDS, cloudByName, CloudSettingsError, customCloud, keyVaultUrl, vaultUrlInCloud} from '../../../source/core/azure/cloud.js';
import {labCloud} from '../../../source/lab/cloud.js';

describe('cloud settings', () => {
	test('the public and sovereign clouds', () => {
		expect(armScope(AZURE_CLOUDS.AzureCloud)).toBe('https://management.azure.com/.default');
		expect(AZURE_CLOUDS.AzureChinaCloud).toMatchObject({
			armEndpoint: 'https://management.chinacloudapi.cn',
			authorityHost: 'https://login.chinacloudapi.cn',
			keyVaultSuffix: 'vault.azure.cn',
			sshCertificateScope: 'https://pas.chinacloudapi.cn/CheckMyAccess/Linux/.default',
		});
		expect(AZURE_CLOUDS.AzureUSGovernment).toMatchObject({
			armEndpoint: 'https://management.usgovcloudapi.net',
			authorityHost: 'https://login.microsoftonline.us',
			keyVaultSuffix: 'vault.usgovcloudapi.net',
			sshCertificateScope: 'https://pasff.usgovcloudapi.net/CheckMyAccess/Linux/.default',
		});
		expect(keyVaultUrl(AZURE_CLOUDS.AzureCloud, 'Web-KV')).toBe('https://web-kv.vault.azure.net');
		expect(Object.values(AZURE_CLOUDS).every(cloud => cloud.tlsCa === undefined)).toBe(true);
	});

	test('clouds by name, case-insensitively, and a readable error for others', () => {
		expect(cloudByName('azurechinacloud')).toBe(AZURE_CLOUDS.AzureChinaCloud);
		expect(() => cloudByName('AzureGermanCloud')).toThrow(/Unknown cloud 'AzureGermanCloud'. Use one of AzureCloud, AzureChinaCloud, AzureUSGovernment/);
	});

	test('custom endpoints are validated and normalised', () => {
		const cloud = customCloud({armEndpoint: 'https://management.local.azurestack.external/', authorityHost: 'https://adfs.local.azurestack.external/adfs', keyVaultSuffix: '.vault.local.azurestack.external', armAudience: 'https://management.adfs.azurestack.local/abc/'});
		expect(cloud).toMatchObject({
			name: 'custom',
			armEndpoint: 'https://management.local.azurestack.external',
			authorityHost: 'https://adfs.local.azurestack.external/adfs',
			keyVaultSuffix: 'vault.local.azurestack.external',
			armAudience: 'https://management.adfs.azurestack.local/abc',
			keyVaultAudience: 'https://vault.local.azurestack.external',
		});
		expect(armScope(cloud)).toBe('https://management.adfs.azurestack.local/abc/.default');
		expect(() => customCloud({armEndpoint: 'http://arm.example', authorityHost: 'https://login.example', keyVaultSuffix: 'vault.example'})).toThrow(CloudSettingsError);
		expect(() => customCloud({armEndpoint: 'http://arm.example', authorityHost: 'https://login.example', keyVaultSuffix: 'vault.example'})).toThrow(/armEndpoint 'http:\/\/arm.example' must use https/);
		expect(() => customCloud({armEndpoint: 'arm', authorityHost: 'https://login.example', keyVaultSuffix: 'vault.example'})).toThrow(/armEndpoint 'arm' is not a URL/);
		expect(() => customCloud({armEndpoint: 'https://arm.example', authorityHost: 'https://login.example', keyVaultSuffix: 'vault'})).toThrow(/keyVaultSuffix 'vault' must be a DNS suffix/);
	});

	test('a custom cloud whose data plane is on another port: vault URLs are saved without it and read with it', () => {
		const cloud = customCloud({armEndpoint: 'https://arm.stack.example', authorityHost: 'https://login.stack.example', keyVaultSuffix: 'vault.stack.example', dataPlanePort: 8443});
		expect(cloud).toMatchObject({name: 'custom', dataPlanePort: 8443, keyVaultAudience: 'https://vault.stack.example'});
		expect(keyVaultUrl(cloud, 'web-kv')).toBe('https://web-kv.vault.stack.example:8443');
		expect(vaultUrlInCloud(cloud, 'https://web-kv.vault.stack.example/')).toBe('https://web-kv.vault.stack.example:8443');
		// A URL that names its port, or a vault outside the cloud's suffix, is read as saved.
		expect(vaultUrlInCloud(cloud, 'https://web-kv.vault.stack.example:9443')).toBe('https://web-kv.vault.stack.example:9443');
		expect(vaultUrlInCloud(cloud, 'https://web-kv.vault.azure.net')).toBe('https://web-kv.vault.azure.net');
		expect(vaultUrlInCloud(AZURE_CLOUDS.AzureCloud, 'https://web-kv.vault.azure.net')).toBe('https://web-kv.vault.azure.net');
		// Port 443 is no port at all.
		expect(customCloud({armEndpoint: 'https://arm.example', authorityHost: 'https://login.example', keyVaultSuffix: 'vault.example', dataPlanePort: 443}).dataPlanePort).toBeUndefined();
		expect(() => customCloud({armEndpoint: 'https://arm.example', authorityHost: 'https://login.example', keyVaultSuffix: 'vault.example', dataPlanePort: 70000})).toThrow(/dataPlanePort '70000' must be a TCP port number/);
	});

	test('the lab cloud is a custom cloud: its endpoints, its vault domain as the Key Vault audience, its port and CA', () => {
		const cloud = labCloud('https://127.0.0.1:4443/', '-----BEGIN CERTIFICATE-----\nlab\n-----END CERTIFICATE-----\n');
		expect(cloud).toMatchObject({
			name: 'custom',
			armEndpoint: 'https://127.0.0.1:4443',
			authorityHost: 'https://127.0.0.1:4443',
			armAudience: 'https://management.azure.com',
			keyVaultSuffix: 'vault.localhost',
			keyVaultAudience: 'https://vault.localhost',
			dataPlanePort: 4443,
			tlsCa: expect.stringContaining('lab'),
		});
		expect(keyVaultUrl(cloud, 'web-kv')).toBe('https://web-kv.vault.localhost:4443');
		expect(vaultUrlInCloud(cloud, 'https://web-kv.vault.localhost/')).toBe('https://web-kv.vault.localhost:4443');
	});
});
