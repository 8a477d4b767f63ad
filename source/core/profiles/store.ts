/**
 * Saved connection profiles on disk: `<configDir>/profiles.json`, written through `conf` (atomic writes,
 * file mode 0600) in a directory kept at 0700.
 *
 * A file people may hand-edit must never be lost: vmux reads and validates the bytes itself *before* conf
 * sees them, and only builds the conf instance for a file that is valid. A file that is not JSON, breaks the
 * schema or comes from a newer vmux leaves the store read-only (`readOnlyReason` says which file, profile and
 * field, and what is expected) and is never written, so it stays byte-for-byte as the user left it. Every
 * write holds a lock on the file (another vmux may be saving too) and reads the file again under it, so an
 * edit made while vmux runs, by hand or by another vmux, is neither overwritten nor lost.
 *
 * The profiles held in memory are frozen and replaced (never changed in place) by every change, so `list()`
 * is cheap and callers may cache what they derive from `all` by its identity: 10,000 profiles must not be
 * copied on every keystroke in the browser.
 */
import {chmodSync, lstatSync, mkdirSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import Conf from 'conf';
import {FileLockTimeout, withFileLock} from './file-lock.js';
import {describeIssues} from './issues.js';
import {mergeProfiles, type MergeResult} from './merge.js';
import {moreProblemsNote} from './problem-list.js';
import {readConfigFile} from './read-config-file.js';
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
	#profiles: readonly Profile[] = Object.freeze([]);
	#byName = new Map<string, Profile>();
	#byVmId = new Map<string, Profile>();
	#problems: readonly string[] = [];
	#problemCount = 0;
	#stoppedAfter: string | undefined;
	/** The file's bytes as last read or written by this store; undefined when there is no file. */
	#lastBytes: Buffer | undefined;
	#migration: {from: number; backupPath: string} | undefined;

	constructor(options: ProfileStoreOptions) {
		this.configDir = options.configDir;
		this.path = join(options.configDir, ProfileStore.FILE_NAME);
		const directoryProblem = ensurePrivateDirectory(this.configDir);
		if (directoryProblem) {
			this.#becomeReadOnly([directoryProblem], []);
			return;
		}
		this.reload();
	}

	/**
	 * Why profiles cannot be changed right now: the first few problems (naming file, profile, field and
	 * expectation), how many more there are, and that the file was left alone. Bounded in length.
	 */
	get readOnlyReason(): string | undefined {
		if (this.#problems.length === 0) return undefined;
		// The app shows this in its status area: three sentences at most, and how many more there are.
		const shown = this.#problems.slice(0, 3);
		const more = moreProblemsNote(shown.length, this.#problemCount, this.#stoppedAfter);
		return `${shown.join(' ')}${more ? ` ${more}` : ''} Profiles are read-only until ${this.path} is fixed; vmux has not changed the file.`;
	}

	/** The first few problems that make the store read-only, one sentence each (see `problemCount`). */
	get readOnlyProblems(): readonly string[] {
		return this.#problems;
	}

	/** "(and 79,995 more problems not listed)" when `readOnlyProblems` does not hold them all; else empty. */
	get moreProblemsNote(): string {
		return moreProblemsNote(this.#problems.length, this.#problemCount, this.#stoppedAfter);
	}

	/** How many problems the file has in all; `readOnlyProblems` lists only the first few. */
	get problemCount(): number {
		return this.#problemCount;
	}

	get isReadOnly(): boolean {
		return this.#problems.length > 0;
	}

	/** Set when opening migrated an older file; the original bytes are kept at `backupPath`. */
	get migratedFrom(): {from: number; backupPath: string} | undefined {
		return this.#migration;
	}

	/** Re-reads the file (for example after the user fixed it by hand). Never changes the file or its mode. */
	reload(): void {
		const read = readConfigFile(this.path);
		if (read.kind === 'problem') {
			this.#lastBytes = read.bytes;
			this.#becomeReadOnly([read.problem], []);
			return;
		}
		if (read.kind === 'missing') {
			this.#lastBytes = undefined;
			this.#setProfiles([]);
			this.#problems = [];
			this.#problemCount = 0;
			return;
		}
		this.#lastBytes = read.bytes;
		// A file of ours that others can read is made private; a symlink's target is left alone until a write.
		tightenOwnFileMode(this.path);
		const validation = validateProfilesText(read.text, this.path);
		if (validation.problems.length > 0) {
			this.#becomeReadOnly(validation.problems, validation.profiles, validation.problemCount);
			this.#stoppedAfter = validation.stoppedAfter;
			return;
		}
		this.#setProfiles(validation.profiles);
		this.#problems = [];
		this.#problemCount = 0;
		if (validation.migrations.length > 0 && validation.fromVersion !== undefined) {
			this.#migrate(read.bytes, validation.fromVersion);
		}
	}

	/** The profiles as they are now: frozen, and a new array after every change (cache on its identity). */
	get all(): readonly Profile[] {
		return this.#profiles;
	}

	/** A copy of the list; the profiles in it are frozen (edit a copy, e.g. from `get`, and `save` it). */
	list(): Profile[] {
		return [...this.#profiles];
	}

	get(name: string): Profile | undefined {
		const profile = this.#byName.get(name);
		return profile && structuredClone(profile);
	}

	has(name: string): boolean {
		return this.#byName.has(name);
	}

	/** The profile whose target is this Azure VM (ids compare case-insensitively, as ARM's do); frozen. */
	forVm(vmId: string): Profile | undefined {
		return this.#byVmId.get(vmId.toLowerCase());
	}

	/**
	 * Validates (schema, SKU rules, names, jump hosts) and writes one profile. A new name that is taken is
	 * refused; with `replacing`, the profile of that name is replaced and, when the name changed, renamed
	 * (profiles that jump through it follow). Throws ProfileStoreError with every problem found.
	 */
	save(input: unknown, options: SaveOptions = {}): Profile {
		const parsed = ProfileSchema.safeParse(input);
		if (!parsed.success) throw new ProfileStoreError(describeIssues(parsed.error.issues, input, {root: 'profile'}));
		return this.#underLock(() => this.#saveParsed(parsed.data, options));
	}

	#saveParsed(profile: Profile, options: SaveOptions): Profile {
		this.#refreshBeforeWrite();

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
		return this.#underLock(() => {
			this.#refreshBeforeWrite();
			const profile = this.get(from);
			if (!profile) throw new ProfileStoreError([`There is no profile named "${from}" to rename.`]);
			const parsed = ProfileSchema.safeParse({...profile, name: to});
			if (!parsed.success) throw new ProfileStoreError(describeIssues(parsed.error.issues, {...profile, name: to}, {root: 'profile'}));
			return this.#saveParsed(parsed.data, {replacing: from});
		});
	}

	/** Refuses to delete a profile others jump through, naming them. */
	delete(name: string): void {
		this.#underLock(() => {
			this.#refreshBeforeWrite();
			if (!this.has(name)) throw new ProfileStoreError([`There is no profile named "${name}" to delete.`]);
			const dependents = this.#profiles.filter(p => p.transport.kind === 'jump' && p.transport.via === name).map(p => `"${p.name}"`);
			if (dependents.length > 0) {
				throw new ProfileStoreError([
					`Profile "${name}" is the jump host of ${dependents.join(', ')}: change their transport or delete them first.`,
				]);
			}
			this.#writeChecked(this.#profiles.filter(profile => profile.name !== name));
		});
	}

	/** Merges already-validated profiles by name in one write (see mergeProfiles for the rules). */
	importProfiles(incoming: readonly Profile[], options: {replace: boolean}): MergeResult {
		return this.#underLock(() => {
			this.#refreshBeforeWrite();
			const merged = mergeProfiles(this.#profiles, incoming, options);
			this.#writeChecked(merged.profiles);
			return merged;
		});
	}

	/** Holds the cross-process lock for one read-modify-write; a lock that is not released in time is a refusal. */
	#underLock<T>(action: () => T): T {
		try {
			return withFileLock(this.path, action);
		} catch (error) {
			if (error instanceof FileLockTimeout) throw new ProfileStoreError([error.message]);
			if (error instanceof ProfileStoreError) throw error;
			// The lock directory could not be made (read-only or full disk, permissions).
			throw new ProfileStoreError([`${this.path} could not be locked for writing (${(error as Error).message}); nothing was changed.`]);
		}
	}

	#setProfiles(profiles: readonly Profile[]): void {
		const frozen = Object.freeze(profiles.map(deepFreeze));
		const byName = new Map<string, Profile>();
		const byVmId = new Map<string, Profile>();
		for (const profile of frozen) {
			if (!byName.has(profile.name)) byName.set(profile.name, profile);
			if (profile.target.kind === 'azure-vm') {
				const key = profile.target.vmId.toLowerCase();
				if (!byVmId.has(key)) byVmId.set(key, profile);
			}
		}
		this.#profiles = frozen;
		this.#byName = byName;
		this.#byVmId = byVmId;
	}

	#becomeReadOnly(problems: readonly string[], readable: readonly Profile[], count = problems.length): void {
		this.#problems = problems;
		this.#problemCount = Math.max(count, problems.length);
		this.#stoppedAfter = undefined;
		this.#setProfiles(readable);
		this.#conf = undefined;
	}

	/** Picks up edits made since the last read, and refuses to write over a file that is (now) invalid. */
	#refreshBeforeWrite(): void {
		const read = readConfigFile(this.path);
		const current = read.kind === 'missing' ? undefined : read.bytes;
		const unchanged = read.kind !== 'problem' && (current === undefined ? this.#lastBytes === undefined : this.#lastBytes?.equals(current) === true);
		if (!unchanged || this.isReadOnly) this.reload();
		if (this.isReadOnly) throw new ProfileStoreError([this.readOnlyReason ?? `${this.path} is read-only.`]);
	}

	#writeChecked(profiles: readonly Profile[]): void {
		const problems = crossProfileProblems(profiles, profiles);
		if (problems.length > 0) throw new ProfileStoreError(problems);
		this.#write(profiles);
	}

	#write(profiles: readonly Profile[]): void {
		try {
			// Only a write may change the file's mode (conf writes 0600; a symlink's target keeps its own until then).
			tightenFileMode(this.path);
			this.#confInstance().store = {version: PROFILES_FILE_VERSION, profiles: [...profiles]};
		} catch (error) {
			// Disk full, permissions, or the file turned invalid in the instant since it was checked.
			this.#conf = undefined;
			throw new ProfileStoreError([`${this.path} could not be written (${(error as Error).message}); nothing was changed.`]);
		}
		this.#setProfiles(profiles);
		const written = readConfigFile(this.path);
		this.#lastBytes = written.kind === 'missing' ? undefined : written.bytes;
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
			// A byte order mark from a Windows editor is accepted on reading, so here too.
			deserialize: text => JSON.parse(text.replace(/^\uFEFF/, '')) as ProfilesDocument,
		});
		return this.#conf;
	}

	#migrate(original: Buffer, from: number): void {
		try {
			const backupPath = withFileLock(this.path, () => {
				// Another vmux may have upgraded (or changed) the file since it was read: only the bytes read are migrated.
				const now = readConfigFile(this.path);
				if (now.kind !== 'text' || !now.bytes.equals(original)) return undefined;
				const path = writeBackup(this.configDir, from, original);
				this.#write(this.#profiles);
				return path;
			});
			if (backupPath === undefined) {
				this.reload();
				return;
			}
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

/** Creates the directory 0700 (or tightens it); a sentence when that cannot be done. */
function ensurePrivateDirectory(dir: string): string | undefined {
	try {
		mkdirSync(dir, {recursive: true, mode: 0o700});
	} catch (error) {
		return `vmux's config directory ${dir} cannot be created (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check that it is a directory you own, or choose another with --config-dir.`;
	}
	try {
		// mkdir leaves an existing directory's mode alone; profiles name hosts and users, so keep them private.
		if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
	} catch {
		// Owned by someone else: not ours to change; reading and writing will say what fails.
	}
	return undefined;
}

/** Profiles are replaced, never changed in place, once the store holds them. */
function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		for (const child of Object.values(value)) deepFreeze(child);
		Object.freeze(value);
	}
	return value;
}

function tightenOwnFileMode(path: string): void {
	try {
		const stat = lstatSync(path);
		if (stat.isFile() && (stat.mode & 0o077) !== 0) chmodSync(path, 0o600);
	} catch {
		// Not ours to fix (another owner); reading still works.
	}
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
