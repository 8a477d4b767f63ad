import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import Conf from 'conf';
import {describeIssues} from './issues.js';
import {SettingsSchema, defaultSettings, type Settings} from './schema.js';

/**
 * `settings.json` in the config dir: read and checked on start; a broken file is reported, left byte for
 * byte as it is, and the defaults are used until it is fixed (the same rule as the profiles file).
 */
export class SettingsStore {
	readonly path: string;
	settings: Settings;
	/** Sentences about what is wrong with the file, when it is; the app shows them and runs on defaults. */
	problems: string[] = [];
	private conf: Conf<Record<string, unknown>> | undefined;

	constructor(private readonly configDir: string) {
		this.path = join(configDir, 'settings.json');
		this.settings = this.read();
	}

	private read(): Settings {
		let text: string;
		try {
			text = readFileSync(this.path, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultSettings();
			this.problems = [`vmux cannot read ${this.path} (${(error as NodeJS.ErrnoException).code}); using default settings.`];
			return defaultSettings();
		}
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch (error) {
			this.problems = [`${this.path} is not valid JSON (${(error as Error).message}); using default settings until it is fixed.`];
			return defaultSettings();
		}
		const parsed = SettingsSchema.safeParse(json);
		if (parsed.success) return parsed.data;
		this.problems = describeIssues(parsed.error.issues, json, {root: 'settings', source: this.path});
		return defaultSettings();
	}

	/** Changes some settings and writes the file (0600, atomically). Refused while the file is broken. */
	update(patch: Partial<Settings>): void {
		if (this.problems.length > 0) throw new Error(`Settings were not saved: ${this.problems.join(' ')}`);
		const next = SettingsSchema.parse({...this.settings, ...patch});
		this.conf ??= new Conf({cwd: this.configDir, configName: 'settings', configFileMode: 0o600, clearInvalidConfig: false, projectName: 'vmux'});
		this.conf.store = next as unknown as Record<string, unknown>;
		this.settings = next;
	}
}
