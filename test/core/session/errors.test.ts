import {afterEach, describe, expect, it} from 'vitest';
import {createServer} from 'node:net';
import {DirectTransport} from '../../../source/core/transport/direct.js';
import {ScriptedPrompter, keySpec, makeManager, tempDir, waitUntil} from '../../helpers/lab-session.js';

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
	return new Promise(resolve => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

describe('connection failures read as sentences', () => {
	const cleanups: Array<() => unknown> = [];
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	});

	async function failureOf(host: string, port: number) {
		const config = tempDir();
		cleanups.push(() => config.remove());
		const manager = makeManager(config.dir, new ScriptedPrompter());
		cleanups.push(() => manager.closeAll());
		const session = manager.open({...keySpec({host, port}, 'vm-x'), transport: new DirectTransport(host, port, 3000)});
		return waitUntil(() => (session.connection.state.kind === 'disconnected' ? session.connection.state : undefined), 'failure', 15_000);
	}

	it('connection refused says nothing listens and what to check, and retries', async () => {
		const state = await failureOf('127.0.0.1', await closedPort());
		expect(state.reason).toMatch(/^vm-x \(127\.0\.0\.1:\d+\) refused the connection: nothing is listening there\. Check that the VM is running and the port in the profile\.$/);
		expect(state.retriable).toBe(true);
		expect(state.retryAt).toBeDefined();
	});

	it('a name that does not resolve says DNS and points at the profile', async () => {
		const state = await failureOf('no-such-vm.invalid', 22);
		expect(state.reason).toMatch(/Cannot resolve the host name of vm-x \(no-such-vm\.invalid:22\) \(DNS lookup failed\)/);
	});

});
