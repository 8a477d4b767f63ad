import {appendFileSync, mkdirSync} from 'node:fs';
import {dirname} from 'node:path';

/**
 * The debug log. Off unless `--debug-log <file>` is given (or a crash needs somewhere to go). Every line
 * passes through the redactor first, so a secret that reaches a log call by mistake is still not written.
 */
export interface Logger {
	readonly file: string | undefined;
	debug(message: string, details?: unknown): void;
	error(message: string, details?: unknown): void;
}

type Redactor = (text: string) => string;

let redactor: Redactor = text => text;

/** The credentials module installs its redactor here; core/log must not depend on it. */
export function setLogRedactor(fn: Redactor): void {
	redactor = fn;
}

export function createLogger(file: string | undefined): Logger {
	if (file) mkdirSync(dirname(file), {recursive: true, mode: 0o700});
	const write = (level: string, message: string, details?: unknown) => {
		if (!file) return;
		let line = `${new Date().toISOString()} ${level} ${message}`;
		if (details !== undefined) line += ` ${formatDetails(details)}`;
		try {
			appendFileSync(file, redactor(line) + '\n', {mode: 0o600});
		} catch {
			// A log that cannot be written must never take the app down.
		}
	};
	return {
		file,
		debug: (message, details) => write('DEBUG', message, details),
		error: (message, details) => write('ERROR', message, details),
	};
}

function formatDetails(details: unknown): string {
	if (details instanceof Error) return details.stack ?? `${details.name}: ${details.message}`;
	try {
		return JSON.stringify(details);
	} catch {
		return String(details);
	}
}
