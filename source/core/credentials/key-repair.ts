/**
 * Repairs private keys that were damaged on their way into an Azure Key Vault secret (contracts/azure.md §5,
 * "Portal-mangled keys"): the portal's one-line box joins or drops line breaks, shell quoting leaves literal
 * `\n` or keeps only the first line, some tools base64 the whole file. The body of a PEM/OpenSSH key is
 * base64 with no spaces, so it can be rebuilt losslessly; this module only rebuilds the text, and the
 * caller parses the result (so a repaired-but-wrong key still fails with the parser's own reason).
 */

export type RepairResult = {ok: true; key: string; repaired: boolean; how?: string} | {ok: false; error: string};

export interface RepairContext {
	/** Named in error sentences and in the `az keyvault secret set` fix; placeholders when unknown. */
	vault?: string;
	secret?: string;
}

/** Key labels the repair understands; anything else between BEGIN/END is not an SSH private key. */
const LABEL = /-----BEGIN ([A-Z0-9]+(?: [A-Z0-9]+)*)-----/;
const OPENSSH_LABEL = 'OPENSSH PRIVATE KEY';

/** Legacy PEM encryption (`ssh-keygen -m PEM -N …`): the IV is this many hex digits for the cipher. */
const IV_HEX_LENGTH: Record<string, number> = {
	'AES-128-CBC': 32,
	'AES-192-CBC': 32,
	'AES-256-CBC': 32,
	'DES-EDE3-CBC': 16,
	'DES-CBC': 16,
};

export function repairKey(value: string, context: RepairContext = {}): RepairResult {
	return repair(value, context, []);
}

function repair(value: string, context: RepairContext, fixes: string[]): RepairResult {
	let text = value.replace(/^\uFEFF/, '');
	const trimmed = text.trim();
	if (trimmed.length >= 2 && /^(["'])[\s\S]*\1$/.test(trimmed) && trimmed.includes('-----BEGIN')) {
		text = trimmed.slice(1, -1);
		fixes.push('removed the quotes around it');
	}
	if (/\\r\\n|\\n|\\r/.test(text)) {
		text = text.replace(/\\r\\n|\\n|\\r/g, '\n');
		fixes.push('turned literal \\n sequences into line breaks');
	}
	if (text.includes('\r')) {
		text = text.replace(/\r\n?/g, '\n');
		fixes.push('turned Windows line endings (\\r\\n) into \\n');
	}

	const begin = LABEL.exec(text);
	if (!begin) return notPem(text, context, fixes);
	const label = begin[1];
	if (!label.endsWith('PRIVATE KEY')) {
		return failure(context, `holds a ${label.toLowerCase()} (-----BEGIN ${label}-----), not a private key`);
	}

	const headerEnd = begin.index + begin[0].length;
	const footer = `-----END ${label}-----`;
	const footerStart = text.indexOf(footer, headerEnd);
	if (footerStart === -1) {
		const rest = text.slice(headerEnd).trim();
		if (rest === '' || /^-*$/.test(rest)) {
			return failure(
				context,
				`holds only the first line of a private key (-----BEGIN ${label}-----); the rest was lost when it ` +
					`was stored, so vmux cannot rebuild it`,
			);
		}
		return failure(context, `holds a private key that is cut off: it has no -----END ${label}----- line`);
	}

	const outside = text.slice(0, begin.index).trim() + text.slice(footerStart + footer.length).trim();
	if (outside !== '') fixes.push('dropped the text around the key');

	const region = text.slice(headerEnd, footerStart);
	const extracted = extractPemHeaders(region, label);
	if (typeof extracted === 'string') return failure(context, extracted);
	const body = extracted.body.replace(/\s+/g, '');
	if (body === '') return failure(context, `holds a -----BEGIN ${label}----- block with nothing inside`);
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
		const bad = [...new Set(body.replace(/[A-Za-z0-9+/=]/g, ''))].slice(0, 5).join(' ');
		return failure(context, `holds a private key whose body has characters base64 never contains (${bad})`);
	}

	if (!hasProperLines(region, extracted.headers.length > 0)) {
		if (!region.includes('\n')) {
			// Judged on the body alone: the PEM headers have spaces of their own (`Proc-Type: 4,ENCRYPTED`).
			const joined = /\s/.test(extracted.body);
			fixes.push(joined ? 'restored line breaks that had become spaces' : 'restored line breaks that had been removed');
		} else {
			fixes.push('re-wrapped the key body');
		}
	}
	if (!/-----\n$/.test(text.slice(0, footerStart + footer.length + 1))) fixes.push('added the missing final newline');

	if (fixes.length === 0) return {ok: true, key: value, repaired: false};
	const width = label === OPENSSH_LABEL ? 70 : 64;
	const headers = extracted.headers.length > 0 ? `${extracted.headers.join('\n')}\n\n` : '';
	const key = `-----BEGIN ${label}-----\n${headers}${wrap(body, width)}${footer}\n`;
	return {ok: true, key, repaired: true, how: sentence(fixes)};
}

/** A secret without a BEGIN line: the whole key base64-encoded, a public key, a PuTTY key, or noise. */
function notPem(text: string, context: RepairContext, fixes: string[]): RepairResult {
	const trimmed = text.trim();
	const compact = trimmed.replace(/\s+/g, '');
	if (compact.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
		const decoded = Buffer.from(compact, 'base64').toString('utf8');
		// Decoding again only when the result is itself a key: a base64 secret that is not one stays an error.
		if (decoded.includes('-----BEGIN ')) return repair(decoded, context, [...fixes, 'decoded the base64-encoded key']);
	}
	if (/^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-\S+@openssh\.com)\s+AAAA/.test(trimmed)) {
		return failure(context, 'holds a public key (it starts with its key type, like ssh-rsa AAAA…), not the private key');
	}
	if (trimmed.startsWith('---- BEGIN SSH2 PUBLIC KEY')) return failure(context, 'holds a public key, not the private key');
	if (trimmed.startsWith('PuTTY-User-Key-File')) {
		return failure(
			context,
			'holds a PuTTY key; convert it to OpenSSH first (puttygen key.ppk -O private-openssh -o ~/.ssh/id_rsa)',
		);
	}
	if (trimmed === '') return failure(context, 'is empty');
	return failure(context, 'does not hold a private key (there is no -----BEGIN … PRIVATE KEY----- line)');
}

/**
 * Separates the legacy PEM encryption headers (`Proc-Type`, `DEK-Info`) from the base64 body, even when
 * the line breaks between them are gone: the IV has a fixed number of hex digits per cipher.
 */
function extractPemHeaders(region: string, label: string): {headers: string[]; body: string} | string {
	// Only the traditional OpenSSL labels carry these headers; OpenSSH and PKCS#8 encrypt inside the body.
	if (!/^(RSA|EC|DSA) PRIVATE KEY$/.test(label) || !/Proc-Type:/i.test(region)) return {headers: [], body: region};
	const proc = /Proc-Type:\s*4,\s*ENCRYPTED/i.exec(region);
	const dek = /DEK-Info:\s*([A-Za-z0-9-]+),\s*/.exec(region);
	if (!proc || !dek) return 'holds an encrypted PEM key whose Proc-Type or DEK-Info header is damaged';
	const cipher = dek[1].toUpperCase();
	const ivStart = dek.index + dek[0].length;
	const ivLength = IV_HEX_LENGTH[cipher] ?? /^[0-9A-Fa-f]*/.exec(region.slice(ivStart))![0].length;
	const iv = region.slice(ivStart, ivStart + ivLength);
	if (iv.length !== ivLength || !/^[0-9A-Fa-f]+$/.test(iv)) {
		return 'holds an encrypted PEM key whose DEK-Info header is damaged';
	}
	const before = region.slice(0, proc.index);
	const between = region.slice(proc.index + proc[0].length, dek.index);
	if (before.trim() !== '' || between.trim() !== '') return 'holds an encrypted PEM key with unexpected headers';
	return {headers: ['Proc-Type: 4,ENCRYPTED', `DEK-Info: ${cipher},${iv.toUpperCase()}`], body: region.slice(ivStart + ivLength)};
}

/** Whether the text between BEGIN and END already has real line breaks and base64-only lines. */
function hasProperLines(region: string, hasHeaders: boolean): boolean {
	if (!region.startsWith('\n') || !region.endsWith('\n')) return false;
	const lines = region.slice(1, -1).split('\n');
	let start = 0;
	if (hasHeaders) {
		// Proc-Type, DEK-Info, then the blank line OpenSSL requires before the body.
		if (!/^Proc-Type: /.test(lines[0] ?? '') || !/^DEK-Info: /.test(lines[1] ?? '') || lines[2] !== '') return false;
		start = 3;
	}
	const body = lines.slice(start);
	return body.length > 0 && body.every(line => /^[A-Za-z0-9+/=]{1,76}$/.test(line));
}

function wrap(body: string, width: number): string {
	let out = '';
	for (let i = 0; i < body.length; i += width) out += body.slice(i, i + width) + '\n';
	return out;
}

function sentence(fixes: string[]): string {
	const text = fixes.length === 1 ? fixes[0] : `${fixes.slice(0, -1).join(', ')} and ${fixes.at(-1)}`;
	return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

function failure(context: RepairContext, problem: string): RepairResult {
	const vault = context.vault ?? '<vault>';
	const secret = context.secret ?? '<secret>';
	const subject =
		context.secret && context.vault
			? `The secret ${context.secret} in Key Vault ${context.vault}`
			: context.secret
				? `The secret ${context.secret}`
				: 'The secret';
	return {
		ok: false,
		error:
			`${subject} ${problem}. Store the private key file itself, which keeps its line breaks: ` +
			`az keyvault secret set --vault-name ${vault} --name ${secret} --file ~/.ssh/id_rsa`,
	};
}
