import envPaths from 'env-paths';
import {chmodSync, mkdirSync} from 'node:fs';
import {join, resolve} from 'node:path';

/** Where vmux keeps profiles, settings, the inventory cache, known_hosts and logs. */
export interface ConfigPaths {
	dir: string;
	knownHosts: string;
	cacheDir: string;
	logDir: string;
	/** Session recordings (asciicast, core/recording): private, like everything here. */
	recordingsDir: string;
}

/** The platform config dir (`~/.config/vmux` on Linux), the same place `conf` would choose. */
export function defaultConfigDir(): string {
	return envPaths('vmux', {suffix: ''}).config;
}

/** The platform data dir (`~/.local/share/vmux` on Linux): recordings are data, not configuration. */
export function defaultDataDir(): string {
	return envPaths('vmux', {suffix: ''}).data;
}

/**
 * Every path vmux uses. Recordings go to the platform data dir when the config dir is the default one, and
 * into `<config dir>/recordings` when another config dir was chosen (`--config-dir`): a run pointed elsewhere
 * (tests, a second identity) never writes into the user's real directories.
 */
export function configPaths(dir: string = defaultConfigDir()): ConfigPaths {
	const absolute = resolve(dir);
	const isDefault = absolute === resolve(defaultConfigDir());
	return {
		dir: absolute,
		knownHosts: join(absolute, 'known_hosts'),
		cacheDir: join(absolute, 'cache'),
		logDir: join(absolute, 'logs'),
		recordingsDir: isDefault ? join(defaultDataDir(), 'recordings') : join(absolute, 'recordings'),
	};
}

/** Creates the config dir private to the user (0700): it holds host keys and profile metadata. */
export function ensureConfigDir(paths: ConfigPaths): void {
	mkdirSync(paths.dir, {recursive: true, mode: 0o700});
	chmodSync(paths.dir, 0o700);
}
