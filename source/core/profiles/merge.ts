/**
 * Merging imported profiles into saved ones, by name: new names are added, existing names are kept unless
 * `replace` is set. Pure, so the CLI can show what an import would do and the store can apply it in one write.
 */
import type {Profile} from './schema.js';

export interface MergeResult {
	profiles: Profile[];
	added: string[];
	replaced: string[];
	/** Existing profiles left as they were because an imported profile had the same name and `replace` was off. */
	kept: string[];
}

export function mergeProfiles(existing: readonly Profile[], incoming: readonly Profile[], options: {replace: boolean}): MergeResult {
	const profiles = [...existing];
	const result: MergeResult = {profiles, added: [], replaced: [], kept: []};
	for (const profile of incoming) {
		const index = profiles.findIndex(candidate => candidate.name === profile.name);
		if (index === -1) {
			profiles.push(profile);
			result.added.push(profile.name);
		} else if (options.replace) {
			profiles[index] = profile;
			result.replaced.push(profile.name);
		} else {
			result.kept.push(profile.name);
		}
	}
	return result;
}
