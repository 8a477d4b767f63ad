import type {ChildProcess} from 'node:child_process';
import {connect, createServer} from 'node:net';

/** A loopback port free right now, for a server process the lab (or a test) starts and waits for. */
export function freeLoopbackPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

/**
 * Waits (up to 10 s) until `child` listens on 127.0.0.1:`port`; throws with the program's own output when it
 * exits first or never listens. `name` names the program in that message (sshd, tinyproxy).
 */
export async function waitForListening(port: number, child: ChildProcess, name: string, output: () => string): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output()}`);
		const open = await new Promise<boolean>(resolve => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		await new Promise(resolve => setTimeout(resolve, 50));
	}
	throw new Error(`${name} did not start listening on 127.0.0.1:${port} within 10 s: ${output()}`);
}
