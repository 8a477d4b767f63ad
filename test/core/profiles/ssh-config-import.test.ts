import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {runProfilesCommand} from '../../../source/commands/profiles.js';
import {importSshConfig, MAX_CONFIG_BYTES} from '../../../source/core/profiles/ssh-config-import.js';
import {ProfileStore} from '../../../source/core/profiles/store.js';

const FIXTURE_HOME = resolve(import.meta.dirname, '../../fixtures/ssh-config/home');

function capture() {
	let text = '';
	const write = (chunk: string) => {
		text += chunk;
		return true;
	};
	return {write, text: () => text} as unknown as NodeJS.WritableStream & {text(): string};
}

describe('ssh_config import', () => {
	const dirs: string[] = [];
	const temp = () => {
		const dir = mkdtempSync(join(tmpdir(), 'vmux-sshcfg-'));
		dirs.push(dir);
		return dir;
	};
	afterEach(() => {
		for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
	});

	it('turns Host entries into profiles with HostName, User, Port, IdentityFile, ProxyJump and Host * defaults; follows Include', () => {
		const found = importSshConfig(join(FIXTURE_HOME, '.ssh/config'), {homeDir: FIXTURE_HOME, localUser: 'me'});
		const byName = new Map(found.profiles.map(p => [p.name, p]));
		expect([...byName.keys()]).toEqual(['lab-vm', 'bastion-box', 'web1', 'web1.internal']);
		expect(byName.get('bastion-box')).toMatchObject({target: {kind: 'host', host: '203.0.113.7'}, port: 2222, username: 'ops', transport: {kind: 'direct'}, auth: {type: 'key-file', path: '~/.ssh/id_ops'}});
		// User and IdentityFile from `Host *` (first value wins, as in ssh); ProxyJump becomes the jump transport.
		expect(byName.get('web1')).toMatchObject({target: {host: '10.0.1.4'}, port: 22, username: 'defaultuser', transport: {kind: 'jump', via: 'bastion-box'}, auth: {type: 'key-file', path: '~/.ssh/id_default'}, options: {forwardAgent: true}});
		expect(byName.get('lab-vm')).toMatchObject({target: {host: 'lab.example.org'}, username: 'labuser'});
		expect(found.files.map(file => file.slice(FIXTURE_HOME.length))).toEqual(['/.ssh/config', '/.ssh/conf.d/10-lab.conf']);
		const reasons = new Map(found.skipped.map(s => [s.host, s.reason]));
		expect(reasons.get('legacy')).toMatch(/ProxyCommand/);
		expect(reasons.get('chain')).toMatch(/several hosts/);
		expect(reasons.get('lost')).toMatch(/ProxyJump nowhere\.example\.com is neither a Host entry of this file nor a saved profile/);
		expect(reasons.get('Host *.corp')).toMatch(/wildcard-only/);
		expect(reasons.get('Host *')).toMatch(/wildcard-only/);
		expect([...reasons.keys()].find(key => key.startsWith('Match'))).toBe('Match host *.corp exec test -f /tmp/x');
		expect(found.profiles.some(p => p.name === 'not-included')).toBe(false);
	});

	it('a ProxyJump may name a saved profile', () => {
		const dir = temp();
		writeFileSync(join(dir, 'config'), 'Host inner\n  HostName 10.1.1.1\n  User u\n  ProxyJump ops@saved-jump:22\n');
		const found = importSshConfig(join(dir, 'config'), {homeDir: dir, existingNames: ['saved-jump']});
		expect(found.profiles[0]).toMatchObject({name: 'inner', transport: {kind: 'jump', via: 'saved-jump'}, auth: {type: 'agent'}});
	});

	it('refuses a missing, binary, huge or looping file with one sentence', () => {
		const dir = temp();
		expect(() => importSshConfig(join(dir, 'nope'))).toThrow(/nope does not exist: name an ssh_config file/);
		writeFileSync(join(dir, 'bin'), Buffer.from([0x48, 0, 1, 2]));
		expect(() => importSshConfig(join(dir, 'bin'))).toThrow(/not a text file/);
		writeFileSync(join(dir, 'huge'), 'x'.repeat(MAX_CONFIG_BYTES + 1));
		expect(() => importSshConfig(join(dir, 'huge'))).toThrow(/over 1024 KiB/);
		writeFileSync(join(dir, 'loop'), `Include ${join(dir, 'loop')}\n`);
		expect(() => importSshConfig(join(dir, 'loop'))).toThrow(/deeper than 8 levels/);
	});

	it('vmux profiles import-ssh-config: --dry-run changes nothing; the import adds, keeps existing names unless --replace, lists what was skipped', async () => {
		const home = temp();
		cpSync(FIXTURE_HOME, home, {recursive: true});
		const configDir = temp();
		new ProfileStore({configDir}).save({name: 'lab-vm', target: {kind: 'host', host: '192.0.2.50'}, transport: {kind: 'direct'}, port: 22, username: 'mine', auth: {type: 'password'}});
		const run = async (...args: string[]) => {
			const stdout = capture();
			const stderr = capture();
			const code = await runProfilesCommand(['import-ssh-config', ...args], {configDir, stdout, stderr, homeDir: home});
			return {code, stdout: stdout.text(), stderr: stderr.text()};
		};
		const dry = await run('--dry-run');
		expect(dry.code).toBe(0);
		expect(dry.stdout).toContain('Would import 4 profiles from');
		expect(dry.stdout).toContain('  add web1: defaultuser@10.0.1.4:22 via bastion-box, key ~/.ssh/id_default, forwards the agent');
		expect(dry.stdout).toContain('  keep the saved lab-vm: labuser@lab.example.org:22');
		expect(dry.stdout).toMatch(/Skipped 6:\n {2}Match host/);
		expect(new ProfileStore({configDir}).list().map(p => p.name)).toEqual(['lab-vm']);

		const real = await run();
		expect(real.stdout).toContain('Imported 3 of 4 hosts');
		expect(real.stdout).toContain('kept the saved "lab-vm" (same name; use --replace to overwrite)');
		const store = new ProfileStore({configDir});
		expect(store.get('lab-vm')?.username).toBe('mine');
		expect(store.get('web1')?.transport).toEqual({kind: 'jump', via: 'bastion-box'});

		const replaced = await run('--replace');
		expect(replaced.stdout).toContain('replaced lab-vm: labuser@lab.example.org:22');
		expect(new ProfileStore({configDir}).get('lab-vm')?.username).toBe('labuser');

		const missing = await run(join(home, 'missing-config'));
		expect(missing.code).toBe(1);
		expect(missing.stderr).toMatch(/^vmux: .*missing-config does not exist/);
	});
});
