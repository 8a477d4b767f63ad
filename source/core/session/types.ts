import type {Forward} from '../profiles/schema.js';
import type {Duplex} from 'node:stream';
import type {EntraVm} from '../entra/vm-requirements.js';

/** One step of the connection lifecycle, as the tab bar and pane show it (issue: connect -> ... -> open). */
export type ConnectionState =
	| {kind: 'connecting'; attempt: number}
	| {kind: 'verifying-host-key'}
	/**
	 * From the host key's acceptance to the server's answer. `activity` says what vmux is doing meanwhile
	 * (waiting for a typed passphrase, unlocking a key), so "Verifying the host key…" never outlasts it.
	 */
	| {kind: 'authenticating'; method?: string; activity?: string}
	/** `login`: who the server let in, when that is worth showing (an Entra ID certificate: user and expiry). */
	| {kind: 'open'; since: number; login?: LoginIdentity}
	| {
			kind: 'disconnected';
			/** A sentence for the user: what happened and what to do. */
			reason: string;
			/** Transport failures retry with backoff; auth failures and host key refusals never do. */
			retriable: boolean;
			/** When the next automatic attempt is due (ms since epoch), if one is scheduled. */
			retryAt?: number;
			attempt: number;
			/** What kind of failure it was: decides what the session offers next (see core/session/disconnect-text). */
			cause?: DisconnectCause;
	  }
	| {kind: 'closed'};

/**
 * Why a connection is down. `network`: transport trouble (retries). `host-key`: the key on file changed or
 * is revoked (Ctrl-b r helps once the old key is removed). `host-key-this-run`: the key accepted once in this
 * run changed (nothing on disk to remove; no retry can succeed). `host-key-rejected`: the user said no.
 * `auth`: the server refused the credentials. `credentials`: vmux could not build them (profile problem).
 * `cancelled`: the user cancelled a password or passphrase prompt.
 */
export type DisconnectCause = 'network' | 'host-key' | 'host-key-this-run' | 'host-key-rejected' | 'auth' | 'credentials' | 'cancelled';

/** Who a connection is logged in as, for the tab bar and the session picker. */
export interface LoginIdentity {
	user: string;
	/** When the credential stops working for new logins (ms since epoch); the open session is not affected. */
	validUntil?: number;
	/** What proved it, e.g. "Microsoft Entra ID certificate". */
	via: string;
}

/** How bytes reach the VM's sshd: a TCP socket, a Bastion WebSocket, or a channel through a jump host. */
export interface Transport {
	/** A short description for messages, e.g. "direct 10.0.0.4:22" or "Bastion bas-std". */
	readonly description: string;
	open(signal: AbortSignal): Promise<Duplex>;
	/** Releases anything the transport holds (e.g. Bastion tokens). */
	close?(): Promise<void>;
}

/** One way to authenticate, with the secret already in memory. Built only after the host key is accepted. */
export type AuthStep = AuthMethod & {
	/** Who this step logs in as, when worth showing (the status names it once the session is open). */
	login?: LoginIdentity;
	/** When this credential stops working for new logins (ms since epoch): a reconnect builds it again before. */
	expiresAt?: number;
};

type AuthMethod =
	| {type: 'publickey'; key: Buffer | string; passphrase?: string; label: string}
	/** `typed`: the user typed it at connect, so a refusal asks again (3 tries, like OpenSSH). */
	| {type: 'password'; password: string; label: string; typed?: boolean}
	| {type: 'agent'; socket: string; label: string}
	/**
	 * An OpenSSH user certificate (Microsoft Entra ID's, contracts §4) for an in-memory key. It logs in as its
	 * own `username` (the certificate's first principal), not the profile's. `label` names the certificate in
	 * messages ("certificate for alice@contoso.com"); `expiresAt` is the certificate's valid-before.
	 */
	| {type: 'certificate'; key: string; certificate: Buffer; username: string; label: string};

export interface HostKeyInfo {
	host: string;
	port: number;
	keyType: string;
	fingerprint: string;
}

export type HostKeyDecision = 'accept-once' | 'accept-save' | 'reject';

/** A device-code sign-in to show: where to go, the code to enter, and Entra's own sentence. */
export interface SignInPrompt {
	url: string;
	code: string;
	message: string;
}

/** What the core asks of the user: the UI implements these as dialogs, tests answer them directly. */
export interface Prompter {
	confirmUnknownHostKey(info: HostKeyInfo): Promise<HostKeyDecision>;
	/** Masked input (password, passphrase). `undefined` = the user cancelled. */
	askSecret(request: {title: string; prompt: string}): Promise<string | undefined>;
	/**
	 * Shows a device-code sign-in (Microsoft Entra ID certificates) until the returned function is called;
	 * `onCancel` runs when the user closes it first. Absent where nobody can sign in (scripts, some tests).
	 */
	showSignIn?(prompt: SignInPrompt, onCancel: () => void): () => void;
}

export interface ConnectionSpec {
	/** Label shown in tabs: usually the VM name. */
	label: string;
	/** The profile's saved port forwards (core/forwards), opened with the connection. */
	forwards?: Forward[];
	profileName?: string;
	/** Host and port as the VM's sshd knows them; known_hosts entries use these. */
	host: string;
	port: number;
	username: string;
	transport: Transport;
	/** Called after the host key is accepted, once per connect: may prompt or fetch from Key Vault. */
	credentials(context: {prompter: Prompter; reconnect: boolean; signal?: AbortSignal}): Promise<AuthStep[]>;
	keepaliveIntervalSec?: number;
	keepaliveCountMax?: number;
	/** The Bastion it goes through, for concurrency limits and display. */
	bastionId?: string;
	/**
	 * Set for Microsoft Entra ID profiles: the VM a refused certificate is explained for, since the server only
	 * says "Permission denied (publickey)" when the VM lacks the extension, the identity or your role.
	 */
	entraVm?: EntraVm;
	/**
	 * Agent forwarding (the profile's `forwardAgent`): the ssh-agent socket whose keys the VM may use while connected,
	 * requested on every session channel. Absent: no forwarding.
	 */
	forwardAgent?: string;
	/** The profile's recording options (asciicast, core/recording): from the start, and with typed input. */
	record?: {fromStart: boolean; input: boolean};
	/** The session goes through a Premium Bastion with session recording on: it records the session too. */
	bastionRecords?: boolean;
	notes?: string[];
}

export type {Duplex};
