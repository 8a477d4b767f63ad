import {parseResourceId} from './resource-id.js';

/**
 * Turns whatever an Azure call threw (core RestError, the older ms-rest-js RestError, @azure/identity errors,
 * Node network errors) into one problem with a sentence a user can act on. Raw errors are never shown or
 * logged: they carry the request, including its Authorization header.
 */

export type AzureProblemKind =
	| 'sign-in' // no credential in the chain worked
	| 'unauthenticated' // 401: token refused
	| 'forbidden' // 403: missing role
	| 'throttled' // 429 after retries
	| 'network' // unreachable, DNS, TLS
	| 'not-found'
	| 'aborted'
	| 'service'; // anything else the service said

export interface AzureProblem {
	kind: AzureProblemKind;
	/** The sentence to show. */
	message: string;
	status?: number;
	/** The service's error code (e.g. `AuthorizationFailed`) or the network error code. */
	code?: string;
	/** For 403: the action refused and the scope it was refused over. */
	action?: string;
	scope?: string;
	/** The role that grants the missing access. */
	role?: string;
	/** For 429: how long the service asked to wait. */
	retryAfterMs?: number;
}

export interface DescribeContext {
	/** Subscription display names by id, so scopes read as "resource group 'rg-web' in Contoso Dev". */
	subscriptionNames?: ReadonlyMap<string, string>;
	/** The endpoint being called, for network errors. */
	endpoint?: string;
	/** What vmux was doing, e.g. "listing Bastion hosts in Contoso Dev". */
	doing?: string;
}

const NETWORK_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EPIPE',
	'REQUEST_SEND_ERROR',
	'UND_ERR_CONNECT_TIMEOUT',
]);
const TLS_CODES = new Set([
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'CERT_HAS_EXPIRED',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** What each read permission is about, in the portal's words. */
const ACTION_SUBJECTS: Array<[RegExp, string]> = [
	[/^Microsoft\.Compute\/virtualMachines\/extensions\//i, "the VM's extensions"],
	[/^Microsoft\.Compute\/virtualMachines\//i, 'the virtual machine'],
	[/^Microsoft\.Network\/networkInterfaces\//i, "the VM's network interface (NIC)"],
	[/^Microsoft\.Network\/publicIPAddresses\//i, 'the public IP address'],
	[/^Microsoft\.Network\/virtualNetworks\//i, "the VM's virtual network (needed when the Bastion sits in a peered network)"],
	[/^Microsoft\.Network\/bastionHosts\//i, 'the Bastion host'],
	[/^Microsoft\.ResourceGraph\//i, 'Azure Resource Graph'],
	[/^Microsoft\.Resources\/subscriptions\//i, 'the subscription'],
];

const PREREQUISITES =
	'To connect, Azure needs Reader on the VM, on its NIC, on the Bastion, and on the VM\'s virtual network when the Bastion is in a peered network.';

export function describeAzureError(error: unknown, context: DescribeContext = {}): AzureProblem {
	const err = (error ?? {}) as Record<string, unknown>;
	const name = typeof err.name === 'string' ? err.name : '';
	const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
	const serviceError = serviceErrorOf(err);
	const code = serviceError.code ?? (typeof err.code === 'string' ? err.code : undefined);
	const serviceMessage = serviceError.message ?? (typeof err.message === 'string' ? err.message : String(error));
	const doing = context.doing ? ` while ${context.doing}` : '';

	if (name === 'AbortError' || code === 'ABORT_ERR') {
		return {kind: 'aborted', message: `Cancelled${doing}.`};
	}
	// @azure/identity's refusal of a tenant the credential was not made for (alone, or inside the chain's error).
	const refusedTenant = /not configured to acquire tokens for tenant ([^\s.]+(?:\.[^\s.]+)*)\./.exec(typeof err.message === 'string' ? err.message : '')?.[1];
	if (refusedTenant) {
		return {
			kind: 'sign-in',
			code: 'TenantNotAllowed',
			message: `vmux is signed in to one tenant only (--tenant, or tenantId in the cloud setting), and${doing ? doing.replace(/^ while/, '') : ' this'} needs a token for tenant ${refusedTenant}. Start vmux without --tenant to reach every tenant you belong to, or with --tenant ${refusedTenant}.`,
		};
	}
	if (name === 'AggregateAuthenticationError' || name === 'CredentialUnavailableError' || name === 'AuthenticationRequiredError') {
		return {
			kind: 'sign-in',
			code: name,
			message:
				'vmux could not sign in to Azure: there is no Azure CLI login, no service principal in the environment, and no workload or managed identity. Run `az login` (with --tenant if needed), or sign in with a device code.',
		};
	}
	if (name === 'EntraSignInError') {
		// vmux's own sign-in (core/entra/sign-in-error.ts) already speaks in sentences.
		const reason = typeof err.reason === 'string' ? err.reason : undefined;
		const kind: AzureProblemKind = reason === 'cancelled' ? 'aborted' : reason === 'network' ? 'network' : 'sign-in';
		return {kind, ...(reason ? {code: reason} : {}), message: serviceMessage};
	}
	if (name === 'AuthenticationError') {
		return {kind: 'sign-in', code: name, message: `Sign-in to Microsoft Entra ID failed${doing}: ${firstLine(serviceMessage)}. Run \`az login\` again, or sign in with a device code.`};
	}

	if (status === undefined) {
		const networkCode = code ?? causeCode(err);
		if (networkCode && TLS_CODES.has(networkCode)) {
			return {
				kind: 'network',
				code: networkCode,
				message: `The TLS certificate of ${context.endpoint ?? 'the Azure endpoint'} is not trusted (${networkCode})${doing}. Check the cloud setting and any TLS-inspecting proxy.`,
			};
		}
		if ((networkCode && NETWORK_CODES.has(networkCode)) || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket hang up|network/i.test(serviceMessage)) {
			return {
				kind: 'network',
				code: networkCode,
				message: `${context.endpoint ?? 'Azure'} could not be reached (${networkCode ?? firstLine(serviceMessage)})${doing}. Check the network, VPN or proxy; the list keeps what was last fetched.`,
			};
		}
		return {kind: 'service', code, message: `Azure call failed${doing}: ${firstLine(serviceMessage)}`};
	}

	if (status === 401) {
		if (code === 'InvalidAuthenticationTokenTenant') {
			// ARM names the tenant to ask in its message (and its challenge); a pager may have lost both.
			const tenant = /login\.windows\.net\/([^'"/\s]+)/.exec(serviceMessage)?.[1] ?? '<tenant>';
			return {
				kind: 'unauthenticated',
				status,
				code,
				message: `This subscription belongs to another Microsoft Entra tenant (${tenant}) than the token vmux got${doing}. Sign in to that tenant (az login --tenant ${tenant}), and start vmux without --tenant so it reaches every tenant you belong to.`,
			};
		}
		if (code === 'ExpiredAuthenticationToken') {
			return {kind: 'unauthenticated', status, code, message: 'Your Azure sign-in has expired. Run `az login` again, or sign in with a device code.'};
		}
		return {kind: 'unauthenticated', status, code, message: `Azure did not accept the sign-in${doing} (401 ${code ?? 'Unauthorized'}: ${firstLine(serviceMessage)}). Run \`az login\` again, or sign in with a device code.`};
	}

	if (status === 403) {
		const match = /perform action '([^']+)' over scope '([^']+)'/i.exec(serviceMessage);
		const action = match?.[1];
		const scope = match?.[2];
		const subject = action ? (ACTION_SUBJECTS.find(([pattern]) => pattern.test(action))?.[1] ?? `'${action}'`) : 'this resource';
		const where = scope ? ` (${describeScope(scope, context.subscriptionNames)})` : '';
		return {
			kind: 'forbidden',
			status,
			code,
			action,
			scope,
			role: 'Reader',
			message: `You need the Reader role on ${subject}${where}${action ? `: Azure refused '${action}'` : ''}. Ask an owner of that scope to assign it. ${PREREQUISITES}`,
		};
	}

	if (status === 429) {
		const retryAfterMs = retryAfterOf(err);
		return {
			kind: 'throttled',
			status,
			code,
			retryAfterMs,
			message: `Azure is throttling requests${doing} (429 ${code ?? 'TooManyRequests'}) and vmux has stopped retrying.${retryAfterMs ? ` Try again in ${Math.ceil(retryAfterMs / 1000)} s.` : ' Try again shortly.'}`,
		};
	}

	if (status === 404) {
		return {kind: 'not-found', status, code, message: `Not found${doing}: ${firstLine(serviceMessage)}`};
	}

	return {kind: 'service', status, code, message: `Azure answered ${status}${code ? ` ${code}` : ''}${doing}: ${firstLine(serviceMessage)}`};
}

/** `/subscriptions/s/resourceGroups/rg` -> "resource group 'rg' in subscription 'Contoso Dev'". */
export function describeScope(scope: string, subscriptionNames?: ReadonlyMap<string, string>): string {
	const parsed = parseResourceId(scope);
	if (!parsed) return `scope ${scope}`;
	const subName = subscriptionNames?.get(parsed.subscriptionId.toLowerCase()) ?? subscriptionNames?.get(parsed.subscriptionId);
	const sub = `subscription '${subName ?? parsed.subscriptionId}'`;
	if (!parsed.resourceGroup) return sub;
	if (!parsed.name) return `resource group '${parsed.resourceGroup}' in ${sub}`;
	return `${parsed.type?.split('/').at(-1) ?? 'resource'} '${parsed.names.join('/')}' in resource group '${parsed.resourceGroup}', ${sub}`;
}

function serviceErrorOf(err: Record<string, unknown>): {code?: string; message?: string} {
	// ms-rest-js keeps the parsed body; core's RestError has code and message already set from it.
	const body = err.body as Record<string, unknown> | undefined;
	const inner = (body?.error ?? body) as Record<string, unknown> | undefined;
	if (inner && typeof inner === 'object') {
		const details = Array.isArray(inner.details) ? (inner.details as Array<Record<string, unknown>>) : [];
		// Resource Graph hides the reason in details behind a generic top-level message.
		const detail = details.find(entry => typeof entry.message === 'string');
		const topMessage = typeof inner.message === 'string' ? inner.message : undefined;
		return {
			code: typeof inner.code === 'string' ? inner.code : undefined,
			message: topMessage && /^Please provide below info/i.test(topMessage) && detail ? String(detail.message) : topMessage,
		};
	}
	return {};
}

function causeCode(err: Record<string, unknown>): string | undefined {
	const cause = err.cause as Record<string, unknown> | undefined;
	return typeof cause?.code === 'string' ? cause.code : undefined;
}

function retryAfterOf(err: Record<string, unknown>): number | undefined {
	const response = err.response as {headers?: {get?(name: string): string | undefined | null}} | undefined;
	const value = response?.headers?.get?.('retry-after');
	if (!value) return undefined;
	const seconds = Number(value);
	return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

function firstLine(text: string): string {
	return text.split('\n')[0]!.trim().replace(/\.$/, '');
}

/**
 * Why a device-code sign-in ended without a token, as a sentence. MSAL reports the OAuth error code inside a
 * generic message ("post_request_failed: authorization_declined"); the user needs to know what happened.
 */
export function describeDeviceCodeFailure(error: unknown): string {
	switch (error instanceof Error && error.name === 'EntraSignInError' ? (error as Error & {reason?: string}).reason : undefined) {
		case 'declined':
			return 'the sign-in was declined in the browser. Press L to try again.';
		case 'code-expired':
			return 'the code expired before it was entered. Press L for a new one.';
		case 'bad-code':
			return 'Microsoft Entra ID did not recognise the code. Press L for a new one.';
		case 'timed-out':
			return 'nobody entered the code in time. Press L for a new one.';
		case 'cancelled':
			return 'the sign-in was cancelled. Press L to start again.';
	}
	const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
	if (/authorization_declined/.test(text)) return 'the sign-in was declined in the browser. Press L to try again.';
	if (/expired_token|code_expired/.test(text)) return 'the code expired before it was entered. Press L for a new one.';
	if (/bad_verification_code/.test(text)) return 'Microsoft Entra ID did not recognise the code. Press L for a new one.';
	return describeAzureError(error, {doing: 'signing in with a device code'}).message;
}
