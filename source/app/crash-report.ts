import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {ConfigPaths} from '../core/config/paths.js';
import type {Logger} from '../core/log.js';

/** Last-resort handler: the terminal is restored by run-app's hooks; here we leave a readable trail. */
export function reportCrash(error: unknown, paths: ConfigPaths, logger: Logger): string {
	const file = logger.file ?? join(paths.logDir, `crash-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
	try {
		mkdirSync(paths.logDir, {recursive: true, mode: 0o700});
		const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
		if (logger.file) logger.error('crash', error);
		else writeFileSync(file, text + '\n', {mode: 0o600});
	} catch {
		// Nowhere to write: the one-line message still tells the user what happened.
	}
	return file;
}

