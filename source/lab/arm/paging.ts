/**
 * Opaque continuation tokens for the lab's lists (`nextLink` with `$skiptoken`) and Resource Graph
 * (`$skipToken`). The token carries the offset and a fingerprint of the request so a token replayed against a
 * different list is refused, as the real services do.
 */

export function encodeSkipToken(offset: number, fingerprint: string): string {
	return Buffer.from(JSON.stringify({o: offset, f: fingerprint}), 'utf8').toString('base64url');
}

/** The offset in a token, or undefined when the token is malformed or belongs to another request. */
export function decodeSkipToken(token: string, fingerprint: string): number | undefined {
	try {
		const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {o?: unknown; f?: unknown};
		if (typeof parsed.o !== 'number' || !Number.isInteger(parsed.o) || parsed.o < 0 || parsed.f !== fingerprint) return undefined;
		return parsed.o;
	} catch {
		return undefined;
	}
}

export interface Page<T> {
	items: T[];
	/** Offset of the next page, when there is one. */
	next?: number;
}

export function pageOf<T>(items: readonly T[], offset: number, size: number): Page<T> {
	const pageSize = Math.max(1, Math.floor(size));
	const slice = items.slice(offset, offset + pageSize);
	return offset + pageSize < items.length ? {items: slice, next: offset + pageSize} : {items: slice};
}
