import {describe, expect, test} from 'vitest';
import {LabTokenIssuer} from '../../../source/lab/arm/index.js';
import {LabCredential} from '../../helpers/lab-credential.js';

describe('LabCredential', () => {
	test('hands out the lab issuer’s tokens for the requested scope', async () => {
		const issuer = new LabTokenIssuer({tenantId: 'lab-tenant'});
		const credential = new LabCredential(scopes => issuer.issueForScopes(scopes));
		const token = await credential.getToken('https://management.azure.com/.default');
		expect(token.tokenType).toBe('Bearer');
		expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
		const check = issuer.validate(token.token, {audiences: ['https://management.azure.com/']});
		expect(check).toMatchObject({ok: true, claims: {tid: 'lab-tenant', upn: 'alice@contoso.com', aud: 'https://management.azure.com/'}});
		const vault = await credential.getToken(['https://vault.azure.net/.default']);
		expect(issuer.validate(vault.token, {audiences: ['https://management.azure.com/']})).toMatchObject({ok: false, code: 'InvalidAuthenticationTokenAudience'});
	});

	test('a fixed token works too, and other issuers’ tokens are not valid', async () => {
		const issuer = new LabTokenIssuer({tenantId: 't'});
		const other = new LabTokenIssuer({tenantId: 't'});
		const fixed = new LabCredential(other.issue());
		const token = await fixed.getToken('https://management.azure.com/.default');
		expect(issuer.validate(token.token)).toMatchObject({ok: false, code: 'InvalidAuthenticationToken'});
		const mine = issuer.issue();
		issuer.revoke(mine.token);
		expect(issuer.validate(mine.token).ok).toBe(false);
	});
});
