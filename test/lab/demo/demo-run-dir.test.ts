import {existsSync, readdirSync, rmSync, statSync} from 'node:fs';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import fc from 'fast-check';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {generateLabCredentials} from '../../../source/lab/credentials.js';
import {createDemoRunDir, type DemoRunDir} from '../../../source/lab/demo-run-dir.js';

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
