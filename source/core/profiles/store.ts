/**
 * Saved connection profiles on disk: `<configDir>/profiles.json`, written through `conf` (atomic writes,
 * file mode 0600) in a directory kept at 0700.
 *
 * A file people may hand-edit must never be lost: vmux reads and validates the bytes itself *before* conf
 * sees them, and only builds the conf instance for a file that is valid. A file that is not JSON, breaks the
 * schema or comes from a newer vmux leaves the store read-only (`readOnlyReason` says which file, profile and
 * field, and what is expected) and is never written, so it stays byte-for-byte as the user left it. Before
 * every write the file is read again, so an edit made while vmux runs is neither overwritten nor lost.
 */
import {chmodSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Conf from 'conf';
import {describeIssues} from './issues.js';
import {mergeProfiles, type MergeResult} from './merge.js';
import {PROFILES_FILE_VERSION, ProfileSchema, type Profile} from './schema.js';
import {crossProfileProblems, validateProfilesText} from './validate.js';

type ProfilesDocument = {version: number; profiles: Profile[]};

export interface ProfileStoreOptions {
	/** vmux's config directory; created 0700 when missing. */
	configDir: string;
}

/** A refused change. `problems` holds one sentence per thing to fix; `message` joins them. */
export class ProfileStoreError extends Error {
	readonly problems: readonly string[];

	constructor(problems: readonly string[]) {
		super(problems.join(' '));
		this.name = 'ProfileStoreError';
		this.problems = problems;
	}
}

export interface SaveOptions {
	/** The profile's name before this edit, when editing an existing profile (a changed name renames it). */
	replacing?: string;
}

export class ProfileStore {
	static readonly CONFIG_NAME = 'profiles';
	static readonly FILE_NAME = 'profiles.json';

	readonly configDir: string;
	readonly path: string;

	#conf: Conf<ProfilesDocument> | undefined;
	#profiles: Profile[] = [];
	#problems: readonly string[] = [];
	/** The file's bytes as last read or written by this store; undefined when there is no file. */
	#lastBytes: Buffer | undefined;
	#migration: {from: number; backupPath: string} | undefined;

	constructor(options: ProfileStoreOptions) {
		this.configDir = options.configDir;
		this.path = join(options.configDir, ProfileStore.FILE_NAME);
		ensurePrivateDirectory(this.configDir);
		this.reload();
	}

	/** Why profiles cannot be changed right now, as sentences naming file, profile, field and expectation. */
	get readOnlyReason(): string | undefined {
		if (this.#problems.length === 0) return undefined;
		return `${this.#problems.join(' ')} Profiles are read-only until ${this.path} is fixed; vmux has not changed the file.`;
	}

	/** Each problem that makes the store read-only, one sentence each. */
	get readOnlyProblems(): readonly string[] {
		return this.#problems;
	}

	get isReadOnly(): boolean {
		return this.#problems.length > 0;
	}

	/** Set when opening migrated an older file; the original bytes are kept at `backupPath`. */
	get migratedFrom(): {from: number; backupPath: string} | undefined {
		return this.#migration;
	}

	/** Re-reads the file (for example after the user fixed it by hand). */
	reload(): void {
		let bytes: Buffer | undefined;
		try {
			bytes = readFileSync(this.path);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
				this.#becomeReadOnly([`${this.path} cannot be read (${(error as Error).message}); fix its permissions so vmux can read it.`], []);
				return;
			}
		}
		this.#lastBytes = bytes;
		if (bytes === undefined) {
			this.#profiles = [];
			this.#problems = [];
			return;
		}
		tightenFileMode(this.path);
		const validation = validateProfilesText(bytes.toString('utf8'), this.path);
		if (validation.problems.length > 0) {
			this.#becomeReadOnly(validation.problems, validation.profiles);
			return;
		}
		this.#profiles = validation.profiles;
		this.#problems = [];
		if (validation.migrations.length > 0 && validation.fromVersion !== undefined) {
			this.#migrate(bytes, validation.fromVersion);
		}
	}

	list(): Profile[] {
		return structuredClone(this.#profiles);
	}

	get(name: string): Profile | undefined {
		const profile = this.#profiles.find(candidate => candidate.name === name);
		return profile && structuredClone(profile);
	}

	has(name: string): boolean {
		return this.#profiles.some(profile => profile.name === name);
	}

	/**
	 * Validates (schema, SKU rules, names, jump hosts) and writes one profile. A new name that is taken is
	 * refused; with `replacing`, the profile of that name is replaced and, when the name changed, renamed
	 * (profiles that jump through it follow). Throws ProfileStoreError with every problem found.
	 */
	save(input: unknown, options: SaveOptions = {}): Profile {
		this.#refreshBeforeWrite();
		const parsed = ProfileSchema.safeParse(input);
		if (!parsed.success) throw new ProfileStoreError(describeIssues(parsed.error.issues, input, {root: 'profile'}));
		const profile = parsed.data;

		const profiles = [...this.#profiles];
		const replacingIndex = options.replacing === undefined ? -1 : profiles.findIndex(p => p.name === options.replacing);
		const sameNameIndex = profiles.findIndex(p => p.name === profile.name);
		if (sameNameIndex !== -1 && sameNameIndex !== replacingIndex) {
			throw new ProfileStoreError([
				`A profile named "${profile.name}" already exists: choose another name, or edit "${profile.name}" instead.`,
			]);
		}
		if (replacingIndex === -1) {
			profiles.push(profile);
		} else {
			const oldName = profiles[replacingIndex].name;
			profiles[replacingIndex] = profile;
			if (oldName !== profile.name) retargetJumps(profiles, oldName, profile.name);
		}
		this.#writeChecked(profiles);
		return structuredClone(profile);
	}

	rename(from: string, to: string): Profile {
		this.#refreshBeforeWrite();
		const profile = this.get(from);
		if (!profile) throw new ProfileStoreError([`There is no profile named "${from}" to rename.`]);
		return this.save({...profile, name: to}, {replacing: from});
	}

	/** Refuses to delete a profile others jump through, naming them. */
	delete(name: string): void {
		this.#refreshBeforeWrite();
		if (!this.has(name)) throw new ProfileStoreError([`There is no profile named "${name}" to delete.`]);
		const dependents = this.#profiles.filter(p => p.transport.kind === 'jump' && p.transport.via === name).map(p => `"${p.name}"`);
		if (dependents.length > 0) {
			throw new ProfileStoreError([
				`Profile "${name}" is the jump host of ${dependents.join(', ')}: change their transport or delete them first.`,
			]);
		}
		this.#writeChecked(this.#profiles.filter(profile => profile.name !== name));
	}

	/** Merges already-validated profiles by name in one write (see mergeProfiles for the rules). */
	importProfiles(incoming: readonly Profile[], options: {replace: boolean}): MergeResult {
		this.#refreshBeforeWrite();
		const merged = mergeProfiles(this.#profiles, incoming, options);
		this.#writeChecked(merged.profiles);
		return merged;
	}

	#becomeReadOnly(problems: readonly string[], readable: Profile[]): void {
		this.#problems = problems;
		this.#profiles = readable;
		this.#conf = undefined;
	}

	/** Picks up edits made since the last read, and refuses to write over a file that is (now) invalid. */
	#refreshBeforeWrite(): void {
		let current: Buffer | undefined;
		try {
			current = readFileSync(this.path);
		} catch {
			current = undefined;
		}
		const unchanged = current === undefined ? this.#lastBytes === undefined : this.#lastBytes?.equals(current) === true;
		if (!unchanged || this.isReadOnly) this.reload();
		if (this.isReadOnly) throw new ProfileStoreError([this.readOnlyReason ?? `${this.path} is read-only.`]);
	}

	#writeChecked(profiles: Profile[]): void {
		const problems = crossProfileProblems(profiles, profiles);
		if (problems.length > 0) throw new ProfileStoreError(problems);
		this.#write(profiles);
	}

	#write(profiles: Profile[]): void {
		try {
			this.#confInstance().store = {version: PROFILES_FILE_VERSION, profiles};
		} catch (error) {
			// Disk full, permissions, or the file turned invalid in the instant since it was checked.
			this.#conf = undefined;
			throw new ProfileStoreError([`${this.path} could not be written (${(error as Error).message}); nothing was changed.`]);
		}
		this.#profiles = profiles;
		this.#lastBytes = readFileSync(this.path);
	}

	#confInstance(): Conf<ProfilesDocument> {
		// Built only once the file is known to be valid (or absent): conf never gets the chance to reset a bad one.
		this.#conf ??= new Conf<ProfilesDocument>({
			cwd: this.configDir,
			configName: ProfileStore.CONFIG_NAME,
			configFileMode: 0o600,
			clearInvalidConfig: false,
			accessPropertiesByDotNotation: false,
			// Trailing newline: the file is meant to be readable and hand-editable.
			serialize: value => `${JSON.stringify(value, undefined, '\t')}\n`,
		});
		return this.#conf;
	}

	#migrate(original: Buffer, from: number): void {
		try {
			const backupPath = writeBackup(this.configDir, from, original);
			this.#write(this.#profiles);
			this.#migration = {from, backupPath};
		} catch (error) {
			this.#becomeReadOnly(
				[`${this.path} uses file format version ${from} and could not be upgraded to ${PROFILES_FILE_VERSION} (${(error as Error).message}).`],
				this.#profiles,
			);
		}
	}
}

function retargetJumps(profiles: Profile[], from: string, to: string): void {
	profiles.forEach((profile, index) => {
		if (profile.transport.kind === 'jump' && profile.transport.via === from) {
			profiles[index] = {...profile, transport: {kind: 'jump', via: to}};
		}
	});
}

function ensurePrivateDirectory(dir: string): void {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	// mkdir leaves an existing directory's mode alone; profiles name hosts and users, so keep them private.
	if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

function tightenFileMode(path: string): void {
	try {
		if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
	} catch {
		// Not ours to fix (another owner); reading still works.
	}
}

/** Keeps the pre-migration bytes next to the file; never overwrites an earlier backup. */
function writeBackup(dir: string, version: number, bytes: Buffer): string {
	for (let attempt = 0; ; attempt++) {
		const path = join(dir, `profiles.v${version}.backup${attempt === 0 ? '' : `-${attempt}`}.json`);
		try {
			writeFileSync(path, bytes, {mode: 0o600, flag: 'wx'});
			return path;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
}
