import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cloudFromSettings} from '../../../source/core/azure/cloud.js';
import {armScope} from '../../../source/core/azure/cloud.js';

// A real certificate: the CA file's certificates are parsed, so a placeholder PEM is refused.
const PEM = readFileSync(new URL('../../../source/lab/assets/tls/lab-ca.pem', import.meta.url), 'utf8');

describe('cloudFromSettings', () => {
	const dirs: string[] = [];
	afterEach(() => {
		for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
	});
	const custom = {name: 'Custom' as const, resourceManagerEndpoint: 'https://management.local.azurestack.external', authorityHost: 'https://login.local.azurestack.external', keyVaultDnsSuffix: 'vault.local.azurestack.external'};

	it('names the known clouds and needs all three endpoints for a custom one', () => {
		expect(cloudFromSettings({name: 'AzureChinaCloud'}).armEndpoint).toBe('https://management.chinacloudapi.cn');
		expect(() => cloudFromSettings({name: 'Custom', resourceManagerEndpoint: custom.resourceManagerEndpoint})).toThrow(/cloud.authorityHost and cloud.keyVaultDnsSuffix/);
	});

	it('takes the ARM token audience when it is not the endpoint (Azure Stack Hub)', () => {
		const cloud = cloudFromSettings({...custom, resourceManagerAudience: 'https://management.adfs.azurestack.local/abc'});
		expect(armScope(cloud)).toBe('https://management.adfs.azurestack.local/abc/.default');
		expect(armScope(cloudFromSettings(custom))).toBe('https://management.local.azurestack.external/.default');
	});

	it('trusts a CA file for this cloud only, and names the file when it cannot', () => {
		const dir = mkdtempSync(join(tmpdir(), 'vmux-ca-'));
		dirs.push(dir);
		const good = join(dir, 'ca.pem');
		writeFileSync(good, PEM);
		expect(cloudFromSettings({...custom, caFile: good}).tlsCa).toBe(PEM);
		expect(() => cloudFromSettings({...custom, caFile: join(dir, 'missing.pem')})).toThrow(/cloud.caFile .*missing.pem cannot be read \(ENOENT\)/);
		const notPem = join(dir, 'key.txt');
		writeFileSync(notPem, 'hello');
		expect(() => cloudFromSettings({...custom, caFile: notPem})).toThrow(/holds no PEM certificate/);
	});
});
