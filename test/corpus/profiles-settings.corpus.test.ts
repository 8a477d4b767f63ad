/**
 * Issue 8's permanent corpus of bad profiles.json and settings.json files. Every case asserts the same
 * outcome: a short message (under 4 KB) that names the file, no stack trace, bounded time, and the file (or
 * whatever stands in its place) unchanged byte for byte. Most cases run `vmux profiles list` in-process
 * (the same code as the CLI); a few run the built `dist/cli.js` for real (needs `npm run build`).
 */
import {Capture} from '../helpers/capture.js';
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import fc from 'fast-check';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runProfilesCommand} from '../../source/commands/profiles.js';
import {SettingsStore, SettingsStoreError} from '../../source/core/profiles/settings-store.js';
import {profile, tempDir} from '../core/profiles/helpers.js';

const MAX_OUTPUT = 4096;
const MAX_MS = 20_000;
const STACK_TRACE = /\n\s+at .+:\d+:\d+|RangeError|TypeError|SyntaxError: /;
const isRoot = process.getuid?.() === 0;


let dir: string;
let cleanup: () => void;
let configDir: string;
beforeEach(() => {
	({dir, cleanup} = tempDir('vmux-corpus-'));
	configDir = join(dir, 'vmux');
	mkdirSync(configDir, {recursive: true, mode: 0o700});
});
afterEach(() => {
	// Unreadable cases leave files cleanup could not remove otherwise.
	for (const name of ['profiles.json', 'settings.json']) {
		try {
			chmodSync(join(configDir, name), 0o600);
		} catch {
			// Not there, or a link.
		}
	}
	cleanup();
});

/** What stands at a path, comparable before and after: bytes of a file, a link's target, or the kind of node. */
function fingerprint(path: string): string {
	if (!existsSync(path) && !isLink(path)) return 'missing';
	const stat = lstatSync(path);
	if (stat.isSymbolicLink()) return `link -> ${readlinkSync(path)}`;
	if (stat.isDirectory()) return 'directory';
	if (stat.isFIFO()) return 'fifo';
	if (stat.size > 10 * 1024 * 1024) return `big file of ${stat.size} bytes, mode ${stat.mode}`;
	return `file ${readFileSync(path).toString('base64')}`;
}

function isLink(path: string): boolean {
	try {
		return lstatSync(path).isSymbolicLink();
	} catch {
		return false;
	}
}

async function listProfiles() {
	const stdout = new Capture();
	const stderr = new Capture();
	const started = Date.now();
	const code = await runProfilesCommand(['list'], {configDir, stdout, stderr, cwd: dir});
	return {code, stdout: stdout.text, stderr: stderr.text, ms: Date.now() - started};
}

/** The corpus outcome for profiles.json: refused (or accepted when `accepted`), named, short, untouched. */
async function expectProfilesOutcome(options: {accepted?: boolean; mentions?: RegExp; readableListed?: boolean} = {}) {
	const path = join(configDir, 'profiles.json');
	const before = fingerprint(path);
	const result = await listProfiles();
	// The readable profiles of a broken file are still listed on stdout (data, not error text).
	const output = options.readableListed ? result.stderr : result.stdout + result.stderr;
	expect(result.ms).toBeLessThan(MAX_MS);
	expect(output.length, output.slice(0, 500)).toBeLessThan(MAX_OUTPUT);
	expect(output).not.toMatch(STACK_TRACE);
	// A refusal names the file; an accepted file just lists its profiles.
	if (!options.accepted) expect(output).toContain(path);
	if (options.accepted) {
		expect(result.code, output).toBe(0);
	} else {
		expect(result.code, output).toBe(1);
		expect(result.stderr).toContain(`vmux: ${path} has problems, so profiles are read-only until it is fixed:`);
	}
	if (options.mentions) expect(output).toMatch(options.mentions);
	expect(fingerprint(path)).toBe(before);
	return result;
}

/** The corpus outcome for settings.json: defaults used, the problem named and short, saving refused, untouched. */
function expectSettingsOutcome(options: {accepted?: boolean; mentions?: RegExp} = {}) {
	const path = join(configDir, 'settings.json');
	const before = fingerprint(path);
	const started = Date.now();
	const store = new SettingsStore(configDir);
	const message = store.problems.join(' ');
	expect(Date.now() - started).toBeLessThan(MAX_MS);
	expect(message.length).toBeLessThan(MAX_OUTPUT);
	expect(message).not.toMatch(STACK_TRACE);
	if (options.accepted) {
		expect(store.problems).toEqual([]);
		return;
	}
	expect(message).toContain(path);
	expect(message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u200b\ufeff]/);
	if (options.mentions) expect(message).toMatch(options.mentions);
	expect(store.settings.prefixKey).toBe('C-b');
	let error: unknown;
	try {
		store.update({selectedSubscriptions: []});
	} catch (caught) {
		error = caught;
	}
	expect(error).toBeInstanceOf(SettingsStoreError);
	expect((error as Error).message.length).toBeLessThan(MAX_OUTPUT);
	expect((error as Error).message).toContain(path);
	expect(fingerprint(path)).toBe(before);
}

const profilesPath = () => join(configDir, 'profiles.json');
const settingsPath = () => join(configDir, 'settings.json');
const writeProfiles = (content: string | Buffer) => writeFileSync(profilesPath(), content, {mode: 0o600});
const writeSettings = (content: string | Buffer) => writeFileSync(settingsPath(), content, {mode: 0o600});
const doc = (profiles: unknown[], version: unknown = 1) => JSON.stringify({version, profiles});
const VALID = doc([profile()]);

describe('profiles.json corpus: not JSON', () => {
	const texts: Array<[string, string]> = [
		['truncated after the opening brace', '{'],
		['truncated inside the list', VALID.slice(0, VALID.length / 2)],
		['truncated inside a string', '{"version": 1, "profiles": [{"name": "web'],
		['a trailing comma', '{"version": 1, "profiles": [],}'],
		['comments', '// my profiles\n{"version": 1, "profiles": []}'],
		['single quotes', "{'version': 1, 'profiles': []}"],
		['unquoted keys', '{version: 1, profiles: []}'],
		['two documents', `${VALID}${VALID}`],
		['a raw NUL byte between tokens', '{"version": 1,\u0000 "profiles": []}'],
		['a raw NUL byte inside a name', VALID.replace('web-01', 'web\u000001')],
		['an ANSI escape outside a string', '{"version": 1, \u001b[2J"profiles": []}'],
		['a byte order mark then garbage', '\uFEFF{"version": 1, "profiles": [}'],
		['a lone bracket', '['],
		['NaN', '{"version": NaN, "profiles": []}'],
	];
	for (const [name, text] of texts) {
		it(name, async () => {
			writeProfiles(text);
			const {stderr} = await expectProfilesOutcome({mentions: /is not valid JSON|nested too deeply/});
			expect(stderr).not.toMatch(/[\u0000\u001b\ufeff]/);
		});
	}

	it('arrays nested 200,000 deep', async () => {
		writeProfiles(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
		await expectProfilesOutcome({mentions: /nested too deeply|found a list; expected a profile/});
	});

	it('a field nested 100,000 deep', async () => {
		writeProfiles(`{"version": 1, "profiles": [{"name": ${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`);
		await expectProfilesOutcome();
	});
});

describe('profiles.json corpus: JSON of the wrong shape', () => {
	const texts: Array<[string, string, RegExp?]> = [
		['null', 'null'],
		['a number', '42'],
		['a string', '"profiles"'],
		['true', 'true'],
		['an empty object', '{}'],
		['profiles is an object', '{"version": 1, "profiles": {}}', /profiles is an object; expected a list of profiles/],
		['version is a string', '{"version": "1", "profiles": []}'],
		['version is negative', '{"version": -1, "profiles": []}'],
		['version is a fraction', '{"version": 1.5, "profiles": []}'],
		['a future version', '{"version": 99, "profiles": []}', /written by a newer vmux \(file format version 99/],
		['a huge future version', '{"version": 1e300, "profiles": []}', /newer vmux/],
		['a misspelt version key', '{"versio": 1, "profiles": []}'],
		['duplicate names', doc([profile(), profile()]), /expected a name no other profile uses/],
		['a jump host that does not exist', doc([profile({name: 'a', transport: {kind: 'jump', via: 'nowhere'}})]), /no profile has that name/],
		['a jump loop', doc([profile({name: 'a', transport: {kind: 'jump', via: 'b'}}), profile({name: 'b', transport: {kind: 'jump', via: 'a'}})]), /leads back/],
		['a stored password', doc([{...profile(), auth: {type: 'password', password: 'hunter2'}}]), /looks like a secret/],
		['a profile that is a list', doc([[1, 2, 3]])],
		['a profile that is null', doc([null])],
		['an escaped NUL in a name', doc([profile({name: 'web\u000001'})]), /web\\u\{0000\}01/],
		['an ANSI escape in a name', doc([{...profile({name: 'x\u001b[31mred'}), port: 0}]), /x\\u\{001b\}\[31mred/],
		['a right-to-left override in a host', doc([profile({name: 'h', target: {kind: 'host', host: 'evil\u202eexe.com'}})])],
		['an empty name', doc([profile({name: ''})])],
		['a name of 65 characters', doc([profile({name: 'n'.repeat(65)})])],
	];
	for (const [name, text, mentions] of texts) {
		it(name, async () => {
			writeProfiles(text);
			const {stderr} = await expectProfilesOutcome(mentions ? {mentions} : {});
			expect(stderr).not.toMatch(/[\u0000\u001b\u202e]/);
			// A secret found in the file is named, never echoed.
			expect(stderr).not.toContain('hunter2');
		});
	}
});

describe('profiles.json corpus: huge', () => {
	it('20,000 invalid entries', async () => {
		writeProfiles(doc(Array.from({length: 20_000}, (_, i) => ({name: `bad-${i}`, port: 'x', auth: 5}))));
		await expectProfilesOutcome({mentions: /more problems not listed; vmux stopped checking at profiles\[\d+\] of 20,000/});
	});

	it('300,000 empty objects', async () => {
		writeProfiles(doc(Array.from({length: 300_000}, () => ({}))));
		await expectProfilesOutcome({mentions: /of 300,000/});
	});

	it('2,000 duplicate names', async () => {
		writeProfiles(doc(Array.from({length: 2000}, () => profile())));
		const {stdout} = await expectProfilesOutcome({readableListed: true, mentions: /\(and 1,99\d more problems not listed\)/});
		expect(stdout.split('\n')).toHaveLength(2002);
	});

	it('a 20 MB name', async () => {
		writeProfiles(doc([profile({name: 'x'.repeat(20_000_000)})]));
		await expectProfilesOutcome({mentions: /name is "x+\.\.\."/});
	});

	it('a 5 MB unknown field name', async () => {
		writeProfiles(doc([{...profile(), ['k'.repeat(5_000_000)]: 1}]));
		await expectProfilesOutcome({mentions: /is not a field vmux knows/});
	});

	it('20,000 unknown fields in one profile', async () => {
		writeProfiles(doc([{...profile(), ...Object.fromEntries(Array.from({length: 20_000}, (_, i) => [`extra${i}`, i]))}]));
		await expectProfilesOutcome({mentions: /20000 fields are not fields vmux knows \(such as extra0, extra1, extra2\)/});
	});

	it('a file past the size vmux reads (sparse, 65 MB)', async () => {
		writeProfiles('');
		truncateSync(profilesPath(), 65 * 1024 * 1024);
		await expectProfilesOutcome({mentions: /is 65 MB, larger than the 64 MB vmux reads/});
	});
});

describe('profiles.json corpus: encodings', () => {
	it('a byte order mark before valid JSON is accepted', async () => {
		writeProfiles(`\uFEFF${VALID}`);
		const {stdout} = await listProfiles();
		expect(stdout).toMatch(/^web-01 /m);
	});

	it('two byte order marks are accepted too (editors that add one to a file that had one)', async () => {
		writeProfiles(`\uFEFF\uFEFF${VALID}`);
		await expectProfilesOutcome({accepted: true, mentions: /^web-01 /m});
	});

	it('CRLF line endings are accepted', async () => {
		writeProfiles(JSON.stringify({version: 1, profiles: [profile()]}, undefined, 2).replace(/\n/g, '\r\n'));
		const {code} = await listProfiles();
		expect(code).toBe(0);
	});

	it('a blank file holds no profiles', async () => {
		writeProfiles(' \n\t\n');
		const before = fingerprint(profilesPath());
		const result = await listProfiles();
		expect(result.code).toBe(0);
		expect(fingerprint(profilesPath())).toBe(before);
	});

	const bytes: Array<[string, Buffer]> = [
		['a Latin-1 é in a name', Buffer.from(VALID.replace('web-01', 'caf\u00e9'), 'latin1')],
		['a lone 0xFF byte', Buffer.concat([Buffer.from(VALID.slice(0, 20)), Buffer.from([0xff]), Buffer.from(VALID.slice(20))])],
		['an overlong encoding of /', Buffer.concat([Buffer.from('{"version": 1, "profiles": [{"name": "a'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}]}')])],
		['a UTF-16 surrogate encoded in UTF-8', Buffer.concat([Buffer.from('{"version": 1, "profiles": [{"name": "a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}]}')])],
		['a cut multi-byte character at the end', Buffer.concat([Buffer.from(VALID), Buffer.from([0xe2, 0x82])])],
		['UTF-16LE with its byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID, 'utf16le')])],
	];
	for (const [name, content] of bytes) {
		it(name, async () => {
			writeProfiles(content);
			await expectProfilesOutcome({mentions: /is not valid UTF-8 \(line \d+, near byte \d+\): save it as UTF-8/});
		});
	}
});

describe('profiles.json corpus: what stands in the file’s place', () => {
	it('a directory', async () => {
		mkdirSync(profilesPath());
		await expectProfilesOutcome({mentions: /is a directory, not a file: move it out of the way/});
	});

	it('a FIFO (would block a plain read forever)', async () => {
		execFileSync('mkfifo', [profilesPath()]);
		await expectProfilesOutcome({mentions: /is not a regular file/});
	});

	it('a symlink loop', async () => {
		symlinkSync(profilesPath(), profilesPath());
		await expectProfilesOutcome({mentions: /symbolic link that loops/});
	});

	it('a symlink to a directory', async () => {
		mkdirSync(join(dir, 'elsewhere'));
		symlinkSync(join(dir, 'elsewhere'), profilesPath());
		await expectProfilesOutcome({mentions: /is a directory/});
	});

	it('a symlink to a broken file', async () => {
		writeFileSync(join(dir, 'target.json'), '{"version": 1, "profiles": [');
		chmodSync(join(dir, 'target.json'), 0o644);
		symlinkSync(join(dir, 'target.json'), profilesPath());
		await expectProfilesOutcome();
		// Reading never changes the mode of the link's target.
		expect(lstatSync(join(dir, 'target.json')).mode & 0o777).toBe(0o644);
	});

	it('a dangling symlink reads as no profiles yet, naming the file', async () => {
		symlinkSync(join(dir, 'gone.json'), profilesPath());
		await expectProfilesOutcome({accepted: true, mentions: /No saved profiles yet/});
	});

	it.skipIf(isRoot)('an unreadable file', async () => {
		writeProfiles(VALID);
		chmodSync(profilesPath(), 0o000);
		await expectProfilesOutcome({mentions: /cannot be read \(permission denied\): make it readable by you/});
	});
});

describe('profiles.json corpus: generated (fast-check, seeded)', () => {
	const FIELDS = [['name'], ['target'], ['target', 'kind'], ['target', 'vmId'], ['target', 'vmName'], ['transport'], ['transport', 'kind'], ['transport', 'sku'], ['transport', 'flags'], ['port'], ['username'], ['auth'], ['auth', 'type']];
	const wrongValue = fc.oneof(
		fc.constant(null),
		fc.integer({min: -1e9, max: 1e9}),
		fc.double({noNaN: true}),
		fc.boolean(),
		fc.array(fc.integer(), {maxLength: 3}),
		fc.constant({}),
		fc.string({maxLength: 20, unit: 'binary'}),
	);

	it('a wrong value in any field (30 cases)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...FIELDS), wrongValue, async (path, value) => {
				const broken = structuredClone(profile()) as Record<string, unknown>;
				let holder = broken;
				for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
				holder[path.at(-1)!] = value;
				writeProfiles(doc([broken]));
				const before = fingerprint(profilesPath());
				const result = await listProfiles();
				const output = result.stdout + result.stderr;
				// Some wrong values are still valid (a short string name): then the file is accepted as it is.
				expect([0, 1]).toContain(result.code);
				if (result.code === 1) expect(result.stderr).toContain(profilesPath());
				expect(output.length).toBeLessThan(MAX_OUTPUT);
				expect(output).not.toMatch(STACK_TRACE);
				expect(fingerprint(profilesPath())).toBe(before);
			}),
			{seed: 42, numRuns: 30},
		);
	});

	it('the valid file cut at any byte (20 cases)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({min: 1, max: VALID.length - 1}), async cut => {
				writeProfiles(VALID.slice(0, cut));
				await expectProfilesOutcome();
			}),
			{seed: 42, numRuns: 20},
		);
	});

	it('random bytes (20 cases)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({minLength: 1, maxLength: 200}), async content => {
				writeProfiles(Buffer.from(content));
				const before = fingerprint(profilesPath());
				const result = await listProfiles();
				const output = result.stdout + result.stderr;
				expect(output.length).toBeLessThan(MAX_OUTPUT);
				expect(output).not.toMatch(STACK_TRACE);
				expect(output).toContain(profilesPath());
				expect(fingerprint(profilesPath())).toBe(before);
			}),
			{seed: 42, numRuns: 20},
		);
	});
});

describe('settings.json corpus', () => {
	const texts: Array<[string, string | Buffer, RegExp?]> = [
		['truncated', '{"prefixKey": "C-', /is not valid JSON/],
		['a byte order mark then garbage', '\uFEFF{"prefixKey": }', /is not valid JSON/],
		['a zero-width space', '{"prefixKey": "C-a",\u200b}', /is not valid JSON/],
		['a list', '[]', /holds a list; expected a JSON object of settings/],
		['null', 'null', /holds null/],
		['a number', '7', /holds number/],
		['prefixKey is a number', '{"prefixKey": 5}', /prefixKey is 5/],
		['maxFps is a string', '{"maxFps": "fast"}', /maxFps is "fast"/],
		['scrollbackLines is negative', '{"scrollbackLines": -1}', /scrollbackLines/],
		['an unknown key', '{"prefxKey": "C-a"}', /prefxKey is not a field vmux knows/],
		['cloud is a string', '{"cloud": "AzureCloud"}', /cloud/],
		['an unknown cloud', '{"cloud": {"name": "Mars"}}', /cloud.name/],
		['selectedSubscriptions of numbers', '{"selectedSubscriptions": [1, 2]}', /selectedSubscriptions/],
		['nested 200,000 deep', `${'['.repeat(200_000)}${']'.repeat(200_000)}`],
		['a 10 MB prefix key', JSON.stringify({prefixKey: 'C'.repeat(10_000_000)}), /prefixKey is "CCCC/],
		['20,000 unknown keys', JSON.stringify(Object.fromEntries(Array.from({length: 20_000}, (_, i) => [`k${i}`, i]))), /20000 fields are not fields vmux knows/],
		['a raw NUL byte', '{"prefixKey":\u0000 "C-a"}', /is not valid JSON/],
		['invalid UTF-8', Buffer.concat([Buffer.from('{"prefixKey": "C-'), Buffer.from([0xff]), Buffer.from('"}')]), /is not valid UTF-8/],
		['an ANSI escape in a value', '{"prefixKey": "\\u001b[2J"}', /\\u\{001b\}/],
	];
	for (const [name, content, mentions] of texts) {
		it(name, () => {
			writeSettings(content);
			expectSettingsOutcome(mentions ? {mentions} : {});
		});
	}

	it('a byte order mark before valid settings is accepted', () => {
		writeSettings('\uFEFF{"prefixKey": "C-a"}');
		expectSettingsOutcome({accepted: true});
	});

	it('a directory', () => {
		mkdirSync(settingsPath());
		expectSettingsOutcome({mentions: /is a directory/});
	});

	it('a FIFO', () => {
		execFileSync('mkfifo', [settingsPath()]);
		expectSettingsOutcome({mentions: /is not a regular file/});
	});

	it('a symlink loop', () => {
		symlinkSync(settingsPath(), settingsPath());
		expectSettingsOutcome({mentions: /loops/});
	});

	it('past the size vmux reads (sparse, 65 MB)', () => {
		writeSettings('');
		truncateSync(settingsPath(), 65 * 1024 * 1024);
		expectSettingsOutcome({mentions: /larger than the 64 MB/});
	});

	it.skipIf(isRoot)('an unreadable file', () => {
		writeSettings('{}');
		chmodSync(settingsPath(), 0o000);
		expectSettingsOutcome({mentions: /permission denied/});
	});

	it('random bytes (15 cases, fast-check)', () => {
		fc.assert(
			fc.property(fc.uint8Array({minLength: 1, maxLength: 100}), content => {
				writeSettings(Buffer.from(content));
				const before = fingerprint(settingsPath());
				const store = new SettingsStore(configDir);
				const message = store.problems.join(' ');
				expect(message.length).toBeLessThan(MAX_OUTPUT);
				expect(message).not.toMatch(STACK_TRACE);
				if (store.problems.length > 0) expect(message).toContain(settingsPath());
				expect(fingerprint(settingsPath())).toBe(before);
			}),
			{seed: 42, numRuns: 15},
		);
	});
});

describe('the real CLI on bad files (dist/cli.js)', () => {
	const CLI = resolve('dist/cli.js');
	const cases: Array<[string, () => void, RegExp]> = [
		['20,000 invalid entries', () => writeProfiles(doc(Array.from({length: 20_000}, (_, i) => ({name: `bad-${i}`, port: 'x', auth: 5})))), /more problems not listed/],
		['invalid UTF-8', () => writeProfiles(Buffer.from(VALID.replace('web-01', 'caf\u00e9'), 'latin1')), /is not valid UTF-8/],
		['a FIFO', () => execFileSync('mkfifo', [profilesPath()]), /is not a regular file/],
		['deep nesting', () => writeProfiles('['.repeat(200_000)), /is not valid JSON|nested too deeply/],
		['a 20 MB name', () => writeProfiles(doc([profile({name: 'y'.repeat(20_000_000)})])), /name is "y+\.\.\."/],
	];
	for (const [name, setup, mentions] of cases) {
		it(name, () => {
			setup();
			const before = fingerprint(profilesPath());
			const result = spawnSync(process.execPath, [CLI, 'profiles', 'list', '--config-dir', configDir], {encoding: 'utf8', timeout: MAX_MS});
			const output = result.stdout + result.stderr;
			expect(result.error).toBeUndefined();
			expect(result.status, output).toBe(1);
			expect(output.length).toBeLessThan(MAX_OUTPUT);
			expect(output).not.toMatch(STACK_TRACE);
			expect(output).toContain(profilesPath());
			expect(output).toMatch(mentions);
			expect(fingerprint(profilesPath())).toBe(before);
		});
	}

	it('a config dir that is a file', () => {
		const notADir = join(dir, 'not-a-dir');
		writeFileSync(notADir, 'x');
		const result = spawnSync(process.execPath, [CLI, 'profiles', 'list', '--config-dir', notADir], {encoding: 'utf8', timeout: MAX_MS});
		const output = result.stdout + result.stderr;
		expect(result.status).not.toBe(0);
		expect(output).not.toMatch(STACK_TRACE);
		expect(output).toContain(notADir);
		expect(output.length).toBeLessThan(MAX_OUTPUT);
		expect(readFileSync(notADir, 'utf8')).toBe('x');
	});
});
