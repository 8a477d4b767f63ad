import {connect} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {freeLoopbackPort} from '../../source/lab/local-port.js';
import {VmuxPty} from './pty-driver.js';

/** The first bytes a TCP server at 127.0.0.1:port sends, or the connection error's code. */
function banner(port: number): Promise<string> {
	return new Promise(resolve => {
		const socket = connect(port, '127.0.0.1');
		socket.once('data', data => {
			socket.destroy();
			resolve(data.toString('utf8'));
		});
		socket.once('error', error => resolve((error as NodeJS.ErrnoException).code ?? 'error'));
		setTimeout(() => {
			socket.destroy();
			resolve('timeout');
		}, 5000).unref();
	});
}

/**
 * Port forwards in a real pseudo-terminal (issue 13 §2): in a session on jump-01, prefix F opens the forwards view,
 * a adds `L <port>:10.1.1.4:22` (web-01's sshd, which jump-01 reaches), the forward listens and a TCP client gets
 * web-01's SSH banner through it; space turns it off (the port closes) and on again; it is saved to the profile.
 */
describe('the forwards view (real PTY)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('adds a -L forward, reaches the VM side through it, toggles it off and on', async () => {
		vmux = new VmuxPty(['--demo'], {cols: 140, rows: 40});
		await vmux.waitFor(screen => screen.includes('⏎ connect') && screen.includes('jump-01'), 30_000, 'the App');
		vmux.write('/jump-01\r');
		await vmux.waitFor(/Unknown host key for 203\.0\.113\.10/, 30_000);
		vmux.write('s');
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m, 30_000);
		vmux.write('\x02F');
		await vmux.waitFor('Port forwards · jump-01');
		const port = await freeLoopbackPort();
		vmux.write('a');
		await vmux.waitFor('Add a port forward');
		vmux.write(`L ${port}:10.1.1.4:22\r`);
		await vmux.waitFor(new RegExp(`-L 127\\.0\\.0\\.1:${port} → jump-01 → 10\\.1\\.1\\.4:22\\s+listening`));
		expect(await banner(port)).toMatch(/^SSH-2\.0-/);
		await vmux.waitFor(/listening\s+\d+ B\s+\d+ B\s+0 open, 1 in all/);

		vmux.write(' ');
		await vmux.waitFor(new RegExp(`:${port} → jump-01 → 10\\.1\\.1\\.4:22\\s+off`));
		expect(await banner(port)).toBe('ECONNREFUSED');
		vmux.write(' ');
		await vmux.waitFor(new RegExp(`:${port} → jump-01 → 10\\.1\\.1\\.4:22\\s+listening`));
		expect(await banner(port)).toMatch(/^SSH-2\.0-/);

		const {readFileSync} = await import('node:fs');
		const saved = JSON.parse(readFileSync(`${vmux.configDir}/profiles.json`, 'utf8')) as {profiles: Array<{name: string; forwards?: unknown[]}>};
		expect(saved.profiles.find(profile => profile.name === 'jump-01')?.forwards).toEqual([{kind: 'local', bind: '127.0.0.1', port, host: '10.1.1.4', hostPort: 22, enabled: true}]);
	}, 90_000);
});
