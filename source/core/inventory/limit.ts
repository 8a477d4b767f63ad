/**
 * Runs tasks with at most `limit` in flight — ARM throttles per principal, so a tenant with many subscriptions
 * must not fire every list call at once. Results keep the tasks' order; the first rejection rejects the whole
 * run once in-flight tasks settle (no new ones start after it).
 */
export async function runLimited<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
	const results = new Array<T>(tasks.length);
	let next = 0;
	let failure: {error: unknown} | undefined;
	const worker = async (): Promise<void> => {
		while (!failure && next < tasks.length) {
			const index = next++;
			try {
				results[index] = await tasks[index]!();
			} catch (error) {
				failure ??= {error};
			}
		}
	};
	await Promise.all(Array.from({length: Math.max(1, Math.min(limit, tasks.length))}, worker));
	if (failure) throw failure.error;
	return results;
}
