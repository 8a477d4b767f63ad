import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';

// The built CLI, run the way a user runs it (needs `npm run build` first).
const CLI = resolve('dist/cli.js');
const scratch: string[] = [];

function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'vmux-cli-'));
	scratch.push(dir);
	return dir;
}

function vmux(args: string[], cwd = tempDir()) {
	const env = {...process.env, HOME: cwd, XDG_CONFIG_HOME: join(cwd, 'xdg')};
	const result = spawnSync(process.execPath, [CLI, ...args], {cwd, env, encoding: 'utf8', timeout: 20_000});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr, cwd};
}

afterEach(() => {
	for (const dir of scratch.splice(0)) rmSync(dir, {recursive: true, force: true});
});

describe('options that take a value', () => {
	const options = ['--config-dir', '--debug-log', '--prefix', '--tenant', '--lab-topology'];
	const afterDoctor = (option: string): Array<[string, string[]]> => (option === '--config-dir' || option === '--tenant' ? [['after doctor', ['doctor', 'web-01', option]]] : []);
	const shapes = (option: string): Array<[string, string[]]> => [
		['at the end', [option]],
		['before another option', [option, '--demo']],
		['with an empty =', [`${option}=`]],
		['after a subcommand', ['profiles', 'list', option]],
		...afterDoctor(option),
	];
	for (const option of options) {
		for (const [shape, args] of shapes(option)) {
			it(`${option} ${shape}: a usage error naming it, exit 2, nothing written`, () => {
				const run = vmux(args);
				expect(run.code).toBe(2);
				expect(run.stderr).toContain(`vmux: ${option} needs`);
				expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
				// Not the current directory, not the default config dir: nothing was created anywhere.
				expect(readdirSync(run.cwd)).toEqual([]);
			});
		}
	}
});

describe('global options stand on either side of a subcommand', () => {
	it('--config-dir before and after `profiles` name the same directory', () => {
		const configDir = join(tempDir(), 'config');
		const imported = vmux(['--config-dir', configDir, 'profiles', 'import', resolve('profiles.example.json')]);
		expect(imported.stderr).not.toContain('unknown command');
		expect(imported.code).toBe(0);
		const before = vmux(['--config-dir', configDir, 'profiles', 'list', '--json']);
		const after = vmux(['profiles', 'list', '--json', `--config-dir=${configDir}`]);
		expect(before.code).toBe(0);
		expect(after.code).toBe(0);
		expect(JSON.parse(before.stdout).length).toBeGreaterThan(0);
		expect(after.stdout).toBe(before.stdout);
	});

	it('--config-dir before `doctor` reaches the doctor', () => {
		const run = vmux(['--config-dir', join(tempDir(), 'c'), 'doctor', '--help']);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain('vmux doctor <vm>');
	});

	it('an unknown command is still named', () => {
		const run = vmux(['--config-dir', join(tempDir(), 'c'), 'profile']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain('unknown command "profile"');
	});
});

describe('usage texts', () => {
	it('the doctor usage names --demo', () => {
		const run = vmux(['doctor', '--help']);
		expect(run.stdout).toMatch(/--demo\s+\S/);
	});

	// The README's key sentence and sessions table are the reference; --help must name every key in them.
	const readme = readFileSync('README.md', 'utf8');
	const keysIn = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map(match => match[1]!);
	const browserSentence = /^Browser: ([\s\S]*?)\n\n/m.exec(readme)?.[1] ?? '';
	const sessionsTable = /^\| key \| does \|\n([\s\S]*?)\n\n/m.exec(readme)?.[1] ?? '';
	// The table's first column: `n` / `p` is two keys, `0`-`9` one range.
	const sessionKeys = [...sessionsTable.matchAll(/^\| ([^|]+) \|/gm)]
		.map(match => match[1]!.replaceAll('`', '').trim())
		.filter(cell => !/^-+$/.test(cell))
		.flatMap(cell => cell.split(' / '));
	const help = vmux(['--help']).stdout;
	const section = () => /Keys \((\w+)[^\n]*\n([\s\S]*?)(\n\n|$)/g;
	const sections = Object.fromEntries([...help.matchAll(section())].map(match => [match[1]!, match[2]!]));
	const names = (keys: string, body: string) => {
		const escaped = keys.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		return new RegExp(`(^|[\\s/])${escaped}(?=[\\s/]|$)`).test(body);
	};

	it('the README lists the keys it is checked against', () => {
		expect(keysIn(browserSentence)).toEqual(expect.arrayContaining(['j', 'k', '/', 'o', 'Esc', 'Enter', 'e', 'n', 'D', '!', 'r', 's', 'L', '?', 'q']));
		expect(sessionKeys).toEqual(expect.arrayContaining(['c', 'n', 'p', '0-9', 'w', 'd', 'x', 'r', '[', '?', 'Ctrl-b']));
	});

	for (const key of keysIn(browserSentence)) {
		it(`--help names the browser key ${key}`, () => {
			expect(sections.browser, help).toBeDefined();
			expect(names(key, sections.browser!), sections.browser).toBe(true);
		});
	}
	for (const key of sessionKeys) {
		it(`--help names the session key ${key}`, () => {
			expect(sections.sessions, help).toBeDefined();
			expect(names(key, sections.sessions!), sections.sessions).toBe(true);
		});
	}
});
