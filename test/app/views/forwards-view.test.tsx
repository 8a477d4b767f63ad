import {cleanup, render} from 'ink-testing-library';
import {createServer, type Server} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {ForwardsView} from '../../../source/app/views/forwards/ForwardsView.js';
import {ForwardSet} from '../../../source/core/forwards/forward-set.js';
import type {Forward} from '../../../source/core/profiles/schema.js';
import {press, waitForScreen} from '../profile-editor/helpers.js';

afterEach(() => cleanup());

/**
 * The forwards view (issue 13 §2) drawn from a real ForwardSet: its states and the reason of a failure, and its
 * keys. The set is attached to a client that only forwards locally; the channel side is tested against OpenSSH in
 * test/core/forwards.
 */
const noChannels = {
	forwardOut: () => undefined,
	forwardIn: (_bind: string, _port: number, callback: (error: Error | undefined) => void) => callback(new Error('Unable to bind')),
	unforwardIn: () => undefined,
	on: () => undefined,
	off: () => undefined,
} as never;

function busyPort(): Promise<{server: Server; port: number}> {
	return new Promise(resolve => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => resolve({server, port: (server.address() as {port: number}).port}));
	});
}

describe('the forwards view', () => {
	it('lists each forward with its state, says why one failed, and hands space, a and d to the flow', async () => {
		const busy = await busyPort();
		const forwards: Forward[] = [
			{kind: 'local', bind: '127.0.0.1', port: busy.port, host: 'localhost', hostPort: 80, enabled: true},
			{kind: 'remote', bind: '127.0.0.1', port: 9000, host: 'localhost', hostPort: 3000, enabled: true},
			{kind: 'dynamic', bind: '127.0.0.1', port: 1080, enabled: false},
		];
		const set = new ForwardSet(forwards, 'web-01');
		const calls: string[] = [];
		try {
			const {lastFrame, stdin} = render(
				<ForwardsView
					forwards={set}
					vm="web-01"
					width={120}
					height={14}
					isActive
					onToggle={i => calls.push(`toggle ${i}`)}
					onAdd={() => calls.push('add')}
					onDelete={i => calls.push(`delete ${i}`)}
					onClose={() => calls.push('close')}
				/>,
			);
			await waitForScreen(lastFrame, text => text.includes('-D SOCKS5 127.0.0.1:1080'), 'the three forwards');
			const before = await waitForScreen(lastFrame, text => /-L 127\.0\.0\.1:\d+ → web-01 → localhost:80\s+waiting/.test(text), 'waiting for the connection');
			expect(before).toMatch(/-D SOCKS5 127\.0\.0\.1:1080 → out through web-01\s+off/);

			await set.attach(noChannels);
			const after = await waitForScreen(lastFrame, text => text.includes('in use by another program'), 'the failure reason');
			expect(after).toMatch(/▸ -L 127\.0\.0\.1:\d+ → web-01 → localhost:80\s+failed/);
			expect(after).toContain(`127.0.0.1:${busy.port} is in use by another program; pick another local port.`);
			expect(after).toMatch(/-R web-01 127\.0\.0\.1:9000 → here → localhost:3000\s+failed/);

			await press(stdin, 'j', ' ', 'a', 'd', '\u001B');
			expect(calls).toEqual(['toggle 1', 'add', 'delete 1', 'close']);
			// The cursor is on the -R forward now: its reason shows.
			const remote = await waitForScreen(lastFrame, text => text.includes('refused to listen on 127.0.0.1:9000'), 'the -R reason');
			expect(remote).toContain('AllowTcpForwarding');
		} finally {
			set.close();
			busy.server.close();
		}
	});
});
