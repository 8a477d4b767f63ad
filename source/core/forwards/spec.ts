import {ForwardSchema, type Forward} from '../profiles/schema.js';

/**
 * Forwards written as ssh writes them, for the profile editor's list field and the forwards view:
 * `L 8080:localhost:80`, `L 127.0.0.1:8080:db:5432`, `R 9000:localhost:3000`, `D 1080` (or with ssh's dashes,
 * `-L 8080:localhost:80`). A leading `#` marks one that is off.
 */

export type ParsedForward = {ok: true; forward: Forward} | {ok: false; message: string};

export function parseForward(text: string): ParsedForward {
	let rest = text.trim();
	let enabled = true;
	if (rest.startsWith('#')) {
		enabled = false;
		rest = rest.slice(1).trim();
	}
	const match = /^-?([LRD])\s*(.+)$/i.exec(rest);
	if (!match) return {ok: false, message: `"${text.trim()}" is not a forward: write L 8080:localhost:80, R 9000:localhost:3000 or D 1080.`};
	const letter = match[1]!.toUpperCase();
	// IPv6 addresses are written in brackets, as ssh takes them: [::1]:8080:host:80.
	const parts = splitSpec(match[2]!.trim());
	const kind = letter === 'L' ? 'local' : letter === 'R' ? 'remote' : 'dynamic';
	let candidate: Record<string, unknown>;
	if (kind === 'dynamic') {
		if (parts.length > 2 || parts.length === 0) return {ok: false, message: `D takes [bind:]port, such as D 1080 or D 127.0.0.1:1080; got "${match[2]}".`};
		candidate = {kind, ...(parts.length === 2 ? {bind: parts[0]} : {}), port: Number(parts.at(-1)), enabled};
	} else {
		if (parts.length !== 3 && parts.length !== 4) return {ok: false, message: `${letter} takes [bind:]port:host:hostport, such as ${letter} 8080:localhost:80; got "${match[2]}".`};
		const [bind, port, host, hostPort] = parts.length === 4 ? parts : [undefined, ...parts];
		candidate = {kind, ...(bind ? {bind} : {}), port: Number(port), host, hostPort: Number(hostPort), enabled};
	}
	const parsed = ForwardSchema.safeParse(candidate);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		return {ok: false, message: `${letter} ${match[2]}: ${String(issue.path.at(-1) ?? 'forward')} must be ${issue.message}.`};
	}
	return {ok: true, forward: parsed.data};
}

function splitSpec(text: string): string[] {
	const parts: string[] = [];
	let at = 0;
	while (at <= text.length) {
		if (text[at] === '[') {
			const end = text.indexOf(']', at);
			if (end < 0) return [text];
			parts.push(text.slice(at + 1, end));
			at = end + 2;
			continue;
		}
		const next = text.indexOf(':', at);
		parts.push(next < 0 ? text.slice(at) : text.slice(at, next));
		if (next < 0) break;
		at = next + 1;
	}
	return parts;
}

const bracket = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** `L 127.0.0.1:8080:localhost:80`, the form parseForward reads back. */
export function formatForward(forward: Forward): string {
	const off = forward.enabled ? '' : '# ';
	if (forward.kind === 'dynamic') return `${off}D ${bracket(forward.bind)}:${forward.port}`;
	const letter = forward.kind === 'local' ? 'L' : 'R';
	return `${off}${letter} ${bracket(forward.bind)}:${forward.port}:${bracket(forward.host)}:${forward.hostPort}`;
}

/** One line for a user: `localhost:8080 → web-01 → localhost:80`. */
export function describeForward(forward: Forward, vm: string): string {
	const listen = `${bracket(forward.bind)}:${forward.port}`;
	if (forward.kind === 'local') return `${listen} → ${vm} → ${bracket(forward.host)}:${forward.hostPort}`;
	if (forward.kind === 'remote') return `${vm} ${listen} → here → ${bracket(forward.host)}:${forward.hostPort}`;
	return `SOCKS5 ${listen} → out through ${vm}`;
}
