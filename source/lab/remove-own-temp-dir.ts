import {rmSync} from 'node:fs';
import {basename, dirname, resolve} from 'node:path';

/** mkdtemp's random suffix: six characters after the prefix. */
const SUFFIX_LENGTH = 6;

/**
 * Recursively deletes a directory this process made with `mkdtemp(join(parent, prefix))`, and refuses (returns
 * false, deletes nothing) for any other path. A recursive delete of a computed path is the one mistake in the lab
 * that can destroy other people's files: a home that resolved to the temp dir itself once wiped all of /tmp in a
 * broken build. So the path must be a direct child of `parent` whose name is `prefix` plus mkdtemp's suffix.
 */
export function removeOwnTempDir(path: string, parent: string, prefix: string): boolean {
	const target = resolve(path);
	const name = basename(target);
	if (dirname(target) !== resolve(parent) || !name.startsWith(prefix) || name.length !== prefix.length + SUFFIX_LENGTH) return false;
	try {
		// A shell that is still exiting can write into its home (.bash_history) while it is deleted: retry.
		rmSync(target, {recursive: true, force: true, maxRetries: 5, retryDelay: 100});
	} catch {
		// Cleanup on the way out must not fail the stop; what is left is private (0700) to this user.
		return false;
	}
	return true;
}
