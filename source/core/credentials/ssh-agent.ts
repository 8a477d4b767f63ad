import {existsSync, readFileSync} from 'node:fs';
import ssh2 from 'ssh2';
import {expandHome} from './home-path.js';

/**
 * The user's ssh-agent (SSH_AUTH_SOCK): which keys it holds, and whether one of them is a given key file's. The
 * agent signs for vmux; its private keys never leave it. Listing is bounded in time: a stale socket whose agent
 * hangs must not hold up a connect.
 */

/** How long the agent gets to list its keys. */
const AGENT_TIMEOUT_MS = 3000;

export interface AgentKey {
	/** The public key blob (the wire format), for comparing with a key file's. */
	blob: Buffer;
	type: string;
	comment: string;
}

/** The agent's socket from the environment, when set. */
export function agentSocketFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
	const socket = env.SSH_AUTH_SOCK?.trim();
	return socket ? socket : undefined;
}

/** The keys the agent at `socket` holds; rejects with a sentence when it cannot be asked. */
export function listAgentKeys(socket: string, timeoutMs = AGENT_TIMEOUT_MS): Promise<AgentKey[]> {
	return new Promise((resolve, reject) => {
		if (!existsSync(socket)) return reject(new Error(`The ssh-agent socket ${socket} (SSH_AUTH_SOCK) does not exist: start an agent (eval "$(ssh-agent)") and add your key (ssh-add).`));
		const timer = setTimeout(() => reject(new Error(`The ssh-agent at ${socket} did not answer within ${timeoutMs / 1000} s.`)), timeoutMs);
		const agent = new ssh2.OpenSSHAgent(socket);
		agent.getIdentities((error, keys) => {
			clearTimeout(timer);
			if (error) return reject(new Error(`Could not ask the ssh-agent at ${socket} for its keys: ${error.message}`));
			resolve(
				(keys ?? []).map(key => {
					const parsed = key as unknown as {type: string; comment?: string; getPublicSSH(): Buffer};
					return {blob: parsed.getPublicSSH(), type: parsed.type, comment: parsed.comment ?? ''};
				}),
			);
		});
	});
}

/**
 * The public key blob of a private key file, without its passphrase: from the `.pub` beside it, else from the file
 * itself when it is not encrypted (an OpenSSH-format file also carries its public key in the clear). Undefined when
 * neither tells.
 */
export function publicBlobOfKeyFile(path: string, homeDir?: string): Buffer | undefined {
	const file = homeDir === undefined ? expandHome(path) : expandHome(path, homeDir);
	try {
		const pub = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/);
		if (pub[1]) return Buffer.from(pub[1], 'base64');
	} catch {
		// No .pub beside it: read the key itself.
	}
	try {
		const text = readFileSync(file, 'utf8');
		const parsed = ssh2.utils.parseKey(text);
		if (!(parsed instanceof Error)) return (Array.isArray(parsed) ? parsed[0] : parsed)?.getPublicSSH();
		// An encrypted OpenSSH key keeps its public key in the clear, after the cipher, KDF and key count.
		const match = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]+?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
		if (!match) return undefined;
		const body = Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
		let offset = 'openssh-key-v1\0'.length;
		const readString = () => {
			const length = body.readUInt32BE(offset);
			const value = body.subarray(offset + 4, offset + 4 + length);
			offset += 4 + length;
			return value;
		};
		readString(); // cipher
		readString(); // kdf
		readString(); // kdf options
		offset += 4; // number of keys
		return readString();
	} catch {
		return undefined;
	}
}

/** Whether the agent holds the key of this file (compared by public key). */
export async function agentHoldsKeyFile(socket: string, path: string, homeDir?: string): Promise<boolean> {
	const blob = publicBlobOfKeyFile(path, homeDir);
	if (!blob) return false;
	try {
		return (await listAgentKeys(socket)).some(key => key.blob.equals(blob));
	} catch {
		return false;
	}
}
