import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/identity';

/**
 * A user's subscriptions may sit in several Microsoft Entra tenants (their own and others where they are a guest),
 * and Azure takes a token for a subscription only from that subscription's tenant (ARM answers 401
 * InvalidAuthenticationTokenTenant, Bastion refuses the `aztoken`). The tenant of each subscription comes from the
 * subscription list (`tenantId`), and every call on a subscription asks the credential for a token of that tenant.
 */

/** Which tenant each subscription belongs to, as the subscription lists said. */
export class SubscriptionTenants {
	private readonly bySubscription = new Map<string, string>();

	/** Records the tenants of subscriptions (entries without a tenant are skipped). */
	remember(subscriptions: Iterable<{id: string; tenantId?: string}>): void {
		for (const sub of subscriptions) if (sub.tenantId) this.bySubscription.set(sub.id.toLowerCase(), sub.tenantId);
	}

	/** The subscription's tenant, or undefined when no list has named it (the sign-in's own tenant is then used). */
	tenantOf(subscriptionId: string): string | undefined {
		return this.bySubscription.get(subscriptionId.toLowerCase());
	}
}

/**
 * A credential that asks for tokens of the tenant `tenantOf()` names at the time of each request, unless the
 * request names a tenant itself (a service's challenge knows best). With no tenant known, the request is passed on
 * as it is, and the credential's own tenant answers.
 */
export function tenantCredential(credential: TokenCredential, tenantOf: () => string | undefined): TokenCredential {
	return {
		getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken | null> {
			const tenantId = options.tenantId ?? tenantOf();
			return credential.getToken(scopes, tenantId ? {...options, tenantId} : options);
		},
	};
}
