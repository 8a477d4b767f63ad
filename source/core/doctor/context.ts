import type {ArmClients} from '../azure/clients.js';
import {placeholder, shellCommand} from '../text/shell-command.js';
import {describeAzureError, describeScope, type AzureProblem} from '../azure/errors.js';
import {check, type CheckId, type DoctorCheck} from './types.js';

/** What every check step shares: the clients, cancellation, and what earlier steps learnt about the caller. */
export interface DoctorContext {
	clients: ArmClients;
	signal?: AbortSignal;
	/** Subscription display names by lower-case id, so scopes read "subscription 'Contoso Dev'". */
	subscriptionNames: Map<string, string>;
	/** Who is signed in (UPN or app id), for `az role assignment create --assignee`. */
	assignee?: string;
}

/** Cancellation is not a finding: it ends the run instead of becoming a failed check. */
export class DoctorAborted extends Error {
	constructor() {
		super('vmux doctor was cancelled.');
		this.name = 'AbortError';
	}
}

export function throwIfAborted(ctx: DoctorContext): void {
	if (ctx.signal?.aborted) throw new DoctorAborted();
}

/**
 * Some SDK pagers (compute's) replace ARM's error with "Pagination failed …", losing the action and scope a 403
 * names. Passing `onResponse` to the call keeps the failed page's body so the sentence can still name them.
 */
export function responseKeeper(): {onResponse: (response: {status: number; bodyAsText?: string | null}) => void; restore: (error: unknown) => unknown} {
	let failedBody: string | undefined;
	return {
		onResponse: response => {
			if (response.status >= 400 && response.bodyAsText) failedBody = response.bodyAsText;
		},
		restore: error => {
			if (!failedBody || !error || typeof error !== 'object') return error;
			try {
				const parsed = JSON.parse(failedBody) as {error?: {code?: unknown; message?: unknown}};
				if (typeof parsed.error?.message !== 'string') return error;
				const original = error as {name?: string; statusCode?: number};
				return {name: original.name, statusCode: original.statusCode, code: parsed.error.code, message: parsed.error.message};
			} catch {
				return error;
			}
		},
	};
}

/** The error as a problem sentence; cancellation is rethrown rather than reported. */
export function problemOf(ctx: DoctorContext, error: unknown, doing: string): AzureProblem {
	const problem = describeAzureError(error, {doing, subscriptionNames: ctx.subscriptionNames, endpoint: ctx.clients.cloud.armEndpoint});
	if (problem.kind === 'aborted' || ctx.signal?.aborted) throw new DoctorAborted();
	return problem;
}

/** The command that grants the missing role, as the portal's prerequisites ask for it. */
export function roleFix(ctx: DoctorContext, role: string, scope: string): string {
	return `Ask an owner of ${describeScope(scope, ctx.subscriptionNames)} to grant it: ${shellCommand('az', 'role', 'assignment', 'create', '--assignee', ctx.assignee ?? placeholder('<your sign-in>'), '--role', role, '--scope', scope)}`;
}

/**
 * A failed check from an Azure problem. A 403 names the role and scope (with the command that grants it); other
 * problems use `otherFix` when the problem's sentence does not already say what to do.
 */
export function failedFrom(ctx: DoctorContext, id: CheckId, problem: AzureProblem, otherFix?: string): DoctorCheck {
	if (problem.kind === 'forbidden') {
		const role = problem.role ?? 'Reader';
		return check(id, 'fail', problem.message, {
			...(problem.scope ? {fix: roleFix(ctx, role, problem.scope)} : {}),
			access: {role, ...(problem.scope ? {scope: problem.scope} : {}), ...(problem.action ? {action: problem.action} : {})},
		});
	}
	return check(id, 'fail', problem.message, otherFix ? {fix: otherFix} : {});
}

/** "resource group 'rg-web' in subscription 'Contoso Dev'" for messages. */
export function whereIs(ctx: DoctorContext, resourceGroup: string, subscriptionId: string): string {
	const name = ctx.subscriptionNames.get(subscriptionId.toLowerCase());
	return `resource group '${resourceGroup}' in subscription '${name ?? subscriptionId}'`;
}
