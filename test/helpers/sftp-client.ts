import ssh2 from 'ssh2';
import type {Client} from 'ssh2';
import {DEMO_KEY} from './lab-session.js';

/**
 * An authenticated ssh2 Client for file tests: the demo key, and the server's host key pinned (the tests
 * know it), so the transfer engine is exercised on exactly the kind of Client a session holds.
 */
export function connectClient(server: {host: string; port: number}, username = 'azureuser', hostKeyPublic?: string): Promise<Client> {
	const expected = hostKeyPublic ? Buffer.from(hostKeyPublic.split(/\s+/)[1]!, 'base64') : undefined;
	return new Promise((resolve, reject) => {
		const client = new ssh2.Client();
		client.once('ready', () => resolve(client));
		client.once('error', reject);
		client.connect({
			host: server.host,
			port: server.port,
			username,
			privateKey: DEMO_KEY,
			hostVerifier: (key: Buffer) => !expected || key.equals(expected),
			readyTimeout: 10_000,
		});
	});
}
