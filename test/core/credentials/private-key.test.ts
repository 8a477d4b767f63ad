import {createPrivateKey, createPublicKey} from 'node:crypto';
import {chmodSync, copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import ssh2 from 'ssh2';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	type PrivateKeyResult,
	describeReadError,
	loadPrivateKeyFile,
	parsePrivateKey,
} from '../../../source/core/credentials/private-key.js';
import {PASSPHRASE, keyPath, readKey, sshKeygen, tempDir} from '../../fixtures/keys/fixtures.js';

let home: string;
let cleanup: () => void;

beforeEach(() => {
	({dir: home, cleanup} = tempDir('private-key'));
	mkdirSync(join(home, '.ssh'), {mode: 0o700});
});

afterEach(() => cleanup());

/** Copies a fixture into the temp home's ~/.ssh (0600, as ssh-keygen leaves keys) and returns its `~` path. */
function install(name: string, as = name, mode = 0o600): string {
	const target = join(home, '.ssh', as);
	copyFileSync(keyPath(name), target);
	chmodSync(target, mode);
	return `~/.ssh/${as}`;
}

async function load(path: string, passphrase?: string): Promise<PrivateKeyResult> {
	return loadPrivateKeyFile(path, {homeDir: home, passphrase});
}

function expectOk(result: PrivateKeyResult) {
	if (result.status !== 'ok') throw new Error(`expected ok, got ${result.status}: ${result.message}`);
	return result.key;
}

function expectError(result: PrivateKeyResult, code: string) {
	expect(result.status).toBe('error');
	if (result.status !== 'error') throw new Error('unreachable');
	expect(result.code).toBe(code);
	return result.message;
}

/** `ssh-keygen -lf file.pub`, the reference for fingerprints, bits, types and the summary line. */
function keygenSummary(pubName: string): string {
	return sshKeygen(['-lf', keyPath(pubName)]).trim();
}

/** Proves the loaded key is the private half of `pubName`: sign with it, verify with the .pub. */
function expectPairsWith(parsed: ssh2.ParsedKey, publicKeyText: string): void {
	const data = Buffer.from('vmux signs this');
	const signature = parsed.sign(data);
	const publicKey = ssh2.utils.parseKey(publicKeyText);
	if (publicKey instanceof Error) throw publicKey;
	expect(publicKey.verify(data, signature)).toBe(true);
}

describe('loadPrivateKeyFile: formats', () => {
	it.each([
		['id_ed25519', 'openssh'],
		['id_rsa_openssh', 'openssh'],
		['id_rsa_pem', 'pem'],
		['id_ecdsa_pem', 'pem'],
		['id_rsa_pkcs8', 'pkcs8'],
		['id_ecdsa_pkcs8', 'pkcs8'],
	])('loads %s (%s) as the private half of its .pub', async (name, format) => {
		const key = expectOk(await load(install(name)));
		expect(key.format).toBe(format);
		expect(key.encrypted).toBe(false);
		expect(key.passphrase).toBeUndefined();
		expect(key.source).toBe(`~/.ssh/${name}`);
		expect(key.warnings).toEqual([]);
		expectPairsWith(key.parsed, readKey(`${name}.pub`));

		// What ssh2's Client will do with the config vmux hands it.
		const again = ssh2.utils.parseKey(key.privateKey, key.passphrase);
		expect(again).not.toBeInstanceOf(Error);

		const [bits, fingerprint, ...rest] = keygenSummary(`${name}.pub`).split(' ');
		const label = rest.at(-1)!.replace(/[()]/g, '');
		expect(key.description).toMatchObject({bits: Number(bits), fingerprint, label});
	});

	it('describes an OpenSSH key exactly as ssh-keygen -l does, comment included', async () => {
		for (const name of ['id_ed25519', 'id_rsa_openssh']) {
			const key = expectOk(await load(install(name)));
			expect(key.description.summary).toBe(keygenSummary(`${name}.pub`));
			expect(key.description.comment).toBe(readKey(`${name}.pub`).trim().split(' ').slice(2).join(' '));
		}
	});

	it('converts an Ed25519 PKCS#8 key (openssl-made) into one ssh2 reads', async () => {
		const key = expectOk(await load(install('id_ed25519_pkcs8')));
		expect(key.format).toBe('pkcs8');
		expect(key.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
		expect(key.description.type).toBe('ssh-ed25519');
		// The public key ssh2 derived is the one Node derives from the original PKCS#8.
		const raw = createPublicKey(createPrivateKey(readKey('id_ed25519_pkcs8'))).export({format: 'jwk'}).x!;
		expect(key.parsed.getPublicSSH().subarray(-32).equals(Buffer.from(raw, 'base64url'))).toBe(true);
		expect(ssh2.utils.parseKey(key.privateKey)).not.toBeInstanceOf(Error);
		// And the private half works: a signature verifies with Node's own view of the public key.
		const data = Buffer.from('vmux');
		const signature = key.parsed.sign(data);
		const {verify} = await import('node:crypto');
		expect(verify(null, data, createPublicKey(createPrivateKey(readKey('id_ed25519_pkcs8'))), signature)).toBe(true);
	});
});

describe('loadPrivateKeyFile: passphrases', () => {
	it.each([
		['id_ed25519_enc', 'openssh'],
		['id_rsa_pem_enc', 'pem'],
		['id_rsa_pkcs8_enc', 'pkcs8'],
		['id_ed25519_pkcs8_enc', 'pkcs8'],
	])('asks for the passphrase of %s, rejects a wrong one, accepts the right one', async (name, format) => {
		const path = install(name);
		const locked = await load(path);
		expect(locked.status).toBe('needs-passphrase');
		if (locked.status !== 'needs-passphrase') return;
		expect(locked.format).toBe(format);
		expect(locked.message).toBe(`~/.ssh/${name} is protected by a passphrase. Type it to unlock the key.`);

		expect(expectError(await load(path, 'Correct Horse'), 'wrong-passphrase')).toBe(
			`The passphrase for ~/.ssh/${name} is wrong. Type it again; it is case-sensitive.`,
		);

		const key = expectOk(await load(path, PASSPHRASE));
		expect(key.encrypted).toBe(true);
		if (format === 'pkcs8') {
			// Converted and decrypted in memory: ssh2 gets plain text and no passphrase.
			expect(key.passphrase).toBeUndefined();
			expect(key.privateKey).not.toContain('ENCRYPTED');
		} else {
			expect(key.passphrase).toBe(PASSPHRASE);
		}
		expect(ssh2.utils.parseKey(key.privateKey, key.passphrase)).not.toBeInstanceOf(Error);
		if (name !== 'id_ed25519_pkcs8_enc') expectPairsWith(key.parsed, readKey(`${name}.pub`));
	});

	it('names an encrypted OpenSSH key before it is unlocked', async () => {
		const locked = await load(install('id_ed25519_enc'));
		if (locked.status !== 'needs-passphrase') throw new Error(locked.status);
		const [bits, fingerprint] = keygenSummary('id_ed25519_enc.pub').split(' ');
		expect(locked.publicKey).toMatchObject({type: 'ssh-ed25519', bits: Number(bits), fingerprint});
	});

	it('treats an empty passphrase as none', async () => {
		expect((await load(install('id_ed25519_enc'), '')).status).toBe('needs-passphrase');
		expectOk(await load(install('id_ed25519'), ''));
	});
});

describe('loadPrivateKeyFile: wrong files', () => {
	it('says when there is no file, naming it with ~', async () => {
		expect(expectError(await load('~/.ssh/id_missing'), 'not-found')).toBe(
			'There is no file at ~/.ssh/id_missing. Check the key path in the profile, or create a key with: ssh-keygen -t ed25519',
		);
	});

	it('says when a folder was chosen', async () => {
		expect(expectError(await load('~/.ssh'), 'not-a-file')).toBe(
			'~/.ssh is a folder, not a key file. Choose the private key inside it, such as ~/.ssh/id_ed25519.',
		);
	});

	it('says when the .pub file was chosen, and which file to choose instead', async () => {
		install('id_ed25519');
		expect(expectError(await load(install('id_ed25519.pub')), 'public-key')).toBe(
			'~/.ssh/id_ed25519.pub is a public key; vmux needs the private key. Choose id_ed25519 (the same name without .pub) instead.',
		);
	});

	it('says when a certificate was chosen', async () => {
		// A real user certificate, signed by a throwaway CA.
		const ca = join(home, 'ca');
		sshKeygen(['-q', '-t', 'ed25519', '-N', '', '-f', ca]);
		install('id_ed25519');
		install('id_ed25519.pub');
		sshKeygen(['-q', '-s', ca, '-I', 'test', '-n', 'azureuser', join(home, '.ssh', 'id_ed25519.pub')]);
		expect(expectError(await load('~/.ssh/id_ed25519-cert.pub'), 'certificate')).toBe(
			'~/.ssh/id_ed25519-cert.pub is an SSH certificate, not a private key. Choose the private key it was issued for (id_ed25519).',
		);
	});

	it('says when a file is not a key at all', async () => {
		writeFileSync(join(home, '.ssh', 'config'), 'Host *\n  User azureuser\n');
		expect(expectError(await load('~/.ssh/config'), 'unsupported')).toMatch(
			/^~\/\.ssh\/config is not an SSH private key vmux can read: it should start with -----BEGIN OPENSSH PRIVATE KEY-----/,
		);
	});

	it('says when a file is empty or far too big', async () => {
		writeFileSync(join(home, '.ssh', 'empty'), '\n');
		expect(expectError(await load('~/.ssh/empty'), 'empty')).toMatch(/^~\/\.ssh\/empty is empty\./);
		writeFileSync(join(home, '.ssh', 'big'), Buffer.alloc(1024 * 1024, 'A'));
		expect(expectError(await load('~/.ssh/big'), 'too-large')).toMatch(/^~\/\.ssh\/big is 1024 KiB, far too big/);
	});

	it('says when a key is damaged', async () => {
		const lines = readKey('id_ed25519').split('\n');
		// Drop a line from the middle: still the right shape, but the content no longer parses.
		lines.splice(2, 1);
		writeFileSync(join(home, '.ssh', 'id_cut'), lines.join('\n'));
		expect(expectError(await load('~/.ssh/id_cut'), 'damaged')).toMatch(
			/^~\/\.ssh\/id_cut looks like an OpenSSH private key but its contents are damaged \(.+\)\. Copy the key again/,
		);
	});

	it('says a PuTTY v3 key needs converting', () => {
		const result = parsePrivateKey('PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n', {source: '~/key.ppk', fileName: 'key.ppk'});
		expect(expectError(result, 'unsupported')).toBe(
			'~/key.ppk is a PuTTY version 3 key, which vmux cannot read. Convert it: puttygen key.ppk -O private-openssh -o ~/.ssh/id_vmux',
		);
	});

	it('describes permission errors (tests may run as root, so the error is built here)', () => {
		const error = Object.assign(new Error('EACCES: permission denied'), {code: 'EACCES'});
		expect(describeReadError(error, join(home, '.ssh', 'id_rsa'), home)).toBe(
			'vmux may not read ~/.ssh/id_rsa (permission denied). Make the key yours and readable by you: chmod 600 ~/.ssh/id_rsa',
		);
	});

	it.skipIf(process.getuid?.() === 0)('reports a real permission error', async () => {
		const path = install('id_ed25519', 'id_locked', 0o000);
		expect(expectError(await load(path), 'permission-denied')).toContain('chmod 600 ~/.ssh/id_locked');
	});
});

describe('loadPrivateKeyFile: warnings and hygiene', () => {
	it('warns about a key other users can read, as OpenSSH refuses it', async () => {
		const key = expectOk(await load(install('id_ed25519', 'id_loose', 0o644)));
		expect(key.warnings).toEqual([
			'~/.ssh/id_loose can be read by other users (mode 0644); OpenSSH refuses such keys. Run: chmod 600 ~/.ssh/id_loose',
		]);
	});

	it('repairs a key file that was pasted through a one-line box, and says so', async () => {
		writeFileSync(join(home, '.ssh', 'id_pasted'), readKey('id_rsa_pem').trim().replace(/\n/g, ' '), {mode: 0o600});
		const key = expectOk(await load('~/.ssh/id_pasted'));
		expectPairsWith(key.parsed, readKey('id_rsa_pem.pub'));
		expect(key.warnings).toEqual([
			'~/.ssh/id_pasted is damaged: vmux repaired it in memory (restored line breaks that had become spaces and added the missing final newline). Save a clean copy of the key to stop this warning.',
		]);
	});

	it('accepts absolute paths and paths with spaces', async () => {
		mkdirSync(join(home, 'my keys'));
		const target = join(home, 'my keys', 'id ed25519');
		copyFileSync(keyPath('id_ed25519'), target);
		chmodSync(target, 0o600);
		const key = expectOk(await load(target));
		expect(key.source).toBe('~/my keys/id ed25519');
	});

	it('writes nothing: the key folder is unchanged after loading and converting', async () => {
		install('id_rsa_pkcs8_enc');
		const before = readdirSync(join(home, '.ssh')).map(name => [name, statSync(join(home, '.ssh', name)).mtimeMs]);
		expectOk(await load('~/.ssh/id_rsa_pkcs8_enc', PASSPHRASE));
		const after = readdirSync(join(home, '.ssh')).map(name => [name, statSync(join(home, '.ssh', name)).mtimeMs]);
		expect(after).toEqual(before);
	});
});
