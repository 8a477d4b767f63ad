import {displayText} from '../text/display-text.js';

/** SFTP status codes (draft-ietf-secsh-filexfer-02, the version OpenSSH speaks). */
export const SFTP_STATUS = {
	EOF: 1,
	NO_SUCH_FILE: 2,
	PERMISSION_DENIED: 3,
	FAILURE: 4,
	BAD_MESSAGE: 5,
	NO_CONNECTION: 6,
	CONNECTION_LOST: 7,
	OP_UNSUPPORTED: 8,
} as const;

/** Why a transfer or file operation failed, in words a user can act on. */
export type FileFailureReason =
	| 'permission denied'
	| 'no such file or directory'
	| 'disk full or over quota'
	| 'connection lost'
	| 'changed during the transfer'
	| 'checksum mismatch'
	| 'size mismatch'
	| 'already exists'
	| 'not a directory'
	| 'is a directory'
	| 'cancelled'
	| 'failed';

/** An error that names the file and the reason; its message is one sentence, safe to draw. */
export class FileError extends Error {
	constructor(
		readonly path: string,
		readonly reason: FileFailureReason,
		detail?: string,
	) {
		super(`${displayText(path)}: ${reason}${detail ? ` (${displayText(detail)})` : ''}.`);
		this.name = 'FileError';
	}
}

const LOCAL_CODES: Record<string, FileFailureReason> = {
	EACCES: 'permission denied',
	EPERM: 'permission denied',
	EROFS: 'permission denied',
	ENOENT: 'no such file or directory',
	ENOSPC: 'disk full or over quota',
	EDQUOT: 'disk full or over quota',
	EEXIST: 'already exists',
	ENOTDIR: 'not a directory',
	EISDIR: 'is a directory',
};

const CONNECTION_LOST = /no response from server|not connected|connection (lost|closed|reset)|channel (closed|not open)|ECONNRESET|EPIPE|ended|No SFTP/i;

/**
 * Names an error from ssh2's SFTP client (its `code` is the SFTP status) or from the local file system
 * (an errno code) for `path`. An `AbortError` becomes 'cancelled'.
 */
export function describeFileError(error: unknown, path: string): FileError {
	if (error instanceof FileError) return error;
	const e = error as {name?: string; code?: unknown; message?: string} | undefined;
	if (e?.name === 'AbortError') return new FileError(path, 'cancelled');
	const code = e?.code;
	const message = typeof e?.message === 'string' ? e.message : String(error);
	if (typeof code === 'number') {
		switch (code) {
			case SFTP_STATUS.NO_SUCH_FILE:
				return new FileError(path, 'no such file or directory');
			case SFTP_STATUS.PERMISSION_DENIED:
				return new FileError(path, 'permission denied');
			case SFTP_STATUS.NO_CONNECTION:
			case SFTP_STATUS.CONNECTION_LOST:
				return new FileError(path, 'connection lost');
			case SFTP_STATUS.OP_UNSUPPORTED:
				return new FileError(path, 'failed', 'the server does not support this operation');
			default:
				return new FileError(path, 'failed', message);
		}
	}
	if (typeof code === 'string' && LOCAL_CODES[code]) return new FileError(path, LOCAL_CODES[code]);
	if (CONNECTION_LOST.test(message)) return new FileError(path, 'connection lost');
	return new FileError(path, 'failed', message);
}
