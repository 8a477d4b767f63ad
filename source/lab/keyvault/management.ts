import type {IncomingMessage, ServerResponse} from 'node:http';
import type {LabHandler} from '../https-server.js';
import type {LabArmFaults} from '../arm/faults.js';
import {decodeSkipToken, encodeSkipToken, pageOf} from '../arm/paging.js';
import {armError, authorizationFailed, missingApiVersion, missingAuthorization, sendArm, unauthorized, wrongTenant} from '../arm/responses.js';
import {ARM_AUDIENCES, sameTenant, type LabTokenClaims, type LabTokenIssuer} from '../arm/tokens.js';
import {vaultResourceId, type LabVault} from './data.js';

/**
 * `GET /subscriptions/{s}/providers/Microsoft.KeyVault/vaults` — the one management-plane call the vault picker
 * makes. The lab's ARM serves no Key Vault types, so this answers beside it with ARM's auth, errors and paging,
 * and honours ARM's deny rules for `Microsoft.KeyVault/vaults` so a missing Reader role can be staged too.
 */

const VAULT_TYPE = 'Microsoft.KeyVault/vaults';
export const VAULT_LIST_PATH = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.keyvault\/vaults\/?$/i;

export interface LabVaultListState {
	vaults: Map<string, LabVault>;
	tokens: LabTokenIssuer;
	armFaults?: LabArmFaults;
	/** A vault's `vaultUri` as ARM lists it (`https://{name}.vault.localhost`, no port, as in Azure). */
	vaultUri(name: string): string;
	/** The tenant of a subscription: ARM takes tokens of that tenant only for it. */
	tenantOf(subscriptionId: string): string;
	config: {pageSize: number; authority: string};
}

export function createVaultListHandler(state: LabVaultListState): LabHandler {
	return (req, res, ctx) => {
		const who = authenticate(state, req, res);
		if (!who) return;
		if (!ctx.url.searchParams.get('api-version')) return missingApiVersion(res);
		if (req.method !== 'GET') return armError(res, 405, 'MethodNotAllowed', `The lab's ARM is read-only; ${req.method ?? ''} is not served.`);
		const subscriptionId = decodeURIComponent(VAULT_LIST_PATH.exec(ctx.url.pathname)?.[1] ?? '');
		const tenantId = state.tenantOf(subscriptionId);
		if (!sameTenant(who, tenantId)) return wrongTenant(res, String(who.tid), tenantId, state.config.authority);
		const scope = `/subscriptions/${subscriptionId}`;
		const decision = state.armFaults?.listDecision(scope, VAULT_TYPE);
		if (decision?.forbidden) return authorizationFailed(res, who, `${VAULT_TYPE}/read`, scope);
		const vaults = [...state.vaults.values()]
			.filter(vault => vault.subscriptionId.toLowerCase() === subscriptionId.toLowerCase())
			.filter(vault => !decision || decision.visible(vaultResourceId(vault), VAULT_TYPE))
			.sort((a, b) => a.name.localeCompare(b.name));
		return sendPage(state, vaults, ctx.url, res);
	};
}

function sendPage(state: LabVaultListState, vaults: LabVault[], url: URL, res: ServerResponse): void {
	const fingerprint = url.pathname.toLowerCase();
	const token = url.searchParams.get('$skiptoken');
	const offset = token === null ? 0 : decodeSkipToken(token, fingerprint);
	if (offset === undefined) return armError(res, 400, 'InvalidSkipToken', 'The $skiptoken is not valid for this list.');
	const top = Number(url.searchParams.get('$top')) || state.config.pageSize;
	const page = pageOf(vaults, offset, top);
	const next = new URL(url);
	if (page.next !== undefined) next.searchParams.set('$skiptoken', encodeSkipToken(page.next, fingerprint));
	sendArm(res, 200, {
		value: page.items.map(vault => armVault(state, vault)),
		...(page.next !== undefined ? {nextLink: next.toString()} : {}),
	});
}

/** Shaped like `keyvault-mgmt/listVaultBySubscription.json`, trimmed to what a vault list returns. */
function armVault(state: LabVaultListState, vault: LabVault) {
	return {
		id: vaultResourceId(vault),
		name: vault.name,
		type: VAULT_TYPE,
		location: vault.location,
		tags: {},
		properties: {
			tenantId: vault.tenantId,
			sku: {family: 'A', name: 'standard'},
			accessPolicies: [],
			enableRbacAuthorization: vault.permissionModel === 'rbac',
			enableSoftDelete: true,
			provisioningState: 'Succeeded',
			vaultUri: `${state.vaultUri(vault.name)}/`,
		},
	};
}

function authenticate(state: LabVaultListState, req: IncomingMessage, res: ServerResponse): LabTokenClaims | undefined {
	const match = req.headers.authorization ? /^Bearer\s+(\S+)$/i.exec(req.headers.authorization) : null;
	if (!match) {
		missingAuthorization(res, state.config.authority);
		return undefined;
	}
	const check = state.tokens.validate(match[1]!, {audiences: ARM_AUDIENCES});
	if (!check.ok) {
		unauthorized(res, check.code, check.message, state.config.authority);
		return undefined;
	}
	return check.claims;
}
