import {describe, expect, it} from 'vitest';
import {displayPath, expandHome, shellPath, shellWord} from '../../../source/core/credentials/home-path.js';

const home = '/home/ada';

describe('home paths', () => {
	it('expands ~ and ~/ only', () => {
		expect(expandHome('~', home)).toBe(home);
		expect(expandHome('~/.ssh/id_rsa', home)).toBe('/home/ada/.ssh/id_rsa');
		expect(expandHome('~bob/.ssh/id_rsa', home)).toBe('~bob/.ssh/id_rsa');
		expect(expandHome('/etc/ssh/key', home)).toBe('/etc/ssh/key');
	});

	it('shows paths under home with ~', () => {
		expect(displayPath('/home/ada/.ssh/id_rsa', home)).toBe('~/.ssh/id_rsa');
		expect(displayPath('/home/ada', home)).toBe('~');
		expect(displayPath('/home/adam/key', home)).toBe('/home/adam/key');
		expect(displayPath('/etc/ssh/key', home)).toBe('/etc/ssh/key');
	});

	it('quotes for the shell only when needed, keeping ~ expandable', () => {
		expect(shellWord('[127.0.0.1]:2222')).toBe("'[127.0.0.1]:2222'");
		expect(shellWord('web-01')).toBe('web-01');
		expect(shellWord("it's")).toBe(`'it'\\''s'`);
		expect(shellPath('/home/ada/.config/vmux/known_hosts', home)).toBe('~/.config/vmux/known_hosts');
		expect(shellPath('/home/ada/Application Support/vmux/known_hosts', home)).toBe("~/'Application Support/vmux/known_hosts'");
		expect(shellPath('/srv/my keys/k', home)).toBe("'/srv/my keys/k'");
	});
});
