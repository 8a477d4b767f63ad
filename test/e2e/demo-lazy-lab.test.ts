// The demo's lab starts lazily (issue 12): the VM list needs only the Azure stand-ins (one HTTPS listener), the
// SSH servers start on the first connect, and a connect made the moment the list shows waits for them and works.
import {readdirSync, readFileSync, readlinkSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';

/** Running VMs in the demo topology: one SSH server each once the lab's network is up. */
const RUNNING_DEMO_VMS = 7;

/** The TCP ports a process listens on, read from /proc (its socket inodes matched against the LISTEN table). */
function listeningPorts(pid: number): number[] {
	const inodes = new Set<string>();
	for (const fd of readdirSync(`/proc/${pid}/fd`)) {
		try {
			const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
			if (match) inodes.add(match[1]!);
		} catch {
			// The descriptor closed while it was read.
		}
	}
	const ports: number[] = [];
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text: string;
		try {
			text = readFileSync(table, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			// st 0A = LISTEN; the inode is the tenth field.
			if (fields[3] === '0A' && inodes.has(fields[9]!)) ports.push(Number.parseInt(fields[1]!.split(':')[1]!, 16));
		}
	}
	return ports;
}

describe('vmux --demo starts its lab lazily (real PTY, real lab servers)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('shows the VM list before any SSH server listens, and a connect made at once waits for them and reaches the shell', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('jump-01', 60_000);
		// The list is up with only the Azure stand-ins' HTTPS listener: no SSH server yet.
		expect(listeningPorts(vmux.pid)).toHaveLength(1);
		// Enter on a VM as soon as it shows: the connect starts the SSH servers and waits for them.
		vmux.write('/jump\r');
		await vmux.waitFor('Unknown host key', 60_000);
		vmux.write('s');
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m, 30_000);
		expect(listeningPorts(vmux.pid)).toHaveLength(1 + RUNNING_DEMO_VMS);
		vmux.write('echo "lazy=$((40+2))"\r');
		await vmux.waitFor('lazy=42');
	}, 120_000);
});
