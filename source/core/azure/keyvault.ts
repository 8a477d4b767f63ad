import {KeyVaultManagementClient} from '@azure/arm-keyvault';
import {SecretClient} from '@azure/keyvault-secrets';
import type {TokenCredential} from '@azure/identity';
import {armScope, keyVaultUrl, vaultUrlInCloud, type CloudSettings} from './cloud.js';
import {cloudHttpsAgent} from './cloud-agent.js';
import {describeAzureError, type AzureProblem} from './errors.js';

/**
 * What the Key Vault pickers list: the vaults in a subscription (management plane) and the secret names in a
 * vault (data plane, names and metadata only — values are read when connecting, not here). Errors come back as
 * one sentence that names the permission to ask for, because "403" alone does not tell anyone what to fix.
 */

export interface KeyVaultAccess {
	cloud: CloudSettings;
	/** For the data plane: the SDK asks it for a token of the tenant each vault's challenge names. */
	credential: TokenCredential;
	/** For the vault list of a subscription: a credential asking for that subscription's tenant (ArmClients'). */
	credentialFor?(subscriptionId: string): TokenCredential;
}

export interface VaultSummary {
	name: string;
	/** Data-plane URL without a trailing slash, e.g. `https://kv-web.vault.azure.net`. */
	vaultUrl: string;
	resourceGroup: string;
	location: string;
	subscriptionId: string;
}

export interface SecretSummary {
	name: string;
	enabled: boolean;
	contentType?: string;
	updatedOn?: Date;
}

export interface KeyVaultClients {
	listVaults(subscriptionId: string, options?: {abortSignal?: AbortSignal}): Promise<VaultSummary[]>;
	listSecretNames(vaultUrl: string, options?: {abortSignal?: AbortSignal}): Promise<SecretSummary[]>;
	/**
	 * A secret's value (latest version unless `version` is given), for connecting. The value is returned, never
	 * logged or kept here; a failure is a `KeyVaultError` whose sentence names the vault, the secret and the fix.
	 */
	getSecret(vaultUrl: string, secretName: string, options?: {abortSignal?: AbortSignal; version?: string}): Promise<string>;
	/** Frees keep-alive sockets. */
	close(): void;
}

/** A Key Vault call that failed, with the sentence to show. */
export class KeyVaultError extends Error {
	readonly problem: AzureProblem;
	constructor(problem: AzureProblem) {
		super(problem.message);
		this.name = 'KeyVaultError';
		this.problem = problem;
	}
}

export function createKeyVaultClients(access: KeyVaultAccess): KeyVaultClients {
	const {cloud, credential} = access;
	const agent = cloudHttpsAgent(cloud);
	const common = {
		userAgentOptions: {userAgentPrefix: 'vmux'},
		...(agent ? {agent} : {}),
	};
	const management = new Map<string, KeyVaultManagementClient>();
	const secrets = new Map<string, SecretClient>();
	/** One SecretClient per vault (keeps its challenge cache and token), with the agent and error-body policy. */
	const secretClientFor = (url: string): SecretClient => {
		let client = secrets.get(url.toLowerCase());
		if (!client) {
			client = new SecretClient(url, credential, {
				...common,
				additionalPolicies: [{policy: errorBodyPolicy, position: 'perCall'}],
			});
			secrets.set(url.toLowerCase(), client);
		}
		return client;
	};

	return {
		async listVaults(subscriptionId, options = {}) {
			let client = management.get(subscriptionId);
			if (!client) {
				client = new KeyVaultManagementClient(access.credentialFor?.(subscriptionId) ?? credential, subscriptionId, {
					...common,
					endpoint: cloud.armEndpoint,
					credentials: {scopes: [armScope(cloud)]},
				});
				management.set(subscriptionId, client);
			}
			try {
				const vaults: VaultSummary[] = [];
				for await (const vault of client.vaults.listBySubscription({abortSignal: options.abortSignal})) {
					if (!vault.name) continue;
					vaults.push({
						name: vault.name,
						// vaultUri is authoritative (custom clouds); the name gives it when absent.
						vaultUrl: stripSlash(vault.properties?.vaultUri ?? keyVaultUrl(cloud, vault.name)),
						resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(vault.id ?? '')?.[1] ?? '',
						location: vault.location ?? '',
						subscriptionId,
					});
				}
				return vaults.sort((a, b) => a.name.localeCompare(b.name));
			} catch (error) {
				throw new KeyVaultError(describeVaultListError(error, subscriptionId, cloud));
			}
		},
		async listSecretNames(vaultUrl, options = {}) {
			const url = stripSlash(vaultUrlInCloud(cloud, vaultUrl));
			const client = secretClientFor(url);
			try {
				const found: SecretSummary[] = [];
				for await (const properties of client.listPropertiesOfSecrets({abortSignal: options.abortSignal})) {
					// Certificates' backing secrets are listed too; they are not what a profile points at.
					if (properties.managed) continue;
					found.push({
						name: properties.name,
						enabled: properties.enabled !== false,
						...(properties.contentType ? {contentType: properties.contentType} : {}),
						...(properties.updatedOn ? {updatedOn: properties.updatedOn} : {}),
					});
				}
				return found.sort((a, b) => a.name.localeCompare(b.name));
			} catch (error) {
				throw new KeyVaultError(describeKeyVaultError(error, {vaultUrl: url, operation: 'list'}));
			}
		},
		async getSecret(vaultUrl, secretName, options = {}) {
			const url = stripSlash(vaultUrlInCloud(cloud, vaultUrl));
			const name = secretName.trim();
			const context = {vaultUrl: url, operation: 'get' as const, secretName: name};
			const client = secretClientFor(url);
			let secret;
			try {
				secret = await client.getSecret(name, {abortSignal: options.abortSignal, ...(options.version ? {version: options.version} : {})});
			} catch (error) {
				const problem = describeKeyVaultError(error, context);
				if (problem.code !== 'SecretNotFound' || options.version) throw new KeyVaultError(problem);
				// A soft-deleted secret answers exactly like a missing one; its deleted bundle tells them apart.
				throw new KeyVaultError(await describeMissingSecret(client, problem, url, name, options.abortSignal));
			}
			// Key Vault itself refuses to return a disabled secret's value (403 SecretDisabled); this covers a
			// service (or stand-in) that returns it anyway, so a disabled secret is never used.
			if (secret.properties.enabled === false) {
				throw new KeyVaultError(describeKeyVaultError({statusCode: 403, code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', details: {error: {innererror: {code: 'SecretDisabled'}}}}, context));
			}
			return secret.value ?? '';
		},
		close() {
			agent?.destroy();
		},
	};
}

/** One-off: the vaults in a subscription. Prefer `createKeyVaultClients` when listing more than once. */
export async function listVaults(access: KeyVaultAccess, subscriptionId: string): Promise<VaultSummary[]> {
	const clients = createKeyVaultClients(access);
	try {
		return await clients.listVaults(subscriptionId);
	} finally {
		clients.close();
	}
}

/** One-off: the secret names in a vault (no values). */
export async function listSecretNames(cloud: CloudSettings, credential: TokenCredential, vaultUrl: string): Promise<SecretSummary[]> {
	const clients = createKeyVaultClients({cloud, credential});
	try {
		return await clients.listSecretNames(vaultUrl);
	} finally {
		clients.close();
	}
}

/**
 * Key Vault's 403 comes in two wordings (contract §5): access-policy vaults name the missing secret permission,
 * RBAC vaults name the refused action. Each gets the fix for its model.
 */
export function describeKeyVaultError(error: unknown, context: {vaultUrl: string; operation: 'list' | 'get'; secretName?: string}): AzureProblem {
	const vault = vaultNameOf(context.vaultUrl);
	const doing = context.operation === 'list' ? `listing the secrets in key vault '${vault}'` : `reading secret '${context.secretName ?? ''}' from key vault '${vault}'`;
	const base = describeAzureError(error, {endpoint: context.vaultUrl, doing});
	const err = (error ?? {}) as Record<string, unknown>;
	const message = typeof err.message === 'string' ? err.message : '';
	// The secrets SDK drops the body's `innererror`; the message wording tells the two models apart as well.
	const inner = innerCode(err) ?? (/does not have secrets \w+ permission/i.test(message) ? 'AccessDenied' : /Caller is not authorized/i.test(message) ? 'ForbiddenByRbac' : undefined);
	if (base.status === 403 && (inner === 'SecretDisabled' || /disabled secret/i.test(message))) {
		return {
			...base,
			kind: 'forbidden',
			code: 'SecretDisabled',
			role: undefined,
			action: undefined,
			message: `The secret '${context.secretName ?? ''}' in key vault '${vault}' is disabled, so Key Vault will not return its value. Ask an owner of the vault to enable it (az keyvault secret set-attributes --vault-name ${vault} --name ${context.secretName ?? '<secret>'} --enabled true), or point the profile at another secret.`,
		};
	}
	if (base.status === 403 && (inner === 'ForbiddenByFirewall' || /Client address is not authorized/i.test(message))) {
		// The vault's network rules, not its access model: no role or permission would change this answer.
		const address = /Client address:\s*([^\s;]+)/i.exec(message)?.[1];
		const from = address ? ` from address ${address}` : '';
		const rule = address ? `az keyvault network-rule add --name ${vault} --ip-address ${address}` : `az keyvault network-rule add --name ${vault} --ip-address <your public address>`;
		return {
			...base,
			kind: 'forbidden',
			code: 'ForbiddenByFirewall',
			role: undefined,
			action: undefined,
			message: `Key vault '${vault}' refused the request${from}: its firewall (network rules) does not allow that address, so this is not about your role. Ask an owner of the vault to allow it (${rule}, or the vault's Networking page in the portal), or connect from a network the vault allows.`,
		};
	}
	if (base.status === 403) {
		const verb = context.operation === 'list' ? 'List' : 'Get';
		const action = /Action:\s*'([^']+)'/i.exec(message)?.[1];
		if (inner === 'AccessDenied') {
			return {
				...base,
				kind: 'forbidden',
				code: inner ?? base.code,
				role: undefined,
				message: `Key vault '${vault}' uses access policies, and yours lacks the ${verb} secret permission. Ask an owner of the vault to grant you the List and Get secret permissions (or type the secret name by hand).`,
			};
		}
		return {
			...base,
			kind: 'forbidden',
			code: inner ?? base.code,
			...(action ? {action} : {}),
			role: 'Key Vault Secrets User',
			message: `You need the Key Vault Secrets User role on key vault '${vault}' to ${context.operation === 'list' ? 'list its secrets' : 'read its secrets'}${action ? `: Azure refused '${action}'` : ''}. Ask an owner of the vault to assign it (or type the secret name by hand).`,
		};
	}
	if (base.status === 404 && (base.code === 'SecretNotFound' || /SecretNotFound/.test(message))) {
		return {...base, kind: 'not-found', code: 'SecretNotFound', message: `Key vault '${vault}' has no secret named '${context.secretName ?? ''}'. Check the name, or pick it from the list.`};
	}
	if (base.kind === 'network' && base.code === 'ENOTFOUND') {
		return {...base, message: `Key vault '${vault}' could not be found (${context.vaultUrl} does not resolve). Check the vault URL and the cloud setting.`};
	}
	if (base.kind === 'network' && context.operation === 'get' && base.message.includes('could not be reached')) {
		// The generic sentence speaks of a list that keeps its last contents; a secret read has none.
		return {...base, message: `Key vault '${vault}' (${context.vaultUrl}) could not be reached${base.code ? ` (${base.code})` : ''} while ${doing}. Check the network, VPN or proxy, then connect again.`};
	}
	return base;
}

function recoverCommand(vault: string, secretName: string): string {
	return `az keyvault secret recover --vault-name ${vault} --name ${secretName}`;
}

/**
 * A 404 for a secret, told apart: a soft-deleted secret has a deleted bundle (`GET /deletedsecrets/{name}`) with
 * its purge date, and can be recovered until then; no bundle (404) means it never existed or is purged. Reading
 * the bundle needs a permission the Secrets User role lacks: then the sentence says recovery is possible if it
 * was deleted recently, as Key Vault's own 404 does.
 */
async function describeMissingSecret(client: SecretClient, problem: AzureProblem, vaultUrl: string, secretName: string, abortSignal?: AbortSignal): Promise<AzureProblem> {
	const vault = vaultNameOf(vaultUrl);
	let deleted;
	try {
		deleted = await client.getDeletedSecret(secretName, abortSignal ? {abortSignal} : {});
	} catch (error) {
		if ((error as {statusCode?: unknown}).statusCode === 404) return problem;
		return {...problem, message: `${problem.message} If it was deleted recently, it can be recovered: ${recoverCommand(vault, secretName)}.`};
	}
	const until = deleted.properties.scheduledPurgeDate ? ` until ${deleted.properties.scheduledPurgeDate.toISOString().slice(0, 10)}` : '';
	return {
		...problem,
		message: `The secret '${secretName}' in key vault '${vault}' was deleted and can be recovered${until}: ${recoverCommand(vault, secretName)} (an owner of the vault, or someone with the Key Vault Secrets Officer role, can run it), then connect again.`,
	};
}

function describeVaultListError(error: unknown, subscriptionId: string, cloud: CloudSettings): AzureProblem {
	const base = describeAzureError(error, {endpoint: cloud.armEndpoint, doing: `listing the key vaults in subscription ${subscriptionId}`});
	if (base.status === 403) {
		return {
			...base,
			action: base.action ?? 'Microsoft.KeyVault/vaults/read',
			role: 'Reader',
			message: `You need the Reader role on subscription ${subscriptionId} (or on the vault's resource group) to list its key vaults. Ask an owner to assign it, or type the vault URL by hand.`,
		};
	}
	return base;
}

type SecretPipelinePolicy = NonNullable<NonNullable<ConstructorParameters<typeof SecretClient>[2]>['additionalPolicies']>[number]['policy'];

/**
 * The secrets SDK's pager throws "Pagination failed with unexpected statusCode 403" and drops the body — the
 * only place that says which permission is missing. Outside the challenge policy (so a 401 challenge is still
 * answered), this turns a final error response into an error that keeps Key Vault's code, message and body.
 */
const errorBodyPolicy: SecretPipelinePolicy = {
	name: 'vmuxKeyVaultErrorBody',
	async sendRequest(request, next) {
		const response = await next(request);
		if (response.status < 400 || !response.bodyAsText) return response;
		let body: {error?: {code?: unknown; message?: unknown}} | undefined;
		try {
			body = JSON.parse(response.bodyAsText) as typeof body;
		} catch {
			return response;
		}
		if (typeof body?.error?.message !== 'string') return response;
		throw Object.assign(new Error(body.error.message), {
			name: 'RestError',
			statusCode: response.status,
			code: typeof body.error.code === 'string' ? body.error.code : undefined,
			details: body,
			body,
		});
	},
};


function innerCode(err: Record<string, unknown>): string | undefined {
	// core's RestError keeps the parsed body under `details` (newer) or on the response (older).
	const candidates = [err.details, (err.response as {parsedBody?: unknown} | undefined)?.parsedBody, err.body];
	for (const candidate of candidates) {
		const body = candidate as {error?: {innererror?: {code?: unknown}}; innererror?: {code?: unknown}} | undefined;
		const code = body?.error?.innererror?.code ?? body?.innererror?.code;
		if (typeof code === 'string') return code;
	}
	const bodyText = (err.response as {bodyAsText?: unknown} | undefined)?.bodyAsText;
	if (typeof bodyText === 'string') return /"innererror"\s*:\s*\{\s*"code"\s*:\s*"([^"]+)"/.exec(bodyText)?.[1];
	return undefined;
}

function vaultNameOf(vaultUrl: string): string {
	try {
		return new URL(vaultUrl).hostname.split('.')[0] ?? vaultUrl;
	} catch {
		return vaultUrl;
	}
}

function stripSlash(url: string): string {
	return url.trim().replace(/\/+$/, '');
}
