/**
 * The bad-input corpus for vmux's local files other than profiles and settings' write path (issue 8): the
 * inventory cache, known_hosts, lab topology files and the doctor's reading of settings.json. Every case
 * asserts a clean outcome: no throw, no stack trace, a short message naming the file (and the fix) where one
 * is due, bounded time, and the file left byte for byte.
 */
import {Capture} from '../helpers/capture.js';
import {createHash} from 'node:crypto';
import {closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {afterAll, describe, expect, test} from 'vitest';
import {cloudFromSettingsFile, runDoctorCommand} from '../../source/commands/doctor.js';
import {inventoryCachePath, loadInventoryCache, saveInventoryCache} from '../../source/core/inventory/cache.js';
import {readInventoryCacheFile, splashInventory} from '../../source/core/inventory/cache-file.js';
import {paintSplash} from '../../source/app/screen/splash.js';
import {buildLocalInventory} from '../../source/core/inventory/local-source.js';
import {hashHostName} from '../../source/core/session/known-hosts-match.js';
import {KnownHosts} from '../../source/core/session/known-hosts.js';
import {MAX_DEPTH} from '../../source/lab/topology/depth.js';
import {DEMO_TOPOLOGY_PATH, loadDemoTopology, loadTopologyFile, MAX_TOPOLOGY_BYTES, parseTopology, TopologyError} from '../../source/lab/topology/load.js';
import {publicKey} from '../fixtures/keys/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'vmux-corpus-local-'));
afterAll(() => rmSync(root, {recursive: true, force: true}));
let counter = 0;
function freshDir(): string {
	const dir = join(root, `case-${++counter}`);
	mkdirSync(dir, {recursive: true});
	return dir;
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Runs `body`, which must not throw, within `limitMs`; returns its result. */
function bounded<T>(limitMs: number, body: () => T): T {
	const started = performance.now();
	const result = body();
	expect(performance.now() - started).toBeLessThan(limitMs);
	return result;
}

/** A message for a user: short, no stack frames, names `file`. */
function expectCleanMessage(message: string | undefined, file: string): void {
	expect(message).toBeDefined();
	expect(message).toContain(file);
	expect(message).not.toMatch(/\n\s+at |TypeError|RangeError|SyntaxError/);
	expect(message!.length).toBeLessThan(400 + file.length);
}

// ---------------------------------------------------------------------------------------------------------
// Inventory cache
// ---------------------------------------------------------------------------------------------------------

const TENANT = 'corpus-tenant';
const goodInventory = {...buildLocalInventory(loadDemoTopology(), 1_000), source: 'azure-resource-graph' as const};
const goodFile = () => JSON.parse(JSON.stringify({version: 1, tenant: TENANT, savedAt: 1_000, inventory: goodInventory})) as Record<string, any>;

/**
 * The first frame draws the cache before its full check (cache-file.ts): whatever the file holds, that draws
 * without throwing and writes nothing but the splash's own sequences and printable text.
 */
function expectSplashSafe(dir: string): void {
	const read = readInventoryCacheFile(dir, TENANT);
	const listed = read?.ok ? splashInventory(read.json) : undefined;
	if (!listed) return;
	let written = '';
	const write = (text: string) => {
		written += text;
		return true;
	};
	const out = {columns: 120, rows: 30, write} as unknown as NodeJS.WriteStream;
	paintSplash(out, listed, 'Azure');
	const rest = written.replace(/\x1b\[H|\x1b\[K|\x1b\[J|\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n');
	expect(rest).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
}

/** Writes `content` as the cache, loads it, and checks: dropped with one note naming the file, file unchanged. */
function expectCacheDropped(content: string | Buffer): string {
	const dir = freshDir();
	const path = inventoryCachePath(dir, TENANT);
	writeFileSync(path, content);
	const before = digest(path);
	bounded(5_000, () => expectSplashSafe(dir));
	const notes: string[] = [];
	const loaded = bounded(5_000, () => loadInventoryCache(dir, TENANT, {onProblem: note => notes.push(note)}));
	expect(loaded).toBeUndefined();
	expect(notes).toHaveLength(1);
	expectCleanMessage(notes[0], path);
	expect(notes[0]).not.toContain('\n');
	expect(digest(path)).toBe(before);
	return notes[0]!;
}

describe('inventory cache corpus', () => {
	const mutations: Array<[string, (file: Record<string, any>) => void]> = [
		['vms[0].bastion is a string', f => (f.inventory.vms[0].bastion = 'bas')],
		['subscriptions holds null', f => (f.inventory.subscriptions = [null])],
		['privateIp is an object', f => (f.inventory.vms[0].privateIp = {})],
		['vms holds null', f => (f.inventory.vms = [null])],
		['vms is an object', f => (f.inventory.vms = {})],
		['vm name is a number', f => (f.inventory.vms[0].name = 42)],
		['vm id missing', f => delete f.inventory.vms[0].id],
		['tags is null', f => (f.inventory.vms[0].tags = null)],
		['a tag value is a number', f => (f.inventory.vms[0].tags = {env: 1})],
		['powerState unknown word', f => (f.inventory.vms[0].powerState = 'exploded')],
		['bastion flags missing', f => delete f.inventory.vms[0].bastion.flags],
		['bastion sku wrong', f => (f.inventory.vms[0].bastion.sku = 'Gold')],
		['extensions holds objects', f => (f.inventory.vms[0].extensions = [{}])],
		['fetchedAt is a string', f => (f.inventory.fetchedAt = 'yesterday')],
		['fetchedAt is negative', f => (f.inventory.fetchedAt = -5)],
		['source unknown', f => (f.inventory.source = 'carrier-pigeon')],
		['inventory is null', f => (f.inventory = null)],
		['inventory is an array', f => (f.inventory = [])],
		['version 2', f => (f.version = 2)],
		['version "1" as a string', f => (f.version = '1')],
		['version missing', f => delete f.version],
		['subscription name is null', f => (f.inventory.subscriptions[0].name = null)],
		['osType unknown', f => (f.inventory.vms[0].osType = 'Plan9')],
		['publicIp is an array', f => (f.inventory.vms[0].publicIp = ['1.2.3.4'])],
	];
	for (const [name, mutate] of mutations) {
		test(`dropped with a note: ${name}`, () => {
			const file = goodFile();
			mutate(file);
			expectCacheDropped(JSON.stringify(file));
		});
	}

	test('the first frame drawn from the file before its check strips what a hostile cache holds', () => {
		const file = goodFile();
		file.inventory.vms[0].name = '\x1b]52;c;aGk=\x07evil\x1b[2J\x9b31m';
		file.inventory.vms[1].resourceGroup = {nested: '\x1b[31m'};
		file.inventory.vms[2].bastion = {name: '\x07bell', sku: 42};
		const dir = freshDir();
		writeFileSync(inventoryCachePath(dir, TENANT), JSON.stringify(file));
		expectSplashSafe(dir);
	});

	test('the note names the bad field', () => {
		const file = goodFile();
		file.inventory.vms[0].bastion = 'bas';
		expect(expectCacheDropped(JSON.stringify(file))).toContain('inventory.vms[0].bastion');
	});

	const raw: Array<[string, string | Buffer]> = [
		['truncated JSON', JSON.stringify(goodFile()).slice(0, 500)],
		['empty file', ''],
		['only whitespace', '   \n\t'],
		['JSON null', 'null'],
		['JSON number', '42'],
		['JSON string', '"inventory"'],
		['JSON array', '[]'],
		['binary', Buffer.from(Array.from({length: 4096}, (_, i) => (i * 37) % 256))],
		['NUL bytes', Buffer.alloc(1024)],
		['UTF-16 text', Buffer.from(JSON.stringify(goodFile()), 'utf16le')],
		['deeply nested arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
	];
	for (const [name, content] of raw) test(`dropped with a note: ${name}`, () => void expectCacheDropped(content));

	test('a BOM before good JSON is tolerated (editors add one)', () => {
		const dir = freshDir();
		writeFileSync(inventoryCachePath(dir, TENANT), `\uFEFF${JSON.stringify(goodFile())}`);
		expect(loadInventoryCache(dir, TENANT)?.inventory.vms).toHaveLength(goodInventory.vms.length);
	});

	test('a huge cache (over the size limit) is dropped without being parsed', () => {
		const dir = freshDir();
		const path = inventoryCachePath(dir, TENANT);
		// Sparse: a 100 MB file costs no disk.
		writeFileSync(path, '');
		const fd = openSync(path, 'r+');
		ftruncateSync(fd, 100 * 1024 * 1024);
		closeSync(fd);
		const notes: string[] = [];
		expect(bounded(2_000, () => loadInventoryCache(dir, TENANT, {onProblem: note => notes.push(note)}))).toBeUndefined();
		expectCleanMessage(notes[0], path);
	});

	test('a cache that is a directory is dropped with a note', () => {
		const dir = freshDir();
		mkdirSync(inventoryCachePath(dir, TENANT));
		const notes: string[] = [];
		expect(loadInventoryCache(dir, TENANT, {onProblem: note => notes.push(note)})).toBeUndefined();
		expectCleanMessage(notes[0], inventoryCachePath(dir, TENANT));
	});

	test('generated: any JSON value in any VM field either loads as a valid inventory or is dropped with a note', () => {
		const fields = ['id', 'name', 'subscriptionId', 'subscriptionName', 'resourceGroup', 'location', 'size', 'osType', 'powerState', 'privateIp', 'publicIp', 'vnetId', 'tags', 'bastion', 'extensions'];
		fc.assert(
			fc.property(fc.constantFrom(...fields), fc.jsonValue({maxDepth: 3}), (field, value) => {
				const file = goodFile();
				file.inventory.vms[0][field] = value;
				const dir = freshDir();
				const path = inventoryCachePath(dir, TENANT);
				writeFileSync(path, JSON.stringify(file));
				const before = digest(path);
				const notes: string[] = [];
				const loaded = loadInventoryCache(dir, TENANT, {onProblem: note => notes.push(note)});
				expect(digest(path)).toBe(before);
				if (loaded === undefined) {
					expect(notes).toHaveLength(1);
					expectCleanMessage(notes[0], path);
				} else {
					// What loads is usable: the fields the browser reads have their types.
					const vm = loaded.inventory.vms[0]!;
					expect(typeof vm.name).toBe('string');
					expect(vm.privateIp === undefined || typeof vm.privateIp === 'string').toBe(true);
					expect(vm.bastion === undefined || typeof vm.bastion.sku === 'string').toBe(true);
					expect(notes).toHaveLength(0);
				}
			}),
			{seed: 42, numRuns: 150},
		);
	});

	test('a good cache still round-trips after a bad one was replaced by a refresh', () => {
		const dir = freshDir();
		writeFileSync(inventoryCachePath(dir, TENANT), '{"version":1');
		saveInventoryCache(dir, TENANT, goodInventory);
		expect(loadInventoryCache(dir, TENANT)?.inventory).toEqual({...goodInventory, source: 'cache'});
	});
});

// ---------------------------------------------------------------------------------------------------------
// known_hosts
// ---------------------------------------------------------------------------------------------------------

const hostKey = publicKey('host_ed25519.pub');
const otherKey = publicKey('host_ed25519_other.pub');

/** A known_hosts setup: `userText` as ~/.ssh/known_hosts, `vmuxText` as vmux's own file. */
function knownHostsWith(userText: string | Buffer, vmuxText?: string | Buffer) {
	const home = freshDir();
	const configDir = join(home, '.config', 'vmux');
	mkdirSync(join(home, '.ssh'), {recursive: true});
	mkdirSync(configDir, {recursive: true});
	const userFile = join(home, '.ssh', 'known_hosts');
	writeFileSync(userFile, userText);
	if (vmuxText !== undefined) writeFileSync(join(configDir, 'known_hosts'), vmuxText);
	const before = digest(userFile);
	return {
		knownHosts: new KnownHosts({configDir, userFile, homeDir: home}),
		userFile,
		unchanged: () => expect(digest(userFile)).toBe(before),
	};
}

/** `lines` filler lines of other hosts, then the host's own line: the match is at the end. */
function hugeKnownHosts(lines: number, filler: (i: number) => string): string {
	const out: string[] = [];
	for (let i = 0; i < lines; i++) out.push(filler(i));
	out.push(`jump.example ${hostKey.line}`);
	return `${out.join('\n')}\n`;
}

describe('known_hosts corpus', () => {
	const fillers: Array<[string, (i: number) => string]> = [
		['plain host lines', i => `host-${i}.example,10.0.${(i >> 8) & 255}.${i & 255} ${otherKey.line}`],
		['hashed host lines', i => `${hashHostName(`host-${i}`)} ${otherKey.line}`],
		['comment lines', i => `# comment ${i}`],
		['lines with bad base64', i => `host-${i} ssh-ed25519 !!!not-base64!!!`],
	];
	for (const [name, filler] of fillers) {
		test(`150k lines of ${name}: the host's key still matches, the file is untouched`, () => {
			const {knownHosts, unchanged} = knownHostsWith(hugeKnownHosts(150_000, filler));
			const result = bounded(20_000, () => knownHosts.check('jump.example', 22, hostKey.type, hostKey.blob));
			expect(result.status).toBe('match');
			unchanged();
		}, 60_000);
	}

	test('150k lines in vmux\'s own file too: problems() lists them without overflowing the stack', () => {
		const bad = Array.from({length: 150_000}, (_, i) => `h${i} ssh-ed25519 @@@`).join('\n');
		const {knownHosts} = knownHostsWith(bad, bad);
		const problems = bounded(20_000, () => knownHosts.problems());
		expect(problems.length).toBe(300_000);
	}, 60_000);

	const odd: Array<[string, string | Buffer]> = [
		['a 1 MB line', `${'a'.repeat(1024 * 1024)} ${otherKey.line}\njump.example ${hostKey.line}\n`],
		['a 1 MB pattern list of commas', `${','.repeat(1024 * 1024)}x ${otherKey.line}\njump.example ${hostKey.line}\n`],
		['a glob that backtracks', `${'*a'.repeat(5000)}b ${otherKey.line}\njump.example ${hostKey.line}\n`],
		['bad base64 key', `jump.example ssh-ed25519 AAAA$$$$\njump.example ${hostKey.line}\n`],
		['base64 of garbage', `jump.example ssh-ed25519 ${Buffer.from('garbage garbage').toString('base64')}\njump.example ${hostKey.line}\n`],
		['hashed entry with a short salt', `|1|${Buffer.alloc(3).toString('base64')}|${Buffer.alloc(20).toString('base64')} ${otherKey.line}\njump.example ${hostKey.line}\n`],
		['hashed entry with bad base64 salt', `|1|!!!|${Buffer.alloc(20).toString('base64')} ${otherKey.line}\njump.example ${hostKey.line}\n`],
		['hashed entry with an extra field', `|1|a|b|c ${otherKey.line}\njump.example ${hostKey.line}\n`],
		['hashed entry of another version', `|2|${Buffer.alloc(20).toString('base64')}|${Buffer.alloc(20).toString('base64')} ${otherKey.line}\njump.example ${hostKey.line}\n`],
		['@revoked without a key', `@revoked jump.example\njump.example ${hostKey.line}\n`],
		['@revoked alone', `@revoked\njump.example ${hostKey.line}\n`],
		['@cert-authority with a bad key', `@cert-authority *.example ssh-ed25519 ###\njump.example ${hostKey.line}\n`],
		['unknown marker', `@trusted jump.example ${otherKey.line}\njump.example ${hostKey.line}\n`],
		['NUL bytes', Buffer.concat([Buffer.alloc(64), Buffer.from(`\njump.example ${hostKey.line}\n`)])],
		['NUL inside a line', `jump.example\0 ${otherKey.line}\njump.example ${hostKey.line}\n`],
		['CRLF line ends', `other.example ${otherKey.line}\r\njump.example ${hostKey.line}\r\n`],
		['CR only line ends', `other.example ${otherKey.line}\rjump.example ${hostKey.line}\r`],
		['key type mismatch', `jump.example ssh-rsa ${hostKey.line.split(' ')[1]}\njump.example ${hostKey.line}\n`],
		['binary noise', Buffer.concat([Buffer.from(Array.from({length: 8192}, (_, i) => (i * 131) % 256)), Buffer.from(`\njump.example ${hostKey.line}\n`)])],
		['a BOM', `\uFEFFother.example ${otherKey.line}\njump.example ${hostKey.line}\n`],
	];
	for (const [name, content] of odd) {
		test(`odd line (${name}): no throw, the good line still matches, the file is untouched`, () => {
			const {knownHosts, unchanged} = knownHostsWith(content);
			const result = bounded(5_000, () => knownHosts.check('jump.example', 22, hostKey.type, hostKey.blob));
			expect(result.status).toBe('match');
			bounded(5_000, () => knownHosts.problems());
			unchanged();
		});
	}

	test('generated: random known_hosts text never throws and never makes the host\'s own key unknown', () => {
		const token = fc.oneof(
			fc.constantFrom('@revoked', '@cert-authority', '|1|', '*', '!', ',', 'ssh-ed25519', 'ssh-rsa', '\r', '\0', '#', ' ', '\t', '='),
			fc.string({maxLength: 20}),
			fc.base64String({maxLength: 80}),
		);
		const line = fc.array(token, {maxLength: 8}).map(parts => parts.join(''));
		fc.assert(
			fc.property(fc.array(line, {maxLength: 30}), lines => {
				const {knownHosts, unchanged} = knownHostsWith(`${lines.join('\n')}\njump.example ${hostKey.line}\n`);
				const result = knownHosts.check('jump.example', 22, hostKey.type, hostKey.blob);
				// A random line may revoke or hold the key elsewhere; it can never make the listed key unknown.
				expect(result.status).not.toBe('unknown');
				unchanged();
			}),
			{seed: 42, numRuns: 100},
		);
	});
});

// ---------------------------------------------------------------------------------------------------------
// Lab topology files (`vmux --demo --lab-topology <file>`)
// ---------------------------------------------------------------------------------------------------------

const demoTopologyJson = () => JSON.parse(readFileSync(DEMO_TOPOLOGY_PATH, 'utf8')) as Record<string, any>;
/** The index of the first resource of `type` in the demo topology. */
const indexOf = (topology: Record<string, any>, type: string) =>
	topology.resources.findIndex((r: Record<string, any>) => (r.type ?? '').toLowerCase() === type.toLowerCase() || String(r.id).toLowerCase().includes(`/${type.toLowerCase()}/`));

function nested(depth: number): Record<string, unknown> {
	const top: Record<string, unknown> = {};
	let at = top;
	for (let i = 0; i < depth; i++) {
		const next = {};
		at.inner = next;
		at = next;
	}
	return top;
}

/** Writes the topology, loads it: it must be refused with a TopologyError naming the file; the file is unchanged. */
function expectTopologyRefused(content: string | Buffer): string {
	const path = join(freshDir(), 'topology.json');
	writeFileSync(path, content);
	const before = digest(path);
	let message: string | undefined;
	bounded(10_000, () => {
		try {
			loadTopologyFile(path);
		} catch (error) {
			expect(error).toBeInstanceOf(TopologyError);
			message = (error as Error).message;
		}
	});
	// A topology error lists up to ten problems, one short line each.
	expect(message).toContain(path);
	expect(message).not.toMatch(/\n\s+at |TypeError|RangeError/);
	expect(message!.split('\n').length).toBeLessThanOrEqual(12);
	for (const line of message!.split('\n')) expect(line.length).toBeLessThan(300 + path.length);
	expect(digest(path)).toBe(before);
	return message!;
}

describe('topology corpus', () => {
	test('deeply nested VM properties are refused, naming the file, the resource and the field', () => {
		const topology = demoTopologyJson();
		const vm = indexOf(topology, 'Microsoft.Compute/virtualMachines');
		topology.resources[vm].properties.extra = {};
		// JSON.stringify itself cannot write 10,000 levels (that is the lab's 500): build the text by hand.
		const text = JSON.stringify(topology).replace('"extra":{}', `"extra":${'{"inner":'.repeat(10_000)}{}${'}'.repeat(10_000)}`);
		expect(text.length).toBeGreaterThan(100_000);
		const message = expectTopologyRefused(text);
		expect(message).toContain(`resources[${vm}]`);
		expect(message).toContain('properties.extra.inner');
		expect(message).toMatch(/deeper than \d+ levels/);
	});

	test('deep nesting just past the limit is refused; a dozen levels (like ARM) loads', () => {
		const topology = demoTopologyJson();
		const vm = indexOf(topology, 'Microsoft.Compute/virtualMachines');
		topology.resources[vm].properties.extra = nested(12);
		const ok = join(freshDir(), 'topology.json');
		writeFileSync(ok, JSON.stringify(topology));
		expect(loadTopologyFile(ok).resources.length).toBeGreaterThan(0);
		topology.resources[vm].properties.extra = nested(MAX_DEPTH);
		expectTopologyRefused(JSON.stringify(topology));
	});

	test('deep nesting outside the resources (a top-level key) is refused too', () => {
		expectTopologyRefused(`{"subscriptions":[],"resources":[],"notes":${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
	});

	const mutations: Array<[string, (t: Record<string, any>) => void, RegExp?]> = [
		['subscriptions missing', t => delete t.subscriptions, /subscriptions/],
		['resources missing', t => delete t.resources, /resources/],
		['resources is an object', t => (t.resources = {}), /resources/],
		['subscriptions is a string', t => (t.subscriptions = 'Contoso'), /subscriptions/],
		['a resource is null', t => (t.resources[0] = null), /resources\[0\]/],
		['a resource is a number', t => (t.resources[0] = 7), /resources\[0\]/],
		['a VM id missing', t => delete t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')].id, /id/],
		['a VM id is a number', t => (t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')].id = 12), /id/],
		['a VM without properties', t => delete t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')].properties, /properties/],
		['a Bastion without its sku', t => delete t.resources[indexOf(t, 'Microsoft.Network/bastionHosts')].sku, /sku/],
		['a Bastion sku of the wrong kind', t => (t.resources[indexOf(t, 'Microsoft.Network/bastionHosts')].sku = {name: 'Gold'}), /sku\.name/],
		['a NIC with ipConfigurations as a string', t => (t.resources[indexOf(t, 'Microsoft.Network/networkInterfaces')].properties.ipConfigurations = 'x'), /ipConfigurations/],
		['tags with a number value', t => (t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')].tags = {env: 1}), /tags/],
		['a subscription without an id', t => delete t.subscriptions[0].subscriptionId, /subscriptionId/],
		['a VM named ".."', t => (t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')].name = '..'), /name/],
		['a VM named "a/b"', t => (t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')].name = '../../etc/passwd'), /name/],
		['a VM name with a control character', t => (t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')].name = 'web\u001b[31m'), /name/],
		['a VM name with a backslash', t => (t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')].name = '..\\..\\x'), /name/],
		[
			'a VM id ending in ".." (no name given)',
			t => {
				const vm = t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')];
				delete vm.name;
				vm.id = String(vm.id).replace(/[^/]+$/, '..');
			},
			/id/,
		],
		['a VM name of 10k characters', t => (t.resources[indexOf(t, 'Microsoft.Compute/virtualMachines')].name = 'a'.repeat(10_000)), /name/],
	];
	for (const [name, mutate, field] of mutations) {
		test(`refused: ${name}`, () => {
			const topology = demoTopologyJson();
			mutate(topology);
			const message = expectTopologyRefused(JSON.stringify(topology));
			if (field) expect(message).toMatch(field);
		});
	}

	const raw: Array<[string, string | Buffer]> = [
		['not JSON', 'topology: yes'],
		['empty', ''],
		['truncated', JSON.stringify(demoTopologyJson()).slice(0, 300)],
		['binary', Buffer.from(Array.from({length: 2048}, (_, i) => (i * 7) % 256))],
		['a JSON array', '[]'],
		['JSON null', 'null'],
	];
	for (const [name, content] of raw) test(`refused: ${name}`, () => void expectTopologyRefused(content));

	test('refused: a huge file (over the size limit), without reading it', () => {
		const path = join(freshDir(), 'topology.json');
		writeFileSync(path, '');
		truncateSync(path, MAX_TOPOLOGY_BYTES + 1);
		let message = '';
		bounded(2_000, () => {
			try {
				loadTopologyFile(path);
			} catch (error) {
				message = (error as Error).message;
			}
		});
		expectCleanMessage(message, path);
	});

	test('refused: a path that is a directory', () => {
		const dir = freshDir();
		let message = '';
		try {
			loadTopologyFile(dir);
		} catch (error) {
			expect(error).toBeInstanceOf(TopologyError);
			message = (error as Error).message;
		}
		expectCleanMessage(message, dir);
	});

	test('generated: any JSON value in any VM field loads or is refused with a TopologyError, never another error', () => {
		const fields = ['id', 'name', 'type', 'location', 'tags', 'properties', 'zones', 'identity'];
		fc.assert(
			fc.property(fc.constantFrom(...fields), fc.jsonValue({maxDepth: 4}), (field, value) => {
				const topology = demoTopologyJson();
				topology.resources[indexOf(topology, 'Microsoft.Compute/virtualMachines')][field] = value;
				try {
					parseTopology(topology, 'generated.json');
				} catch (error) {
					expect(error).toBeInstanceOf(TopologyError);
					expect((error as Error).message).toContain('generated.json');
				}
			}),
			{seed: 42, numRuns: 150},
		);
	});
});

// ---------------------------------------------------------------------------------------------------------
// settings.json as `vmux doctor` reads it
// ---------------------------------------------------------------------------------------------------------


const PEM_CA = readFileSync(new URL('../../source/lab/assets/tls/lab-ca.pem', import.meta.url), 'utf8');
const customCloud = (extra: Record<string, unknown> = {}) => ({
	cloud: {name: 'Custom', resourceManagerEndpoint: 'https://management.stack.example', authorityHost: 'https://login.stack.example', keyVaultDnsSuffix: 'vault.stack.example', ...extra},
});

/** Runs `vmux doctor web-01` on this settings.json (no clients given: the doctor reads the settings itself). */
async function doctorOn(settings: (dir: string) => string | Buffer, files: Record<string, string | Buffer> = {}) {
	const configDir = freshDir();
	for (const [name, content] of Object.entries(files)) writeFileSync(join(configDir, name), content);
	const path = join(configDir, 'settings.json');
	writeFileSync(path, settings(configDir));
	const before = digest(path);
	const stdout = new Capture();
	const stderr = new Capture();
	const started = performance.now();
	const code = await runDoctorCommand(['web-01'], {configDir, stdout, stderr, env: {HOME: configDir}});
	expect(performance.now() - started).toBeLessThan(5_000);
	expect(digest(path)).toBe(before);
	return {code, stdout: stdout.text, stderr: stderr.text, path, configDir};
}

describe('doctor settings corpus', () => {
	const cases: Array<[string, (dir: string) => string | Buffer, RegExp, Record<string, string | Buffer>?]> = [
		['not JSON', () => 'cloud = Custom', /is not valid JSON/],
		['truncated JSON', () => '{"cloud": {"name": "Cus', /is not valid JSON/],
		['binary', () => Buffer.from([0, 1, 2, 255, 254, 0]), /is not valid (JSON|UTF-8)/],
		['an unknown cloud name', () => JSON.stringify({cloud: {name: 'Mars'}}), /cloud\.name/],
		['cloud is a string', () => JSON.stringify({cloud: 'Custom'}), /cloud/],
		['a Custom cloud with no endpoints', () => JSON.stringify({cloud: {name: 'Custom'}}), /cloud\.resourceManagerEndpoint/],
		['a Custom cloud missing authorityHost', () => JSON.stringify(customCloud({authorityHost: undefined})), /add cloud\.authorityHost/],
		['a Custom cloud missing keyVaultDnsSuffix', () => JSON.stringify(customCloud({keyVaultDnsSuffix: undefined})), /add cloud\.keyVaultDnsSuffix/],
		['an http:// endpoint', () => JSON.stringify(customCloud({resourceManagerEndpoint: 'http://management.stack.example'})), /resourceManagerEndpoint/],
		['a bad Key Vault suffix', () => JSON.stringify(customCloud({keyVaultDnsSuffix: 'not a suffix!'})), /keyVaultSuffix|keyVaultDnsSuffix/],
		['a caFile that does not exist', dir => JSON.stringify(customCloud({caFile: join(dir, 'nope.pem')})), /cloud\.caFile .*cannot be read \(ENOENT\)/],
		['a caFile that is a directory', dir => JSON.stringify(customCloud({caFile: dir})), /cloud\.caFile .*cannot be read/],
		['a caFile that is not PEM', dir => JSON.stringify(customCloud({caFile: join(dir, 'ca.txt')})), /cloud\.caFile .*holds no PEM certificate/, {'ca.txt': 'hello, not a certificate\n'}],
		['a caFile that is binary', dir => JSON.stringify(customCloud({caFile: join(dir, 'ca.der')})), /cloud\.caFile .*holds no PEM certificate/, {'ca.der': Buffer.from([0x30, 0x82, 1, 0, 0xff])}],
		[
			'a caFile with a damaged certificate',
			dir => JSON.stringify(customCloud({caFile: join(dir, 'ca.pem')})),
			/cloud\.caFile .*damaged certificate/,
			{'ca.pem': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'},
		],
		[
			'a caFile whose second certificate is damaged',
			dir => JSON.stringify(customCloud({caFile: join(dir, 'ca.pem')})),
			/damaged certificate \(number 2\)/,
			{'ca.pem': `${PEM_CA}\n-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n`},
		],
	];
	for (const [name, settings, expected, files] of cases) {
		test(`doctor refuses cleanly: ${name}`, async () => {
			const result = await doctorOn(settings, files ?? {});
			expect(result.code).toBe(1);
			expect(result.stdout).toBe('');
			expectCleanMessage(result.stderr, result.path);
			expect(result.stderr).toMatch(expected);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr, "one full stop between sentences").not.toContain("..");
		});
	}

	// Root reads a mode-000 file anyway, so there the case cannot fail: skipped rather than passing vacuously.
	test.skipIf(process.getuid?.() === 0)('an unreadable caFile (mode 000) is named, not thrown', async () => {
		const result = await doctorOn(dir => {
			writeFileSync(join(dir, 'locked.pem'), PEM_CA, {mode: 0o000});
			return JSON.stringify(customCloud({caFile: join(dir, 'locked.pem')}));
		});
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/cloud\.caFile .*cannot be read \(EACCES\)/);
	});

	test('a good Custom cloud with a PEM caFile passes the settings check (the app accepts the same file)', () => {
		const configDir = freshDir();
		writeFileSync(join(configDir, 'ca.pem'), PEM_CA);
		writeFileSync(join(configDir, 'settings.json'), JSON.stringify(customCloud({caFile: join(configDir, 'ca.pem'), tenantId: 'contoso.example'})));
		const result = cloudFromSettingsFile(configDir);
		expect(result).toMatchObject({ok: true, tenantId: 'contoso.example', cloud: {armEndpoint: 'https://management.stack.example', tlsCa: PEM_CA}});
	});
});
