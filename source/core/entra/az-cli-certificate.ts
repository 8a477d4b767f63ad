import {chmod, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {keyTypeOfBlob} from '../credentials/ssh-wire.js';
import {printable} from '../profiles/printable.js';
import {azErrorLine, azLoginSuggestion, runAz, type AzRunResult} from './az-cli-run.js';
import {parseSshCertificate, type SshCertificate} from './ssh-certificate.js';

/**
 * Microsoft Entra ID SSH certificates through the Azure CLI (issue 9 §2): when `az` is installed, signed in and
 * has the `ssh` extension, `az ssh cert` certifies a public key vmux made, with the user's existing `az login`.
 * Only the public key and the certificate touch disk (neither is secret), in a 0700 directory that is removed
 * whatever happens; the private key never leaves vmux's memory and nothing secret is put on az's command line.
 *
 * What the extension does (Azure/azure-cli-extensions src/ssh/azext_ssh/custom.py `ssh_cert`): it reads
 * `--public-key-file` (an `ssh-rsa` line only), asks Entra for the certificate and writes
 * `ssh-rsa-cert-v01@openssh.com <base64>` to `--file` (default: the public key path + `-aadcert.pub`).
 */

export const AZ_CLI_INSTALL_URL = 'https://learn.microsoft.com/cli/azure/install-azure-cli';

/** How to leave the Azure CLI out, for the end of a sentence about it. */
const OR_OWN_SIGN_IN = 'or set "entraCertificateSource" to "device-code" in settings.json to sign in within vmux instead';

export interface AzCliCertificateOptions {
	/** The az executable; default `az` (`az.cmd` on Windows), looked up on PATH. */
	command?: string;
	/** The environment az runs in; default this process's. */
	env?: NodeJS.ProcessEnv;
	/** Time each check (`az version`, `az account show`, `az extension show`) may take; default 30 s. */
	checkTimeoutMs?: number;
	/** Time `az ssh cert` may take (it may refresh a token over a slow network); default 90 s. */
	certificateTimeoutMs?: number;
	/** Output kept of each az run; default 256 KiB. */
	maxOutputBytes?: number;
	/** Where the temporary directory is made; default os.tmpdir(). */
	tempRoot?: string;
	/**
	 * How long a positive `usable()` answer is reused before az is asked again; default 10 minutes. Three az runs
	 * take seconds, and `auto` asks before every certificate. A failed `az ssh cert` forgets it at once.
	 */
	usableCacheMs?: number;
}

export type AzCliUsability =
	| {ok: true; /** az's version, when `az version` said. */ version?: string; /** Who az is signed in as. */ user?: string; tenantId?: string}
	| {ok: false; reason: string};

export interface AzCliCertificates {
	/**
	 * Whether az can issue a certificate now: installed, signed in, with the ssh extension; else why not and the
	 * fix. Three az runs of a second or so each; rejects with an AbortError when `signal` aborts.
	 */
	usable(signal?: AbortSignal): Promise<AzCliUsability>;
	/**
	 * The certificate blob for `publicKeyLine` (`ssh-rsa AAAA…`), checked to be a user certificate of that key.
	 * Throws AzCliCertificateError with a sentence, or an AbortError when `signal` aborts (az is killed first).
	 */
	certificate(publicKeyLine: string, signal?: AbortSignal): Promise<Buffer>;
}

/** Why the Azure CLI gave no certificate: a sentence naming what happened and the fix. */
export class AzCliCertificateError extends Error {
	override name = 'AzCliCertificateError';
}

const PUBLIC_KEY_FILE = 'id_rsa.pub';
/** The name the extension itself gives a certificate for `id_rsa.pub`. */
const CERTIFICATE_FILE = `${PUBLIC_KEY_FILE}-aadcert.pub`;
/** Certificates are a few kB; anything much larger is not one. */
const MAX_CERTIFICATE_FILE_BYTES = 64 * 1024;

export function azCliCertificates(options: AzCliCertificateOptions = {}): AzCliCertificates {
	const command = options.command ?? (process.platform === 'win32' ? 'az.cmd' : 'az');
	const env: NodeJS.ProcessEnv = {
		...(options.env ?? process.env),
		// Plain text to read, and never a prompt to install an extension (stdin is closed; az would fail oddly).
		AZURE_CORE_NO_COLOR: 'True',
		AZURE_EXTENSION_USE_DYNAMIC_INSTALL: 'no',
	};
	const checkTimeoutMs = options.checkTimeoutMs ?? 30_000;
	const certificateTimeoutMs = options.certificateTimeoutMs ?? 90_000;
	const maxOutputBytes = options.maxOutputBytes ?? 256 * 1024;

	const az = (args: string[], timeoutMs: number, signal: AbortSignal | undefined) =>
		runAz({command, args, env, timeoutMs, signal, maxOutputBytes});

	const usableCacheMs = options.usableCacheMs ?? 10 * 60_000;
	let cached: {answer: AzCliUsability; until: number} | undefined;

	async function usable(signal?: AbortSignal): Promise<AzCliUsability> {
		if (cached && Date.now() < cached.until) return cached.answer;
		const answer = await checkUsable(signal);
		cached = answer.ok ? {answer, until: Date.now() + usableCacheMs} : undefined;
		return answer;
	}

	async function checkUsable(signal?: AbortSignal): Promise<AzCliUsability> {
		const version = await az(['version', '--output', 'json'], checkTimeoutMs, signal);
		const notRunning = problem(version, 'az version', checkTimeoutMs, signal);
		if (notRunning) return {ok: false, reason: notRunning};
		if (version.outcome === 'exited' && version.code !== 0) {
			return {ok: false, reason: `The Azure CLI did not run (az version: ${azErrorLine(version.stderr) ?? `exit status ${version.code}`}): reinstall it (${AZ_CLI_INSTALL_URL}), ${OR_OWN_SIGN_IN}.`};
		}
		const cliVersion = stringAt(parseJson(version), 'azure-cli');

		const account = await az(['account', 'show', '--output', 'json'], checkTimeoutMs, signal);
		const accountProblem = problem(account, 'az account show', checkTimeoutMs, signal);
		if (accountProblem) return {ok: false, reason: accountProblem};
		if (account.outcome === 'exited' && account.code !== 0) {
			const said = azErrorLine(account.stderr);
			// "Please run 'az login' to setup account." is how az says it has no signed-in account.
			const notSignedIn = /az login/i.test(account.stderr);
			return {
				ok: false,
				reason: notSignedIn
					? `The Azure CLI is not signed in: run az login (with --tenant <tenant id> for another directory), ${OR_OWN_SIGN_IN}.`
					: `The Azure CLI could not read its signed-in account (${said ?? `exit status ${account.code}`}): run az login, ${OR_OWN_SIGN_IN}.`,
			};
		}
		const accountJson = parseJson(account);
		const user = stringAt(objectAt(accountJson, 'user'), 'name');
		const tenantId = stringAt(accountJson, 'tenantId');

		const extension = await az(['extension', 'show', '--name', 'ssh', '--output', 'json'], checkTimeoutMs, signal);
		const extensionProblem = problem(extension, 'az extension show', checkTimeoutMs, signal);
		if (extensionProblem) return {ok: false, reason: extensionProblem};
		if (extension.outcome === 'exited' && extension.code !== 0) {
			const said = azErrorLine(extension.stderr);
			const missing = /not installed/i.test(extension.stderr);
			return {
				ok: false,
				reason: missing
					? `The Azure CLI does not have the ssh extension, which issues Microsoft Entra ID SSH certificates: run az extension add --name ssh, ${OR_OWN_SIGN_IN}.`
					: `The Azure CLI could not say whether its ssh extension is installed (${said ?? `exit status ${extension.code}`}): run az extension add --name ssh, ${OR_OWN_SIGN_IN}.`,
			};
		}
		return {ok: true, ...(cliVersion ? {version: cliVersion} : {}), ...(user ? {user} : {}), ...(tenantId ? {tenantId} : {})};
	}

	async function certificate(publicKeyLine: string, signal?: AbortSignal): Promise<Buffer> {
		const publicKey = rsaPublicKey(publicKeyLine);
		if (signal?.aborted) throw abortError();
		// mkdtemp makes the directory 0700; chmod says so again in case a umask or platform thought otherwise.
		const dir = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'vmux-az-ssh-'));
		try {
			await chmod(dir, 0o700);
			const publicKeyFile = join(dir, PUBLIC_KEY_FILE);
			const certificateFile = join(dir, CERTIFICATE_FILE);
			await writeFile(publicKeyFile, `ssh-rsa ${publicKey.toString('base64')} vmux-entra\n`, {mode: 0o600, flag: 'wx'});
			const result = await az(['ssh', 'cert', '--public-key-file', publicKeyFile, '--file', certificateFile], certificateTimeoutMs, signal);
			const notRunning = problem(result, 'az ssh cert', certificateTimeoutMs, signal);
			if (notRunning || (result.outcome === 'exited' && result.code !== 0)) cached = undefined;
			if (notRunning) throw new AzCliCertificateError(notRunning);
			if (result.outcome === 'exited' && result.code !== 0) throw new AzCliCertificateError(sshCertFailure(result.stderr, result.code));
			const cert = await readCertificate(certificateFile);
			if (!cert.publicKey.equals(publicKey)) {
				throw new AzCliCertificateError('The Azure CLI wrote a certificate for another key than the one vmux gave it, so vmux cannot use it: update the ssh extension (az extension update --name ssh), ' + OR_OWN_SIGN_IN + '.');
			}
			if (cert.certType !== 'user') {
				throw new AzCliCertificateError(`The Azure CLI wrote a ${cert.certType} certificate, not a user certificate, so vmux cannot log in with it: update the ssh extension (az extension update --name ssh), ${OR_OWN_SIGN_IN}.`);
			}
			return cert.raw;
		} finally {
			await rm(dir, {recursive: true, force: true, maxRetries: 3});
		}
	}

	return {usable, certificate};
}

/** The `ssh-rsa` key blob of an OpenSSH public key line; the extension certifies RSA keys only. */
function rsaPublicKey(line: string): Buffer {
	const [type, base64] = line.trim().split(/\s+/);
	const blob = base64 && /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : undefined;
	if (type !== 'ssh-rsa' || !blob || keyTypeOfBlob(blob) !== 'ssh-rsa') {
		throw new AzCliCertificateError(`The Azure CLI certifies RSA public keys only, given as an "ssh-rsa AAAA…" line, and vmux was about to give it "${printable(line, 40)}".`);
	}
	return blob;
}

async function readCertificate(file: string): Promise<SshCertificate> {
	let text: string;
	try {
		const size = (await stat(file)).size;
		if (size > MAX_CERTIFICATE_FILE_BYTES) throw new AzCliCertificateError(`az ssh cert wrote ${size} bytes where a certificate of a few kB belongs, so vmux did not read it: update the ssh extension (az extension update --name ssh), ${OR_OWN_SIGN_IN}.`);
		text = await readFile(file, 'utf8');
	} catch (error) {
		if (error instanceof AzCliCertificateError) throw error;
		throw new AzCliCertificateError(`az ssh cert finished without writing a certificate: run az ssh cert --file <some file> yourself to see why, ${OR_OWN_SIGN_IN}.`);
	}
	try {
		return parseSshCertificate(text);
	} catch (error) {
		throw new AzCliCertificateError(`The certificate az ssh cert wrote cannot be read: ${(error as Error).message} Update the ssh extension (az extension update --name ssh), ${OR_OWN_SIGN_IN}.`);
	}
}

/** Not run, stopped, or cancelled: a sentence for each (undefined once az ran to its end, whatever its status). */
function problem(result: AzRunResult, what: string, timeoutMs: number, signal: AbortSignal | undefined): string | undefined {
	switch (result.outcome) {
		case 'exited':
			return undefined;
		case 'not-found':
			return `The Azure CLI (az) is not installed or not on PATH: install it (${AZ_CLI_INSTALL_URL}) and run az login, ${OR_OWN_SIGN_IN}.`;
		case 'timed-out': {
			const said = azErrorLine(result.stderr);
			return `${what} did not finish within ${duration(timeoutMs)}, so vmux stopped it${said ? ` (last said: ${said})` : ''}: check the network and run ${what} yourself to see where it waits, ${OR_OWN_SIGN_IN}.`;
		}
		case 'aborted':
			throw signal?.reason instanceof Error ? signal.reason : abortError();
	}
}

/** az ssh cert's failure as a sentence: its own last word, and the sign-in to redo when that is what it needs. */
function sshCertFailure(stderr: string, code: number | null): string {
	const said = azErrorLine(stderr) ?? `exit status ${code}`;
	const login = azLoginSuggestion(stderr);
	const needsSignIn = login !== undefined || /AADSTS(50076|50078|50079|50173|65001|70043|700082|70008|530003)\b|interaction_required|az login/i.test(stderr);
	if (needsSignIn) return `The Azure CLI could not get a Microsoft Entra ID certificate (${said}): sign in again with ${login ?? 'az login'}, ${OR_OWN_SIGN_IN}.`;
	if (/is misspelled or not recognized|not installed/i.test(stderr)) {
		return `The Azure CLI could not run az ssh cert (${said}): install the ssh extension with az extension add --name ssh, ${OR_OWN_SIGN_IN}.`;
	}
	return `The Azure CLI could not get a Microsoft Entra ID certificate (${said}): run az ssh cert --file <some file> yourself to see the whole error, ${OR_OWN_SIGN_IN}.`;
}

function duration(ms: number): string {
	return ms < 1000 ? `${ms} ms` : ms % 1000 === 0 ? `${ms / 1000} seconds` : `${(ms / 1000).toFixed(1)} seconds`;
}

function abortError(): Error {
	const error = new Error('Getting a Microsoft Entra ID certificate from the Azure CLI was cancelled.');
	error.name = 'AbortError';
	return error;
}

function parseJson(result: AzRunResult): unknown {
	if (result.outcome !== 'exited') return undefined;
	try {
		return JSON.parse(result.stdout) as unknown;
	} catch {
		return undefined;
	}
}

function objectAt(value: unknown, key: string): unknown {
	return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringAt(value: unknown, key: string): string | undefined {
	const found = objectAt(value, key);
	return typeof found === 'string' && found !== '' ? printable(found, 120) : undefined;
}
