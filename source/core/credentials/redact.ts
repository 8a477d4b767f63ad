/**
 * Scrubs secrets from text before it reaches a log (DESIGN §9: no secret is written to disk or to a log).
 * It errs towards over-redaction: a log line that loses a harmless value costs little, a leaked key or token
 * costs a lot. Installed into core/log with `setLogRedactor(redact)`.
 */

export interface RedactOptions {
	/** Exact values known to be secret (a typed password, a Key Vault secret value) to remove wherever they appear. */
	secrets?: readonly string[];
}

const MARK = '[REDACTED]';

/** Shorter known secrets are not replaced verbatim: a three-letter value would shred every line it occurs in. */
const MIN_EXACT_SECRET = 4;

const RULES: Array<[RegExp, string | ((...groups: string[]) => string)]> = [
	// PEM/OpenSSH/PKCS#8 private key blocks, also JSON-escaped (`\n` inside) and cut-off ones (to the end).
	[/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, '[REDACTED PRIVATE KEY]'],
	[/PuTTY-User-Key-File-\d+:[\s\S]*?(?:Private-MAC:\s*[0-9a-fA-F]+|$)/g, '[REDACTED PRIVATE KEY]'],
	// A whole key base64-encoded (`az keyvault secret set --encoding base64`): "-----BEGIN" encodes to this.
	[/LS0tLS1CRUdJTi[A-Za-z0-9+/=]*/g, '[REDACTED PRIVATE KEY]'],
	// JWTs (Entra and ARM access tokens): base64url header `{"…` . payload . signature.
	[/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[REDACTED JWT]'],
	// Authorization header values. Not a challenge's `Bearer authorization="…"` parameter list.
	[/\b(Bearer|Basic)(\s+)(?![\w-]+=")[A-Za-z0-9\-._~+/]+=*/gi, (_, scheme, space) => `${scheme}${space}${MARK}`],
	// Bastion tunnel tokens travel in URL paths (contracts/azure.md §3).
	[/(\/(?:webtunnelv2|omni\/webtunnel|api\/tokens)\/)[^/?#\s"'&]+/g, (_, prefix) => `${prefix}${MARK}`],
	// name=value, name: value and "name":"value" where the name ends like a secret's: password=, aztoken=,
	// "authToken":, client_secret=, sig= (SAS), passphrase:, api_key= …
	[
		/((?:["']?)[A-Za-z0-9_.-]*(?:password|passwd|pwd|passphrase|secret|token|sig|api[_-]?key)["']?)(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s&,;'"}\])]+)/gi,
		(_, name, separator, value) => {
			const quote = value.startsWith('"') || value.startsWith("'") ? value[0] : '';
			return `${name}${separator}${quote}${MARK}${quote}`;
		},
	],
];

export function redact(text: string, options: RedactOptions = {}): string {
	let out = text;
	// Exact secrets first, longest first, before the patterns reshape the text around them.
	const secrets = [...new Set(options.secrets ?? [])].filter(secret => secret.length >= MIN_EXACT_SECRET);
	for (const secret of secrets.sort((a, b) => b.length - a.length)) out = out.split(secret).join(MARK);
	for (const [pattern, replacement] of RULES) {
		out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
	}
	return out;
}
