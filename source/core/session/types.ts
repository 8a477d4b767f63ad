import type {Duplex} from 'node:stream';

/** One step of the connection lifecycle, as the tab bar and pane show it (issue: connect -> ... -> open). */
export type ConnectionState =
	| {kind: 'connecting'; attempt: number}
	| {kind: 'verifying-host-key'}
	| {kind: 'authenticating'; method?: string}
	| {kind: 'open'; since: number}
	| {
			kind: 'disconnected';
			/** A sentence for the user: what happened and what to do. */
			reason: string;
			/** Transport failures retry with backoff; auth failures and host key refusals never do. */
			retriable: boolean;
			/** When the next automatic attempt is due (ms since epoch), if one is scheduled. */
			retryAt?: number;
			attempt: number;
	  }
	| {kind: 'closed'};

/** How bytes reach the VM's sshd: a TCP socket, a Bastion WebSocket, or a channel through a jump host. */
export interface Transport {
	/** A short description for messages, e.g. "direct 10.0.0.4:22" or "Bastion bas-std". */
	readonly description: string;
	open(signal: AbortSignal): Promise<Duplex>;
	/** Releases anything the transport holds (e.g. Bastion tokens). */
	close?(): Promise<void>;
}

/** One way to authenticate, with the secret already in memory. Built only after the host key is accepted. */
export type AuthStep =
	| {type: 'publickey'; key: Buffer | string; passphrase?: string; label: string}
	| {type: 'password'; password: string; label: string}
	| {type: 'agent'; socket: string; label: string};

export interface HostKeyInfo {
	host: string;
	port: number;
	keyType: string;
	fingerprint: string;
}

export type HostKeyDecision = 'accept-once' | 'accept-save' | 'reject';

/** What the core asks of the user: the UI implements these as dialogs, tests answer them directly. */
export interface Prompter {
	confirmUnknownHostKey(info: HostKeyInfo): Promise<HostKeyDecision>;
	/** Masked input (password, passphrase). `undefined` = the user cancelled. */
	askSecret(request: {title: string; prompt: string}): Promise<string | undefined>;
}

export interface ConnectionSpec {
	/** Label shown in tabs: usually the VM name. */
	label: string;
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
	notes?: string[];
}

export type {Duplex};
