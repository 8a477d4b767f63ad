import envPaths from 'env-paths';
import {chmodSync, mkdirSync} from 'node:fs';
import {join, resolve} from 'node:path';

/** Where vmux keeps profiles, settings, the inventory cache, known_hosts and logs. */
export interface ConfigPaths {
	dir: string;
	knownHosts: string;
	cacheDir: string;
	logDir: string;
}

/** The platform config dir (`~/.config/vmux` on Linux), the same place `conf` would choose. */
export function defaultConfigDir(): string {
	return envPaths('vmux', {suffix: ''}).config;
}

export function configPaths(dir: string = defaultConfigDir()): ConfigPaths {
	const absolute = resolve(dir);
	return {
		dir: absolute,
		knownHosts: join(absolute, 'known_hosts'),
		cacheDir: join(absolute, 'cache'),
		logDir: join(absolute, 'logs'),
	};
}

/** Creates the config dir private to the user (0700): it holds host keys and profile metadata. */
export function ensureConfigDir(paths: ConfigPaths): void {
	mkdirSync(paths.dir, {recursive: true, mode: 0o700});
	chmodSync(paths.dir, 0o700);
}
