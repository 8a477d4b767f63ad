/**
 * Profiles in and out of vmux as files in the same format as the store's own (`{version, profiles}`; older
 * formats are migrated on the way in). Import reports every problem of every profile before changing anything.
 */
import {PROFILES_FILE_VERSION, type Profile} from './schema.js';
import {validateProfilesText} from './validate.js';

/** `problems` holds the first few; `problemCount` counts them all. */
export type ImportParse = {ok: true; profiles: Profile[]} | {ok: false; problems: string[]; problemCount: number; moreNote: string};

/**
 * Validates an import document. `existingNames` are the saved profiles' names, so an imported profile may
 * jump through a profile that is already saved.
 */
export function parseImport(text: string, source: string, existingNames: Iterable<string> = []): ImportParse {
	const validation = validateProfilesText(text, source, {otherNames: existingNames});
	if (validation.problems.length > 0) return {ok: false, problems: validation.problems, problemCount: validation.problemCount, moreNote: validation.moreNote};
	return {ok: true, profiles: validation.profiles};
}

export function exportProfiles(profiles: readonly Profile[]): string {
	return `${JSON.stringify({version: PROFILES_FILE_VERSION, profiles}, undefined, '\t')}\n`;
}
