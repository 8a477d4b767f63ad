import {readFileSync} from 'node:fs';
import {expect, it} from 'vitest';

// The README's two set-up commands must keep working: the scripts they name exist, and CI runs the same test command.
it('the README set-up commands and CI agree with package.json', () => {
	const readme = readFileSync('README.md', 'utf8');
	const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
	const ci = readFileSync('.ci/run', 'utf8');
	expect(readme).toContain('npm ci && npm run demo');
	expect(readme).toMatch(/^npm test\s/m);
	expect(scripts.demo).toMatch(/--demo/);
	expect(scripts.test).toMatch(/vitest run/);
	// The one test command also type-checks the tests and lints, so neither can rot unseen.
	expect(scripts.test).toMatch(/npm run typecheck:tests/);
	expect(scripts.test).toMatch(/npm run lint/);
	expect(scripts['typecheck:tests']).toMatch(/tsc -p tsconfig\.test\.json/);
	expect(JSON.parse(readFileSync('tsconfig.test.json', 'utf8').replace(/^\s*\/\/.*$/gm, '')).include).toContain('test');
	expect(scripts.lint).toMatch(/^biome lint .*\bsource test bench$/);
	expect(ci).toMatch(/^npm ci\b/m);
	expect(ci).toMatch(/^npm test$/m);
});
