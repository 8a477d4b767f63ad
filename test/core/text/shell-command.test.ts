import {execFileSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {placeholder, shellCommand} from '../../../source/core/text/shell-command.js';

/** Issue 14: fix commands hold Azure names as the shell must see them. */
describe('shellCommand', () => {
	const names = ['rg-Données(dev)', 'Virtual Machine Administrator Login', "it's", 'a$b`c`', 'x;rm -rf ~', 'alice@contoso.com', '/subscriptions/s/resourceGroups/rg'];

	test('bash reads every argument back exactly as given', () => {
		const command = shellCommand('printf', '%s\\n', ...names);
		expect(execFileSync('bash', ['-c', command], {encoding: 'utf8'})).toBe(`${names.join('\n')}\n`);
	});

	test('plain names stay as written; the one from the issue is quoted', () => {
		expect(shellCommand('az', 'vm', 'start', '-g', 'rg-web', '-n', 'web-01')).toBe('az vm start -g rg-web -n web-01');
		expect(shellCommand('az', 'vm', 'start', '-g', 'rg-Données(dev)', '-n', 'web-01')).toBe('az vm start -g rg-Données\\(dev\\) -n web-01');
		expect(shellCommand('--assignee', 'alice@contoso.com')).toBe('--assignee alice@contoso.com');
	});

	test('placeholders are shown for the user to fill in', () => {
		expect(shellCommand('az', 'login', '--tenant', placeholder('<tenant id>'))).toBe('az login --tenant <tenant id>');
	});
});
