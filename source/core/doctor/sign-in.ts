import {armScope} from '../azure/cloud.js';
import {problemOf, type DoctorContext} from './context.js';
import {check, type DoctorCheck} from './types.js';

/**
 * Check 1: a token for Azure Resource Manager can be obtained. Everything else the doctor asks Azure depends on
 * it. The token itself is never shown; only who it was issued to, read from its claims.
 */
export async function checkSignIn(ctx: DoctorContext): Promise<{check: DoctorCheck; ok: boolean}> {
	const scope = armScope(ctx.clients.cloud);
	let token: string | undefined;
	try {
		token = (await ctx.clients.credential.getToken(scope, {abortSignal: ctx.signal}))?.token;
	} catch (error) {
		const problem = problemOf(ctx, error, 'getting a token for Azure Resource Manager');
		return {check: check('sign-in', 'fail', problem.message, {fix: 'Run `az login` (with --tenant <tenant> for another directory), then run vmux doctor again.'}), ok: false};
	}
	if (!token) {
		return {
			check: check('sign-in', 'fail', `No access token was returned for ${scope}.`, {fix: 'Run `az login` (with --tenant <tenant> for another directory), then run vmux doctor again.'}),
			ok: false,
		};
	}
	const who = tokenIdentity(token);
	if (who.name) ctx.assignee = who.name;
	const as = who.name ? ` as ${who.name}` : '';
	const tenant = who.tenantId ? ` (tenant ${who.tenantId})` : '';
	return {check: check('sign-in', 'pass', `Signed in${as}${tenant}: Azure Resource Manager at ${ctx.clients.cloud.armEndpoint} issued a token.`), ok: true};
}

/** The user or app an Entra access token names; empty when the token is not a readable JWT (that is allowed). */
export function tokenIdentity(token: string): {name?: string; tenantId?: string} {
	const payload = token.split('.')[1];
	if (!payload) return {};
	try {
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
		const text = (key: string) => (typeof claims[key] === 'string' && claims[key] !== '' ? (claims[key] as string) : undefined);
		return {
			name: text('upn') ?? text('unique_name') ?? text('preferred_username') ?? text('appid') ?? text('oid'),
			tenantId: text('tid'),
		};
	} catch {
		return {};
	}
}
