import {describe, expect, it} from 'vitest';
import {
	globMatch,
	hashHostName,
	hashedHostMatches,
	isBase64,
	lookupName,
	parseHashedHost,
	patternListMatches,
} from '../../../source/core/session/known-hosts-match.js';
import {sshKeygen, tempDir, publicKey} from '../../fixtures/keys/fixtures.js';
import {writeFileSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

describe('lookupName', () => {
	it('files port 22 under the bare host and other ports as [host]:port, lower-cased', () => {
		expect(lookupName('Web-01.Example.COM', 22)).toBe('web-01.example.com');
		expect(lookupName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
		expect(lookupName('::1', 2200)).toBe('[::1]:2200');
	});
});

describe('globMatch', () => {
	it.each([
		['web-01.example.com', '*.example.com', true],
		['example.com', '*.example.com', false],
		['10.0.0.7', '10.0.0.?', true],
		['10.0.0.17', '10.0.0.?', false],
		['[10.0.0.7]:2222', '[10.0.0.*]:2222', true],
		['[10.0.0.7]:2222', '10.0.0.*', false],
		['anything', '*', true],
		['', '*', true],
		['abc', 'a*b*c', true],
		['abbbc', 'a*b*c', true],
		['acb', 'a*b*c', false],
		['HOST', 'host', true],
		['host', 'h?st', true],
	])('%s against %s -> %s', (text, pattern, expected) => {
		expect(globMatch(text, pattern)).toBe(expected);
	});

	it('stays fast on a pathological pattern', () => {
		// Would take ages with naive recursive backtracking; the iterative matcher is quadratic at worst.
		expect(globMatch('a'.repeat(2000), '*a*a*a*a*a*a*a*a*b')).toBe(false);
	});
});

describe('patternListMatches', () => {
	it('matches any positive pattern of a comma list', () => {
		expect(patternListMatches('web-02', 'web-01,web-02')).toBe(true);
		expect(patternListMatches('web-03', 'web-01,web-02')).toBe(false);
	});

	it('lets a matching negation veto the line even when a wildcard matches', () => {
		const list = '*.example.com,!bad.example.com';
		expect(patternListMatches('good.example.com', list)).toBe(true);
		expect(patternListMatches('bad.example.com', list)).toBe(false);
	});

	it('does not match on negations alone', () => {
		expect(patternListMatches('other', '!bad')).toBe(false);
	});
});

describe('hashed host names', () => {
	it('reads the entries ssh-keygen -H writes, for bare and [host]:port names', () => {
		const {dir, cleanup} = tempDir('hash');
		try {
			const file = join(dir, 'known_hosts');
			const key = publicKey('host_ed25519.pub').line;
			writeFileSync(file, `web-01.example.com ${key}\n[127.0.0.1]:2222 ${key}\n`);
			sshKeygen(['-H', '-f', file]);
			const fields = readFileSync(file, 'utf8').trim().split('\n').map(line => line.split(' ')[0]);
			expect(fields).toHaveLength(2);
			const [first, second] = fields.map(field => parseHashedHost(field)!);
			expect(hashedHostMatches('web-01.example.com', first)).toBe(true);
			expect(hashedHostMatches('web-02.example.com', first)).toBe(false);
			expect(hashedHostMatches('[127.0.0.1]:2222', second)).toBe(true);
			expect(hashedHostMatches('127.0.0.1', second)).toBe(false);
		} finally {
			cleanup();
		}
	});

	it('writes entries ssh-keygen -F can find', () => {
		const {dir, cleanup} = tempDir('hash');
		try {
			const file = join(dir, 'known_hosts');
			writeFileSync(file, `${hashHostName('[10.1.2.3]:2200')} ${publicKey('host_rsa.pub').line}\n`);
			expect(sshKeygen(['-F', '[10.1.2.3]:2200', '-f', file])).toContain('# Host [10.1.2.3]:2200 found: line 1');
		} finally {
			cleanup();
		}
	});

	it('rejects malformed hashed fields', () => {
		expect(parseHashedHost('|1|abc')).toBeUndefined();
		expect(parseHashedHost('|2|AAAA|AAAA')).toBeUndefined();
		expect(parseHashedHost('|1|not base64!|AAAA')).toBeUndefined();
		// Right alphabet but wrong sizes: a SHA-1 salt and digest are 20 bytes each.
		expect(parseHashedHost('|1|AAAA|AAAA')).toBeUndefined();
	});
});

describe('isBase64', () => {
	it('accepts padded and unpadded base64 and nothing else', () => {
		expect(isBase64('AAAA')).toBe(true);
		expect(isBase64('AAA=')).toBe(true);
		expect(isBase64('AAA')).toBe(true);
		expect(isBase64('A')).toBe(false);
		expect(isBase64('AA=')).toBe(false);
		expect(isBase64('')).toBe(false);
		expect(isBase64('AA AA')).toBe(false);
	});
});
