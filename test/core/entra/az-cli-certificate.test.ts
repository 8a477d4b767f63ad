import {generateKeyPairSync} from 'node:crypto';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {AZ_CLI_INSTALL_URL, AzCliCertificateError, azCliCertificates, type AzCliCertificateOptions} from '../../../source/core/entra/az-cli-certificate.js';
import {azErrorLine, runAz} from '../../../source/core/entra/az-cli-run.js';
import {labCloud} from '../../../source/lab/cloud.js';
import {EntraCertificates} from '../../../source/core/entra/certificates.js';
import {createEphemeralKey} from '../../../source/core/entra/ephemeral-key.js';
import {certificateValidity, parseSshCertificate, verifyCertificateSignature} from '../../../source/core/entra/ssh-certificate.js';
import {startLabArm, type LabArm} from '../../../source/lab/arm/index.js';
import {mountLabEntra, type LabEntra} from '../../../source/lab/entra/index.js';
import {rsaPublicBlob} from '../../../source/lab/entra/ssh-ca.js';
import {fakeAzEnv, labRefreshToken, readFakeAzLog, type FakeAzConfig} from '../../helpers/fake-az.js';

/**
 * `az ssh cert` as vmux drives it, with the stand-in az (test/fixtures/az/az) first on PATH: a real child process,
 * real files in a real temporary directory, and for the certificate itself a real HTTPS refresh-token grant against
 * the lab's Entra stand-in.
 */

let arm: LabArm;
let entra: LabEntra;
let scratch: string;
let caFile: string;
let tempRoot: string;
let log: string;

beforeAll(async () => {
	arm = await startLabArm();
	entra = mountLabEntra(arm.server, {tokens: arm.tokens, interval: 1});
	scratch = mkdtempSync(join(tmpdir(), 'vmux-az-cli-test-'));
	caFile = join(scratch, 'lab-ca.pem');
	writeFileSync(caFile, arm.ca);
});
afterAll(async () => {
	entra.close();
	await arm.close();
	rmSync(scratch, {recursive: true, force: true});
});
let run = 0;
beforeEach(() => {
	run += 1;
	tempRoot = join(scratch, `tmp-${run}`);
	mkdirSync(tempRoot);
	log = join(scratch, `az-${run}.log`);
});
afterEach(() => {
	// Whatever happened, `az ssh cert`'s directory is gone.
	expect(readdirSync(tempRoot)).toEqual([]);
});

function publicKeyLine(): {line: string; blob: Buffer} {
	const {publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048});
	const blob = rsaPublicBlob(publicKey);
	return {line: `ssh-rsa ${blob.toString('base64')}`, blob};
}

function az(config: FakeAzConfig = {}, options: AzCliCertificateOptions = {}) {
	return azCliCertificates({env: fakeAzEnv({log, caFile, authority: arm.url, tenant: arm.topology.tenantId, ...config}), tempRoot, ...options});
}

async function failure(promise: Promise<unknown>): Promise<Error> {
	return promise.then(
		() => {
			throw new Error('expected a failure');
		},
		(error: unknown) => error as Error,
	);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('Timed out waiting for the condition.');
		await new Promise(resolve => setTimeout(resolve, 20));
	}
}

describe('usable()', () => {
	test('installed, signed in, with the ssh extension: ok, with the version and who is signed in', async () => {
		expect(await az().usable()).toEqual({ok: true, version: '2.67.0', user: 'alice@contoso.com', tenantId: arm.topology.tenantId});
		expect(readFakeAzLog(log).map(entry => entry.args)).toEqual([
			['version', '--output', 'json'],
			['account', 'show', '--output', 'json'],
			['extension', 'show', '--name', 'ssh', '--output', 'json'],
		]);
	});

	test('az not on PATH: install it, with the link', async () => {
		const env = {...process.env, PATH: join(scratch, 'empty-bin')};
		const result = await azCliCertificates({env, tempRoot}).usable();
		expect(result).toEqual({
			ok: false,
			reason: `The Azure CLI (az) is not installed or not on PATH: install it (${AZ_CLI_INSTALL_URL}) and run az login, or set "entraCertificateSource" to "device-code" in settings.json to sign in within vmux instead.`,
		});
	});

	test('not signed in: run az login', async () => {
		const result = await az({mode: 'not-signed-in'}).usable();
		expect(result).toEqual({
			ok: false,
			reason: 'The Azure CLI is not signed in: run az login (with --tenant <tenant id> for another directory), or set "entraCertificateSource" to "device-code" in settings.json to sign in within vmux instead.',
		});
		// It stopped at the first failure.
		expect(readFakeAzLog(log).map(entry => entry.command)).toEqual(['version', 'account show']);
	});

	test('no ssh extension: az extension add --name ssh', async () => {
		const result = await az({mode: 'no-ssh-extension'}).usable();
		expect(result.ok).toBe(false);
		expect(!result.ok && result.reason).toMatch(/^The Azure CLI does not have the ssh extension, which issues Microsoft Entra ID SSH certificates: run az extension add --name ssh, or set/);
	});

	test('an az that does not start: its own last line and the install link', async () => {
		const result = await az({mode: 'broken'}).usable();
		expect(!result.ok && result.reason).toBe(
			`The Azure CLI did not run (az version: /usr/bin/az: line 3: /opt/az/bin/python3: No such file or directory): reinstall it (${AZ_CLI_INSTALL_URL}), or set "entraCertificateSource" to "device-code" in settings.json to sign in within vmux instead.`,
		);
	});

	test('an az that hangs is stopped at the time limit, with everything it started', async () => {
		const pidFile = join(scratch, `pids-${run}`);
		const started = Date.now();
		const result = await az({mode: 'hang', pidFile}, {checkTimeoutMs: 700}).usable();
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(!result.ok && result.reason).toBe(
			'az version did not finish within 700 ms, so vmux stopped it (last said: Still waiting for the token endpoint...): check the network and run az version yourself to see where it waits, or set "entraCertificateSource" to "device-code" in settings.json to sign in within vmux instead.',
		);
		const [pid, childPid] = readFileSync(pidFile, 'utf8').split(' ').map(Number);
		await waitFor(() => !alive(pid!) && !alive(childPid!));
	});
});

describe('certificate()', () => {
	test('a failed sign-in at Entra: az’s own sentence and the az login it suggests, nothing else of its output', async () => {
		const {line} = publicKeyLine();
		const error = await failure(az({refreshToken: 'not-a-refresh-token'}).certificate(line));
		expect(error).toBeInstanceOf(AzCliCertificateError);
		expect(error.message).toBe(
			'The Azure CLI could not get a Microsoft Entra ID certificate (AADSTS9002313: Invalid request. Request is malformed or invalid.): sign in again with az login --scope https://pas.windows.net/CheckMyAccess/Linux/.default, or set "entraCertificateSource" to "device-code" in settings.json to sign in within vmux instead.',
		);
		// What az was given: two paths in a 0700 directory that held only the public key, and no secret.
		const [entry] = readFakeAzLog(log);
		expect(entry!.args).toEqual(['ssh', 'cert', '--public-key-file', join(entry!.directory!, 'id_rsa.pub'), '--file', join(entry!.directory!, 'id_rsa.pub-aadcert.pub')]);
		expect(entry!.directory!.startsWith(join(tempRoot, 'vmux-az-ssh-'))).toBe(true);
		expect(entry!.directoryMode).toBe(0o700);
		expect(entry!.files).toEqual(['id_rsa.pub']);
	});

	test('a Python traceback becomes its exception line; the traceback is not shown', async () => {
		const error = await failure(az({mode: 'traceback'}).certificate(publicKeyLine().line));
		expect(error.message).toBe(
			'The Azure CLI could not get a Microsoft Entra ID certificate (AttributeError: \'NoneType\' object has no attribute \'get\'): run az ssh cert --file <some file> yourself to see the whole error, or set "entraCertificateSource" to "device-code" in settings.json to sign in within vmux instead.',
		);
		expect(error.message).not.toMatch(/Traceback|File "|knack/);
	});

	test('a hanging az ssh cert is killed at the time limit and its directory removed', async () => {
		const pidFile = join(scratch, `pids-${run}`);
		const error = await failure(az({mode: 'hang', pidFile}, {certificateTimeoutMs: 800}).certificate(publicKeyLine().line));
		expect(error.message).toMatch(/^az ssh cert did not finish within 800 ms, so vmux stopped it/);
		const [pid, childPid] = readFileSync(pidFile, 'utf8').split(' ').map(Number);
		await waitFor(() => !alive(pid!) && !alive(childPid!));
	});

	test('abort kills az at once and removes the directory', async () => {
		const pidFile = join(scratch, `pids-${run}`);
		const controller = new AbortController();
		const pending = failure(az({mode: 'hang', pidFile}).certificate(publicKeyLine().line, controller.signal));
		await waitFor(() => readFakeAzLog(log).length > 0 && readdirSync(tempRoot).length === 1);
		await waitFor(() => {
			try {
				return readFileSync(pidFile, 'utf8').includes(' ');
			} catch {
				return false;
			}
		});
		const started = Date.now();
		controller.abort();
		const error = await pending;
		expect(error.name).toBe('AbortError');
		expect(Date.now() - started).toBeLessThan(3_000);
		const [pid, childPid] = readFileSync(pidFile, 'utf8').split(' ').map(Number);
		await waitFor(() => !alive(pid!) && !alive(childPid!));
	});

	test('az not installed, and a key az cannot certify, are sentences', async () => {
		const env = {...process.env, PATH: join(scratch, 'empty-bin')};
		const missing = await failure(azCliCertificates({env, tempRoot}).certificate(publicKeyLine().line));
		expect(missing.message).toMatch(/^The Azure CLI \(az\) is not installed or not on PATH: install it/);
		const ed25519 = readFileSync(new URL('../../fixtures/keys/id_ed25519.pub', import.meta.url), 'utf8');
		const notRsa = await failure(az().certificate(ed25519));
		expect(notRsa.message).toBe('The Azure CLI certifies RSA public keys only, given as an "ssh-rsa AAAA…" line, and vmux was about to give it "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI...".');
		expect(readFakeAzLog(log)).toEqual([]);
	});

	test('without a sign-in (the extension’s own check) the fix is az login', async () => {
		const error = await failure(az({mode: 'not-signed-in'}).certificate(publicKeyLine().line));
		expect(error.message).toMatch(/^The Azure CLI could not get a Microsoft Entra ID certificate \(Please run 'az login' to setup account\.\): sign in again with az login, or set/);
	});
});

describe('certificate() with the lab’s Entra behind the stand-in', () => {
	let refreshToken: string;
	beforeAll(async () => {
		// As `az login --use-device-code` leaves az: signed in, holding a refresh token.
		refreshToken = await labRefreshToken(arm.url, arm.ca, entra, arm.topology.tenantId);
	});

	test('az ssh cert gets a user certificate for vmux’s key through the refresh-token grant', async () => {
		const {line, blob} = publicKeyLine();
		const start = entra.requests.length;
		const raw = await az({refreshToken}).certificate(line);
		const cert = parseSshCertificate(raw);
		expect(cert.type).toBe('ssh-rsa-cert-v01@openssh.com');
		expect(cert.certType).toBe('user');
		expect(cert.publicKey.equals(blob)).toBe(true);
		expect(cert.principals).toEqual(['alice@contoso.com']);
		expect(cert.keyId).toMatch(new RegExp(`^[0-9a-f-]+@${arm.topology.tenantId}$`));
		expect(cert.extensions).toMatchObject({'tid@sshservice.azure.net': arm.topology.tenantId, 'permit-pty': ''});
		expect(certificateValidity(cert)).toBe('valid');
		expect(verifyCertificateSignature(cert)).toBe(true);
		expect(cert.signatureKey.equals(entra.sshCa.publicKeyBlob)).toBe(true);
		// One token request reached Entra: the refresh-token grant asking for an SSH certificate.
		expect(entra.requests.slice(start)).toEqual([expect.objectContaining({method: 'POST', grantType: 'refresh_token', tokenType: 'ssh-cert', status: 200})]);
		const [entry] = readFakeAzLog(log);
		expect(entry!.files).toEqual(['id_rsa.pub']);
		expect(JSON.stringify(entry!.args)).not.toContain(refreshToken);
	});

	test('EntraCertificates takes it from the Azure CLI for "cli", and for "auto" once az is usable', async () => {
		const cloud = labCloud(arm.url, arm.ca);
		const key = await createEphemeralKey(2048);
		const cli = az({refreshToken});
		for (const setting of ['cli', 'auto'] as const) {
			const login = await new EntraCertificates({cloud, setting, cli, createKey: async () => key}).get();
			expect(login).toMatchObject({source: 'cli', username: 'alice@contoso.com'});
			expect(login.parsed.publicKey.equals(key.publicKeyBlob)).toBe(true);
		}
		// `auto` asked whether az is usable once (three az runs), then ran az ssh cert; `cli` went straight to it.
		expect(readFakeAzLog(log).map(entry => entry.command)).toEqual(['ssh cert', 'version', 'account show', 'extension show', 'ssh cert']);
		// Without a sign-in of vmux's own to fall back to, `auto` says why the Azure CLI was not usable.
		const notSignedIn = await failure(new EntraCertificates({cloud, setting: 'auto', cli: az({mode: 'not-signed-in'}), createKey: async () => key}).get());
		expect(notSignedIn.message).toBe(
			'No Entra SSH certificate source is usable, since vmux has no sign-in of its own here. The Azure CLI is not signed in: run az login (with --tenant <tenant id> for another directory), or set "entraCertificateSource" to "device-code" in settings.json to sign in within vmux instead.',
		);
	});

	test('a positive usable() is reused for a while; a failed az ssh cert forgets it', async () => {
		const cli = az({refreshToken: 'revoked'});
		expect((await cli.usable()).ok).toBe(true);
		expect((await cli.usable()).ok).toBe(true);
		await failure(cli.certificate(publicKeyLine().line));
		expect((await cli.usable()).ok).toBe(true);
		expect(readFakeAzLog(log).map(entry => entry.command)).toEqual(['version', 'account show', 'extension show', 'ssh cert', 'version', 'account show', 'extension show']);
	});

	test('a certificate for another key than vmux’s is refused', async () => {
		const error = await failure(az({refreshToken, mode: 'other-key'}).certificate(publicKeyLine().line));
		expect(error.message).toMatch(/^The Azure CLI wrote a certificate for another key than the one vmux gave it, so vmux cannot use it: update the ssh extension/);
	});

	test('az ssh cert that succeeds without writing the file', async () => {
		const error = await failure(az({refreshToken, mode: 'no-certificate'}).certificate(publicKeyLine().line));
		expect(error.message).toMatch(/^az ssh cert finished without writing a certificate: run az ssh cert --file <some file> yourself to see why/);
	});

	test('Entra refusing the certificate request (the PAS scope of another cloud) is az’s sentence with the az login to run', async () => {
		const error = await failure(az({refreshToken, cloud: 'AzureChinaCloud'}).certificate(publicKeyLine().line));
		expect(error.message).toMatch(/^The Azure CLI could not get a Microsoft Entra ID certificate \(AADSTS\d+: [^)]*\): sign in again with az login --scope https:\/\/pas\.chinacloudapi\.cn\/CheckMyAccess\/Linux\/\.default, or set/);
	});
});

describe('runAz', () => {
	test('keeps the start of stdout and the end of stderr, within the bound, however much az prints', async () => {
		const script = 'process.stdout.write("{" + "o".repeat(3e6)); process.stderr.write("e".repeat(3e6) + "\\nERROR: the last word\\n")';
		const result = await runAz({command: process.execPath, args: ['-e', script], env: process.env, timeoutMs: 20_000, maxOutputBytes: 4096});
		expect(result.outcome).toBe('exited');
		if (result.outcome !== 'exited') return;
		expect(result.code).toBe(0);
		expect(result.stdout).toHaveLength(4096);
		expect(result.stdout.startsWith('{ooo')).toBe(true);
		expect(result.stderr).toHaveLength(4096);
		expect(azErrorLine(result.stderr)).toBe('the last word');
	});
});

describe('azErrorLine', () => {
	test('picks the error out of az’s output', () => {
		expect(azErrorLine("ERROR: Please run 'az login' to setup account.\n")).toBe("Please run 'az login' to setup account.");
		expect(
			azErrorLine(
				'WARNING: A warning\nERROR: AADSTS700082: The refresh token has expired due to inactivity. Trace ID: 1 Correlation ID: 2 Timestamp: 3\nInteractive authentication is needed. Please run:\naz login --scope https://pas.windows.net/CheckMyAccess/Linux/.default\n',
			),
		).toBe('AADSTS700082: The refresh token has expired due to inactivity.');
		expect(azErrorLine('\u001b[91mERROR: coloured\u001b[0m\n')).toBe('coloured');
		expect(azErrorLine('just a line\n   indented detail\n')).toBe('just a line');
		expect(azErrorLine('WARNING: Still waiting\n')).toBe('Still waiting');
		expect(azErrorLine('WARNING: Still waiting\nERROR: the error\n')).toBe('the error');
		expect(azErrorLine('')).toBeUndefined();
		expect(azErrorLine(`ERROR: ${'x'.repeat(10_000)}`)!.length).toBeLessThanOrEqual(300);
		expect(azErrorLine('ERROR: \u001b]0;title\u0007 evil')).not.toMatch(/\u001b|\u0007/);
	});
});
