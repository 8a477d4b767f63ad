// proxy-from-env 2 ships no types; this is its one export (index.js).
declare module 'proxy-from-env' {
	/** The proxy URL for `url` from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY (either case), or '' when NO_PROXY matches or none is set. */
	export function getProxyForUrl(url: string | URL): string;
}
