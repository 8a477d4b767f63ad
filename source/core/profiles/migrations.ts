/**
 * Profiles file format migrations, keyed on the file's own integer `version`.
 *
 * Not conf's `migrations` option: that one keys on the app's semver and keeps its bookkeeping in an
 * `__internal__` key inside the file, which would put non-profile data in a file people hand-edit and export.
 * Here each step turns version N into N+1 on plain JSON, before schema validation; the store backs the old
 * file up before writing the migrated one.
 */
import {PROFILES_FILE_VERSION} from './schema.js';

export interface Migration {
	from: number;
	to: number;
	description: string;
	migrate(data: unknown): unknown;
}

export const MIGRATIONS: readonly Migration[] = [
	{
		from: 0,
		to: 1,
		description: 'files written before versioning (a bare list of profiles, or {profiles} without version) gain "version": 1',
		migrate(data) {
			const profiles = Array.isArray(data) ? data : (data as {profiles?: unknown}).profiles;
			return {version: 1, profiles};
		},
	},
];

/** 0 for the unversioned shapes, the `version` field otherwise; undefined when the data is no profiles file at all. */
export function fileVersion(data: unknown): number | undefined {
	if (Array.isArray(data)) return 0;
	if (typeof data !== 'object' || data === null) return undefined;
	// Only the exact old shape counts as version 0, so a typo such as "versio" is reported, not migrated.
	if (!('version' in data)) return Object.keys(data).length === 1 && Array.isArray((data as {profiles?: unknown}).profiles) ? 0 : undefined;
	const {version} = data as {version: unknown};
	return typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : undefined;
}

export type MigrationResult =
	| {ok: true; data: unknown; from: number | undefined; to: number; applied: readonly Migration[]}
	| {ok: false; reason: string};

/**
 * Brings `data` up to `target`. Data whose version cannot be read is passed through untouched so the schema
 * reports what is wrong with it; a newer version than `target` is refused (an older vmux must not rewrite it).
 */
export function migrate(data: unknown, target: number = PROFILES_FILE_VERSION, migrations: readonly Migration[] = MIGRATIONS): MigrationResult {
	const from = fileVersion(data);
	if (from === undefined) return {ok: true, data, from, to: target, applied: []};
	if (from > target) {
		return {
			ok: false,
			reason: `it was written by a newer vmux (file format version ${from}; this vmux reads versions up to ${target}): update vmux to edit these profiles`,
		};
	}
	const applied: Migration[] = [];
	let current = data;
	for (let version = from; version < target; version++) {
		const step = migrations.find(migration => migration.from === version);
		if (!step || step.to !== version + 1) {
			return {ok: false, reason: `vmux has no migration from file format version ${version} to ${version + 1}`};
		}
		current = step.migrate(current);
		applied.push(step);
	}
	return {ok: true, data: current, from, to: target, applied};
}
