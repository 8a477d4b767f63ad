import {copyFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {generateKeyPairSync} from 'node:crypto';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {checkPrivateKeyFile, expandHome} from '../../../source/core/profiles/key-file.js';
import {labUserKeyPath} from '../../helpers/lab-credentials.js';
import {tempDir} from './helpers.js';

let home: string;
let cleanup: () => void;
beforeEach(() => {
	({dir: home, cleanup} = tempDir('vmux-home-'));
	mkdirSync(join(home, '.ssh'));
});
afterEach(() => cleanup());

describe('checkPrivateKeyFile', () => {
	it('expands ~ like a shell', () => {
		expect(expandHome('~', '/home/a')).toBe('/home/a');
		expect(expandHome('~/.ssh/id_rsa', '/home/a')).toBe('/home/a/.ssh/id_rsa');
		expect(expandHome('/etc/x~', '/home/a')).toBe('/etc/x~');
	});

	it.each(['demo_ed25519', 'demo_rsa'])('accepts the private key %s through ~', name => {
		copyFileSync(labUserKeyPath(name), join(home, '.ssh', name));
		expect(checkPrivateKeyFile(`~/.ssh/${name}`, home)).toMatchObject({ok: true, path: join(home, '.ssh', name), encrypted: false});
	});

	it('accepts an encrypted key (its passphrase is asked at connect)', () => {
		copyFileSync(labUserKeyPath('demo_ed25519_encrypted'), join(home, '.ssh', 'enc'));
		expect(checkPrivateKeyFile('~/.ssh/enc', home)).toMatchObject({ok: true, encrypted: true});
	});

	it('accepts a PKCS#8 key, which OpenSSH reads', () => {
		const {privateKey} = generateKeyPairSync('ed25519', {privateKeyEncoding: {type: 'pkcs8', format: 'pem'}, publicKeyEncoding: {type: 'spki', format: 'pem'}});
		writeFileSync(join(home, 'pkcs8'), privateKey);
		expect(checkPrivateKeyFile(join(home, 'pkcs8'))).toMatchObject({ok: true, format: 'pkcs8', keyType: 'ed25519'});
	});

	it('refuses a public key, naming the private one to pick', () => {
		copyFileSync(labUserKeyPath('demo_rsa.pub'), join(home, '.ssh', 'id_rsa.pub'));
		expect(checkPrivateKeyFile('~/.ssh/id_rsa.pub', home)).toEqual({
			ok: false,
			path: join(home, '.ssh', 'id_rsa.pub'),
			message: `${join(home, '.ssh', 'id_rsa.pub')} is a public key; choose the private key (usually the same name without .pub).`,
		});
	});

	it('refuses missing files, directories and files that are not keys', () => {
		expect(checkPrivateKeyFile('~/.ssh/nope', home)).toMatchObject({ok: false, message: expect.stringMatching(/does not exist; expected an SSH private key file/)});
		expect(checkPrivateKeyFile('~/.ssh', home)).toMatchObject({ok: false, message: expect.stringMatching(/is a directory/)});
		writeFileSync(join(home, 'notes.txt'), 'hello');
		expect(checkPrivateKeyFile(join(home, 'notes.txt'))).toMatchObject({ok: false, message: expect.stringMatching(/is not an SSH private key/)});
		writeFileSync(join(home, 'big'), Buffer.alloc(100_000));
		expect(checkPrivateKeyFile(join(home, 'big'))).toMatchObject({ok: false, message: expect.stringMatching(/too large for an SSH private key/)});
		// Reading a key must not change it.
		expect(readFileSync(join(home, 'notes.txt'), 'utf8')).toBe('hello');
	});
});
