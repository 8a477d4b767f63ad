import {execFileSync} from 'node:child_process';
import {generateKeyPairSync} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Client} from 'ssh2';
import {HostKeyPolicy} from '../../source/core/session/host-key-policy.js';
import {KnownHosts} from '../../source/core/session/known-hosts.js';
import {HandshakeError, sshHandshake} from '../../source/core/session/ssh-handshake.js';
import type {AuthStep, ConnectionSpec} from '../../source/core/session/types.js';
import {DirectTransport} from '../../source/core/transport/direct.js';
import {ScriptedPrompter} from './lab-session.js';
import {createLabSshCa, PERMIT_EXTENSIONS, rsaPublicBlob, type LabSshCa, type SignRequest} from '../../source/lab/entra/ssh-ca.js';

/** An ephemeral RSA key as Entra's certificates certify it: PKCS#1 PEM (what ssh2 reads) and its `ssh-rsa` blob. */
export interface EphemeralKey {
	pem: string;
	publicBlob: Buffer;
}

/** 2048 bits: vmux uses 3072, but tests make many keys and the bits change nothing in the protocol. */
export function ephemeralRsaKey(bits = 2048): EphemeralKey {
	const {privateKey, publicKey} = generateKeyPairSync('rsa', {modulusLength: bits});
	return {pem: privateKey.export({type: 'pkcs1', format: 'pem'}).toString(), publicBlob: rsaPublicBlob(publicKey)};
}

export function testCa(): LabSshCa {
	return createLabSshCa({bits: 2048});
}

export const PRINCIPAL = 'alice@contoso.com';
export const KEY_ID = '00000000-0000-0000-0000-00000000a11c@72f988bf-0000-0000-0000-000000000000';

/** An Entra-like user certificate (key id `<oid>@<tid>`, principal alice@contoso.com, now-5 min .. now+60 min). */
export function entraLikeCertificate(ca: LabSshCa, key: EphemeralKey, overrides: Partial<SignRequest> = {}): Buffer {
	const now = Date.now();
	return ca.sign({
		publicKey: key.publicBlob,
		keyId: KEY_ID,
		principals: [PRINCIPAL],
		validAfter: new Date(now - 5 * 60_000),
		validBefore: new Date(now + 60 * 60_000),
		extensions: {
			'oid@sshservice.azure.net': '00000000-0000-0000-0000-00000000a11c',
			'tid@sshservice.azure.net': '72f988bf-0000-0000-0000-000000000000',
			...Object.fromEntries(PERMIT_EXTENSIONS.map(name => [name, ''])),
		},
		serial: 42n,
		...overrides,
	});
}

export function certificateStep(key: EphemeralKey, certificate: Buffer, username: string, expiresAt?: number): AuthStep {
	return {type: 'certificate', key: key.pem, certificate, username, label: `certificate for ${PRINCIPAL}`, ...(expiresAt !== undefined ? {expiresAt} : {})};
}

/** A connection spec whose credentials are `steps`; the profile's user is `username` (a certificate brings its own). */
export function stepsSpec(server: {host: string; port: number}, label: string, username: string, steps: AuthStep[]): ConnectionSpec {
	return {label, host: server.host, port: server.port, username, transport: new DirectTransport(server.host, server.port), credentials: async () => steps};
}

/** vmux's real handshake (host key accepted once, known_hosts in `configDir`): the ready client or the HandshakeError. */
export async function handshake(spec: ConnectionSpec, configDir: string): Promise<{client?: Client; error?: HandshakeError}> {
	const hostKeys = new HostKeyPolicy(new KnownHosts({configDir, userFile: null}));
	try {
		const {client} = await sshHandshake({spec, hostKeys, prompter: new ScriptedPrompter('accept-once'), signal: new AbortController().signal, reconnect: false});
		// A server stopped while the test's client is still closing resets it: that is not what tests check.
		client.on('error', () => {});
		return {client};
	} catch (error) {
		if (error instanceof HandshakeError) return {error};
		throw error;
	}
}

/** Runs `command` over `client` (no PTY) and resolves with its stdout. */
export function execOutput(client: Client, command: string): Promise<string> {
	return new Promise((resolve, reject) => {
		client.exec(command, (error, stream) => {
			if (error) return reject(error);
			let output = '';
			stream.on('data', (data: Buffer) => (output += data.toString()));
			stream.stderr.resume();
			stream.on('close', () => resolve(output));
		});
	});
}

export const SSH_KEYGEN = '/usr/bin/ssh-keygen';

/**
 * An Ed25519 key and its user certificate (principal alice@contoso.com, now-5 min .. now+60 min) made by
 * OpenSSH's own ssh-keygen with an Ed25519 CA, in `dir`: the lab CA signs RSA keys only.
 */
export function sshKeygenEd25519Certificate(dir: string): {caLine: string; key: string; certificate: Buffer} {
	if (!existsSync(SSH_KEYGEN)) throw new Error(`${SSH_KEYGEN} is missing; install it with: apt-get install -y openssh-client`);
	const run = (...args: string[]) => execFileSync(SSH_KEYGEN, args, {stdio: 'pipe'});
	run('-q', '-t', 'ed25519', '-N', '', '-C', 'ed-ca', '-f', join(dir, 'ed_ca'));
	run('-q', '-t', 'ed25519', '-N', '', '-C', 'ed-user', '-f', join(dir, 'ed_user'));
	run('-q', '-s', join(dir, 'ed_ca'), '-I', 'ed25519-cert', '-n', PRINCIPAL, '-V', '-5m:+60m', '-z', '7', join(dir, 'ed_user.pub'));
	const line = readFileSync(join(dir, 'ed_user-cert.pub'), 'utf8').trim().split(/\s+/);
	return {
		caLine: readFileSync(join(dir, 'ed_ca.pub'), 'utf8').trim(),
		key: readFileSync(join(dir, 'ed_user'), 'utf8'),
		certificate: Buffer.from(line[1]!, 'base64'),
	};
}
