import {describe, expect, it} from 'vitest';
import {fileVersion, migrate, MIGRATIONS, type Migration} from '../../../source/core/profiles/migrations.js';

describe('profiles file migrations', () => {
	it('reads the version of each known shape', () => {
		expect(fileVersion([])).toBe(0);
		expect(fileVersion({profiles: []})).toBe(0);
		expect(fileVersion({version: 1, profiles: []})).toBe(1);
		// Not a recognisable profiles file: left for the schema to report.
		expect(fileVersion({versio: 1, profiles: []})).toBeUndefined();
		expect(fileVersion('x')).toBeUndefined();
		expect(fileVersion({version: 'one'})).toBeUndefined();
	});

	it('v0 -> v1 adds the version to a bare list and to {profiles}', () => {
		const profiles = [{name: 'a'}];
		expect(migrate(profiles)).toMatchObject({ok: true, data: {version: 1, profiles}, from: 0, applied: [MIGRATIONS[0]]});
		expect(migrate({profiles})).toMatchObject({ok: true, data: {version: 1, profiles}, from: 0});
		expect(migrate({version: 1, profiles})).toMatchObject({ok: true, data: {version: 1, profiles}, applied: []});
	});

	it('chains steps in order up to the target version', () => {
		const steps: Migration[] = [
			...MIGRATIONS,
			{from: 1, to: 2, description: 'test step', migrate: data => ({...(data as object), version: 2, groups: []})},
		];
		const result = migrate([], 2, steps);
		expect(result).toEqual({ok: true, data: {version: 2, profiles: [], groups: []}, from: 0, to: 2, applied: steps});
	});

	it('refuses newer files and missing steps', () => {
		expect(migrate({version: 3, profiles: []}, 1)).toEqual({
			ok: false,
			reason: 'it was written by a newer vmux (file format version 3; this vmux reads versions up to 1): update vmux to edit these profiles',
		});
		expect(migrate([], 2)).toEqual({ok: false, reason: 'vmux has no migration from file format version 1 to 2'});
	});
});
