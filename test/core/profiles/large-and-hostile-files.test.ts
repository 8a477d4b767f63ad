/**
 * Issue 8: profiles.json files that are huge, hostile or shared. The store must open in bounded time with a
 * short message, leave the file byte for byte, and never lose a save.
 */
import {chmodSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {formatTable} from '../../../source/commands/profiles.js';
import {ProfileStore, ProfileStoreError} from '../../../source/core/profiles/store.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import {profile, tempDir, vmTarget} from './helpers.js';

let dir: string;
let cleanup: () => void;
let configDir: string;
let file: string;
beforeEach(() => {
	({dir, cleanup} = tempDir());
	configDir = join(dir, 'vmux');
	file = join(configDir, 'profiles.json');
	mkdirSync(configDir, {recursive: true, mode: 0o700});
});
afterEach(() => cleanup());

const write = (data: unknown) => {
	const bytes = Buffer.from(typeof data === 'string' ? data : JSON.stringify(data));
	writeFileSync(file, bytes, {mode: 0o600});
	return bytes;
};

describe('a profiles file with thousands of invalid entries', () => {
	it('opens read-only with the first few problems and a count, in bounded size, and leaves the file alone', () => {
		const bytes = write({version: 1, profiles: Array.from({length: 20_000}, (_, i) => ({name: `bad-${i}`, port: 'x', auth: 5}))});
		const store = new ProfileStore({configDir});
		expect(store.isReadOnly).toBe(true);
		expect(store.readOnlyProblems.length).toBeLessThanOrEqual(8);
		expect(store.readOnlyProblems[0]).toContain(`${file}: Profile "bad-0" (profiles[0]): target is missing`);
		expect(store.moreProblemsNote).toMatch(/^\(and [\d,]+ more problems not listed; vmux stopped checking at profiles\[\d+\] of 20,000 after 500 broken profiles\)$/);
		expect(store.readOnlyReason!.length).toBeLessThan(4096);
		expect(store.readOnlyReason).toContain(`Profiles are read-only until ${file} is fixed`);
		expect(readFileSync(file).equals(bytes)).toBe(true);
	});

	it('says how many problems there are when it checked them all', () => {
		write({version: 1, profiles: Array.from({length: 30}, (_, i) => ({...profile({name: `p-${i}`}), port: 0}))});
		const store = new ProfileStore({configDir});
		expect(store.problemCount).toBe(30);
		expect(store.readOnlyProblems).toHaveLength(8);
		expect(store.moreProblemsNote).toBe('(and 22 more problems not listed)');
	});

	it('quotes a huge name shortened, so the message stays small', () => {
		const bytes = write({version: 1, profiles: [{...profile(), name: 'x'.repeat(5_000_000)}, {...profile(), name: 'x'.repeat(5_000_000)}]});
		const store = new ProfileStore({configDir});
		expect(store.readOnlyReason!.length).toBeLessThan(4096);
		expect(store.readOnlyReason).toContain('name is "xxxxxxxx');
		expect(readFileSync(file).equals(bytes)).toBe(true);
	});

	it('shows control characters and invisible ones in names as escapes, never raw', () => {
		write({version: 1, profiles: [{...profile(), name: 'evil\u001b[2J\u202ename', port: 0}]});
		const reason = new ProfileStore({configDir}).readOnlyReason!;
		expect(reason).not.toMatch(/[\u001b\u202e]/);
		expect(reason).toContain('evil\\u{001b}[2J\\u{202e}name');
	});
});

describe('150,000 valid profiles', () => {
	const many = (count: number): Profile[] =>
		Array.from({length: count}, (_, i) => ({...profile({name: `vm-${i}`, target: vmTarget(`vm-${i}`)}), transport: {kind: 'direct'}}) as Profile);

	it('formats as a table (no stack overflow from spreading 150,000 widths)', () => {
		const table = formatTable(many(150_000));
		expect(table.split('\n')).toHaveLength(150_002);
	});

	it('finds a profile by VM id through an index, case-insensitively', () => {
		write({version: 1, profiles: many(2000)});
		const store = new ProfileStore({configDir});
		expect(store.forVm(vmTarget('vm-1999').vmId.toUpperCase())?.name).toBe('vm-1999');
		expect(store.forVm('/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/none')).toBeUndefined();
		// `all` is replaced on every change, so callers can cache on its identity.
		const before = store.all;
		expect(store.all).toBe(before);
		store.delete('vm-0');
		expect(store.all).not.toBe(before);
		expect(store.all).toHaveLength(1999);
	});
});

describe('file encoding', () => {
	it('refuses a profiles file with invalid UTF-8 instead of rewriting the name on save', () => {
		const good = Buffer.from(JSON.stringify({version: 1, profiles: [profile({name: 'caf_'})]}));
		const bytes = Buffer.from(good.toString('latin1').replace('caf_', 'caf\u00e9'), 'latin1');
		writeFileSync(file, bytes, {mode: 0o600});
		const store = new ProfileStore({configDir});
		expect(store.isReadOnly).toBe(true);
		expect(store.readOnlyReason).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid UTF-8 \\(line 1, near byte \\d+\\): save it as UTF-8 in your editor\\.`));
		expect(() => store.save(profile({name: 'other'}))).toThrow(ProfileStoreError);
		expect(readFileSync(file).equals(bytes)).toBe(true);
	});

	it('accepts a byte order mark, and keeps accepting it when saving', () => {
		writeFileSync(file, `\uFEFF${JSON.stringify({version: 1, profiles: [profile()]})}`, {mode: 0o600});
		const store = new ProfileStore({configDir});
		expect(store.isReadOnly).toBe(false);
		store.save(profile({name: 'second'}));
		expect(new ProfileStore({configDir}).list().map(p => p.name)).toEqual(['web-01', 'second']);
	});
});

describe('symlinked profiles.json', () => {
	it('reading does not change the mode of the link target; a write may', () => {
		const target = join(dir, 'dotfiles-profiles.json');
		writeFileSync(target, JSON.stringify({version: 1, profiles: [profile()]}));
		chmodSync(target, 0o644);
		symlinkSync(target, file);
		const store = new ProfileStore({configDir});
		expect(store.list()).toHaveLength(1);
		expect(statSync(target).mode & 0o777).toBe(0o644);
		store.save(profile({name: 'second'}));
		// Written through the link: still a link, the target now private.
		expect(lstatSync(file).isSymbolicLink()).toBe(true);
		expect(statSync(target).mode & 0o777).toBe(0o600);
		expect(JSON.parse(readFileSync(target, 'utf8')).profiles).toHaveLength(2);
	});
});

describe('two stores on one file', () => {
	it('each save sees the other store’s saves (re-read under the lock)', () => {
		const a = new ProfileStore({configDir});
		const b = new ProfileStore({configDir});
		a.save(profile({name: 'from-a'}));
		b.save(profile({name: 'from-b'}));
		a.save(profile({name: 'from-a-2'}));
		expect(new ProfileStore({configDir}).list().map(p => p.name)).toEqual(['from-a', 'from-b', 'from-a-2']);
	});

	it('a lock that another process holds delays the save; a stale one is taken over', () => {
		const store = new ProfileStore({configDir});
		// A lock left by a process that died long ago.
		mkdirSync(`${file}.lock`);
		const old = new Date(Date.now() - 60_000);
		utimesSync(`${file}.lock`, old, old);
		store.save(profile({name: 'after-stale-lock'}));
		expect(new ProfileStore({configDir}).has('after-stale-lock')).toBe(true);
	});
});
