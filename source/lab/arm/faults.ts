import {idKey, isWithinScope} from '../../core/azure/resource-id.js';

/**
 * Switchable faults for the lab's ARM: missing RBAC (403 AuthorizationFailed, per resource type and scope),
 * throttling (429 with Retry-After), transient failures (502/503/504 or a reset connection, N times then normal
 * answers again, as a gateway blip looks), and a Resource Graph that lags behind ARM on a VM's power state. Real RBAC semantics are kept: reading a resource inside a denied scope is a
 * 403 over that resource; listing over a scope that the denial covers entirely is a 403 over the listed scope;
 * listing over a wider scope just leaves the hidden resources out, as ARM and Resource Graph do.
 */

export interface DenyRule {
	/** Resource type the caller may not read, e.g. `Microsoft.Network/bastionHosts`; its child types are denied too. Omit for all types. */
	type?: string;
	/** ARM scope the denial covers: `/subscriptions/{s}`, `…/resourceGroups/{rg}`, or a resource id. Omit for everything. */
	scope?: string;
}

export interface ThrottleRule {
	/** How many matching requests get 429 before the rule expires (default 1; Infinity for always). */
	count?: number;
	/** Seconds sent in `Retry-After` (default 1). */
	retryAfterSeconds?: number;
	/** Only requests whose path starts with this (case-insensitive), e.g. `/providers/Microsoft.ResourceGraph`. */
	pathPrefix?: string;
}

/** What a transiently failing request gets: an HTTP status from the gateway, or its connection reset. */
export type TransientAnswer = 500 | 502 | 503 | 504 | 'reset';

export interface FailureRule {
	answer: TransientAnswer;
	/** How many matching requests fail before the rule expires (default 1). */
	count?: number;
	/** Only requests whose path starts with this (case-insensitive), e.g. `/providers/Microsoft.ResourceGraph`. */
	pathPrefix?: string;
	/** Sent as `Retry-After` with a status answer, when given. */
	retryAfterSeconds?: number;
}

interface ActiveFailure {
	answer: TransientAnswer;
	remaining: number;
	pathPrefix?: string;
	retryAfterSeconds?: number;
}

/**
 * Resource Graph's copy of a VM's power state lags behind ARM after a start or stop (minutes, in Azure), and a
 * row may come without `extended.instanceView` at all. `powerCode` is what Graph still reports; undefined: none.
 */
export interface GraphLagRule {
	vmId: string;
	powerCode?: string;
}

interface ActiveThrottle {
	remaining: number;
	retryAfterSeconds: number;
	pathPrefix?: string;
}

/**
 * A missing role for an action (not a read): e.g. `Microsoft.Compute/virtualMachines/start/action` without Virtual
 * Machine Contributor. ARM answers 403 AuthorizationFailed naming the action and the resource.
 */
export interface ActionDenyRule {
	/** The action, e.g. `Microsoft.Compute/virtualMachines/start/action`; omit for every action. */
	action?: string;
	/** Scope the denial covers (subscription, resource group or resource id); omit for everything. */
	scope?: string;
}

export type ListDecision = {forbidden: true; rule: DenyRule} | {forbidden: false; visible: (resourceId: string, type: string) => boolean};

export class LabArmFaults {
	private denies: DenyRule[] = [];
	private throttles: ActiveThrottle[] = [];
	private failures: ActiveFailure[] = [];
	private graphLags: GraphLagRule[] = [];
	private actionDenies: ActionDenyRule[] = [];

	/** Denies read access; returns a function that lifts this denial. */
	deny(rule: DenyRule): () => void {
		const entry = {...rule};
		this.denies.push(entry);
		return () => {
			this.denies = this.denies.filter(candidate => candidate !== entry);
		};
	}

	/** Throttles the next matching requests; returns a function that ends the throttling early. */
	throttle(rule: ThrottleRule = {}): () => void {
		const entry: ActiveThrottle = {
			remaining: rule.count ?? 1,
			retryAfterSeconds: rule.retryAfterSeconds ?? 1,
			pathPrefix: rule.pathPrefix?.toLowerCase(),
		};
		this.throttles.push(entry);
		return () => {
			this.throttles = this.throttles.filter(candidate => candidate !== entry);
		};
	}

	/** Fails the next matching requests with a gateway status or a reset connection; returns a function that ends it early. */
	fail(rule: FailureRule): () => void {
		const entry: ActiveFailure = {
			answer: rule.answer,
			remaining: rule.count ?? 1,
			...(rule.pathPrefix ? {pathPrefix: rule.pathPrefix.toLowerCase()} : {}),
			...(rule.retryAfterSeconds !== undefined ? {retryAfterSeconds: rule.retryAfterSeconds} : {}),
		};
		this.failures.push(entry);
		return () => {
			this.failures = this.failures.filter(candidate => candidate !== entry);
		};
	}

	/** Makes Resource Graph report a stale power state (or none) for one VM while ARM tells the truth. */
	lagGraph(rule: GraphLagRule): () => void {
		const entry = {...rule};
		this.graphLags.push(entry);
		return () => {
			this.graphLags = this.graphLags.filter(candidate => candidate !== entry);
		};
	}

	/** Denies an action (a POST such as start or deallocate) while reads still work; returns a function that lifts it. */
	denyAction(rule: ActionDenyRule = {}): () => void {
		const entry = {...rule};
		this.actionDenies.push(entry);
		return () => {
			this.actionDenies = this.actionDenies.filter(candidate => candidate !== entry);
		};
	}

	/** The rule that forbids this action on this resource, if any. */
	actionDenied(resourceId: string, action: string): ActionDenyRule | undefined {
		return this.actionDenies.find(rule => (!rule.action || idKey(rule.action) === idKey(action)) && (!rule.scope || isWithinScope(resourceId, rule.scope)));
	}

	clear(): void {
		this.actionDenies = [];
		this.denies = [];
		this.throttles = [];
		this.failures = [];
		this.graphLags = [];
	}

	/** Consumes one transient failure for this path, if a rule applies. */
	takeFailure(path: string): {answer: TransientAnswer; retryAfterSeconds?: number} | undefined {
		const lower = path.toLowerCase();
		const rule = this.failures.find(candidate => candidate.remaining > 0 && (!candidate.pathPrefix || lower.startsWith(candidate.pathPrefix)));
		if (!rule) return undefined;
		rule.remaining -= 1;
		if (rule.remaining <= 0) this.failures = this.failures.filter(candidate => candidate !== rule);
		return {answer: rule.answer, ...(rule.retryAfterSeconds !== undefined ? {retryAfterSeconds: rule.retryAfterSeconds} : {})};
	}

	/** The lagging rule for a VM, if Resource Graph should not tell its current power state. */
	graphLag(vmId: string): GraphLagRule | undefined {
		return this.graphLags.find(rule => idKey(rule.vmId) === idKey(vmId));
	}

	/** Consumes one throttled answer for this path, if a rule applies. */
	takeThrottle(path: string): {retryAfterSeconds: number} | undefined {
		const lower = path.toLowerCase();
		const rule = this.throttles.find(candidate => candidate.remaining > 0 && (!candidate.pathPrefix || lower.startsWith(candidate.pathPrefix)));
		if (!rule) return undefined;
		rule.remaining -= 1;
		if (rule.remaining <= 0) this.throttles = this.throttles.filter(candidate => candidate !== rule);
		return {retryAfterSeconds: rule.retryAfterSeconds};
	}

	/** The rule that forbids reading this one resource, if any. */
	readDenied(resourceId: string, type: string): DenyRule | undefined {
		return this.denies.find(rule => coversType(rule, type) && (!rule.scope || isWithinScope(resourceId, rule.scope)));
	}

	/** Whether a list of `type` over `scope` is refused outright, or which items it must leave out. */
	listDecision(scope: string, type: string): ListDecision {
		const applicable = this.denies.filter(rule => coversType(rule, type));
		const total = applicable.find(rule => !rule.scope || isWithinScope(scope, rule.scope));
		if (total) return {forbidden: true, rule: total};
		return {forbidden: false, visible: (resourceId, resourceType) => !this.readDenied(resourceId, resourceType)};
	}

	/** For Resource Graph, which silently omits what the caller cannot read. */
	visible(resourceId: string, type: string): boolean {
		return !this.readDenied(resourceId, type);
	}
}

function coversType(rule: DenyRule, type: string): boolean {
	if (!rule.type) return true;
	const ruleType = idKey(rule.type);
	const candidate = idKey(type);
	return candidate === ruleType || candidate.startsWith(`${ruleType}/`);
}
