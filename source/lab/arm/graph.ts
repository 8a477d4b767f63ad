import {createHash} from 'node:crypto';
import type {ServerResponse} from 'node:http';
import {RESOURCE_TYPES, type ArmJson, type TopologyResource} from '../topology/index.js';
import {parseProjection, type ProjectedColumn} from './graph-project.js';
import {decodeSkipToken, encodeSkipToken, pageOf} from './paging.js';
import {graphError, sendArm} from './responses.js';
import type {LabArmState} from './state.js';
import {sameTenant} from './tokens.js';
import {armView, powerStatus} from './views.js';

/**
 * Azure Resource Graph's `POST /providers/Microsoft.ResourceGraph/resources`. This is not KQL: the lab accepts
 * the query shapes vmux sends — `Resources`, `| where type =~ '…'` or `| where type in~ ('…', …)`, an optional
 * `| project col, alias = expr, …` (see graph-project.ts), `| order by id asc` and `| limit n` — and answers
 * anything else the way the service
 * answers a query it cannot parse (400 InvalidQuery), so a client change cannot pass unnoticed.
 */

interface ParsedQuery {
	types?: Set<string>;
	project?: ProjectedColumn[];
	limit?: number;
}

const CLAUSES: Array<{pattern: RegExp; apply: (query: ParsedQuery, match: RegExpExecArray) => void}> = [
	{
		pattern: /^where\s+type\s*(?:=~|==)\s*'([^']+)'$/i,
		apply: (query, match) => {
			query.types = new Set([match[1]!.toLowerCase()]);
		},
	},
	{
		pattern: /^where\s+type\s+in~?\s*\(([^)]*)\)$/i,
		apply: (query, match) => {
			query.types = new Set(
				match[1]!
					.split(',')
					.map(part => part.trim().replace(/^'|'$/g, '').toLowerCase())
					.filter(Boolean),
			);
		},
	},
	{
		pattern: /^project\s+(.+)$/i,
		apply: (query, match) => {
			const columns = parseProjection(match[1]!);
			if ('error' in columns) throw new Error(columns.error);
			query.project = columns;
		},
	},
	{pattern: /^order\s+by\s+id(?:\s+asc)?$/i, apply: () => {}},
	{
		pattern: /^(?:limit|take)\s+(\d+)$/i,
		apply: (query, match) => {
			query.limit = Number(match[1]);
		},
	},
];

export function parseGraphQuery(text: string): ParsedQuery | {error: string} {
	const [table, ...clauses] = text.split('|').map(part => part.trim().replace(/\s+/g, ' '));
	if (table?.toLowerCase() !== 'resources') return {error: `The lab's Resource Graph serves the Resources table only, not '${table ?? ''}'.`};
	const query: ParsedQuery = {};
	for (const clause of clauses) {
		const handler = CLAUSES.map(candidate => ({candidate, match: candidate.pattern.exec(clause)})).find(entry => entry.match);
		if (!handler) return {error: `The lab's Resource Graph does not understand the clause '${clause}'.`};
		try {
			handler.candidate.apply(query, handler.match!);
		} catch (error) {
			return {error: `The lab's Resource Graph does not understand the clause '${clause}': ${(error as Error).message}.`};
		}
	}
	if (query.project && !query.project.some(column => column.name.toLowerCase() === 'id')) {
		// The service needs `id` to page in a stable order.
		return {error: "A paged query must project the 'id' column."};
	}
	return query;
}

/** A resource as a Resources-table row: lower-cased type and resource group, VM power state under `extended`. */
export function graphRow(state: LabArmState, resource: TopologyResource): ArmJson {
	const view = armView(state.topology, resource);
	const properties = {...((view.properties ?? {}) as ArmJson)};
	if (resource.type === RESOURCE_TYPES.virtualMachine) {
		const lag = state.faults.graphLag(resource.id);
		if (lag && lag.powerCode === undefined) {
			// Graph has not caught up with the VM at all: no instance view in the row.
			properties.extended = {};
		} else {
			const power = lag ? {code: lag.powerCode!, displayStatus: lag.powerCode!.replace('PowerState/', 'VM ')} : powerStatus(resource);
			properties.extended = {instanceView: power ? {powerState: power} : {}};
		}
	}
	return {
		id: resource.id,
		name: resource.name,
		type: resource.type.toLowerCase(),
		tenantId: state.topology.tenantOf(resource.subscriptionId) ?? state.topology.tenantId,
		kind: view.kind ?? '',
		location: view.location ?? '',
		resourceGroup: resource.resourceGroup.toLowerCase(),
		subscriptionId: resource.subscriptionId,
		managedBy: view.managedBy ?? '',
		sku: view.sku ?? null,
		plan: view.plan ?? null,
		properties,
		tags: view.tags ?? null,
		identity: view.identity ?? null,
		zones: view.zones ?? null,
		extendedLocation: view.extendedLocation ?? null,
	};
}

export function handleGraphQuery(state: LabArmState, who: {tid?: unknown}, body: unknown, res: ServerResponse): void {
	const request = (body && typeof body === 'object' ? body : {}) as {
		query?: unknown;
		subscriptions?: unknown;
		options?: {$top?: unknown; $skip?: unknown; $skipToken?: unknown; resultFormat?: unknown};
	};
	if (typeof request.query !== 'string' || request.query.trim() === '') {
		graphError(res, 400, 'BadRequest', [{code: 'InvalidQuery', message: "The request body needs a 'query' string."}]);
		return;
	}
	const parsed = parseGraphQuery(request.query);
	if ('error' in parsed) {
		graphError(res, 400, 'BadRequest', [
			{code: 'InvalidQuery', message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.'},
			{code: 'ParserFailure', message: parsed.error},
		]);
		return;
	}
	const options = request.options ?? {};
	if (options.resultFormat !== undefined && options.resultFormat !== 'objectArray') {
		graphError(res, 400, 'BadRequest', [{code: 'InvalidResultFormat', message: "The lab's Resource Graph answers in resultFormat 'objectArray' only."}]);
		return;
	}
	const subscriptions = Array.isArray(request.subscriptions)
		? new Set(request.subscriptions.filter((sub): sub is string => typeof sub === 'string').map(sub => sub.toLowerCase()))
		: undefined;

	// Resource Graph answers for the token's tenant: resources of another tenant's subscriptions are not there,
	// even when the request names those subscriptions (a user in several tenants queries each with its token).
	let rows = state.topology.resources
		.filter(resource => !subscriptions || subscriptions.has(resource.subscriptionId.toLowerCase()))
		.filter(resource => sameTenant(who, state.topology.tenantOf(resource.subscriptionId) ?? state.topology.tenantId))
		.filter(resource => !parsed.types || parsed.types.has(resource.type.toLowerCase()))
		.filter(resource => state.faults.visible(resource.id, resource.type))
		.sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : a.id.toLowerCase() > b.id.toLowerCase() ? 1 : 0))
		.map(resource => graphRow(state, resource));
	if (parsed.limit !== undefined) rows = rows.slice(0, parsed.limit);
	if (parsed.project) {
		const columns = parsed.project;
		rows = rows.map(row => Object.fromEntries(columns.map(column => [column.name, column.evaluate(row) ?? null])));
	}

	const fingerprint = createHash('sha256')
		.update(JSON.stringify([request.query, [...(subscriptions ?? [])].sort()]))
		.digest('base64url')
		.slice(0, 16);
	let offset = typeof options.$skip === 'number' ? options.$skip : 0;
	if (typeof options.$skipToken === 'string') {
		const decoded = decodeSkipToken(options.$skipToken, fingerprint);
		if (decoded === undefined) {
			graphError(res, 400, 'BadRequest', [{code: 'InvalidSkipToken', message: 'The $skipToken is not valid for this query.'}]);
			return;
		}
		offset = decoded;
	}
	const top = typeof options.$top === 'number' ? Math.min(options.$top, 1000) : 1000;
	const page = pageOf(rows, offset, Math.min(top, state.config.graphPageSize));
	const response: ArmJson = {
		totalRecords: rows.length,
		count: page.items.length,
		data: page.items,
		facets: [],
		resultTruncated: 'false',
	};
	if (page.next !== undefined) response.$skipToken = encodeSkipToken(page.next, fingerprint);
	sendArm(res, 200, response);
}
