import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {describe, expect, it} from 'vitest';

/**
 * The product takes one path for the lab and for Azure (issue 10): nothing under source/core imports the lab or
 * tells it apart by name. The lab is a Custom cloud; what it needs is a setting any custom cloud may use.
 */
const CORE = join(import.meta.dirname, '../../source/core');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(path);
		return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
	});
}

/** Code without comments: a comment may say what the lab is; code may not branch on it. */
function code(text: string): string {
	return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const files = sourceFiles(CORE).map(path => ({path: relative(CORE, path), text: readFileSync(path, 'utf8')}));

describe('source/core knows no lab', () => {
	it('reads the core sources (a guard against a wrong path making every check pass)', () => {
		expect(files.length).toBeGreaterThan(50);
		expect(files.some(file => file.path === join('azure', 'cloud.ts'))).toBe(true);
	});

	it('imports nothing from source/lab', () => {
		const offenders = files.filter(file => /(?:from\s+|import\s*\(\s*)['"](?:\.\.\/)+lab\//.test(file.text)).map(file => file.path);
		expect(offenders).toEqual([]);
	});

	it("names no 'lab' cloud and no lab-only helper", () => {
		const patterns = [/['"`]lab['"`]/, /\blabCloud\b/, /\bLabCredential\b/, /\blabBastionHost\b/, /\bLabTokenSource\b/];
		const offenders = files.flatMap(file => patterns.filter(pattern => pattern.test(code(file.text))).map(pattern => `${file.path}: ${pattern}`));
		expect(offenders).toEqual([]);
	});
});
