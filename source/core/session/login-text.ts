import type {LoginIdentity} from './types.js';

/**
 * The tab bar's words for who a session is logged in as: `alice@contoso.com until 14:32` while the credential
 * (an Entra ID certificate) is valid. Past its expiry the open session is unaffected (sshd checks a certificate
 * only at login, and vmux renews it before the next one), so only the name is shown, never an expiry warning.
 */
export function loginText(login: LoginIdentity, now: number = Date.now()): string {
	if (login.validUntil === undefined || login.validUntil <= now) return login.user;
	return `${login.user} until ${clockTime(new Date(login.validUntil))}`;
}

/** Local wall-clock time, 24-hour, as a terminal user reads it next to their own clock. */
export function clockTime(date: Date): string {
	return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}
