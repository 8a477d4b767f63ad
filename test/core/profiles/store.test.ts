import {chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ProfileStore, ProfileStoreError} from '../../../source/core/profiles/store.js';
import {bastion, profile, tempDir} from './helpers.js';

const FIXTURES = new URL('../../fixtures/profiles/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

let dir: string;
let cleanup: () => void;
let configDir: string;
beforeEach(() => {
	({dir, cleanup} = tempDir());
	configDir = join(dir, 'config', 'vmux');
});
afterEach(() => cleanup());

const mode = (path: string) => statSync(path).mode & 0o777;

function refusal(action: () => unknown): ProfileStoreError {
	try {
		action();
	} catch (error) {
		if (error instanceof ProfileStoreError) return error;
		throw error;
	}
	throw new Error('expected the store to refuse');
}

describe('ProfileStore on disk', () => {
	it('creates the config directory 0700 and writes profiles.json 0600, versioned', () => {
		const store = new ProfileStore({configDir});
		expect(mode(configDir)).toBe(0o700);
		store.save(profile());
		expect(store.path).toBe(join(configDir, 'profiles.json'));
		expect(mode(store.path)).toBe(0o600);
		const written = JSON.parse(readFileSync(store.path, 'utf8'));
		expect(written.version).toBe(1);
		expect(written.profiles.map((p: {name: string}) => p.name)).toEqual(['web-01']);
		// conf writes atomically via a temp file; nothing else is left behind.
		expect(readdirSync(configDir)).toEqual(['profiles.json']);
	});

	it('tightens an existing config directory and file that others could read', () => {
		mkdirSync(configDir, {recursive: true, mode: 0o755});
		chmodSync(configDir, 0o755);
		writeFileSync(join(configDir, 'profiles.json'), '{"version": 1, "profiles": []}\n', {mode: 0o644});
		chmodSync(join(configDir, 'profiles.json'), 0o644);
		new ProfileStore({configDir});
		expect(mode(configDir)).toBe(0o700);
		expect(mode(join(configDir, 'profiles.json'))).toBe(0o600);
	});

	it('does not create a file just by opening', () => {
		new ProfileStore({configDir});
		expect(readdirSync(configDir)).toEqual([]);
	});

	it('leaves a valid hand-formatted file byte-for-byte until something is saved', () => {
		mkdirSync(configDir, {recursive: true});
		const text = '{ "version": 1,\n  "profiles": [ ] }   \n';
		writeFileSync(join(configDir, 'profiles.json'), text);
		const store = new ProfileStore({configDir});
		expect(store.list()).toEqual([]);
		store.list();
		expect(readFileSync(store.path, 'utf8')).toBe(text);
	});
});

describe('ProfileStore CRUD', () => {
	it('saves, lists, gets and reads back in a new instance', () => {
		const store = new ProfileStore({configDir});
		const saved = store.save(profile({port: 2222}));
		expect(saved).toMatchObject({name: 'web-01', port: 2222, protocol: 'ssh', options: {keepaliveIntervalSec: 15, keepaliveCountMax: 3}});
		store.save(profile({name: 'jump-01', target: {kind: 'host', host: '20.51.10.7'}, transport: {kind: 'direct'}}));
		expect(store.list().map(p => p.name)).toEqual(['web-01', 'jump-01']);
		expect(new ProfileStore({configDir}).get('web-01')).toEqual(saved);
		expect(store.get('nope')).toBeUndefined();
	});

	it('refuses a second profile with a taken name, but replaces when editing it', () => {
		const store = new ProfileStore({configDir});
		store.save(profile());
		expect(refusal(() => store.save(profile({port: 2200}))).problems).toEqual([
			'A profile named "web-01" already exists: choose another name, or edit "web-01" instead.',
		]);
		store.save(profile({port: 2200}), {replacing: 'web-01'});
		expect(store.list()).toHaveLength(1);
		expect(store.get('web-01')?.port).toBe(2200);
	});

	it('refuses invalid input with sentences and writes nothing', () => {
		const store = new ProfileStore({configDir});
		const error = refusal(() => store.save({...profile(), port: 70000, username: '9lives'}));
		expect(error.problems).toEqual([
			'Profile "web-01": port is 70000; expected a whole number from 1 to 65535.',
			expect.stringMatching(/^Profile "web-01": username is "9lives"; expected a Linux username/),
		]);
		expect(readdirSync(configDir)).toEqual([]);
	});

	it.each(['Developer', 'Basic'] as const)('refuses port 2222 through a %s Bastion and accepts 22', sku => {
		const store = new ProfileStore({configDir});
		const error = refusal(() => store.save(profile({transport: bastion(sku), port: 2222})));
		expect(error.problems.some(problem => problem.includes(`The ${sku} SKU fixes the connection to SSH on port 22`))).toBe(true);
		if (sku === 'Developer') {
			expect(store.save(profile({transport: bastion(sku), port: 22})).port).toBe(22);
		} else {
			// Basic cannot carry vmux sessions at all: the store says so instead of saving a profile that can never connect.
			expect(refusal(() => store.save(profile({transport: bastion(sku), port: 22}))).message).toMatch(/only serves connections from the Azure portal/);
		}
	});

	it('accepts port 2222 through a Standard Bastion, and saves flag warnings (connect re-checks)', () => {
		const store = new ProfileStore({configDir});
		expect(store.save(profile({transport: bastion('Standard', {enableTunneling: true}), port: 2222})).port).toBe(2222);
		expect(store.save(profile({name: 'web-02', transport: bastion('Standard', {})})).name).toBe('web-02');
	});

	it('renames, and profiles jumping through the old name follow', () => {
		const store = new ProfileStore({configDir});
		store.save(profile({name: 'jump-01', target: {kind: 'host', host: '20.51.10.7'}, transport: {kind: 'direct'}}));
		store.save(profile({name: 'db-01', target: {kind: 'host', host: '10.2.0.5'}, transport: {kind: 'jump', via: 'jump-01'}}));
		store.rename('jump-01', 'bastion-host');
		expect(store.list().map(p => p.name)).toEqual(['bastion-host', 'db-01']);
		expect(store.get('db-01')?.transport).toEqual({kind: 'jump', via: 'bastion-host'});
		expect(refusal(() => store.rename('missing', 'x')).message).toBe('There is no profile named "missing" to rename.');
	});

	it('refuses jumps through unknown profiles, through themselves and in loops', () => {
		const store = new ProfileStore({configDir});
		expect(refusal(() => store.save(profile({name: 'a', transport: {kind: 'jump', via: 'ghost'}}))).message).toMatch(
			/transport\.via is "ghost", but no profile has that name/,
		);
		expect(refusal(() => store.save(profile({name: 'a', transport: {kind: 'jump', via: 'a'}}))).message).toMatch(/the profile itself/);
		store.save(profile({name: 'a', transport: {kind: 'direct'}}));
		store.save(profile({name: 'b', transport: {kind: 'jump', via: 'a'}}));
		expect(refusal(() => store.save(profile({name: 'a', transport: {kind: 'jump', via: 'b'}}), {replacing: 'a'})).message).toMatch(
			/leads back to "a" through jump hosts/,
		);
	});

	it('deletes, but not a profile others jump through', () => {
		const store = new ProfileStore({configDir});
		store.save(profile({name: 'jump-01', transport: {kind: 'direct'}}));
		store.save(profile({name: 'db-01', transport: {kind: 'jump', via: 'jump-01'}}));
		expect(refusal(() => store.delete('jump-01')).message).toBe(
			'Profile "jump-01" is the jump host of "db-01": change their transport or delete them first.',
		);
		store.delete('db-01');
		store.delete('jump-01');
		expect(store.list()).toEqual([]);
		expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({version: 1, profiles: []});
		expect(refusal(() => store.delete('jump-01')).message).toBe('There is no profile named "jump-01" to delete.');
	});

	it('keeps profiles added to the file by hand while it was open', () => {
		const store = new ProfileStore({configDir});
		store.save(profile());
		const onDisk = JSON.parse(readFileSync(store.path, 'utf8'));
		onDisk.profiles.push({...profile({name: 'by-hand', transport: {kind: 'direct'}})});
		writeFileSync(store.path, JSON.stringify(onDisk));
		store.save(profile({name: 'web-02'}));
		expect(store.list().map(p => p.name)).toEqual(['web-01', 'by-hand', 'web-02']);
	});
});

describe('ProfileStore with a bad file: never overwritten, read-only, still opens', () => {
	function openWith(bytes: Buffer) {
		mkdirSync(configDir, {recursive: true});
		writeFileSync(join(configDir, 'profiles.json'), bytes);
		return new ProfileStore({configDir});
	}

	function tryEveryChange(store: ProfileStore) {
		for (const change of [
			() => store.save(profile({name: 'new-one'})),
			() => store.rename('jump-01', 'x'),
			() => store.delete('jump-01'),
			() => store.importProfiles([], {replace: true}),
		]) {
			const error = refusal(change);
			expect(error.message).toContain(store.path);
		}
	}

	it('a file that is not JSON: names the file and the position, keeps its bytes', () => {
		const bytes = fixture('not-json.json');
		const store = openWith(bytes);
		expect(store.isReadOnly).toBe(true);
		expect(store.readOnlyReason).toBe(
			`${store.path} is not valid JSON (Expected double-quoted property name at line 4, column 35); expected a JSON object like {"version": 1, "profiles": [...]}. Profiles are read-only until ${store.path} is fixed; vmux has not changed the file.`,
		);
		expect(store.list()).toEqual([]);
		tryEveryChange(store);
		expect(readFileSync(store.path).equals(bytes)).toBe(true);
		expect(readdirSync(configDir)).toEqual(['profiles.json']);
	});

	it('a file that breaks the schema: names the file, the profile and the field, lists the readable profiles', () => {
		const bytes = fixture('hand-edited-broken.json');
		const store = openWith(bytes);
		expect(store.readOnlyProblems).toEqual([`${store.path}: Profile "db-01" (profiles[1]): port is 70000; expected a whole number from 1 to 65535.`]);
		expect(store.readOnlyReason).toMatch(/Profiles are read-only until .*profiles\.json is fixed; vmux has not changed the file\.$/);
		expect(store.list().map(p => p.name)).toEqual(['jump-01']);
		tryEveryChange(store);
		expect(readFileSync(store.path).equals(bytes)).toBe(true);
	});

	it('becomes writable once the user fixes the file and it is reloaded', () => {
		const store = openWith(fixture('hand-edited-broken.json'));
		writeFileSync(store.path, fixture('hand-edited-broken.json').toString().replace('70000', '22'));
		store.reload();
		expect(store.readOnlyReason).toBeUndefined();
		store.save(profile({name: 'web-02', transport: {kind: 'direct'}}));
		expect(store.list().map(p => p.name)).toEqual(['jump-01', 'db-01', 'web-02']);
	});

	it('a file broken while vmux runs is not overwritten by the next save', () => {
		const store = new ProfileStore({configDir});
		store.save(profile());
		const broken = Buffer.from('{"version": 1, "profiles": [ {"name": "web-01"');
		writeFileSync(store.path, broken);
		expect(refusal(() => store.save(profile({name: 'web-02'}))).message).toMatch(/is not valid JSON/);
		expect(readFileSync(store.path).equals(broken)).toBe(true);
		expect(store.isReadOnly).toBe(true);
	});

	it('a file from a newer vmux is read-only and kept', () => {
		const bytes = Buffer.from('{"version": 2, "profiles": [], "groups": []}\n');
		const store = openWith(bytes);
		expect(store.readOnlyReason).toMatch(/written by a newer vmux \(file format version 2; this vmux reads versions up to 1\): update vmux/);
		tryEveryChange(store);
		expect(readFileSync(store.path).equals(bytes)).toBe(true);
	});
});

describe('ProfileStore migrations', () => {
	it('migrates an unversioned (v0) file to v1 and keeps the original bytes as a backup', () => {
		mkdirSync(configDir, {recursive: true});
		const original = fixture('v0-unversioned.json');
		writeFileSync(join(configDir, 'profiles.json'), original);
		const store = new ProfileStore({configDir});
		expect(store.readOnlyReason).toBeUndefined();
		expect(store.migratedFrom).toEqual({from: 0, backupPath: join(configDir, 'profiles.v0.backup.json')});
		expect(readFileSync(join(configDir, 'profiles.v0.backup.json')).equals(original)).toBe(true);
		expect(mode(join(configDir, 'profiles.v0.backup.json'))).toBe(0o600);
		const migrated = JSON.parse(readFileSync(store.path, 'utf8'));
		expect(migrated.version).toBe(1);
		expect(migrated.profiles[0]).toMatchObject({name: 'jump-01', port: 22, protocol: 'ssh'});
		// Opening again: already current, nothing to migrate.
		expect(new ProfileStore({configDir}).migratedFrom).toBeUndefined();
	});

	it('never overwrites an earlier backup', () => {
		mkdirSync(configDir, {recursive: true});
		writeFileSync(join(configDir, 'profiles.v0.backup.json'), 'older backup');
		copyFileSync(new URL('v0-unversioned.json', FIXTURES), join(configDir, 'profiles.json'));
		const store = new ProfileStore({configDir});
		expect(store.migratedFrom?.backupPath).toBe(join(configDir, 'profiles.v0.backup-1.json'));
		expect(readFileSync(join(configDir, 'profiles.v0.backup.json'), 'utf8')).toBe('older backup');
	});

	it('does not migrate a v0 file that breaks the schema (kept byte-for-byte, read-only)', () => {
		mkdirSync(configDir, {recursive: true});
		const bytes = Buffer.from('[{"name": "x"}]');
		writeFileSync(join(configDir, 'profiles.json'), bytes);
		const store = new ProfileStore({configDir});
		expect(store.isReadOnly).toBe(true);
		expect(store.readOnlyProblems[0]).toMatch(/Profile "x" \(profiles\[0\]\): target is missing/);
		expect(readdirSync(configDir)).toEqual(['profiles.json']);
		expect(readFileSync(store.path).equals(bytes)).toBe(true);
	});
});
