import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {COMMANDS, isAvailable, plainTableOf, scopesOverlap, type CommandPlace, type CommandState} from '../../../source/core/commands/command-table.js';
import {bindingSpec, parseKeySpec, type KeyBinding} from '../../../source/core/commands/key-spec.js';
import {buildKeymap, defaultKeymap} from '../../../source/core/commands/keymap.js';
import {SettingsStore} from '../../../source/core/profiles/settings-store.js';

const state = (place: CommandPlace, extra: Partial<CommandState> = {}): CommandState => ({place, sessions: 1, vmSelected: true, filterQuery: true, copyMode: false, ...extra});
const specs = (bindings: readonly KeyBinding[]) => bindings.map(bindingSpec);

describe('the command table', () => {
	it('has unique kebab-case names, help for every command, and default keys that parse', () => {
		const names = COMMANDS.map(command => command.name);
		expect(new Set(names).size).toBe(names.length);
		for (const command of COMMANDS) {
			expect(command.name, command.name).toMatch(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/);
			expect(command.help.trim().length, command.name).toBeGreaterThan(3);
			expect(command.keys.length, `${command.name} has a default key`).toBeGreaterThan(0);
			for (const spec of command.keys) expect(() => parseKeySpec(spec, 'C-b'), `${command.name}: ${spec}`).not.toThrow();
		}
	});

	it('binds every default key to one command per context (no two commands on a key where both apply)', () => {
		const seen = new Map<string, string[]>();
		for (const command of COMMANDS) {
			for (const spec of command.keys) {
				const binding = parseKeySpec(spec, 'C-b', plainTableOf(command));
				const slot = `${binding.table} ${binding.key}`;
				for (const other of seen.get(slot) ?? []) {
					const otherScope = COMMANDS.find(c => c.name === other)!.scope;
					expect(scopesOverlap(command.scope, otherScope), `${spec}: ${command.name} and ${other}`).toBe(false);
				}
				seen.set(slot, [...(seen.get(slot) ?? []), command.name]);
			}
		}
		expect(buildKeymap({prefixKey: 'C-b'}).notices).toEqual([]);
	});

	it('puts session commands on prefix keys only (plain keys in a session belong to the remote shell)', () => {
		for (const command of COMMANDS.filter(c => c.scope === 'session' || c.scope === 'both')) {
			for (const spec of command.keys) if (command.name !== 'help') expect(parseKeySpec(spec, 'C-b').table, `${command.name}: ${spec}`).toBe('prefix');
		}
	});

	it('has the commands DESIGN §6 names, with their keys', () => {
		const keymap = defaultKeymap();
		const expected: Record<string, string[]> = {
			'new-window': ['prefix c'],
			'next-window': ['prefix n'],
			'previous-window': ['prefix p'],
			'select-window-0': ['prefix 0'],
			'select-window-9': ['prefix 9'],
			'session-picker': ['prefix w'],
			'detach-to-browser': ['prefix d'],
			'kill-pane': ['prefix x'],
			reconnect: ['prefix r'],
			'copy-mode': ['prefix ['],
			'paste-buffer': ['prefix ]'],
			'send-prefix': ['prefix C-b'],
			help: ['?', 'prefix ?'],
			connect: ['Enter'],
			filter: ['/'],
			sort: ['o'],
			'edit-profile': ['e'],
			'new-profile': ['n'],
			'delete-profile': ['D'],
			refresh: ['r'],
			subscriptions: ['s'],
			'sign-in': ['L'],
			doctor: ['!'],
			quit: ['q'],
		};
		for (const [name, keys] of Object.entries(expected)) expect(specs(keymap.bindingsOf(name)), name).toEqual(keys);
	});

	it('resolves a key to the command available where the user is', () => {
		const keymap = defaultKeymap();
		expect(keymap.resolve('root', 'o', state('browser'))?.name).toBe('sort');
		expect(keymap.resolve('root', 'o', state('session'))).toBeUndefined();
		expect(keymap.resolve('prefix', 'c', state('session'))?.name).toBe('new-window');
		expect(keymap.resolve('prefix', 'c', state('browser'))).toBeUndefined();
		expect(keymap.resolve('prefix', 'n', state('browser'))?.name).toBe('next-window');
		expect(keymap.resolve('prefix', 'n', state('other'))?.name).toBe('next-window');
		// `when`: nothing to connect to, no filter to clear.
		expect(keymap.resolve('root', 'Enter', state('browser', {vmSelected: false}))).toBeUndefined();
		expect(keymap.resolve('root', 'Escape', state('browser', {filterQuery: false}))).toBeUndefined();
		expect(isAvailable(keymap.command('doctor')!, state('browser', {vmSelected: false}))).toBe(false);
	});
});

describe('settings.json "keys"', () => {
	const build = (overrides: unknown, prefixKey = 'C-b') => buildKeymap({overrides, prefixKey});

	it('rebinds by name: one key, a list, a prefix key, and "none" unbinds', () => {
		const {keymap, notices} = build({'new-window': 'prefix C', doctor: ['!', 'F5'], sort: 'S', 'sign-in': 'none', refresh: []});
		expect(notices).toEqual([]);
		expect(specs(keymap.bindingsOf('new-window'))).toEqual(['prefix C']);
		expect(specs(keymap.bindingsOf('doctor'))).toEqual(['!', 'F5']);
		expect(keymap.resolve('root', 'S', state('browser'))?.name).toBe('sort');
		expect(keymap.resolve('root', 'o', state('browser'))).toBeUndefined();
		expect(keymap.resolve('prefix', 'c', state('session'))).toBeUndefined();
		expect(keymap.bindingsOf('sign-in')).toEqual([]);
		expect(keymap.bindingsOf('refresh')).toEqual([]);
	});

	it('lets two commands swap keys, and a browser and a session command share a prefix key', () => {
		const {keymap, notices} = build({refresh: '!', doctor: 'r', 'sign-in': 'prefix c'});
		expect(notices).toEqual([]);
		expect(keymap.resolve('root', 'r', state('browser'))?.name).toBe('doctor');
		expect(keymap.resolve('root', '!', state('browser'))?.name).toBe('refresh');
		expect(keymap.resolve('prefix', 'c', state('browser'))?.name).toBe('sign-in');
		expect(keymap.resolve('prefix', 'c', state('session'))?.name).toBe('new-window');
	});

	it('reports a key another command already uses, and keeps the default for the one the user set', () => {
		const {keymap, notices} = build({doctor: 'r'});
		expect(notices).toEqual([
			'settings.json "keys": "doctor" is bound to "r", which is already the key of "refresh"; give one of them another key (or "none"). "doctor" keeps its default ("!").',
		]);
		expect(specs(keymap.bindingsOf('doctor'))).toEqual(['!']);
		expect(specs(keymap.bindingsOf('refresh'))).toEqual(['r']);
	});

	it('reports two settings on one key and keeps both defaults; a session conflict involving "both" commands too', () => {
		const {keymap, notices} = build({doctor: 'x', sort: 'x', 'new-window': 'prefix n'});
		expect(notices).toHaveLength(3);
		const about = (name: string) => notices.find(notice => notice.includes(`"${name}" is bound`));
		expect(about('doctor')).toContain('"doctor" is bound to "x", which is also bound to "sort"');
		expect(about('sort')).toContain('"sort" is bound to "x", which is also bound to "doctor"');
		expect(about('new-window')).toContain('"new-window" is bound to "prefix n", which is already the key of "next-window"');
		expect(specs(keymap.bindingsOf('doctor'))).toEqual(['!']);
		expect(specs(keymap.bindingsOf('sort'))).toEqual(['o']);
		expect(specs(keymap.bindingsOf('new-window'))).toEqual(['prefix c']);
	});

	it('settles chains of conflicts: reverting one setting can reveal another', () => {
		// sort -> r clashes with refresh; sort reverts to o, which doctor took.
		const {keymap, notices} = build({doctor: 'o', sort: 'r'});
		expect(notices.map(n => n.match(/"(\w+)" is bound/)?.[1])).toEqual(['sort', 'doctor']);
		expect(specs(keymap.bindingsOf('doctor'))).toEqual(['!']);
		expect(specs(keymap.bindingsOf('sort'))).toEqual(['o']);
	});

	it('reports an unknown command with the nearest name, and a key it cannot read, keeping everything else', () => {
		const {keymap, notices} = build({'new-windw': 'prefix C', doctor: 'Ctrl+Shift+Q', sort: 'S'});
		expect(notices).toEqual([
			'settings.json "keys" names "new-windw", which is not a vmux command (did you mean "new-window"?); vmux --help lists the command names. The setting is ignored.',
			'settings.json "keys"."doctor": "Ctrl+Shift+Q": Shift combines only with arrows, Home and End (write "C" rather than "S-c"); write a key such as "!", "C-x", "Enter" or "prefix c". "doctor" keeps its default ("!").',
		]);
		expect(specs(keymap.bindingsOf('doctor'))).toEqual(['!']);
		expect(specs(keymap.bindingsOf('sort'))).toEqual(['S']);
	});

	it('refuses a session command on a plain key, the prefix key itself, and values that are not keys', () => {
		const {keymap, notices} = build({'new-window': 'c', refresh: 'C-b', sort: 5, filter: ['/', 'none'], quit: {key: 'q'}});
		expect(notices).toHaveLength(5);
		expect(notices[0]).toBe(
			'settings.json "keys"."new-window": "c" is a plain key, which in a session goes to the remote shell; session commands follow the prefix ("prefix c"). "new-window" keeps its default ("prefix c").',
		);
		expect(notices[1]).toContain('"C-b" is the prefix key itself');
		expect(notices[2]).toContain('settings.json "keys"."sort" should be a key such as');
		expect(notices[3]).toContain('"none" unbinds a command on its own');
		expect(notices[4]).toContain('"quit" should be a key');
		for (const name of ['new-window', 'refresh', 'sort', 'filter', 'quit']) expect(keymap.bindingsOf(name), name).toEqual(defaultKeymap().bindingsOf(name));
	});

	it('says so when "keys" is not an object, and uses the defaults', () => {
		for (const value of ['prefix c', ['o'], 3]) {
			const {keymap, notices} = build(value);
			expect(notices).toHaveLength(1);
			expect(notices[0]).toMatch(/^settings\.json "keys" should be an object such as \{"new-window": "prefix c", "doctor": "!"\}/);
			expect(specs(keymap.bindingsOf('sort'))).toEqual(['o']);
		}
	});

	it('follows the prefix key: "prefix prefix" and send-prefix are the prefix typed twice', () => {
		const {keymap} = build({}, 'C-a');
		expect(specs(keymap.bindingsOf('send-prefix'))).toEqual(['prefix C-a']);
		expect(keymap.resolve('prefix', 'C-a', state('session'))?.name).toBe('send-prefix');
		// C-b is a plain key again when the prefix is C-a.
		expect(build({refresh: 'C-b'}, 'C-a').notices).toEqual([]);
	});
});

describe('copy mode in the keymap', () => {
	it("puts copy mode's plain keys in its own table, apart from the browser's, and its prefix key among the session's", () => {
		const keymap = defaultKeymap();
		const copy = state('session', {copyMode: true});
		expect(keymap.resolve('copy-mode', 'q', copy)?.name).toBe('cancel');
		expect(keymap.resolve('copy-mode', '?', copy)?.name).toBe('search-backward');
		expect(keymap.resolve('copy-mode', 'C-u', copy)?.name).toBe('halfpage-up');
		expect(keymap.resolve('root', 'q', state('browser'))?.name).toBe('quit');
		expect(keymap.resolve('copy-mode', 'q', state('session'))).toBeUndefined();
		// The session's prefix keys still work in copy mode.
		expect(keymap.resolve('prefix', 'n', copy)?.name).toBe('next-window');
		expect(keymap.resolve('prefix', '[', state('session'))?.name).toBe('copy-mode');
		expect(keymap.resolve('prefix', ']', state('session'))?.name).toBe('paste-buffer');
	});

	it('rebinds copy-mode commands with plain keys, and the old name scrollback still rebinds copy-mode', () => {
		const {keymap, notices} = buildKeymap({prefixKey: 'C-b', overrides: {'search-forward': 'F', scrollback: 'prefix Escape', cancel: ['q', 'C-c']}});
		expect(notices).toEqual([]);
		const copy = state('session', {copyMode: true});
		expect(keymap.resolve('copy-mode', 'F', copy)?.name).toBe('search-forward');
		expect(keymap.resolve('copy-mode', '/', copy)).toBeUndefined();
		expect(keymap.resolve('copy-mode', 'C-c', copy)?.name).toBe('cancel');
		expect(specs(keymap.bindingsOf('copy-mode'))).toEqual(['prefix Escape']);
		expect(specs(keymap.bindingsOf('scrollback'))).toEqual(['prefix Escape']);
	});

	it('reports two copy-mode commands on one key, and the prefix key as a copy-mode key', () => {
		const {keymap, notices} = buildKeymap({prefixKey: 'C-b', overrides: {'search-again': 'N', 'cursor-left': 'C-b'}});
		expect(notices).toHaveLength(2);
		expect(notices.join('\n')).toMatch(/"search-again" is bound to "N", which is already the key of "search-reverse"/);
		expect(notices.join('\n')).toMatch(/"cursor-left".*is the prefix key itself/);
		expect(specs(keymap.bindingsOf('search-again'))).toEqual(['n']);
	});
});

describe('"keys" in a real settings.json', () => {
	it('is read by the settings store as it is, so a bad binding never sets the other settings aside', () => {
		const dir = mkdtempSync(join(tmpdir(), 'vmux-keys-'));
		try {
			writeFileSync(join(dir, 'settings.json'), JSON.stringify({prefixKey: 'C-a', keys: {sort: 5, 'new-window': 'prefix C'}}));
			const store = new SettingsStore(dir);
			expect(store.problems).toEqual([]);
			expect(store.settings.prefixKey).toBe('C-a');
			const {keymap, notices} = buildKeymap({overrides: store.settings.keys, prefixKey: 'C-a'});
			expect(notices).toHaveLength(1);
			expect(notices[0]).toContain('"keys"."sort" should be a key');
			expect(specs(keymap.bindingsOf('new-window'))).toEqual(['prefix C']);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
