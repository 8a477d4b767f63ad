import {EventEmitter} from 'node:events';
import {spawn as spawnChild} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {connect as netConnect, type AddressInfo, type Socket} from 'node:net';
import {constants as osConstants, tmpdir} from 'node:os';
import {join} from 'node:path';
import {randomBytes, timingSafeEqual} from 'node:crypto';
import ssh2 from 'ssh2';
import type {AuthContext, Connection, ParsedKey, PublicKeyAuthContext, PseudoTtyInfo, ServerChannel} from 'ssh2';
import pty from 'node-pty';
import {removeOwnTempDir} from '../remove-own-temp-dir.js';
import {caKeyBlob, checkUserCertificate, isCertificateAlgorithm, type CertificateRefusal} from './user-certificate-check.js';

const {Server, utils} = ssh2;

/** OpenSSH's SFTP server program (Debian/Ubuntu path; openssh-sftp-server). */
export const SFTP_SERVER_PATH = '/usr/lib/openssh/sftp-server';

/** The name prefix of the private temp home a server makes when it is given none. */
const HOME_PREFIX = 'vmux-lab-home-';

export interface LabUser {
	username: string;
	/** Accepted for `password` and `keyboard-interactive` auth. */
	password?: string;
	/** OpenSSH public key lines (`ssh-ed25519 AAAA… comment`) accepted for `publickey` auth. */
	authorizedKeys?: string[];
	/**
	 * Certificate principals allowed to log in as this user, like sshd's AuthorizedPrincipalsFile (e.g.
	 * `alice@contoso.com` for `alice`). Default: the user name itself, as sshd does without that file.
	 */
	principals?: string[];
}

export interface LabSshServerOptions {
	/** The demo VM this server stands in for; shown in the prompt. */
	vmName: string;
	/** Private host key (OpenSSH or PEM). Stable per VM so known_hosts entries survive restarts. */
	hostKey: Buffer | string;
	users: LabUser[];
	/**
	 * OpenSSH public key lines of the CAs whose user certificates may log in (sshd's TrustedUserCAKeys), e.g.
	 * the lab's Entra CA. None: certificate logins are refused.
	 */
	trustedUserCaKeys?: string[];
	host?: string;
	/** 0 = ephemeral. A restarted server keeps the port it first got. */
	port?: number;
	/**
	 * Working directory (and HOME) for the shells. By default a fresh private temp dir (mkdtemp, 0700) that
	 * stop() removes: never a predictable shared path another user could plant files or symlinks in.
	 */
	home?: string;
	/**
	 * Where `direct-tcpip` requests (ssh -J, jump-host transports) may go: maps the VM address a client
	 * asks for to the lab's loopback address. Unmapped destinations are refused, like an NSG would.
	 */
	forward?(host: string, port: number): {host: string; port: number} | undefined;
}

export interface AuthAttempt {
	method: string;
	username: string;
	/** Whether this attempt would have been accepted (a publickey query without signature counts as a probe). */
	accepted: boolean;
	at: number;
	/** publickey: the request's algorithm (`rsa-sha2-256-cert-v01@openssh.com`, `ssh-ed25519`, …). */
	keyAlgorithm?: string;
	/** publickey with a signature: the algorithm the signature blob names (`rsa-sha2-256`). */
	signatureAlgorithm?: string;
	/** Whether the attempt carried a signature (false: a query). */
	signed?: boolean;
	/** A refused certificate: which check failed. */
	reason?: CertificateRefusal;
	/** A certificate attempt: its key id, serial (decimal, so attempts stay JSON-friendly) and principals. */
	certificate?: {keyId: string; serial: string; principals: string[]};
}

/**
 * A real SSH server for the lab: ssh2's `Server` with node-pty shells, so full-screen programs behave like
 * on a VM. It records what clients did (connections, channels, auth attempts) so tests can prove, for
 * example, that no credential was sent before the host key was accepted.
 */
export class LabSshServer extends EventEmitter {
	readonly vmName: string;
	readonly host: string;
	port: number;
	readonly connections: Array<{remotePort: number; at: number}> = [];
	readonly sessions: Array<{connection: number; kind: 'shell' | 'exec' | 'sftp'; command?: string; term?: string}> = [];
	readonly authAttempts: AuthAttempt[] = [];

	private server: InstanceType<typeof Server> | undefined;
	private readonly sockets = new Set<Socket>();
	private readonly clients = new Set<Connection>();
	private readonly ptys = new Set<pty.IPty>();
	private readonly allowedKeys: Map<string, ParsedKey[]>;
	private readonly trustedCaKeys: Buffer[];
	readonly home: string;
	/** A lab-private bin dir put first on the shells' PATH: `whoami` there names the SSH user, not the OS user. */
	private readonly binDir: string;
	/** Whether this server made `home` (and so removes it on stop). */
	private readonly ownsHome: boolean;

	constructor(private readonly options: LabSshServerOptions) {
		super();
		this.vmName = options.vmName;
		this.host = options.host ?? '127.0.0.1';
		this.port = options.port ?? 0;
		this.ownsHome = options.home === undefined;
		if (options.home === undefined) this.home = mkdtempSync(join(tmpdir(), HOME_PREFIX));
		else {
			this.home = options.home;
			mkdirSync(this.home, {recursive: true, mode: 0o700});
		}
		this.allowedKeys = new Map(
			options.users.map(user => [
				user.username,
				(user.authorizedKeys ?? []).map(line => {
					const parsed = utils.parseKey(line);
					if (parsed instanceof Error) throw new Error(`Lab user ${user.username}: bad authorized key: ${parsed.message}`);
					return Array.isArray(parsed) ? parsed[0]! : parsed;
				}),
			]),
		);
		this.trustedCaKeys = (options.trustedUserCaKeys ?? []).map(caKeyBlob);
		this.binDir = join(this.home, '.vmux-lab-bin');
		writeWhoamiShim(this.binDir);
	}

	get address(): {host: string; port: number} {
		return {host: this.host, port: this.port};
	}

	async start(): Promise<this> {
		const server = new Server({hostKeys: [this.options.hostKey], ident: `vmux-lab-${this.vmName}`}, (client, info) =>
			this.onClient(client, info.port),
		);
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, this.host, () => {
				server.off('error', reject);
				resolve();
			});
		});
		this.port = (server.address() as AddressInfo).port;
		this.server = server;
		return this;
	}

	/** Simulates the VM or network vanishing: every socket is destroyed and the port stops listening. */
	async kill(): Promise<void> {
		for (const p of this.ptys) p.kill();
		this.ptys.clear();
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		this.clients.clear();
		const server = this.server;
		this.server = undefined;
		if (server) await new Promise<void>(resolve => server.close(() => resolve()));
	}

	/** Starts listening again on the same port after kill(). */
	async restart(): Promise<this> {
		if (this.server) return this;
		return this.start();
	}

	async stop(): Promise<void> {
		await this.kill();
		if (this.ownsHome) removeOwnTempDir(this.home, tmpdir(), HOME_PREFIX);
	}

	private onClient(client: Connection, remotePort: number): void {
		const index = this.connections.push({remotePort, at: Date.now()}) - 1;
		this.clients.add(client);
		// Keep the raw socket so kill() can drop it the way a network failure would (no SSH disconnect message).
		const socket = (client as unknown as {_sock?: Socket})._sock;
		if (socket) {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		}
		client.on('error', () => {});
		client.on('close', () => this.clients.delete(client));
		/** Who logged in on this connection: the shells run as them (USER, PS1, whoami). */
		let username = this.options.users[0]?.username ?? 'azureuser';
		client.on('authentication', ctx =>
			this.authenticate(ctx, () => {
				username = ctx.username;
			}),
		);
		client.on('ready', () => {
			client.on('tcpip', (accept, reject, info) => {
				const target = this.options.forward?.(info.destIP, info.destPort);
				if (!target) return reject();
				const upstream = netConnect(target.port, target.host);
				upstream.once('connect', () => {
					const channel = accept();
					channel.pipe(upstream).pipe(channel);
					channel.on('close', () => upstream.destroy());
					upstream.on('close', () => channel.close());
				});
				upstream.once('error', () => reject());
			});
			client.on('session', accept => {
				const session = accept();
				let ptyInfo: PseudoTtyInfo | undefined;
				let term: pty.IPty | undefined;
				const env: Record<string, string> = {};
				session.on('env', (acceptEnv, _reject, info) => {
					env[info.key] = info.val;
					acceptEnv?.();
				});
				session.on('pty', (acceptPty, _reject, info) => {
					ptyInfo = info;
					acceptPty?.();
				});
				session.on('window-change', (acceptChange, _reject, info) => {
					if (ptyInfo) ptyInfo = {...ptyInfo, cols: info.cols, rows: info.rows};
					term?.resize(Math.max(1, info.cols), Math.max(1, info.rows));
					acceptChange?.();
				});
				session.on('shell', acceptShell => {
					const stream = acceptShell();
					this.sessions.push({connection: index, kind: 'shell', term: ptyInfo?.term});
					term = this.spawnPty(stream, ['-i'], ptyInfo, env, username);
				});
				// SFTP as on a VM: OpenSSH's own sftp-server, run as this user in the VM's home (scp and vmux's files use it).
				// (A 'subsystem' listener and no 'sftp' one: ssh2 then hands over the raw channel, not its own SFTP parser.)
				session.on('subsystem', (acceptSubsystem, rejectSubsystem, info) => {
					if (info.name !== 'sftp' || !existsSync(SFTP_SERVER_PATH)) return rejectSubsystem?.();
					const stream = acceptSubsystem();
					this.sessions.push({connection: index, kind: 'sftp'});
					this.spawnSftpServer(stream, username);
				});
				session.on('exec', (acceptExec, _reject, info) => {
					const stream = acceptExec();
					this.sessions.push({connection: index, kind: 'exec', command: info.command, term: ptyInfo?.term});
					if (ptyInfo) term = this.spawnPty(stream, ['-c', info.command], ptyInfo, env, username);
					else this.spawnPlain(stream, info.command, env, username);
				});
			});
		});
	}

	/** Decides one authentication request; `onAccepted` runs when it logs the user in. */
	private authenticate(ctx: AuthContext, onAccepted: () => void): void {
		const record = (accepted: boolean, details: Partial<AuthAttempt> = {}) =>
			this.authAttempts.push({method: ctx.method, username: ctx.username, accepted, at: Date.now(), ...details});
		const user = this.options.users.find(u => u.username === ctx.username);
		const methods: Array<'password' | 'publickey' | 'keyboard-interactive'> = ['publickey', 'password', 'keyboard-interactive'];
		const accept = () => {
			onAccepted();
			ctx.accept();
		};
		switch (ctx.method) {
			case 'password': {
				const ok = Boolean(user?.password) && safeEqual(ctx.password, user!.password!);
				record(ok);
				return ok ? accept() : ctx.reject(methods);
			}
			case 'keyboard-interactive': {
				if (!user?.password) {
					record(false);
					return ctx.reject(methods);
				}
				ctx.prompt([{prompt: 'Password: ', echo: false}], 'vmux lab', '', answers => {
					const ok = safeEqual(answers[0] ?? '', user.password!);
					record(ok);
					if (ok) accept();
					else ctx.reject(methods);
				});
				return;
			}
			case 'publickey': {
				if (isCertificateAlgorithm(ctx.key.algo)) return this.authenticateCertificate(ctx, user, record, accept, methods);
				const key = (this.allowedKeys.get(ctx.username) ?? []).find(
					k => k.type === ctx.key.algo.replace(/^rsa-sha2-(256|512)$/, 'ssh-rsa') && k.getPublicSSH().equals(ctx.key.data),
				);
				if (!key) {
					record(false);
					return ctx.reject(methods);
				}
				if (!ctx.signature || !ctx.blob) {
					// The client only asked whether this key would do; the real attempt follows with a signature.
					record(true);
					return ctx.accept();
				}
				const ok = key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
				record(ok);
				return ok ? accept() : ctx.reject(methods);
			}
			default:
				record(false);
				return ctx.reject(methods);
		}
	}

	/**
	 * A publickey request with an OpenSSH certificate (`rsa-sha2-256-cert-v01@openssh.com`): accepted only as
	 * sshd with TrustedUserCAKeys and AuthorizedPrincipalsFile would (see user-certificate-check).
	 */
	private authenticateCertificate(
		ctx: PublicKeyAuthContext,
		user: LabUser | undefined,
		record: (accepted: boolean, details?: Partial<AuthAttempt>) => void,
		accept: () => void,
		methods: Array<'password' | 'publickey' | 'keyboard-interactive'>,
	): void {
		// The ssh2 patch hands over the algorithm the signature blob names (see patches/ssh2+1.17.0.patch).
		const signatureAlgorithm = (ctx as PublicKeyAuthContext & {signatureAlgo?: string}).signatureAlgo;
		const signed = Boolean(ctx.signature && ctx.blob);
		const outcome = checkUserCertificate(
			{
				algorithm: ctx.key.algo,
				certificate: ctx.key.data,
				signed: signed ? {signature: ctx.signature!, signatureAlgorithm, data: ctx.blob!, hashAlgo: ctx.hashAlgo} : undefined,
			},
			// An unknown user allows no principal, so its certificate is refused as 'principal'.
			{trustedCaKeys: this.trustedCaKeys, principals: user ? (user.principals ?? [user.username]) : []},
		);
		const cert = outcome.certificate;
		const details: Partial<AuthAttempt> = {
			keyAlgorithm: ctx.key.algo,
			signed,
			...(signatureAlgorithm !== undefined ? {signatureAlgorithm} : {}),
			...(cert ? {certificate: {keyId: cert.keyId, serial: cert.serial.toString(), principals: cert.principals}} : {}),
			...(outcome.ok ? {} : {reason: outcome.reason}),
		};
		record(outcome.ok, details);
		if (!outcome.ok) return ctx.reject(methods);
		// A query ("would this certificate do?") is answered with PK_OK; the signed request logs in.
		return signed ? accept() : ctx.accept();
	}

	private shellEnv(username: string, extra: Record<string, string>, termName?: string): Record<string, string> {
		const base: Record<string, string> = {};
		for (const key of ['PATH', 'LANG', 'LC_ALL', 'TZ']) if (process.env[key]) base[key] = process.env[key]!;
		return {
			...base,
			LANG: base.LANG ?? 'C.UTF-8',
			...extra,
			PATH: base.PATH ? `${this.binDir}:${base.PATH}` : this.binDir,
			HOME: this.home,
			USER: username,
			LOGNAME: username,
			TERM: termName ?? 'xterm-256color',
			PS1: `${username}@${this.vmName}:\\w\\$ `,
			HISTFILE: join(this.home, '.bash_history'),
		};
	}

	private spawnPty(stream: ServerChannel, args: string[], info: PseudoTtyInfo | undefined, env: Record<string, string>, username: string): pty.IPty {
		const term = pty.spawn('/bin/bash', ['--noprofile', '--norc', ...args], {
			name: info?.term ?? 'xterm-256color',
			cols: Math.max(1, info?.cols || 80),
			rows: Math.max(1, info?.rows || 24),
			cwd: this.home,
			env: this.shellEnv(username, env, info?.term),
			// Raw bytes both ways: the client's terminal emulator does the UTF-8 decoding.
			encoding: null,
		});
		this.ptys.add(term);
		term.onData((data: string | Buffer) => {
			// Respect the client's window: pause the PTY while the channel's buffer is full.
			if (!stream.write(data)) {
				term.pause();
				stream.once('drain', () => term.resume());
			}
		});
		stream.on('data', (data: Buffer) => term.write(data));
		term.onExit(({exitCode, signal}) => {
			this.ptys.delete(term);
			if (signal) stream.exit(signalName(signal), false, '');
			else stream.exit(exitCode);
			stream.end();
		});
		stream.on('close', () => {
			if (this.ptys.has(term)) term.kill();
		});
		return term;
	}

	/**
	 * The sftp subsystem: OpenSSH's sftp-server speaking the SFTP protocol on stdin/stdout, started in the
	 * VM's home so relative paths and `.` resolve there as on a VM. Its stderr (logging) is dropped.
	 */
	private spawnSftpServer(stream: ServerChannel, username: string): void {
		const child = spawnChild(SFTP_SERVER_PATH, ['-e', '-l', 'ERROR', '-d', this.home], {cwd: this.home, env: this.shellEnv(username, {}), stdio: ['pipe', 'pipe', 'ignore']});
		// Not ended with stdout: the exit status must go out before the channel closes (scp checks it).
		child.stdout.pipe(stream, {end: false});
		stream.pipe(child.stdin);
		child.stdin.on('error', () => {});
		child.on('error', () => stream.close());
		child.on('close', code => {
			stream.exit(code ?? 1);
			stream.end();
		});
		stream.on('close', () => {
			if (child.exitCode === null) child.kill('SIGTERM');
		});
	}

	private spawnPlain(stream: ServerChannel, command: string, env: Record<string, string>, username: string): void {
		const child = spawnChild('/bin/bash', ['--noprofile', '--norc', '-c', command], {
			cwd: this.home,
			env: this.shellEnv(username, env),
		});
		child.stdout.pipe(stream, {end: false});
		child.stderr.pipe(stream.stderr, {end: false});
		stream.pipe(child.stdin);
		child.on('close', code => {
			stream.exit(code ?? 1);
			stream.end();
		});
	}
}

/**
 * The lab's shells run as the OS user whoever logs in; `whoami` should name the SSH user as on a VM. The shim
 * prints $USER, which the server sets to the user who logged in on that connection.
 */
function writeWhoamiShim(binDir: string): void {
	mkdirSync(binDir, {recursive: true, mode: 0o700});
	const shim = join(binDir, 'whoami');
	const text = '#!/bin/sh\n# vmux lab: the SSH user this shell belongs to.\nprintf \'%s\\n\' "$USER"\n';
	if (existsSync(shim) && readFileSync(shim, 'utf8') === text) return;
	// Servers sharing a home (the demo's run dir) may write it at once: a rename never shows a half-written file.
	const temp = `${shim}.${process.pid}.${randomBytes(4).toString('hex')}`;
	writeFileSync(temp, text, {mode: 0o700});
	chmodSync(temp, 0o700);
	renameSync(temp, shim);
}

/** ssh2 wants the signal's name without "SIG" (RFC 4254 §6.10); node-pty reports its number. */
function signalName(signal: number): string {
	const entry = Object.entries(osConstants.signals).find(([, value]) => value === signal);
	return entry ? entry[0].replace(/^SIG/, '') : 'KILL';
}

function safeEqual(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}
