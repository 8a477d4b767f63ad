import type {ServerResponse} from 'node:http';
import {RESOURCE_TYPES} from '../topology/index.js';
import {POWER_ACTIONS, type LabPowerAction} from './power.js';
import {armError, authorizationFailed, sendArm, sendArmEmpty, wrongTenant} from './responses.js';
import type {LabArmState} from './state.js';
import {sameTenant, type LabTokenClaims} from './tokens.js';

/**
 * The HTTP side of the lab's VM power operations (see power.ts for the shapes and their sources):
 * `POST /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}/{action}` and
 * `GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{l}/operations/{id}[?monitor=true]`.
 * Each returns true when it answered the request.
 */

/** Matches the POST path; the handler calls it for every POST that is not a Resource Graph query. */
export function routePowerAction(state: LabArmState, who: LabTokenClaims, segments: string[], lower: string[], url: URL, res: ServerResponse): boolean {
	// subscriptions/{s}/resourcegroups/{rg}/providers/microsoft.compute/virtualmachines/{vm}/{action}
	if (segments.length !== 9 || lower[0] !== 'subscriptions' || lower[2] !== 'resourcegroups' || lower[4] !== 'providers') return false;
	if (`${lower[5]}/${lower[6]}` !== 'microsoft.compute/virtualmachines') return false;
	const action = POWER_ACTIONS.find(candidate => candidate.toLowerCase() === lower[8]);
	if (!action) return false;
	const subscription = state.topology.subscriptions.find(sub => sub.subscriptionId.toLowerCase() === lower[1]);
	if (!subscription) {
		armError(res, 404, 'SubscriptionNotFound', `The subscription '${segments[1]}' could not be found.`);
		return true;
	}
	if (!sameTenant(who, subscription.tenantId)) {
		wrongTenant(res, who.tid, subscription.tenantId, state.config.authority);
		return true;
	}
	const vmId = `/subscriptions/${subscription.subscriptionId}/resourceGroups/${segments[3]}/providers/${RESOURCE_TYPES.virtualMachine}/${segments[7]}`;
	const vm = state.topology.get(vmId);
	// As for reads, authorization is checked before existence.
	const actionName = `${RESOURCE_TYPES.virtualMachine}/${action}/action`;
	if (state.faults.actionDenied(vm?.id ?? vmId, actionName) || state.faults.readDenied(vm?.id ?? vmId, RESOURCE_TYPES.virtualMachine)) {
		authorizationFailed(res, who, actionName, vm?.id ?? vmId);
		return true;
	}
	if (!vm) {
		armError(
			res,
			404,
			'ResourceNotFound',
			`The Resource '${RESOURCE_TYPES.virtualMachine}/${segments[7]}' under resource group '${segments[3]}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
		);
		return true;
	}
	const begun = state.power.begin(vm, action as LabPowerAction);
	if (!begun.ok) {
		armError(res, begun.status, begun.code, begun.message);
		return true;
	}
	const apiVersion = url.searchParams.get('api-version') ?? '';
	const operation = `${url.origin}/subscriptions/${subscription.subscriptionId}/providers/Microsoft.Compute/locations/${encodeURIComponent(begun.operation.location)}/operations/${begun.operation.id}`;
	const p = encodeURIComponent(vm.id);
	sendArmEmpty(res, 202, {
		'azure-asyncoperation': `${operation}?p=${p}&api-version=${apiVersion}`,
		location: `${operation}?p=${p}&monitor=true&api-version=${apiVersion}`,
		'retry-after': String(state.power.config.retryAfterSeconds),
	});
	return true;
}

/** Matches the operation resource's path. */
export function routePowerOperation(state: LabArmState, who: LabTokenClaims, segments: string[], lower: string[], url: URL, res: ServerResponse): boolean {
	// subscriptions/{s}/providers/microsoft.compute/locations/{l}/operations/{id}
	if (segments.length !== 8 || lower[0] !== 'subscriptions' || lower[2] !== 'providers' || lower[3] !== 'microsoft.compute' || lower[4] !== 'locations' || lower[6] !== 'operations') {
		return false;
	}
	const subscription = state.topology.subscriptions.find(sub => sub.subscriptionId.toLowerCase() === lower[1]);
	if (subscription && !sameTenant(who, subscription.tenantId)) {
		wrongTenant(res, who.tid, subscription.tenantId, state.config.authority);
		return true;
	}
	const status = state.power.statusBody(segments[1]!, segments[7]!);
	if (!status) {
		armError(res, 404, 'NotFound', `The operation '${segments[7]}' was not found in location '${segments[5]}'.`);
		return true;
	}
	const retry = {'retry-after': String(state.power.config.retryAfterSeconds)};
	if (url.searchParams.get('monitor')?.toLowerCase() === 'true') {
		// The Location form: 202 while running; when done, 200 with no body (these actions return nothing), or the error.
		if (!status.done) sendArmEmpty(res, 202, retry);
		else if (status.failed) sendArm(res, 200, status.body);
		else sendArmEmpty(res, 200);
		return true;
	}
	sendArm(res, 200, status.body, status.done ? {} : retry);
	return true;
}
