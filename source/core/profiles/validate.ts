/**
 * Validation of a whole profiles document (the store's file, or a file being imported): JSON, format version,
 * each profile's schema, the rules between profiles (unique names, jump hosts that exist, no jump loops) and
 * the Bastion SKU rules. Reports every problem in one pass, as sentences.
 */
import {migrate, type Migration} from './migrations.js';
import {describeIssues, nameProfile} from './issues.js';
import {printable} from './printable.js';
import {ProblemList} from './problem-list.js';
import {PROFILES_FILE_VERSION, ProfileSchema, ProfilesFileSchema, type Profile} from './schema.js';
import {blockingProblems, checkProfileAgainstSku} from './sku.js';

export interface DocumentValidation {
	/**
	 * The first problems found (at most SHOWN_PROBLEMS), each a sentence naming the source, the profile and the
	 * field. Empty when valid.
	 */
	problems: string[];
	/** How many problems there are in all (more than `problems` holds when the file has many). */
	problemCount: number;
	/** "(and 79,995 more problems not listed; …)" when `problems` does not hold them all; else empty. */
	moreNote: string;
	/** Set when a hostile file was not checked to its end: where checking stopped, and why. */
	stoppedAfter?: string;
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
	if (text.trim() === '') return {problems: [], problemCount: 0, moreNote: '', profiles: [], notJson: false, migrations: [], fromVersion: undefined};
	const unmarked = text.replace(/^\uFEFF/, '');
	let raw: unknown;
	try {
		raw = JSON.parse(unmarked);
	} catch (error) {
		return {
			problems: [`${source} is not valid JSON (${describeJsonError(error as Error, unmarked)}); expected a JSON object like {"version": ${PROFILES_FILE_VERSION}, "profiles": [...]}.`],
			problemCount: 1,
			moreNote: '',
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
		return {problems: [`${source}: ${migrated.reason}.`], problemCount: 1, moreNote: '', profiles: [], notJson: false, migrations: [], fromVersion: undefined};
	}
	const problems = new ProblemList();
	const result = (profiles: Profile[]): DocumentValidation => ({
		problems: problems.shown,
		problemCount: problems.count,
		moreNote: problems.moreNote,
		...(problems.stoppedAfter ? {stoppedAfter: problems.stoppedAfter} : {}),
		profiles,
		notJson: false,
		migrations: migrated.applied,
		fromVersion: migrated.from,
	});
	const data = migrated.data;

	const shape = ProfilesFileSchema.safeParse(data);
	if (!shape.success) {
		problems.addLazily(shape.error.issues.length, () => describeIssues(shape.error.issues.slice(0, problems.limit), data, {root: 'file', source}));
		if (!Array.isArray((data as {profiles?: unknown} | null)?.profiles)) return result([]);
	}
	if (shape.success && shape.data.version !== PROFILES_FILE_VERSION) {
		// migrate() already refused newer versions; an older one here means a missing migration.
		problems.add(`${source}: version is ${shape.data.version}; expected ${PROFILES_FILE_VERSION}.`);
	}

	const rawProfiles = (data as {profiles: unknown[]}).profiles;
	const parsed: Array<Profile | undefined> = new Array(rawProfiles.length);
	let broken = 0;
	for (let index = 0; index < rawProfiles.length; index++) {
		const rawProfile = rawProfiles[index];
		const profile = ProfileSchema.safeParse(rawProfile);
		if (profile.success) {
			parsed[index] = profile.data;
			continue;
		}
		// Past the first few, problems are only counted: describing 20,000 of them is what made start-up hang.
		const issues = profile.error.issues;
		problems.addLazily(issues.length, () => describeIssues(issues.slice(0, problems.limit), rawProfile, {root: 'profile', index, source}));
		if (++broken >= MAX_BROKEN_PROFILES_CHECKED && index + 1 < rawProfiles.length) {
			// Each broken profile costs a zod error; a file of a million of them would take minutes. The file is
			// read-only already, and the first problems show what to fix.
			problems.stoppedAfter = `vmux stopped checking at profiles[${index}] of ${rawProfiles.length.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")} after ${broken} broken profiles`;
			return result(parsed.filter((profile): profile is Profile => profile !== undefined));
		}
	}
	for (const sentence of crossProfileProblems(rawProfiles, parsed, options.otherNames)) problems.add(`${source}: ${sentence}`);
	return result(parsed.filter((profile): profile is Profile => profile !== undefined));
}

/** Past this many broken profiles the rest of a file is not checked (bounded time for hostile files). */
export const MAX_BROKEN_PROFILES_CHECKED = 500;

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
			`${capitalize(nameProfile(rawProfiles[index], index))}: name is "${printable(name)}"; expected a name no other profile uses (profiles[${first}] is also "${printable(name)}").`,
		);
	});

	let byName: Map<string, Profile> | undefined;
	parsed.forEach((profile, index) => {
		if (!profile) return;
		const who = () => capitalize(nameProfile(profile, index));
		if (profile.transport.kind === 'jump') {
			byName ??= firstProfileByName(parsed);
			const via = profile.transport.via;
			if (via === profile.name) {
				problems.push(`${who()}: transport.via is "${printable(via)}", the profile itself; expected the name of another profile to jump through.`);
			} else if (!firstIndex.has(via) && !outside.has(via)) {
				problems.push(`${who()}: transport.via is "${printable(via)}", but no profile has that name; expected the name of a saved profile to jump through.`);
			} else if (jumpLoop(profile.name, byName)) {
				problems.push(`${who()}: transport.via "${printable(via)}" leads back to "${printable(profile.name)}" through jump hosts; expected a chain of jump hosts that ends in a direct or Bastion transport.`);
			}
		}
		for (const problem of blockingProblems(checkProfileAgainstSku(profile))) {
			problems.push(`${who()}: ${problem.message}`);
		}
	});
	return problems;
}

// The first profile of a name is the one references mean (later duplicates are reported on their own).
function firstProfileByName(profiles: ReadonlyArray<Profile | undefined>): Map<string, Profile> {
	const byName = new Map<string, Profile>();
	for (const profile of profiles) if (profile && !byName.has(profile.name)) byName.set(profile.name, profile);
	return byName;
}

function jumpLoop(start: string, byName: ReadonlyMap<string, Profile>): boolean {
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
	if (error instanceof RangeError) return 'it is nested too deeply to read';
	const raw = error.message.replace(/\s*\(line \d+ column \d+\)$/, '');
	const position = /at position (\d+)/.exec(raw);
	// V8 quotes the text around the error, which may hold control characters or a huge line: printable and short.
	if (!position) return printable(raw, 160);
	const offset = Number(position[1]);
	const before = text.slice(0, offset);
	let line = 1;
	for (let index = before.indexOf('\n'); index !== -1; index = before.indexOf('\n', index + 1)) line++;
	const column = offset - before.lastIndexOf('\n');
	return `${printable(raw.replace(/ in JSON at position \d+/, ''), 160)} at line ${line}, column ${column}`;
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
