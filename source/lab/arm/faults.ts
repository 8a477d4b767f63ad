import {idKey, isWithinScope} from '../../core/azure/resource-id.js';

/**
 * Switchable faults for the lab's ARM: missing RBAC (403 AuthorizationFailed, per resource type and scope) and
 * throttling (429 with Retry-After). Real RBAC semantics are kept: reading a resource inside a denied scope is a
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

interface ActiveThrottle {
	remaining: number;
	retryAfterSeconds: number;
	pathPrefix?: string;
}

export type ListDecision = {forbidden: true; rule: DenyRule} | {forbidden: false; visible: (resourceId: string, type: string) => boolean};

export class LabArmFaults {
	private denies: DenyRule[] = [];
	private throttles: ActiveThrottle[] = [];

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

	clear(): void {
		this.denies = [];
		this.throttles = [];
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
