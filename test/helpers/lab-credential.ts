import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/identity';

export type LabTokenSource = (scopes: string[], options: {tenantId?: string}) => AccessToken | Promise<AccessToken>;

/**
 * Tests only: a TokenCredential handing out the lab issuer's tokens in-process, so a test can shape the token
 * (expired, forged, another tenant's, another audience) and still drive the real SDK clients against the lab's
 * stand-ins. The product never uses it: `vmux --demo` signs in over HTTPS against the lab's Entra, as a user
 * would (source/lab/demo-azure.ts). The tenant asked for (a subscription's, a Key Vault challenge's) goes to the
 * source, as a credential allowing every tenant would.
 */
export class LabCredential implements TokenCredential {
	private readonly source: LabTokenSource;

	constructor(source: LabTokenSource | AccessToken) {
		this.source = typeof source === 'function' ? source : () => source;
	}

	async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
		const token = await this.source(Array.isArray(scopes) ? scopes : [scopes], options?.tenantId ? {tenantId: options.tenantId} : {});
		return {token: token.token, expiresOnTimestamp: token.expiresOnTimestamp, tokenType: 'Bearer'};
	}
}
