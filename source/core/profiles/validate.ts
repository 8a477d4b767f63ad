/**
 * Validation of a whole profiles document (the store's file, or a file being imported): JSON, format version,
 * each profile's schema, the rules between profiles (unique names, jump hosts that exist, no jump loops) and
 * the Bastion SKU rules. Reports every problem in one pass, as sentences.
 */
import {migrate, type Migration} from './migrations.js';
import {describeIssues, nameProfile} from './issues.js';
import {PROFILES_FILE_VERSION, ProfileSchema, ProfilesFileSchema, type Profile} from './schema.js';
import {blockingProblems, checkProfileAgainstSku} from './sku.js';

export interface DocumentValidation {
	/** Every problem found, each a sentence naming the source, the profile and the field. Empty when valid. */
	problems: string[];
	/** The profiles whose own fields are valid, for read-only display when `problems` is not empty. */
	profiles: Profile[];
	/** True when the text is not JSON (nothing could be read). */
	notJson: boolean;
	/** The migrations applied to reach the current format (the caller decides whether to write the result). */
	migrations: readonly Migration[];
	/** The version found in the document (0 for the unversioned shape), when readable. */
	fromVersion: number | undefined;
}

export interface ValidateOptions {
	/** Names of profiles outside this document that jump hosts may refer to (an import's target store). */
	otherNames?: Iterable<string>;
}

export function validateProfilesText(text: string, source: string, options: ValidateOptions = {}): DocumentValidation {
	// A blank file holds no profiles; treating it as empty loses nothing.
	if (text.trim() === '') return {problems: [], profiles: [], notJson: false, migrations: [], fromVersion: undefined};
	let raw: unknown;
	try {
		raw = JSON.parse(text.replace(/^\uFEFF/, ''));
	} catch (error) {
		return {
			problems: [`${source} is not valid JSON (${describeJsonError(error as Error, text)}); expected a JSON object like {"version": ${PROFILES_FILE_VERSION}, "profiles": [...]}.`],
			profiles: [],
			notJson: true,
			migrations: [],
			fromVersion: undefined,
		};
	}
	return validateProfilesData(raw, source, options);
}

export function validateProfilesData(raw: unknown, source: string, options: ValidateOptions = {}): DocumentValidation {
	const migrated = migrate(raw);
	if (!migrated.ok) {
		return {problems: [`${source}: ${migrated.reason}.`], profiles: [], notJson: false, migrations: [], fromVersion: undefined};
	}
	const result: DocumentValidation = {problems: [], profiles: [], notJson: false, migrations: migrated.applied, fromVersion: migrated.from};
	const data = migrated.data;

	const shape = ProfilesFileSchema.safeParse(data);
	if (!shape.success) {
		result.problems.push(...describeIssues(shape.error.issues, data, {root: 'file', source}));
		if (!Array.isArray((data as {profiles?: unknown} | null)?.profiles)) return result;
	}
	if (shape.success && shape.data.version !== PROFILES_FILE_VERSION) {
		// migrate() already refused newer versions; an older one here means a missing migration.
		result.problems.push(`${source}: version is ${shape.data.version}; expected ${PROFILES_FILE_VERSION}.`);
	}

	const rawProfiles = (data as {profiles: unknown[]}).profiles;
	const parsed: Array<Profile | undefined> = rawProfiles.map((rawProfile, index) => {
		const profile = ProfileSchema.safeParse(rawProfile);
		if (profile.success) return profile.data;
		result.problems.push(...describeIssues(profile.error.issues, rawProfile, {root: 'profile', index, source}));
		return undefined;
	});
	result.profiles = parsed.filter((profile): profile is Profile => profile !== undefined);

	result.problems.push(...crossProfileProblems(rawProfiles, parsed, options.otherNames).map(sentence => `${source}: ${sentence}`));
	return result;
}

/**
 * Rules between profiles and the SKU rules, for a list where some entries may have failed the schema
 * (`parsed[i]` undefined); raw entries still give names so references to them are not reported twice.
 */
export function crossProfileProblems(
	rawProfiles: readonly unknown[],
	parsed: ReadonlyArray<Profile | undefined>,
	otherNames: Iterable<string> = [],
): string[] {
	const problems: string[] = [];
	const outside = new Set(otherNames);
	const names = rawProfiles.map(raw => (typeof raw === 'object' && raw !== null ? (raw as {name?: unknown}).name : undefined));
	const firstIndex = new Map<string, number>();
	names.forEach((name, index) => {
		if (typeof name !== 'string') return;
		const first = firstIndex.get(name);
		if (first === undefined) {
			firstIndex.set(name, index);
			return;
		}
		problems.push(
			`${capitalize(nameProfile(rawProfiles[index], index))}: name is "${name}"; expected a name no other profile uses (profiles[${first}] is also "${name}").`,
		);
	});

	parsed.forEach((profile, index) => {
		if (!profile) return;
		const who = capitalize(nameProfile(profile, index));
		if (profile.transport.kind === 'jump') {
			const via = profile.transport.via;
			if (via === profile.name) {
				problems.push(`${who}: transport.via is "${via}", the profile itself; expected the name of another profile to jump through.`);
			} else if (!firstIndex.has(via) && !outside.has(via)) {
				problems.push(`${who}: transport.via is "${via}", but no profile has that name; expected the name of a saved profile to jump through.`);
			} else if (jumpLoop(profile.name, parsed)) {
				problems.push(`${who}: transport.via "${via}" leads back to "${profile.name}" through jump hosts; expected a chain of jump hosts that ends in a direct or Bastion transport.`);
			}
		}
		for (const problem of blockingProblems(checkProfileAgainstSku(profile))) {
			problems.push(`${who}: ${problem.message}`);
		}
	});
	return problems;
}

function jumpLoop(start: string, profiles: ReadonlyArray<Profile | undefined>): boolean {
	// The first profile of a name is the one references mean (later duplicates are reported on their own).
	const byName = new Map<string, Profile>();
	for (const profile of profiles) if (profile && !byName.has(profile.name)) byName.set(profile.name, profile);
	const seen = new Set<string>([start]);
	let current = byName.get(start);
	while (current?.transport.kind === 'jump') {
		const next = current.transport.via;
		if (seen.has(next)) return next === start;
		seen.add(next);
		current = byName.get(next);
	}
	return false;
}

/** Node's JSON errors give a character position; people need a line and column. */
function describeJsonError(error: Error, text: string): string {
	const message = error.message.replace(/\s*\(line \d+ column \d+\)$/, '');
	const position = /at position (\d+)/.exec(message);
	if (!position) return message;
	const offset = Number(position[1]);
	const before = text.slice(0, offset);
	const line = before.split('\n').length;
	const column = offset - before.lastIndexOf('\n');
	return `${message.replace(/ in JSON at position \d+/, '')} at line ${line}, column ${column}`;
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
