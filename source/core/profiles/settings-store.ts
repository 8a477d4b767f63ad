import {join} from 'node:path';
import Conf from 'conf';
import {FileLockTimeout, withFileLock} from './file-lock.js';
import {describeIssues} from './issues.js';
import {printable} from './printable.js';
import {ProblemList} from './problem-list.js';
import {readConfigFile} from './read-config-file.js';
import {SettingsSchema, defaultSettings, type Settings} from './schema.js';

/** A settings change that was not written; `message` says why and what to do. The file is unchanged. */
export class SettingsStoreError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'SettingsStoreError';
	}
}

type Parsed = {ok: true; raw: Record<string, unknown>; settings: Settings} | {ok: false; problems: string[]};

/**
 * `settings.json` in the config dir: read and checked on start; a broken file is reported, left byte for
 * byte as it is, and the defaults are used until it is fixed (the same rule as the profiles file).
 *
 * The user may edit the file while vmux runs, so a change is never written from memory: under a lock, the
 * file is read again, only the changed keys are set in what is on disk, and a file that does not parse (half
 * edited) is refused rather than overwritten.
 */
export class SettingsStore {
	readonly path: string;
	settings: Settings;
	/** Sentences about what is wrong with the file, when it is; the app shows them and runs on defaults. */
	problems: string[] = [];
	private conf: Conf<Record<string, unknown>> | undefined;

	constructor(private readonly configDir: string) {
		this.path = join(configDir, 'settings.json');
		const read = this.read();
		if (read.ok) {
			this.settings = read.settings;
		} else {
			this.problems = read.problems;
			this.settings = defaultSettings();
		}
	}

	private read(): Parsed {
		const file = readConfigFile(this.path);
		if (file.kind === 'missing') return {ok: true, raw: {}, settings: defaultSettings()};
		if (file.kind === 'problem') return {ok: false, problems: [`${file.problem} Using default settings until it is fixed.`]};
		// A blank file is an empty one (as for profiles.json): nothing is set.
		if (file.text.trim() === '') return {ok: true, raw: {}, settings: defaultSettings()};
		let json: unknown;
		try {
			json = JSON.parse(file.text.replace(/^\uFEFF/, ''));
		} catch (error) {
			const reason = error instanceof RangeError ? 'it is nested too deeply to read' : printable((error as Error).message, 160);
			return {ok: false, problems: [`${this.path} is not valid JSON (${reason}); using default settings until it is fixed.`]};
		}
		if (typeof json !== 'object' || json === null || Array.isArray(json)) {
			return {ok: false, problems: [`${this.path} holds ${Array.isArray(json) ? 'a list' : String(json === null ? 'null' : typeof json)}; expected a JSON object of settings such as {"prefixKey": "C-b"}. Using default settings until it is fixed.`]};
		}
		const parsed = SettingsSchema.safeParse(json);
		if (parsed.success) return {ok: true, raw: json as Record<string, unknown>, settings: parsed.data};
		const problems = new ProblemList();
		problems.addLazily(parsed.error.issues.length, () => describeIssues(parsed.error.issues.slice(0, problems.limit), json, {root: 'settings', source: this.path}));
		return {ok: false, problems: problems.moreNote ? [...problems.shown, problems.moreNote] : problems.shown};
	}

	/**
	 * Sets some settings in the file (0600, atomically), keeping everything else the file holds as it is on
	 * disk now. Throws SettingsStoreError, writing nothing, when the file on disk is broken.
	 */
	update(patch: Partial<Settings>): void {
		let next: Settings;
		try {
			next = withFileLock(this.path, () => {
				const current = this.read();
				if (!current.ok) {
					this.problems = current.problems;
					throw new SettingsStoreError(`Settings were not saved: ${current.problems.join(' ')} Fix the file, then try again.`);
				}
				const raw = {...current.raw, ...patch};
				const checked = SettingsSchema.safeParse(raw);
				if (!checked.success) {
					throw new SettingsStoreError(`Settings were not saved: ${describeIssues(checked.error.issues.slice(0, 3), raw, {root: 'settings'}).join(' ')}`);
				}
				this.confInstance().store = raw;
				return checked.data;
			});
		} catch (error) {
			if (error instanceof SettingsStoreError) throw error;
			if (error instanceof FileLockTimeout) throw new SettingsStoreError(`Settings were not saved: ${error.message}`);
			throw new SettingsStoreError(`Settings were not saved: ${this.path} could not be written (${printable((error as Error).message, 160)}).`);
		}
		this.settings = next;
		this.problems = [];
	}

	private confInstance(): Conf<Record<string, unknown>> {
		this.conf ??= new Conf({
			cwd: this.configDir,
			configName: 'settings',
			configFileMode: 0o600,
			clearInvalidConfig: false,
			projectName: 'vmux',
			accessPropertiesByDotNotation: false,
			serialize: value => `${JSON.stringify(value, undefined, '\t')}\n`,
			deserialize: text => JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>,
		});
		return this.conf;
	}
}
