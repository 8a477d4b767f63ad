import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/identity';

/**
 * A TokenCredential that keeps each token until shortly before it expires. The core SDK clients cache tokens in
 * their bearer policy, but Resource Graph's older runtime signs every request itself: through
 * `AzureCliCredential` that meant starting `az` once per page of a large fleet. Tokens are kept per scope set
 * and tenant; a request carrying claims (a CAE challenge) always goes to the credential.
 */

export interface TokenCacheOptions {
	/** Ask again this long before expiry (default 5 minutes, as the SDKs' bearer policy does). */
	refreshBeforeMs?: number;
	now?: () => number;
}

export function cachingCredential(inner: TokenCredential, options: TokenCacheOptions = {}): TokenCredential {
	const refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
	const now = options.now ?? Date.now;
	const tokens = new Map<string, AccessToken>();
	const pending = new Map<string, Promise<AccessToken | null>>();

	const fresh = (token: AccessToken | undefined): token is AccessToken => {
		if (!token) return false;
		const at = now();
		if (token.refreshAfterTimestamp !== undefined && at >= token.refreshAfterTimestamp) return false;
		return token.expiresOnTimestamp - at > refreshBeforeMs;
	};

	return {
		async getToken(scopes: string | string[], getOptions?: GetTokenOptions): Promise<AccessToken | null> {
			if (getOptions?.claims) return inner.getToken(scopes, getOptions);
			const key = JSON.stringify([[...(Array.isArray(scopes) ? scopes : [scopes])].sort(), getOptions?.tenantId ?? '']);
			const cached = tokens.get(key);
			if (fresh(cached)) return cached;
			// Pages asked for at once share one request to the credential.
			let request = pending.get(key);
			if (!request) {
				request = inner.getToken(scopes, getOptions).finally(() => pending.delete(key));
				pending.set(key, request);
			}
			const token = await request;
			if (token) tokens.set(key, token);
			else tokens.delete(key);
			return token;
		},
	};
}
