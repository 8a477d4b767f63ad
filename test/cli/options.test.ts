import {spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {COMMANDS} from '../../source/core/commands/command-table.js';
import {displayBinding} from '../../source/core/commands/key-spec.js';
import {defaultKeymap} from '../../source/core/commands/keymap.js';

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

	// Every command of the table, with its default keys, in --help (which used to lack o, s, L and !).
	const help = vmux(['--help']).stdout;
	const keymap = defaultKeymap();
	// The key sections' lines naming the command (help is in both: ? in the browser, Ctrl-b ? in sessions).
	const keySections = help.slice(help.indexOf('  Keys:'));
	const helpLine = (name: string) =>
		keySections
			.split('\n')
			.filter(line => new RegExp(`\\s${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`).test(line))
			.join('\n') || undefined;
	for (const command of COMMANDS) {
		const name = command.family?.name ?? command.name;
		it(`--help names ${command.name} and its keys`, () => {
			const line = helpLine(name);
			expect(line, help).toBeDefined();
			const keys = keymap.bindingsOf(command.name).map(binding => displayBinding(binding, keymap.prefixKey));
			// A family's keys are one range (Ctrl-b 0-9): its first member's key starts it.
			for (const key of command.family ? keys.map(key => key.slice(0, -1)) : keys) expect(line).toContain(key);
		});
	}

	it('--help has the browser keys it once lacked', () => {
		for (const [key, name] of [['o', 'sort'], ['s', 'subscriptions'], ['L', 'sign-in'], ['!', 'doctor']]) expect(helpLine(name)).toMatch(new RegExp(`^\\s+\\${key}\\s`));
	});
});
