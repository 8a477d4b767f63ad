import {randomUUID} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {sendJson, type LabHandler} from '../https-server.js';
import {decodeSkipToken, encodeSkipToken, pageOf} from '../arm/paging.js';
import {sameTenant, tokenIssuer, type LabIdentity, type LabTokenIssuer} from '../arm/tokens.js';
import {vaultResourceId, type LabSecretVersion, type LabVault} from './data.js';

/**
 * Key Vault's data plane for `{vault}.vault.localhost` (contract §5): the 401 challenge the SDK starts with,
 * bearer tokens for the vault audience, secret list (no values, `nextLink` paging) and get, soft-deleted secrets
 * (`GET /deletedsecrets/{name}`, shaped like Microsoft's GetDeletedSecret example), and Key Vault's error bodies —
 * both 403 wordings of a missing permission, and the firewall's 403 `ForbiddenByFirewall`, since the sentence
 * vmux shows depends on which one it gets.
 */

/** `get-deleted`: reading a soft-deleted secret's bundle (RBAC `…/deletedSecrets/read`, which Secrets User lacks). */
export type LabSecretOperation = 'list' | 'get' | 'get-deleted';

export interface LabKeyVaultFirewallRule {
	/** Vault name; omit for every vault. */
	vault?: string;
}

export interface LabKeyVaultForbidRule {
	/** Vault name; omit for every vault. */
	vault?: string;
	/** Omit to refuse both. */
	operation?: LabSecretOperation;
}

export interface LabKeyVaultState {
	vaults: Map<string, LabVault>;
	tokens: LabTokenIssuer;
	forbidden: LabKeyVaultForbidRule[];
	/** Vaults whose network rules (firewall) do not allow the caller's address. */
	firewalls: LabKeyVaultFirewallRule[];
	config: {pageSize: number; authority: string; resource: string};
	requests: Array<{method: string; host: string; path: string; authorized: boolean; status?: number}>;
}

/** Audiences Key Vault accepts: the resource with and without the trailing slash Entra v1 tokens carry. */
function audiences(resource: string): string[] {
	const bare = resource.replace(/\/+$/, '');
	return [bare, `${bare}/`];
}

const ACTIONS: Record<LabSecretOperation, string> = {
	list: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
	get: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
	'get-deleted': 'Microsoft.KeyVault/vaults/deletedSecrets/read',
};

export function createKeyVaultDataHandler(state: LabKeyVaultState): LabHandler {
	return (req, res, ctx) => {
		const vaultName = ctx.host.split('.')[0]!;
		const entry = {method: req.method ?? 'GET', host: ctx.host, path: ctx.url.pathname, authorized: Boolean(req.headers.authorization), status: undefined as number | undefined};
		state.requests.push(entry);
		if (state.requests.length > 500) state.requests.splice(0, state.requests.length - 500);
		res.on('finish', () => {
			entry.status = res.statusCode;
		});

		const vault = state.vaults.get(vaultName);
		if (!vault) {
			// A vault that does not exist has no DNS name in Azure; the nearest the lab can say is a 404 for the host.
			return kvError(res, 404, 'VaultNotFound', `The vault '${vaultName}' does not exist in the lab.`);
		}
		const who = authenticate(state, vault, req, res);
		if (!who) return;
		if (!ctx.url.searchParams.get('api-version')) return kvError(res, 400, 'BadParameter', "The 'api-version' query parameter is missing.");
		if (req.method !== 'GET') return kvError(res, 405, 'MethodNotAllowed', `The lab's Key Vault is read-only; ${req.method ?? ''} is not served.`);

		// The vault's network rules apply to an authenticated caller, before any permission is looked at.
		if (state.firewalls.some(rule => !rule.vault || rule.vault.toLowerCase() === vault.name)) return firewalled(res, vault, who, req);

		const segments = ctx.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
		const origin = `https://${req.headers.host ?? ctx.host}`;
		if (segments[0]?.toLowerCase() === 'deletedsecrets' && segments.length === 2) {
			if (refused(state, vault, 'get-deleted')) return forbidden(res, vault, who, 'get-deleted', segments[1]);
			return getDeletedSecret(vault, origin, segments[1]!, res);
		}
		if (segments[0]?.toLowerCase() !== 'secrets' || segments.length > 3) {
			return kvError(res, 404, 'NotFound', `No Key Vault operation at ${ctx.url.pathname}.`);
		}
		if (segments.length === 1) {
			if (refused(state, vault, 'list')) return forbidden(res, vault, who, 'list');
			return listSecrets(state, vault, origin, ctx.url, res);
		}
		if (refused(state, vault, 'get')) return forbidden(res, vault, who, 'get', segments[1]);
		return getSecret(vault, origin, segments[1]!, segments[2], res);
	};
}

function authenticate(state: LabKeyVaultState, vault: LabVault, req: IncomingMessage, res: ServerResponse): LabIdentity | undefined {
	const header = req.headers.authorization;
	const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
	if (!match) {
		unauthorized(state, vault, res, 'AKV10000: Request is missing a Bearer or PoP token.');
		return undefined;
	}
	const check = state.tokens.validate(match[1]!, {audiences: audiences(state.config.resource)});
	if (!check.ok) {
		const message =
			check.code === 'InvalidAuthenticationTokenAudience' ? `AKV10022: Invalid audience. ${check.message}` : check.code === 'ExpiredAuthenticationToken' ? 'AKV10032: Invalid issuer or token expired.' : 'AKV10015: Invalid token.';
		unauthorized(state, vault, res, message);
		return undefined;
	}
	// A token of another tenant than the vault's, as a credential that ignores the challenge's tenant sends.
	if (!sameTenant(check.claims, vault.tenantId)) {
		unauthorized(state, vault, res, `AKV10032: Invalid issuer. Expected one of ${tokenIssuer(vault.tenantId)}, found ${tokenIssuer(String(check.claims.tid))}.`);
		return undefined;
	}
	return check.claims;
}

/** The challenge the SDK's Key Vault policy parses to find the tenant (the vault's) and the token resource. */
function unauthorized(state: LabKeyVaultState, vault: LabVault, res: ServerResponse, message: string): void {
	const authority = `${state.config.authority.replace(/\/+$/, '')}/${vault.tenantId}`;
	kvError(res, 401, 'Unauthorized', message, {
		'www-authenticate': `Bearer authorization="${authority}", resource="${state.config.resource.replace(/\/+$/, '')}"`,
	});
}

/** The caller's address as Key Vault's firewall sees it (the lab's clients come from loopback). */
function clientAddress(req: IncomingMessage): string {
	return (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function firewalled(res: ServerResponse, vault: LabVault, who: LabIdentity, req: IncomingMessage): void {
	kvError(
		res,
		403,
		'Forbidden',
		`Client address is not authorized and caller is not a trusted service.\r\nClient address: ${clientAddress(req)}\r\nCaller: ${callerOf(who)}\r\nVault: ${vault.name};location=${vault.location}`,
		{},
		'ForbiddenByFirewall',
	);
}

function callerOf(who: LabIdentity): string {
	return `appid=04b07795-8ddb-461a-bbee-02f9e1bf7b46;oid=${who.oid};iss=https://sts.windows.net/${String((who as {tid?: unknown}).tid ?? '')}/`;
}

function refused(state: LabKeyVaultState, vault: LabVault, operation: LabSecretOperation): boolean {
	return state.forbidden.some(rule => (!rule.vault || rule.vault.toLowerCase() === vault.name) && (!rule.operation || rule.operation === operation));
}

function forbidden(res: ServerResponse, vault: LabVault, who: LabIdentity, operation: LabSecretOperation, secretName?: string): void {
	const caller = callerOf(who);
	if (vault.permissionModel === 'access-policy') {
		kvError(
			res,
			403,
			'Forbidden',
			`The user, group or application '${caller}' does not have secrets ${operation} permission on key vault '${vault.name};location=${vault.location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
			{},
			'AccessDenied',
		);
		return;
	}
	const resource = `${vaultResourceId(vault)}${secretName ? `/${operation === 'get-deleted' ? 'deletedsecrets' : 'secrets'}/${secretName}` : ''}`.toLowerCase();
	kvError(
		res,
		403,
		'Forbidden',
		`Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${caller}\r\nAction: '${ACTIONS[operation]}'\r\nResource: '${resource}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${vault.name};location=${vault.location}\r\n`,
		{},
		'ForbiddenByRbac',
	);
}

function listSecrets(state: LabKeyVaultState, vault: LabVault, origin: string, url: URL, res: ServerResponse): void {
	const names = [...vault.secrets.keys()].sort();
	const maxResults = Number(url.searchParams.get('maxresults')) || state.config.pageSize;
	const fingerprint = `${vault.name}/secrets`;
	const token = url.searchParams.get('$skiptoken');
	const offset = token === null ? 0 : decodeSkipToken(token, fingerprint);
	if (offset === undefined) return kvError(res, 400, 'BadParameter', 'The $skiptoken is not valid for this list.');
	const page = pageOf(names, offset, Math.min(maxResults, 25));
	const value = page.items.map(name => {
		const latest = vault.secrets.get(name)!.at(-1)!;
		return {id: `${origin}/secrets/${name}`, attributes: attributes(latest), ...(latest.contentType ? {contentType: latest.contentType} : {})};
	});
	const apiVersion = url.searchParams.get('api-version')!;
	const nextLink =
		page.next === undefined ? null : `${origin}/secrets?api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${encodeSkipToken(page.next, fingerprint)}&maxresults=${maxResults}`;
	sendKv(res, 200, {value, nextLink});
}

function getSecret(vault: LabVault, origin: string, name: string, version: string | undefined, res: ServerResponse): void {
	const versions = vault.secrets.get(name.toLowerCase());
	const found = version ? versions?.find(candidate => candidate.version === version.toLowerCase()) : versions?.at(-1);
	if (!found) {
		return kvError(res, 404, 'SecretNotFound', `A secret with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`);
	}
	sendKv(res, 200, {
		value: found.value,
		id: `${origin}/secrets/${name.toLowerCase()}/${found.version}`,
		attributes: attributes(found),
		...(found.contentType ? {contentType: found.contentType} : {}),
	});
}

/** Shaped like Microsoft's GetDeletedSecret example: recoveryId, deletedDate, scheduledPurgeDate, id, attributes. */
function getDeletedSecret(vault: LabVault, origin: string, name: string, res: ServerResponse): void {
	const deleted = vault.deleted.get(name.toLowerCase());
	const latest = deleted?.versions.at(-1);
	if (!deleted || !latest) return kvError(res, 404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
	sendKv(res, 200, {
		recoveryId: `${origin}/deletedsecrets/${name.toLowerCase()}`,
		deletedDate: deleted.deletedDate,
		scheduledPurgeDate: deleted.scheduledPurgeDate,
		...(latest.contentType ? {contentType: latest.contentType} : {}),
		id: `${origin}/secrets/${name.toLowerCase()}/${latest.version}`,
		attributes: attributes(latest),
	});
}

function attributes(version: LabSecretVersion) {
	return {enabled: version.enabled, created: version.created, updated: version.updated, recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90};
}

function sendKv(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	sendJson(res, status, body, {'x-ms-request-id': randomUUID(), 'x-ms-keyvault-service-version': '1.9.0.0', ...headers});
}

function kvError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}, innerCode?: string): void {
	sendKv(res, status, {error: {code, message, ...(innerCode ? {innererror: {code: innerCode}} : {})}}, headers);
}
