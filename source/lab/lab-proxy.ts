/** Loopback names the lab serves on: its ARM (127.0.0.1) and its vault and Bastion hosts (`*.localhost`). */
const LAB_HOSTS = ['127.0.0.1', 'localhost', '.localhost'];

/**
 * The demo's Azure is on loopback: a corporate proxy set for the real network (HTTPS_PROXY) cannot reach it, so
 * this process adds the lab's names to NO_PROXY (both spellings, as curl, the Azure SDK and proxy-from-env read
 * them). Real Azure never lives on loopback, so nothing else changes.
 */
export function bypassProxyForLab(): void {
	const proxied = ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY', 'all_proxy', 'HTTP_PROXY', 'http_proxy'].some(name => process.env[name]);
	if (!proxied) return;
	const existing = (process.env.no_proxy ?? process.env.NO_PROXY ?? '').split(',').map(entry => entry.trim()).filter(Boolean);
	if (existing.includes('*')) return;
	const merged = [...existing, ...LAB_HOSTS.filter(host => !existing.includes(host))].join(',');
	process.env.NO_PROXY = merged;
	process.env.no_proxy = merged;
}
