/** Turns what ssh2 and the network throw into sentences that say what happened and what to do. */

export interface DescribedError {
	message: string;
	/** Whether retrying could help (network trouble), as opposed to a refusal that needs the user. */
	retriable: boolean;
}

export function describeConnectError(error: unknown, where: string): DescribedError {
	const err = error as NodeJS.ErrnoException & {level?: string; status?: number};
	const code = err?.code ?? '';
	const text = err?.message ?? String(error);
	// The Bastion's own answers are already sentences. A refusal (4xx) needs the user; anything else may pass.
	if (err?.name === 'BastionError') {
		const status = err.status ?? 0;
		return {retriable: !(status >= 400 && status < 500 && status !== 408 && status !== 429), message: text};
	}
	switch (code) {
		case 'ECONNREFUSED':
			return {retriable: true, message: `${where} refused the connection: nothing is listening there. Check that the VM is running and the port in the profile.`};
		case 'ETIMEDOUT':
			return {retriable: true, message: `Timed out reaching ${where}. Check the network path (NSG rules, VPN, Bastion) and that the VM is running.`};
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return {retriable: code === 'EAI_AGAIN', message: `Cannot resolve the host name of ${where} (DNS lookup failed). Check the host name in the profile.`};
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return {retriable: true, message: `${where} is unreachable from this machine (${code}). Check your network or use a Bastion or jump host transport.`};
		case 'ECONNRESET':
		case 'EPIPE':
			return {retriable: true, message: `The connection to ${where} was reset.`};
	}
	if (/keepalive timeout/i.test(text)) return {retriable: true, message: `${where} stopped answering keepalives; the network path was lost.`};
	if (/timed out while waiting for handshake/i.test(text))
		return {retriable: true, message: `${where} accepted the TCP connection but no SSH handshake followed. Is it an SSH server?`};
	// ssh2's own texts ("Connection lost before handshake") are not sentences: end them, so what follows reads.
	if (err?.level === 'client-socket') return {retriable: true, message: sentence(`Network error talking to ${where}: ${text}`)};
	return {retriable: true, message: sentence(`Connection to ${where} failed: ${text}`)};
}

/** Ends `text` with a full stop unless it already ends a sentence; messages are joined one after another. */
export function sentence(text: string): string {
	const trimmed = text.trimEnd();
	return /[.!?…]["')\]]?$/.test(trimmed) || trimmed === '' ? trimmed : `${trimmed}.`;
}

/**
 * Which methods were refused. No key to press here: the text is shown inside a session, where only prefix
 * commands work; the session says what to do (core/session/disconnect-text).
 */
export function describeAuthFailure(username: string, where: string, tried: string[]): string {
	const counts = new Map<string, number>();
	for (const method of tried) counts.set(method, (counts.get(method) ?? 0) + 1);
	const list = [...counts].map(([method, n]) => (n > 1 ? `${method} (${n} times)` : method)).join(', ');
	return `Authentication failed for ${username}@${where}; tried ${list || 'no method (no credential was available)'}. Check the username and credentials in the profile.`;
}

/**
 * A refused OpenSSH certificate (Microsoft Entra ID): names the certificate and the account it logs in as,
 * and says when it had already expired, since that is the one cause vmux can see from here.
 */
export function describeCertificateRefusal(
	step: {username: string; label: string; expiresAt?: number},
	where: string,
	tried: string[],
	now: number = Date.now(),
): string {
	const expired = step.expiresAt !== undefined && step.expiresAt <= now;
	const others = tried.filter(label => label !== step.label);
	const also = others.length ? ` Also tried: ${[...new Set(others)].join(', ')}.` : '';
	const why = expired
		? ` It expired at ${new Date(step.expiresAt!).toISOString()}; a new certificate is needed.`
		: ' The VM must allow Microsoft Entra ID logins for this account.';
	return `Authentication failed for ${step.username}@${where}: the server refused the ${step.label}.${also}${why}`;
}
