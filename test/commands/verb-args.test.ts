import {describe, expect, it} from 'vitest';
import {parseGlobalArgs} from '../../source/cli-args.js';
import {demoProgress, parseVerbArgs, type VerbSpec} from '../../source/commands/verb-args.js';

const USAGE = 'Usage\n  vmux frob <vm> [--name <n>] [-q] [-- <command…>]\n';

function capture(isTTY?: boolean) {
	const out = {text: '', isTTY, write: (text: string) => (out.text += text)};
	return out;
}

function run(argv: string[], extra: Partial<VerbSpec<Record<string, never>>> = {}) {
	const io = {stdout: capture(), stderr: capture()};
	const args = parseVerbArgs(argv, io, {verb: 'frob', usage: USAGE, options: {name: {type: 'string'}, quiet: {type: 'boolean', short: 'q'}}, ...extra});
	return {args, stdout: io.stdout.text, stderr: io.stderr.text};
}

describe('parseVerbArgs', () => {
	it('reads the verb options and positionals', () => {
		const {args, stdout, stderr} = run(['web-01', '--name', 'x', '-q']);
		if (args.exit !== undefined) throw new Error(`exited ${args.exit}`);
		expect(args.values).toEqual({name: 'x', quiet: true});
		expect(args.positionals).toEqual(['web-01']);
		expect(args.command).toBeUndefined();
		expect(stdout + stderr).toBe('');
	});

	it('an unknown option: one line naming it, a blank line, the usage on stderr, exit 2', () => {
		const {args, stdout, stderr} = run(['web-01', '--bogus']);
		expect(args.exit).toBe(2);
		expect(stdout).toBe('');
		const [line, blank, ...rest] = stderr.split('\n');
		expect(line).toMatch(/^vmux frob: Unknown option '--bogus'/);
		expect(blank).toBe('');
		expect(rest.join('\n')).toBe(USAGE);
	});

	it('an option missing its value names the option, exit 2', () => {
		const {args, stdout, stderr} = run(['web-01', '--name']);
		expect(args.exit).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toMatch(/^vmux frob: Option '--name <value>' argument missing\n\nUsage\n/);
	});

	it('a value given to a boolean option is refused, exit 2', () => {
		const {args, stderr} = run(['web-01', '--quiet=yes']);
		expect(args.exit).toBe(2);
		expect(stderr).toMatch(/^vmux frob: Option '-q, --quiet' does not take an argument\n/);
	});

	it('strips control characters the user typed from the message', () => {
		const {args, stderr} = run(['--\u001b]0;pwned\u0007x']);
		expect(args.exit).toBe(2);
		expect(stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
		expect(stderr.split('\n')[0]).toContain('Unknown option');
	});

	it('--help and -h print the usage on stdout, exit 0, before the verb sees missing arguments', () => {
		for (const flag of ['--help', '-h']) {
			const {args, stdout, stderr} = run([flag]);
			expect(args.exit).toBe(0);
			expect(stdout).toBe(USAGE);
			expect(stderr).toBe('');
		}
	});

	it('a bad option wins over --help (as before: parse first)', () => {
		const {args, stdout} = run(['--help', '--bogus']);
		expect(args.exit).toBe(2);
		expect(stdout).toBe('');
	});

	it('a help word asks for the usage only where the verb names one, and only as the first word', () => {
		expect(run(['help'], {helpWord: 'help'}).args.exit).toBe(0);
		expect(run(['help'], {helpWord: 'help'}).stdout).toBe(USAGE);
		expect(run(['list', 'help'], {helpWord: 'help'}).args.exit).toBeUndefined();
		expect(run(['help']).args.exit).toBeUndefined();
	});

	it('with command: the words after -- are the command, not options (a -h there is the command’s)', () => {
		const {args, stdout} = run(['web-01', '-q', '--', 'ls', '-h', '--bogus'], {command: true});
		if (args.exit !== undefined) throw new Error(`exited ${args.exit}`);
		expect(args.command).toBe('ls -h --bogus');
		expect(args.positionals).toEqual(['web-01']);
		expect(args.values.quiet).toBe(true);
		expect(stdout).toBe('');
		const empty = run(['web-01', '--'], {command: true}).args;
		expect(empty.exit === undefined && empty.command).toBe('');
		const none = run(['web-01'], {command: true}).args;
		expect(none.exit === undefined && none.command).toBeUndefined();
	});

	it('without command: words after -- are positionals', () => {
		const {args} = run(['--', '-q']);
		if (args.exit !== undefined) throw new Error(`exited ${args.exit}`);
		expect(args.positionals).toEqual(['-q']);
		expect(args.values.quiet).toBeUndefined();
	});

	it('usage() and refuse() report the verb’s own findings with exit 2, stripped, with and without the usage', () => {
		const io = {stdout: capture(), stderr: capture()};
		const args = parseVerbArgs([], io, {verb: 'frob', usage: USAGE, options: {}});
		if (args.exit !== undefined) throw new Error(`exited ${args.exit}`);
		expect(args.usage('name the VM.')).toBe(2);
		expect(io.stderr.text).toBe(`vmux frob: name the VM.\n\n${USAGE}`);
		io.stderr.text = '';
		expect(args.refuse('no "\u001b[2Jx" here.')).toBe(2);
		expect(io.stderr.text).toBe('vmux frob: no "x" here.\n');
		expect(io.stdout.text).toBe('');
	});
});

describe('the shared options', () => {
	it('are taken by cli-args wherever they stand; the verb sees only its own (a global option in its table would be unknown)', () => {
		const global = parseGlobalArgs(['frob', 'web-01', '--demo', '-q', '--config-dir', '/tmp/c', '--', 'echo', '--demo']);
		expect(global.options).toMatchObject({demo: true, configDir: '/tmp/c'});
		const {args} = run(global.rest, {command: true});
		if (args.exit !== undefined) throw new Error(`exited ${args.exit}`);
		expect(args.values).toEqual({quiet: true});
		expect(args.command).toBe('echo --demo');
		expect(run(['web-01', '--demo']).args.exit).toBe(2);
	});

	it('demoProgress: with --demo and a terminal on stderr, the lab’s starting line; otherwise nothing', () => {
		const tty = capture(true);
		const {progress} = demoProgress({demo: true}, tty);
		expect(progress).toBeTypeOf('function');
		progress!('Starting the demo lab…');
		progress!('Seeding profiles');
		expect(tty.text).toBe('vmux: Starting the demo lab…\n');
		expect(demoProgress({demo: true}, capture(false))).toEqual({});
		expect(demoProgress({demo: false}, capture(true))).toEqual({});
	});
});
