import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ProfileStore} from '../../../source/core/profiles/store.js';
import {DEMO_SEEDED_FILE, seedDemoProfiles} from '../../../source/lab/demo-profiles.js';
import {loadDemoTopology, readLabWorld} from '../../../source/lab/topology/index.js';

const vms = readLabWorld(loadDemoTopology());
const DEMO_NAMES = ['app-01', 'db-01', 'dev-01', 'jump-01', 'ops-01', 'web-01'];

let work: string;
let configDir: string;
let keyPath: string;
beforeEach(() => {
	work = mkdtempSync(join(tmpdir(), 'vmux-seed-'));
	configDir = join(work, 'config');
	// This run's key, as createDemoRunDir makes it.
	mkdirSync(join(work, 'vmux-demo-now'));
	keyPath = join(work, 'vmux-demo-now', 'demo_ed25519');
	writeFileSync(keyPath, 'key', {mode: 0o600});
});
afterEach(() => rmSync(work, {recursive: true, force: true}));

/** What a `--demo` start does to the config dir: a new store (a new process) and the demo's seeding. */
function startDemoOnce(): ProfileStore {
	const store = new ProfileStore({configDir});
	seedDemoProfiles(store, vms, {configDir, keyPath});
	return store;
}
const names = (store: ProfileStore) => store.list().map(profile => profile.name).sort();

describe('demo profiles are seeded once per name', () => {
	it('a deleted demo profile stays deleted on the next demo start', () => {
		expect(names(startDemoOnce())).toEqual(DEMO_NAMES);
		new ProfileStore({configDir}).delete('web-01');
		expect(names(startDemoOnce())).toEqual(DEMO_NAMES.filter(name => name !== 'web-01'));
		expect(names(startDemoOnce())).toEqual(DEMO_NAMES.filter(name => name !== 'web-01'));
		expect(statSync(join(configDir, DEMO_SEEDED_FILE)).mode & 0o777).toBe(0o600);
	});

	it('in a config dir an older vmux seeded (no record yet), a deletion after this start sticks too', () => {
		const store = new ProfileStore({configDir});
		seedDemoProfiles(store, vms, {configDir, keyPath});
		rmSync(join(configDir, DEMO_SEEDED_FILE));
		startDemoOnce();
		new ProfileStore({configDir}).delete('dev-01');
		expect(names(startDemoOnce())).not.toContain('dev-01');
	});

	it("never overwrites the user's edit of a demo profile", () => {
		const store = startDemoOnce();
		const web = store.get('web-01')!;
		store.save({...web, port: 22, username: 'someone-else'}, {replacing: 'web-01'});
		expect(startDemoOnce().get('web-01')?.username).toBe('someone-else');
	});

	it("keeps the demo vaults' URLs as the lab lists them (no port), and moves older public-cloud demo URLs there", () => {
		const store = startDemoOnce();
		expect(store.get('web-01')?.auth).toMatchObject({type: 'keyvault-key', vaultUrl: 'https://kv-contoso-demo.vault.localhost'});
		// Saved by an earlier vmux, whose demo profiles named the public cloud's vault domain.
		const dev = store.get('dev-01')!;
		store.save({...dev, auth: {type: 'keyvault-password', vaultUrl: 'https://kv-contoso-demo.vault.azure.net/', secretName: 'dev-01-password'}}, {replacing: 'dev-01'});
		const ops = store.get('ops-01')!;
		store.save({...ops, auth: {type: 'keyvault-password', vaultUrl: 'https://my-own-vault.vault.azure.net', secretName: 'mine'}}, {replacing: 'ops-01'});
		const again = startDemoOnce();
		expect(again.get('dev-01')?.auth).toEqual({type: 'keyvault-password', vaultUrl: 'https://kv-contoso-demo.vault.localhost', secretName: 'dev-01-password'});
		// A vault that is not a demo vault is the user's: left as it is.
		expect(again.get('ops-01')?.auth).toMatchObject({vaultUrl: 'https://my-own-vault.vault.azure.net'});
	});

	it("points a profile at this run's key only when its key is an old demo key that is gone", () => {
		const store = startDemoOnce();
		const jump = store.get('jump-01')!;
		const userKey = join(work, 'my_key');
		writeFileSync(userKey, 'mine', {mode: 0o600});
		const otherRun = join(work, 'vmux-demo-other');
		mkdirSync(otherRun);
		writeFileSync(join(otherRun, 'demo_ed25519'), 'live', {mode: 0o600});
		const cases: Record<string, {path: string; repointed: boolean}> = {
			'shipped-key': {path: '/usr/lib/node_modules/vmux/dist/lab/assets/users/demo_ed25519', repointed: true},
			'ended-run': {path: join(tmpdir(), 'vmux-demo-ended0', 'demo_ed25519'), repointed: true},
			'users-own': {path: userKey, repointed: false},
			'other-live-run': {path: join(otherRun, 'demo_ed25519'), repointed: false},
			'missing-but-not-demo': {path: join(work, 'gone', 'demo_ed25519'), repointed: false},
		};
		for (const [name, {path}] of Object.entries(cases)) store.save({...jump, name, auth: {type: 'key-file', path}});
		const after = startDemoOnce();
		for (const [name, {path, repointed}] of Object.entries(cases)) {
			expect(after.get(name)?.auth, name).toEqual({type: 'key-file', path: repointed ? keyPath : path});
		}
	});
});

describe('the seeded-names record is local state like any other: hostile copies do no harm', () => {
	const write = (content: string | Buffer) => {
		mkdirSync(configDir, {recursive: true, mode: 0o700});
		writeFileSync(join(configDir, DEMO_SEEDED_FILE), content);
	};
	it.each([
		['not JSON', '{"seeded": ['],
		['the wrong shape', '{"seeded": "web-01"}'],
		['names that are not strings', '{"seeded": [1, null, {"a": 1}]}'],
		['huge', `{"seeded": ["web-01"], "pad": "${'x'.repeat(200_000)}"}`],
		['binary', Buffer.from([0, 255, 254, 1, 2, 3])],
	])('%s: the demo still starts, seeds what is missing and rewrites the record', (_label, content) => {
		write(content);
		expect(names(startDemoOnce())).toEqual(DEMO_NAMES);
		expect(JSON.parse(readFileSync(join(configDir, DEMO_SEEDED_FILE), 'utf8')).seeded).toEqual(DEMO_NAMES);
	});

	it('a symlink in its place is replaced, never written through', () => {
		mkdirSync(configDir, {recursive: true, mode: 0o700});
		const victim = join(work, 'victim');
		writeFileSync(victim, 'precious\n');
		symlinkSync(victim, join(configDir, DEMO_SEEDED_FILE));
		expect(names(startDemoOnce())).toEqual(DEMO_NAMES);
		expect(readFileSync(victim, 'utf8')).toBe('precious\n');
	});

	it('a directory in its place: the demo still starts (the record is best effort)', () => {
		mkdirSync(join(configDir, DEMO_SEEDED_FILE), {recursive: true});
		expect(names(startDemoOnce())).toEqual(DEMO_NAMES);
		expect(statSync(join(configDir, DEMO_SEEDED_FILE)).isDirectory()).toBe(true);
	});

	it('a read-only profile store is left alone, record included', () => {
		mkdirSync(configDir, {recursive: true, mode: 0o700});
		writeFileSync(join(configDir, 'profiles.json'), '{not json');
		const store = startDemoOnce();
		expect(store.isReadOnly).toBe(true);
		expect(readFileSync(join(configDir, 'profiles.json'), 'utf8')).toBe('{not json');
		expect(existsSync(join(configDir, DEMO_SEEDED_FILE))).toBe(false);
	});
});
