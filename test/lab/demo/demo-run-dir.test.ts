import {spawnSync} from 'node:child_process';
import {chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import fc from 'fast-check';
import ssh2 from 'ssh2';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {generateLabCredentials} from '../../../source/lab/credentials.js';
import {createDemoRunDir, removeAbandonedRunDirs, type DemoRunDir} from '../../../source/lab/demo-run-dir.js';

let parent: string;
let run: DemoRunDir;
beforeAll(() => {
	// A private parent so "nothing outside the run directory" can be checked by listing it.
	parent = mkdtempSync(join(tmpdir(), 'vmux-rundir-test-'));
	run = createDemoRunDir(generateLabCredentials(), parent);
});
afterAll(() => {
	run.remove();
	rmSync(parent, {recursive: true, force: true});
});

it('any VM name a topology file can hold gets a home directly inside the run directory, and nothing else is created', () => {
	const hostile = fc.oneof(
		fc.constantFrom('..', '.', '../../tmp/x', '/etc', '../', 'a/../../b', '~', '', ' ', '.bashrc', 'x'.repeat(500), 'web\0-01', 'C:\\Windows'),
		fc.string({maxLength: 80}),
		fc.array(fc.constantFrom('..', '.', '/', 'a', '\\', '\u202e', '%2e'), {maxLength: 12}).map(parts => parts.join('')),
	);
	fc.assert(
		fc.property(hostile, name => {
			const home = run.homeFor(name);
			expect(dirname(home)).toBe(join(run.root, 'homes'));
			expect(statSync(home).mode & 0o777).toBe(0o700);
		}),
		{seed: 42, numRuns: 200},
	);
	expect(readdirSync(parent)).toEqual([run.root.slice(parent.length + 1)]);
});

it('remove() deletes the tree and is safe to call twice', () => {
	const other = createDemoRunDir(generateLabCredentials(), parent);
	other.homeFor('web-01');
	other.remove();
	other.remove();
	expect(existsSync(other.root)).toBe(false);
});

it("removes the run directories of killed demos (dead pid, ours, a real directory), nothing else", () => {
	const dead = spawnSync(process.execPath, ['-e', '']).pid!;
	const make = (name: string) => {
		const path = join(parent, name);
		mkdirSync(path);
		writeFileSync(join(path, 'demo_ed25519'), 'old key');
		return path;
	};
	const abandoned = make(`vmux-demo-${dead}-AbC123`);
	const live = make(`vmux-demo-${process.pid}-AbC123`);
	const notARun = make(`vmux-demo-${dead}-not-a-run-dir`);
	const elsewhere = make('elsewhere');
	const link = join(parent, `vmux-demo-${dead}-LinK12`);
	symlinkSync(elsewhere, link);
	const othersOwn = make(`vmux-demo-${dead}-OtHer1`);
	const root = process.getuid?.() === 0;
	if (root) chownSync(othersOwn, 65534, 65534);

	expect(removeAbandonedRunDirs(parent)).toEqual([abandoned]);
	expect(existsSync(abandoned)).toBe(false);
	for (const kept of [live, notARun, elsewhere, link, join(elsewhere, 'demo_ed25519')]) expect(existsSync(kept), kept).toBe(true);
	// Not root: the directory is ours after all, and a dead pid's; root can show another owner's is kept.
	expect(existsSync(othersOwn)).toBe(root);
	for (const path of [live, notARun, elsewhere, link, othersOwn]) rmSync(path, {recursive: true, force: true});
});

it('per-run credentials always hold a key ssh2 can read (its generator sometimes writes one it cannot)', () => {
	// ~1 in 250 raw ssh2 ed25519 keys fail to parse: 1500 draws without the retry fail this with near certainty.
	for (let i = 0; i < 1500; i++) expect(ssh2.utils.parseKey(generateLabCredentials().privateKey)).not.toBeInstanceOf(Error);
});
