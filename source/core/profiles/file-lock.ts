/**
 * A cross-process lock around a read-modify-write of a config file, so two vmux processes saving at once
 * each see the other's change (proper-lockfile: a `<file>.lock` directory, taken over when stale).
 *
 * Synchronous because the stores' API is (the UI saves on Enter and shows the result at once); the lock is
 * held only for one read and one write, so waiting for it is short. proper-lockfile's sync API cannot retry,
 * so the retry loop is here, sleeping with Atomics.wait between attempts.
 */
import lockfile from 'proper-lockfile';

export class FileLockTimeout extends Error {
	constructor(readonly path: string, readonly lockPath: string) {
		super(
			`Another vmux is still writing ${path} (the lock ${lockPath} is held): try again in a moment; if no other vmux is running, remove ${lockPath}.`,
		);
		this.name = 'FileLockTimeout';
	}
}

export interface FileLockOptions {
	/** How long to wait for another process's lock before giving up. */
	timeoutMs?: number;
	/** A lock not refreshed for this long belongs to a process that died; it is taken over. */
	staleMs?: number;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export function withFileLock<T>(path: string, action: () => T, options: FileLockOptions = {}): T {
	const timeoutMs = options.timeoutMs ?? 10_000;
	// realpath: false so a file that does not exist yet can be locked; the lock sits next to the path given.
	const lockOptions = {realpath: false, stale: options.staleMs ?? 10_000, lockfilePath: `${path}.lock`};
	const deadline = Date.now() + timeoutMs;
	let release: () => void;
	for (let attempt = 0; ; attempt++) {
		try {
			release = lockfile.lockSync(path, lockOptions);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
			if (Date.now() >= deadline) throw new FileLockTimeout(path, lockOptions.lockfilePath);
			// 5-50 ms with jitter, so processes that collided do not retry in lockstep.
			Atomics.wait(sleeper, 0, 0, Math.min(50, 5 + attempt * 5) * (0.5 + Math.random()));
		}
	}
	try {
		return action();
	} finally {
		try {
			release();
		} catch {
			// Already released or taken over as stale: nothing of ours to clean up.
		}
	}
}
