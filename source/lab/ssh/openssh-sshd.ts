import {spawn, type ChildProcess} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {labAssetPath} from '../assets.js';
import {freeLoopbackPort, waitForListening} from '../local-port.js';

export const SSHD_PATH = '/usr/sbin/sshd';
export const SSHD_INSTALL_HINT = 'apt-get install -y openssh-server';

export function sshdAvailable(): boolean {
	return existsSync(SSHD_PATH);
}

export interface OpenSshServer {
	host: string;
	port: number;
	username: string;
	/** The host key the server presents (public line), for known_hosts checks in tests. */
	hostKeyPublic: string;
	dir: string;
	stop(): Promise<void>;
	/** Everything sshd wrote to stderr (-e), for diagnosing failures in tests. */
	log(): string;
}

export interface OpenSshServerOptions {
	/** OpenSSH public key lines accepted for the current user. */
	authorizedKeys: string[];
	hostKeyName?: string;
	/** CA public key lines (`ssh-rsa AAAA… ca`) for TrustedUserCAKeys: user certificates they sign may log in. */
	trustedUserCaKeys?: string[];
	/**
	 * The certificate principals allowed for the current user (AuthorizedPrincipalsFile). Without it sshd
	 * accepts a certificate only when a principal equals the user name.
	 */
	authorizedPrincipals?: string[];
	/** sshd's LogLevel; DEBUG1 also logs each publickey request's algorithm. Default VERBOSE. */
	logLevel?: 'VERBOSE' | 'DEBUG1' | 'DEBUG2' | 'DEBUG3';
	/** More sshd_config lines, e.g. `PubkeyAcceptedAlgorithms …` to narrow what the server takes. */
	extraConfig?: string[];
}

/**
 * Starts OpenSSH's sshd on a loopback port from a throwaway directory: its own config, host key and
 * authorized_keys (and optionally a user CA and authorized principals), key auth only, for the current user.
 * Used where a test or benchmark needs the real OpenSSH server (CI installs openssh-server). Runs with -D so
 * the process is ours to stop.
 */
export async function startOpenSshServer(options: OpenSshServerOptions): Promise<OpenSshServer> {
	if (!sshdAvailable()) throw new Error(`OpenSSH sshd is not installed at ${SSHD_PATH}; install it with: ${SSHD_INSTALL_HINT}`);
	const dir = mkdtempSync(join(tmpdir(), 'vmux-sshd-'));
	chmodSync(dir, 0o755);
	const hostKey = join(dir, 'host_key');
	copyFileSync(labAssetPath(`hostkeys/${options.hostKeyName ?? 'jump-01'}`), hostKey);
	// OpenSSH refuses group/world-readable private keys; git checkouts do not keep 0600.
	chmodSync(hostKey, 0o600);
	const authorizedKeys = join(dir, 'authorized_keys');
	writeFileSync(authorizedKeys, options.authorizedKeys.join('\n') + '\n', {mode: 0o600});
	const certificateConfig: string[] = [];
	if (options.trustedUserCaKeys) {
		const caFile = join(dir, 'trusted_user_ca_keys');
		writeFileSync(caFile, options.trustedUserCaKeys.join('\n') + '\n', {mode: 0o644});
		certificateConfig.push(`TrustedUserCAKeys ${caFile}`);
	}
	if (options.authorizedPrincipals) {
		const principalsFile = join(dir, 'authorized_principals');
		writeFileSync(principalsFile, options.authorizedPrincipals.join('\n') + '\n', {mode: 0o644});
		certificateConfig.push(`AuthorizedPrincipalsFile ${principalsFile}`);
	}
	const port = await freeLoopbackPort();
	const username = userInfo().username;
	const config = [
		`Port ${port}`,
		'ListenAddress 127.0.0.1',
		`HostKey ${hostKey}`,
		`PidFile ${join(dir, 'sshd.pid')}`,
		`AuthorizedKeysFile ${authorizedKeys}`,
		'StrictModes no',
		'UsePAM no',
		'PasswordAuthentication no',
		'KbdInteractiveAuthentication no',
		'PubkeyAuthentication yes',
		'PermitRootLogin prohibit-password',
		'PrintMotd no',
		'PrintLastLog no',
		'UseDNS no',
		'AcceptEnv LANG LC_*',
		`LogLevel ${options.logLevel ?? 'VERBOSE'}`,
		'Subsystem sftp internal-sftp',
		...certificateConfig,
		...(options.extraConfig ?? []),
	];
	const configPath = join(dir, 'sshd_config');
	writeFileSync(configPath, config.join('\n') + '\n');
	// Privilege separation needs this directory when sshd runs as root.
	if (process.getuid?.() === 0) mkdirSync('/run/sshd', {recursive: true, mode: 0o755});
	let stderr = '';
	const child: ChildProcess = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], {stdio: ['ignore', 'ignore', 'pipe']});
	child.stderr!.on('data', chunk => (stderr += chunk.toString()));
	await waitForListening(port, child, 'sshd', () => stderr);
	const hostKeyPublic = readFileSync(`${labAssetPath(`hostkeys/${options.hostKeyName ?? 'jump-01'}`)}.pub`, 'utf8').trim();
	return {
		host: '127.0.0.1',
		port,
		username,
		hostKeyPublic,
		dir,
		log: () => stderr,
		async stop() {
			if (child.exitCode === null) {
				const exited = new Promise(resolve => child.once('exit', resolve));
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(dir, {recursive: true, force: true});
		},
	};
}


