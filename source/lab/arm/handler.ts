import type {IncomingMessage, ServerResponse} from 'node:http';
import {createHash} from 'node:crypto';
import {idKey} from '../../core/azure/resource-id.js';
import {readBody, type LabHandler} from '../https-server.js';
import {RESOURCE_TYPES, type ArmJson, type ResourceType, type TopologyResource} from '../topology/index.js';
import {handleGraphQuery} from './graph.js';
import {routePowerAction, routePowerOperation} from './power-routes.js';
import {decodeSkipToken, encodeSkipToken, pageOf} from './paging.js';
import {
	armError,
	armThrottled,
	authorizationFailed,
	graphThrottled,
	invalidApiVersion,
	missingApiVersion,
	missingAuthorization,
	sendArm,
	transientStatus,
	unauthorized,
	wrongTenant,
} from './responses.js';
import type {LabArmState} from './state.js';
import {sameTenant, type LabIdentity, type LabTokenClaims} from './tokens.js';
import {armView, instanceView} from './views.js';

/**
 * The ARM stand-in's request handler (contracts §1-§2): bearer auth, api-version, faults, then the read-only
 * routes vmux uses. Paths are matched case-insensitively, as ARM does.
 */

const TOP_LEVEL_TYPES = new Map<string, ResourceType>(
	[RESOURCE_TYPES.virtualMachine, RESOURCE_TYPES.networkInterface, RESOURCE_TYPES.publicIpAddress, RESOURCE_TYPES.virtualNetwork, RESOURCE_TYPES.bastionHost].map(
		type => [type.toLowerCase(), type],
	),
);
const CHILD_TYPES = new Map<string, ResourceType>([RESOURCE_TYPES.peering, RESOURCE_TYPES.extension].map(type => [type.toLowerCase(), type]));
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
const GRAPH_PATH = 'providers/microsoft.resourcegraph/resources';

export function createArmHandler(state: LabArmState): LabHandler {
	return async (req, res, ctx) => {
		const entry = {method: req.method ?? 'GET', path: ctx.url.pathname, query: Object.fromEntries(ctx.url.searchParams), status: undefined as number | undefined, body: undefined as unknown};
		state.requests.push(entry);
		if (state.requests.length > 2000) state.requests.splice(0, state.requests.length - 2000);
		res.on('finish', () => {
			entry.status = res.statusCode;
		});

		// A gateway blip comes before anything the service itself checks.
		const failure = state.faults.takeFailure(ctx.url.pathname);
		if (failure) {
			if (failure.answer === 'reset') return resetConnection(req);
			return transientStatus(res, failure.answer, ctx.url.pathname.toLowerCase() === `/${GRAPH_PATH}`, failure.retryAfterSeconds);
		}

		const who = authenticate(state, req, res);
		if (!who) return;
		// Power operations whose time is up end now, before anything reads a VM's state.
		state.power.settle();

		const apiVersion = ctx.url.searchParams.get('api-version');
		if (apiVersion === null) return missingApiVersion(res);
		if (!API_VERSION.test(apiVersion)) return invalidApiVersion(res, apiVersion);

		const segments = ctx.url.pathname
			.split('/')
			.filter(Boolean)
			.map(segment => decodeURIComponent(segment));
		const lower = segments.map(segment => segment.toLowerCase());
		const isGraph = lower.join('/') === GRAPH_PATH;

		const throttle = state.faults.takeThrottle(ctx.url.pathname);
		if (throttle) {
			if (isGraph) return graphThrottled(res, throttle.retryAfterSeconds);
			return armThrottled(res, throttle.retryAfterSeconds, lower[0] === 'subscriptions' ? segments[1] : undefined, who);
		}

		if (isGraph) {
			if (req.method !== 'POST') return armError(res, 405, 'MethodNotAllowed', 'Resource Graph queries are POST requests.');
			let body: unknown;
			try {
				body = JSON.parse(await readBody(req));
			} catch {
				return armError(res, 400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
			}
			entry.body = body;
			return handleGraphQuery(state, who, body, res);
		}
		if (req.method === 'POST' && routePowerAction(state, who, segments, lower, ctx.url, res)) return;
		if (req.method !== 'GET') {
			return armError(res, 405, 'MethodNotAllowed', `The lab's ARM serves reads and VM power actions; ${req.method ?? ''} ${ctx.url.pathname} is not served.`);
		}
		if (routePowerOperation(state, who, segments, lower, ctx.url, res)) return;
		return routeGet(state, who, segments, lower, ctx.url, res);
	};
}

/** Drops the connection without an answer, with a TCP reset where the socket allows it (the client reads ECONNRESET). */
function resetConnection(req: IncomingMessage): void {
	const socket = req.socket as IncomingMessage['socket'] & {resetAndDestroy?: () => void};
	try {
		socket.resetAndDestroy?.();
	} catch {
		// Not every socket can send a reset; a plain destroy still cuts the request off.
	}
	if (!socket.destroyed) socket.destroy();
}

function authenticate(state: LabArmState, req: IncomingMessage, res: ServerResponse): LabTokenClaims | undefined {
	const header = req.headers.authorization;
	if (!header) {
		missingAuthorization(res, state.config.authority);
		return undefined;
	}
	const match = /^Bearer\s+(\S+)$/i.exec(header);
	if (!match) {
		unauthorized(res, 'InvalidAuthenticationToken', "The access token is invalid. The 'Authorization' header must use the Bearer scheme.", state.config.authority);
		return undefined;
	}
	const check = state.tokens.validate(match[1]!, {audiences: state.config.audiences});
	if (!check.ok) {
		unauthorized(res, check.code, check.message, state.config.authority);
		return undefined;
	}
	return check.claims;
}

function routeGet(state: LabArmState, who: LabTokenClaims, segments: string[], lower: string[], url: URL, res: ServerResponse): void {
	if (lower[0] === 'tenants' && segments.length === 1) return listTenants(state, url, res);
	if (lower[0] !== 'subscriptions') return notFoundPath(res, url);
	if (segments.length === 1) return listSubscriptions(state, who, url, res);

	const subscriptionId = segments[1]!;
	const subscription = state.topology.subscriptions.find(sub => sub.subscriptionId.toLowerCase() === subscriptionId.toLowerCase());
	if (!subscription) return armError(res, 404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
	// A token is good for the subscriptions of its own tenant only: ARM names the tenant to ask instead.
	if (!sameTenant(who, subscription.tenantId)) return wrongTenant(res, who.tid, subscription.tenantId, state.config.authority);
	const subscriptionScope = `/subscriptions/${subscription.subscriptionId}`;
	if (segments.length === 2) {
		if (hiddenSubscription(state, subscription.subscriptionId)) return authorizationFailed(res, who, 'Microsoft.Resources/subscriptions/read', subscriptionScope);
		return sendArm(res, 200, subscription);
	}

	// /subscriptions/{s}/providers/{ns}/{type}
	if (lower[2] === 'providers' && segments.length === 5) {
		const type = TOP_LEVEL_TYPES.get(`${lower[3]}/${lower[4]}`);
		if (!type) return invalidResourceType(res, segments[3]!, segments[4]!, url);
		const items = state.topology.ofType(type).filter(resource => resource.subscriptionId.toLowerCase() === subscriptionId.toLowerCase());
		return sendList(state, who, subscriptionScope, type, items, url, res);
	}

	if (lower[2] !== 'resourcegroups' || segments.length < 4) return notFoundPath(res, url);
	const resourceGroup = segments[3]!;
	const groupScope = `${subscriptionScope}/resourceGroups/${resourceGroup}`;
	const inGroup = state.topology.resources.filter(
		resource => resource.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() && resource.resourceGroup.toLowerCase() === resourceGroup.toLowerCase(),
	);
	if (inGroup.length === 0) return armError(res, 404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
	if (segments.length === 4) {
		return sendArm(res, 200, {id: groupScope, name: inGroup[0]!.resourceGroup, type: 'Microsoft.Resources/resourceGroups', location: (inGroup[0]!.raw.location as string | undefined) ?? 'eastus', properties: {provisioningState: 'Succeeded'}});
	}
	if (lower[4] !== 'providers' || segments.length < 7) return notFoundPath(res, url);

	const [namespace, typeName, name, childTypeName, childName, extra] = segments.slice(5);
	const type = TOP_LEVEL_TYPES.get(`${namespace}/${typeName}`.toLowerCase());
	if (!type) return invalidResourceType(res, namespace!, typeName!, url);

	// …/providers/{ns}/{type}: list in the resource group.
	if (name === undefined) return sendList(state, who, groupScope, type, inGroup.filter(resource => resource.type === type), url, res);

	const resourceId = `${groupScope}/providers/${type}/${name}`;
	const resource = state.topology.get(resourceId);
	// Authorization comes before existence, as in ARM: without read access a missing resource is a 403 too.
	if (childTypeName === undefined) {
		if (denied(state, who, resource?.id ?? resourceId, type, res)) return;
		if (!resource) return resourceNotFound(res, type, name, resourceGroup);
		const expand = url.searchParams.get('$expand');
		return sendArm(res, 200, armView(state.topology, resource, {instanceView: expand?.toLowerCase() === 'instanceview'}));
	}

	// …/virtualMachines/{vm}/instanceView
	if (type === RESOURCE_TYPES.virtualMachine && childTypeName.toLowerCase() === 'instanceview' && childName === undefined) {
		if (denied(state, who, resource?.id ?? resourceId, type, res)) return;
		if (!resource) return resourceNotFound(res, type, name, resourceGroup);
		return sendArm(res, 200, instanceView(resource));
	}

	const childType = CHILD_TYPES.get(`${type}/${childTypeName}`.toLowerCase());
	if (!childType || extra !== undefined) return notFoundPath(res, url);
	if (!resource) return resourceNotFound(res, type, name, resourceGroup);
	const children = state.topology.childrenOf(resource.id, childType);
	if (childName === undefined) return sendList(state, who, resource.id, childType, children, url, res);

	const childId = `${resource.id}/${childTypeName}/${childName}`;
	if (denied(state, who, childId, childType, res)) return;
	const child = children.find(candidate => idKey(candidate.id) === idKey(childId));
	if (!child) return resourceNotFound(res, childType, `${name}/${childName}`, resourceGroup);
	return sendArm(res, 200, armView(state.topology, child));
}

function listSubscriptions(state: LabArmState, who: LabTokenClaims, url: URL, res: ServerResponse): void {
	// ARM lists the subscriptions of the token's tenant only, and of those only the ones the caller holds a role in:
	// a user in several tenants lists the tenants (`GET /tenants`), then each tenant's subscriptions with its token.
	const visible = state.topology.subscriptions.filter(sub => sameTenant(who, sub.tenantId) && !hiddenSubscription(state, sub.subscriptionId));
	sendPage(state, visible as ArmJson[], url, res, item => item);
}

/** `GET /tenants`: the directories the signed-in user is a member of (any token of theirs lists them all). */
function listTenants(state: LabArmState, url: URL, res: ServerResponse): void {
	const member = new Set(state.tokens.tenants.map(tenant => tenant.toLowerCase()));
	const tenants = state.topology.tenants
		.filter(tenant => member.has(tenant.tenantId.toLowerCase()))
		.map(tenant => ({
			id: `/tenants/${tenant.tenantId}`,
			tenantId: tenant.tenantId,
			countryCode: 'US',
			displayName: tenant.displayName,
			domains: tenant.domains,
			tenantCategory: 'Home',
			defaultDomain: tenant.defaultDomain,
			tenantType: 'AAD',
		}));
	sendPage(state, tenants, url, res, item => item);
}

function hiddenSubscription(state: LabArmState, subscriptionId: string): boolean {
	const decision = state.faults.listDecision(`/subscriptions/${subscriptionId}`, '');
	return decision.forbidden && !decision.rule.type;
}

function sendList(
	state: LabArmState,
	who: LabIdentity,
	scope: string,
	type: ResourceType,
	items: TopologyResource[],
	url: URL,
	res: ServerResponse,
): void {
	const decision = state.faults.listDecision(scope, type);
	if (decision.forbidden) return authorizationFailed(res, who, `${type}/read`, scope);
	const visible = items.filter(item => decision.visible(item.id, item.type));
	const withInstanceView =
		type === RESOURCE_TYPES.virtualMachine &&
		(url.searchParams.get('statusOnly')?.toLowerCase() === 'true' || url.searchParams.get('$expand')?.toLowerCase() === 'instanceview');
	sendPage(state, visible, url, res, item => armView(state.topology, item, {instanceView: withInstanceView}));
}

function sendPage<T>(state: LabArmState, items: readonly T[], url: URL, res: ServerResponse, view: (item: T) => ArmJson): void {
	const params = new URLSearchParams(url.search);
	const token = params.get('$skiptoken') ?? params.get('$skipToken');
	params.delete('$skiptoken');
	params.delete('$skipToken');
	params.delete('api-version');
	const fingerprint = createHash('sha256').update(`${url.pathname.toLowerCase()}?${params.toString()}`).digest('base64url').slice(0, 16);
	let offset = 0;
	if (token !== null) {
		const decoded = decodeSkipToken(token, fingerprint);
		if (decoded === undefined) return armError(res, 400, 'InvalidSkipToken', 'The $skiptoken in the request is not valid for this list.');
		offset = decoded;
	}
	const page = pageOf(items, offset, state.config.pageSize);
	const body: ArmJson = {value: page.items.map(view)};
	if (page.next !== undefined) {
		// Written by hand so `$skiptoken` stays literal, as in ARM's own nextLinks.
		const query = url.search
			.replace(/^\?/, '')
			.split('&')
			.filter(part => part && !/^(\$|%24)skiptoken=/i.test(part));
		query.push(`$skiptoken=${encodeSkipToken(page.next, fingerprint)}`);
		body.nextLink = `${url.origin}${url.pathname}?${query.join('&')}`;
	}
	sendArm(res, 200, body);
}

function denied(state: LabArmState, who: LabIdentity, resourceId: string, type: string, res: ServerResponse): boolean {
	if (!state.faults.readDenied(resourceId, type)) return false;
	authorizationFailed(res, who, `${type}/read`, resourceId);
	return true;
}

function resourceNotFound(res: ServerResponse, type: string, name: string, resourceGroup: string): void {
	armError(
		res,
		404,
		'ResourceNotFound',
		`The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
	);
}

function invalidResourceType(res: ServerResponse, namespace: string, type: string, url: URL): void {
	armError(
		res,
		404,
		'InvalidResourceType',
		`The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${url.searchParams.get('api-version') ?? ''}'.`,
	);
}

function notFoundPath(res: ServerResponse, url: URL): void {
	armError(res, 404, 'NotFound', `The lab's ARM does not serve '${url.pathname}'.`);
}
