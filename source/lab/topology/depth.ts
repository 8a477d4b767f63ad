/**
 * How deep a JSON value nests, found without recursion. The lab serves resources back with JSON.stringify,
 * which recurses and overflows the stack a few thousand levels down (an HTTP 500 to the SDK); ARM's own
 * resources nest about a dozen levels, so anything past MAX_DEPTH is refused when the topology is loaded.
 */

export const MAX_DEPTH = 64;

/** The path to the first place deeper than `limit`, or undefined when the value is shallower. */
export function pathDeeperThan(value: unknown, limit = MAX_DEPTH): Array<string | number> | undefined {
	// Each stack item is a value and the path that reached it; paths are only built for containers.
	const stack: Array<{value: unknown; path: Array<string | number>}> = [{value, path: []}];
	while (stack.length > 0) {
		const item = stack.pop()!;
		if (!item.value || typeof item.value !== 'object') continue;
		if (item.path.length >= limit) return item.path;
		if (Array.isArray(item.value)) {
			item.value.forEach((child, index) => {
				if (child && typeof child === 'object') stack.push({value: child, path: [...item.path, index]});
			});
		} else {
			for (const [key, child] of Object.entries(item.value)) {
				if (child && typeof child === 'object') stack.push({value: child, path: [...item.path, key]});
			}
		}
	}
	return undefined;
}
