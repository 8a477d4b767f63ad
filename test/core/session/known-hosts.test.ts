import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {type HostKeyCheck, KnownHosts, fingerprintSha256} from '../../../source/core/session/known-hosts.js';
import {keyPath, publicKey, sshKeygen, tempDir} from '../../fixtures/keys/fixtures.js';

const ed25519 = publicKey('host_ed25519.pub');
const ed25519Other = publicKey('host_ed25519_other.pub');
const rsa = publicKey('host_rsa.pub');
const ecdsa = publicKey('host_ecdsa.pub');

let home: string;
let configDir: string;
let userFile: string;
let cleanup: () => void;

beforeEach(() => {
	({dir: home, cleanup} = tempDir('known-hosts'));
	configDir = join(home, '.config', 'vmux');
	userFile = join(home, '.ssh', 'known_hosts');
	mkdirSync(join(home, '.ssh'), {recursive: true});
});

afterEach(() => cleanup());

function knownHosts(): KnownHosts {
	return new KnownHosts({configDir, userFile, homeDir: home});
}

function writeUserFile(lines: string[]): void {
	writeFileSync(userFile, lines.join('\n') + '\n');
}

function expectStatus<S extends HostKeyCheck['status']>(result: HostKeyCheck, status: S): Extract<HostKeyCheck, {status: S}> {
	expect(result.status).toBe(status);
	return result as Extract<HostKeyCheck, {status: S}>;
}

describe('fingerprintSha256', () => {
	it.each(['host_ed25519.pub', 'host_rsa.pub', 'host_ecdsa.pub', 'id_rsa_pkcs8.pub'])(
		'prints what ssh-keygen -lf prints for %s',
		name => {
			const expected = sshKeygen(['-lf', keyPath(name)]).split(' ')[1];
			expect(expected).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
			expect(fingerprintSha256(publicKey(name).blob)).toBe(expected);
		},
	);
});

describe('KnownHosts.check with plain entries', () => {
	it('knows a bare host on port 22 only', () => {
		writeUserFile([`web-01 ${ed25519.line}`]);
		const hosts = knownHosts();
		expect(hosts.check('web-01', 22, ed25519.type, ed25519.blob)).toEqual({status: 'match', file: userFile, line: 1});
		expectStatus(hosts.check('web-01', 2222, ed25519.type, ed25519.blob), 'unknown');
	});

	it('knows [host]:port entries on that port only', () => {
		writeUserFile([`[127.0.0.1]:2222 ${ed25519.line}`]);
		const hosts = knownHosts();
		expectStatus(hosts.check('127.0.0.1', 2222, ed25519.type, ed25519.blob), 'match');
		expectStatus(hosts.check('127.0.0.1', 22, ed25519.type, ed25519.blob), 'unknown');
		expectStatus(hosts.check('127.0.0.1', 2200, ed25519.type, ed25519.blob), 'unknown');
	});

	it('matches host names case-insensitively', () => {
		writeUserFile([`Web-01.Example.com ${ed25519.line}`]);
		expectStatus(knownHosts().check('WEB-01.example.COM', 22, ed25519.type, ed25519.blob), 'match');
	});

	it('reports an unknown host with the offered fingerprint', () => {
		const result = expectStatus(knownHosts().check('10.0.0.4', 22, ed25519.type, ed25519.blob), 'unknown');
		const expected = sshKeygen(['-lf', keyPath('host_ed25519.pub')]).split(' ')[1];
		expect(result.fingerprint).toBe(expected);
		expect(result.keyType).toBe('ssh-ed25519');
		expect(result.otherKeys).toEqual([]);
		expect(result.message).toContain(expected);
	});

	it('follows comma lists, wildcards and negations', () => {
		writeUserFile([
			`web-01,web-02 ${ed25519.line}`,
			`*.lab.example.com,!evil.lab.example.com ${rsa.line}`,
			`10.0.0.? ${ecdsa.line}`,
			`[*.bastion.local]:2222 ${ed25519.line}`,
		]);
		const hosts = knownHosts();
		expectStatus(hosts.check('web-02', 22, ed25519.type, ed25519.blob), 'match');
		expectStatus(hosts.check('db.lab.example.com', 22, rsa.type, rsa.blob), 'match');
		expectStatus(hosts.check('evil.lab.example.com', 22, rsa.type, rsa.blob), 'unknown');
		expectStatus(hosts.check('10.0.0.9', 22, ecdsa.type, ecdsa.blob), 'match');
		expectStatus(hosts.check('10.0.0.10', 22, ecdsa.type, ecdsa.blob), 'unknown');
		expectStatus(hosts.check('vm.bastion.local', 2222, ed25519.type, ed25519.blob), 'match');
		expectStatus(hosts.check('vm.bastion.local', 22, ed25519.type, ed25519.blob), 'unknown');
	});

	it('treats the negotiated rsa-sha2-* algorithm as the ssh-rsa key it is', () => {
		writeUserFile([`web-01 ${rsa.line}`]);
		expectStatus(knownHosts().check('web-01', 22, 'rsa-sha2-512', rsa.blob), 'match');
	});
});

describe('KnownHosts.check with hashed entries', () => {
	it('matches entries hashed by ssh-keygen -H, including [host]:port', () => {
		writeUserFile([`vm-a.internal ${ed25519.line}`, `[127.0.0.1]:2222 ${rsa.line}`, `[10.0.0.5]:22022 ${ecdsa.line}`]);
		sshKeygen(['-H', '-f', userFile]);
		const text = readFileSync(userFile, 'utf8');
		expect(text).not.toContain('127.0.0.1');
		expect(text.match(/^\|1\|/gm)).toHaveLength(3);

		const hosts = knownHosts();
		expectStatus(hosts.check('vm-a.internal', 22, ed25519.type, ed25519.blob), 'match');
		expect(hosts.check('127.0.0.1', 2222, rsa.type, rsa.blob)).toEqual({status: 'match', file: userFile, line: 2});
		expectStatus(hosts.check('10.0.0.5', 22022, ecdsa.type, ecdsa.blob), 'match');
		expectStatus(hosts.check('127.0.0.1', 22, rsa.type, rsa.blob), 'unknown');
	});

	it('reports a changed key behind a hashed entry with the file and line', () => {
		writeUserFile([`# my hosts`, ``, `[127.0.0.1]:2222 ${ed25519.line}`]);
		sshKeygen(['-H', '-f', userFile]);
		const result = expectStatus(knownHosts().check('127.0.0.1', 2222, ed25519Other.type, ed25519Other.blob), 'changed');
		expect(result.reason).toBe('mismatch');
		expect(result.known).toEqual([
			{fingerprint: fingerprintSha256(ed25519.blob), file: userFile, line: 3, keyType: 'ssh-ed25519'},
		]);
	});
});

describe('KnownHosts.check with changed keys', () => {
	it('refuses a different key of the same type and shows both fingerprints and the fix', () => {
		writeUserFile([`[127.0.0.1]:2222 ${ed25519.line}`]);
		const result = expectStatus(knownHosts().check('127.0.0.1', 2222, ed25519Other.type, ed25519Other.blob), 'changed');
		expect(result.fingerprint).toBe(fingerprintSha256(ed25519Other.blob));
		expect(result.known).toEqual([
			{fingerprint: fingerprintSha256(ed25519.blob), file: userFile, line: 1, keyType: 'ssh-ed25519'},
		]);
		expect(result.removeCommands).toEqual([`ssh-keygen -R '[127.0.0.1]:2222' -f ~/.ssh/known_hosts`]);
		expect(result.removeHint).toContain('~/.ssh/known_hosts line 1');
		expect(result.removeHint).toContain(`ssh-keygen -R '[127.0.0.1]:2222' -f ~/.ssh/known_hosts`);
		expect(result.message).toContain(fingerprintSha256(ed25519.blob));
		expect(result.message).toContain(fingerprintSha256(ed25519Other.blob));
	});

	it('gives a remove command that really removes the old key', () => {
		const hosts = knownHosts();
		hosts.add('127.0.0.1', 2222, ed25519.type, ed25519.blob);
		writeUserFile([`[127.0.0.1]:2222 ${ed25519.line}`, `other-host ${rsa.line}`]);
		const result = expectStatus(hosts.check('127.0.0.1', 2222, ed25519Other.type, ed25519Other.blob), 'changed');
		expect(result.known.map(key => key.file)).toEqual([hosts.vmuxFile, userFile]);
		expect(result.removeCommands).toHaveLength(2);
		for (const command of result.removeCommands) {
			// A real shell with HOME pointing at the test home, so `~` expands as it would for the user.
			execFileSync('sh', ['-c', command], {env: {...process.env, HOME: home}, stdio: 'ignore'});
		}
		expectStatus(hosts.check('127.0.0.1', 2222, ed25519Other.type, ed25519Other.blob), 'unknown');
		// ssh-keygen -R removed only that host's lines.
		expectStatus(hosts.check('other-host', 22, rsa.type, rsa.blob), 'match');
	});

	it('warns that removing a shared line forgets its other hosts', () => {
		writeUserFile([`web-01,web-02 ${ed25519.line}`]);
		const result = expectStatus(knownHosts().check('web-01', 22, ed25519Other.type, ed25519Other.blob), 'changed');
		expect(result.removeCommands).toEqual([`ssh-keygen -R web-01 -f ~/.ssh/known_hosts`]);
		expect(result.removeHint).toContain('(web-01,web-02) also covers other hosts');
	});

	it('accepts a host that lists the offered key among several of the same type', () => {
		writeUserFile([`web-01 ${ed25519.line}`, `web-01 ${ed25519Other.line}`]);
		expect(knownHosts().check('web-01', 22, ed25519Other.type, ed25519Other.blob)).toEqual({
			status: 'match',
			file: userFile,
			line: 2,
		});
	});

	it('treats a new key type as unknown, and says which types are known', () => {
		writeUserFile([`web-01 ${rsa.line}`]);
		const result = expectStatus(knownHosts().check('web-01', 22, ed25519.type, ed25519.blob), 'unknown');
		expect(result.otherKeys).toEqual([{fingerprint: fingerprintSha256(rsa.blob), file: userFile, line: 1, keyType: 'ssh-rsa'}]);
		expect(result.message).toContain('web-01 is known with ssh-rsa (~/.ssh/known_hosts line 1)');
	});
});

describe('KnownHosts.check with markers', () => {
	it('refuses a revoked key even when it is also listed as trusted', () => {
		writeUserFile([`web-01 ${ed25519.line}`, `@revoked * ${ed25519.line}`]);
		const result = expectStatus(knownHosts().check('web-01', 22, ed25519.type, ed25519.blob), 'changed');
		expect(result.reason).toBe('revoked');
		expect(result.known).toEqual([{fingerprint: fingerprintSha256(ed25519.blob), file: userFile, line: 2, keyType: 'ssh-ed25519'}]);
		expect(result.message).toContain('@revoked in ~/.ssh/known_hosts line 2');
		expect(result.removeHint).toContain('~/.ssh/known_hosts line 2');
		expect(result.removeCommands).toEqual([]);
	});

	it('does not let a revocation for other hosts affect this one', () => {
		writeUserFile([`web-01 ${ed25519.line}`, `@revoked db-* ${ed25519.line}`]);
		expectStatus(knownHosts().check('web-01', 22, ed25519.type, ed25519.blob), 'match');
	});

	it('skips @cert-authority lines for plain host keys', () => {
		writeUserFile([`@cert-authority *.example.com ${ed25519.line}`]);
		const result = expectStatus(knownHosts().check('vm.example.com', 22, ed25519.type, ed25519.blob), 'unknown');
		expect(result.otherKeys).toEqual([]);
	});
});

describe('KnownHosts with bad input', () => {
	it('ignores comments, blank lines, CRLF and lines it cannot read, and reports them', () => {
		const lines = [
			'# a comment',
			'',
			'   ',
			'garbage',
			'old-ssh1-host 2048 35 25135566567101483196994790440833279750474660393232382279277736257066266618532493517139001963526957179514521981877335815379755618191324858392834843718048308951653115284529736874534289456833723962912807104017411854314007953484461899139734729172209492284327394549713839016541011089227614393937434716826263731',
			`@future-marker host ${ed25519.line}`,
			`mismatch ssh-rsa ${ed25519.line.split(' ')[1]}`,
			`truncated ssh-ed25519 AAAAC3NzaC1lZDI1`,
			`|1|bad|hash ${ed25519.line}`,
			`web-01 ${ed25519.line} a trailing comment`,
		];
		writeFileSync(userFile, lines.join('\r\n'));
		const hosts = knownHosts();
		expect(hosts.check('web-01', 22, ed25519.type, ed25519.blob)).toEqual({status: 'match', file: userFile, line: 10});
		expect(hosts.problems().map(problem => problem.line)).toEqual([4, 5, 6, 7, 8, 9]);
		expect(hosts.problems().find(problem => problem.line === 7)?.reason).toBe('the line says ssh-rsa but the key is ssh-ed25519');
	});

	it('treats an unreadable user file as holding no keys', () => {
		// A folder where the file should be: readFileSync fails with EISDIR (permission errors behave the same,
		// but the tests may run as root, who can read anything).
		mkdirSync(userFile, {recursive: true});
		const hosts = knownHosts();
		expectStatus(hosts.check('web-01', 22, ed25519.type, ed25519.blob), 'unknown');
		expect(hosts.problems()).toEqual([{file: userFile, line: 0, reason: 'cannot be read (EISDIR)'}]);
	});

	it('works with no files at all, and with the user file turned off', () => {
		expectStatus(knownHosts().check('web-01', 22, ed25519.type, ed25519.blob), 'unknown');
		writeUserFile([`web-01 ${ed25519.line}`]);
		const hosts = new KnownHosts({configDir, userFile: null, homeDir: home});
		expect(hosts.files).toEqual([join(configDir, 'known_hosts')]);
		expectStatus(hosts.check('web-01', 22, ed25519.type, ed25519.blob), 'unknown');
	});

	it('defaults the user file to ~/.ssh/known_hosts', () => {
		const hosts = new KnownHosts({configDir, homeDir: home});
		expect(hosts.files).toEqual([join(configDir, 'known_hosts'), join(home, '.ssh', 'known_hosts')]);
	});
});

describe('KnownHosts.add', () => {
	it('creates the folder 0700 and the file 0600 with a hashed line ssh-keygen -F finds', () => {
		const hosts = knownHosts();
		hosts.add('127.0.0.1', 2222, ed25519.type, ed25519.blob);
		expect(statSync(configDir).mode & 0o777).toBe(0o700);
		expect(statSync(hosts.vmuxFile).mode & 0o777).toBe(0o600);
		const text = readFileSync(hosts.vmuxFile, 'utf8');
		expect(text).toMatch(/^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-ed25519 AAAA\S+\n$/);
		expect(text).not.toContain('127.0.0.1');
		const found = sshKeygen(['-F', '[127.0.0.1]:2222', '-f', hosts.vmuxFile]);
		expect(found).toContain('found: line 1');
		expect(found).toContain(ed25519.line.split(' ')[1]);
		expect(hosts.check('127.0.0.1', 2222, ed25519.type, ed25519.blob)).toEqual({status: 'match', file: hosts.vmuxFile, line: 1});
	});

	it('appends without rewriting other lines, even when the last one lacks its newline', () => {
		mkdirSync(configDir, {recursive: true});
		const vmuxFile = join(configDir, 'known_hosts');
		const before = `# kept as is\nweb-01   ${rsa.line}   hand   edited`;
		writeFileSync(vmuxFile, before);
		const hosts = knownHosts();
		hosts.add('web-02', 22, ecdsa.type, ecdsa.blob);
		const after = readFileSync(vmuxFile, 'utf8');
		expect(after.startsWith(before + '\n')).toBe(true);
		expectStatus(hosts.check('web-01', 22, rsa.type, rsa.blob), 'match');
		expect(hosts.check('web-02', 22, ecdsa.type, ecdsa.blob)).toEqual({status: 'match', file: vmuxFile, line: 3});
	});

	it('does not add the same key twice, and never touches ~/.ssh/known_hosts', () => {
		writeUserFile([`web-01 ${rsa.line}`]);
		const userBefore = readFileSync(userFile, 'utf8');
		const hosts = knownHosts();
		hosts.add('web-01', 22, 'rsa-sha2-256', rsa.blob);
		hosts.add('web-01', 22, 'ssh-rsa', rsa.blob);
		expect(readFileSync(hosts.vmuxFile, 'utf8').trim().split('\n')).toHaveLength(1);
		expect(readFileSync(userFile, 'utf8')).toBe(userBefore);
	});

	it('refuses a blob that is not the key type it claims', () => {
		const hosts = knownHosts();
		expect(() => hosts.add('web-01', 22, 'ssh-rsa', ed25519.blob)).toThrow('says ssh-ed25519, not ssh-rsa');
		expect(() => hosts.add('web-01', 22, 'ssh-ed25519', Buffer.from('junk'))).toThrow('not a valid SSH public key');
		expect(existsSync(hosts.vmuxFile)).toBe(false);
	});

	it('explains in a sentence when the file cannot be written', () => {
		// The config dir path is taken by a file, so the folder cannot be created.
		mkdirSync(join(home, '.config'), {recursive: true});
		writeFileSync(configDir, 'not a folder');
		expect(() => knownHosts().add('web-01', 22, ed25519.type, ed25519.blob)).toThrow(
			/vmux could not save the host key of web-01 to ~\/\.config\/vmux\/known_hosts \(E[A-Z]+\)\. Check that you own ~\/\.config\/vmux/,
		);
	});
});
