import {readFileSync} from 'node:fs';

/**
 * vmux's version, read once from its package.json (two levels up from here, both in `source/core/` under tests
 * and in `dist/core/` when installed), and the User-Agent vmux names itself with to Azure's own endpoints.
 */
export const VMUX_VERSION: string = readVersion();

export const VMUX_USER_AGENT = `vmux/${VMUX_VERSION}`;

function readVersion(): string {
	try {
		const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {name?: unknown; version?: unknown};
		if (manifest.name === 'vmux' && typeof manifest.version === 'string') return manifest.version;
	} catch {
		// A damaged install still connects; the version is only a label.
	}
	return '0.0.0';
}
