import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {removeOwnTempDir} from '../../../source/lab/remove-own-temp-dir.js';

// Every path here lives in a private scratch dir, so even a broken guard could only delete scratch files.
let scratch: string;
beforeEach(() => {
	scratch = mkdtempSync(join(tmpdir(), 'vmux-guard-test-'));
	writeFileSync(join(scratch, 'precious'), 'keep');
});
afterEach(() => rmSync(scratch, {recursive: true, force: true}));

it('deletes a prefix+XXXXXX directory directly in its parent', () => {
	const own = mkdtempSync(join(scratch, 'vmux-lab-home-'));
	writeFileSync(join(own, 'file'), 'x');
	expect(removeOwnTempDir(own, scratch, 'vmux-lab-home-')).toBe(true);
	expect(existsSync(own)).toBe(false);
});

it.each([
	['the parent itself, via ..', (s: string) => join(s, 'vmux-lab-home-abcdef', '..')],
	['the parent itself', (s: string) => s],
	['a path that climbs out', (s: string) => join(s, 'vmux-lab-home-abcdef', '..', '..', 'x')],
	['a deeper path', (s: string) => join(s, 'vmux-lab-home-abcdef', 'inner')],
	['another prefix', (s: string) => join(s, 'other-abcdef')],
	['the prefix without a suffix', (s: string) => join(s, 'vmux-lab-home-')],
	['a longer name', (s: string) => join(s, 'vmux-lab-home-abcdefgh')],
])('refuses %s, deleting nothing', (_label, pathOf) => {
	mkdirSync(join(scratch, 'vmux-lab-home-abcdef', 'inner'), {recursive: true});
	mkdirSync(join(scratch, 'other-abcdef'));
	mkdirSync(join(scratch, 'vmux-lab-home-abcdefgh'));
	expect(removeOwnTempDir(pathOf(scratch), scratch, 'vmux-lab-home-')).toBe(false);
	for (const kept of ['precious', 'vmux-lab-home-abcdef/inner', 'other-abcdef', 'vmux-lab-home-abcdefgh']) expect(existsSync(join(scratch, kept)), kept).toBe(true);
});
