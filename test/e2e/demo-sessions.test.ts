import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';
import {PREFIX} from './demo-steps.js';

/** Opens vmux --demo, connects to jump-01 (direct, local key) and accepts its host key. */
async function connectJump(vmux: VmuxPty): Promise<void> {
	await vmux.waitFor('jump-01');
	vmux.write('/jump\r');
	await vmux.waitFor('Unknown host key');
	const screen = vmux.screen();
	expect(screen).toMatch(/ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}/);
	// The tab bar above the dialog says which session is asking.
	expect(screen.split('\n')[0]).toMatch(/vmux\s+◌ 0:jump-01 verifying host key/);
	// Dialog borders are whole (nothing drawn over them).
	expect(screen).toMatch(/╰─+╯/);
	vmux.write('s');
	await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m);
}

describe('sessions in vmux --demo (real PTY, real ssh2 lab server)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('connects, runs a command, opens more shells with the prefix and switches between them', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		vmux.write('echo "first=$((20+1))"\r');
		await vmux.waitFor('first=21');
		expect(vmux.screen()).toMatch(/● 0:jump-01/);

		vmux.write(`${PREFIX}c`);
		await vmux.waitFor(/1:jump-01/);
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m);
		vmux.write('echo "second=$((20+2))"\r');
		await vmux.waitFor('second=22');
		expect(vmux.screen()).not.toContain('first=21');

		vmux.write(`${PREFIX}c`);
		await vmux.waitFor(/2:jump-01/);
		vmux.write('echo "third=$((20+3))"\r');
		await vmux.waitFor('third=23');

		vmux.write(`${PREFIX}0`);
		await vmux.waitFor('first=21');
		vmux.write(`${PREFIX}n`);
		await vmux.waitFor('second=22');
		vmux.write(`${PREFIX}p`);
		await vmux.waitFor('first=21');
		vmux.write(`${PREFIX}p`);
		await vmux.waitFor('third=23');

		vmux.write(`${PREFIX}w`);
		const picker = await vmux.waitFor('Sessions');
		expect(picker.match(/jump-01\s+● open/g)).toHaveLength(3);
		vmux.write('1');
		await vmux.waitFor('second=22');

		// Back to the browser with sessions alive, and back in with the prefix.
		vmux.write(`${PREFIX}d`);
		await vmux.waitFor(/3 live sessions/);
		// The pane's text is gone from the browser's blank rows (Ink thought they were already blank).
		await vmux.waitFor(screen => !screen.includes('azureuser@jump-01'), 15_000, 'the pane text to leave the browser');
		vmux.write(`${PREFIX}n`);
		await vmux.waitFor('second=22');

		// A literal Ctrl-b reaches the remote: bash's readline moves the cursor back one char.
		vmux.write(`echo ab${PREFIX}${PREFIX}X\r`);
		await vmux.waitFor(/^aXb$/m);
	});

	it('connects through the lab Bastion (Standard, Developer via its data pod, and one in another tenant) with credentials read from Key Vault', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('web-01');
		// web-01: Bastion bas-std (Standard), SSH key from Key Vault.
		vmux.write('/web-01\r');
		const hostKey = await vmux.waitFor('Unknown host key for 10.1.1.4');
		expect(hostKey.split('\n')[0]).toMatch(/0:web-01 verifying host key/);
		vmux.write('s');
		await vmux.waitFor(/azureuser@web-01:~[#$] *$/m);
		vmux.write('echo "web=$((40+2))"\r');
		await vmux.waitFor('web=42');
		// dev-01: Bastion bas-dev (Developer), password from Key Vault.
		vmux.write(`${PREFIX}d`);
		await vmux.waitFor(/1 live session/);
		// Esc clears the filter; typed apart from the next key, as a person would (ESC / together is Alt-/).
		vmux.write('\x1b');
		await vmux.waitFor('jump-01');
		vmux.write('/dev-01\r');
		await vmux.waitFor('Unknown host key for 10.20.1.4');
		vmux.write('s');
		await vmux.waitFor(/azureuser@dev-01:~[#$] *$/m);
		vmux.write('echo "dev=$((1+1))"\r');
		await vmux.waitFor('dev=2');
		// ops-01: in another tenant (Fabrikam), where the demo user is a guest: Bastion bas-fab and Fabrikam's vault
		// take Fabrikam tokens only (the lab refuses the home tenant's), password from Key Vault.
		vmux.write(`${PREFIX}d`);
		await vmux.waitFor(/2 live sessions/);
		vmux.write('\x1b');
		await vmux.waitFor('jump-01');
		vmux.write('/ops-01\r');
		await vmux.waitFor('Unknown host key for 10.50.1.4');
		vmux.write('s');
		await vmux.waitFor(/azureuser@ops-01:~[#$] *$/m);
		vmux.write('echo "ops=$((2+3))"\r');
		await vmux.waitFor('ops=5');
		expect(vmux.screen().split('\n')[0]).toMatch(/● 0:web-01 +● 1:dev-01 +● 2:ops-01/);
		// Nothing secret reached the config dir.
		const {readdirSync, readFileSync} = await import('node:fs');
		for (const name of readdirSync(vmux.configDir, {recursive: true}) as string[]) {
			let text = '';
			try {
				text = readFileSync(`${vmux.configDir}/${name}`, 'utf8');
			} catch {
				continue;
			}
			// The demo's password is new each run (xxxx-xxxx-xxxx, see source/lab/credentials.ts) and never written.
			expect(text).not.toMatch(/(?<![\w-])[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}(?![\w-])/);
			expect(text).not.toContain('PRIVATE KEY');
		}
	});

	it('runs vim in the alternate screen and returns to the shell screen intact', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		vmux.write('echo "before-vim=$((6*7))"\r');
		await vmux.waitFor('before-vim=42');
		vmux.write('vim -u NONE -N\r');
		await vmux.waitFor(/^~\s*$/m);
		expect(vmux.screen()).not.toContain('before-vim=42');
		vmux.write('ihello from vim\x1b');
		await vmux.waitFor('hello from vim');
		vmux.write(':q!\r');
		const back = await vmux.waitFor('before-vim=42');
		expect(back).not.toContain('hello from vim');
	});

	it('resizes the remote terminal with the window', async () => {
		vmux = new VmuxPty(['--demo'], {cols: 120, rows: 40});
		await connectJump(vmux);
		vmux.write('echo "size=$(tput cols)x$(tput lines)"\r');
		// The pane is the window minus the tab bar and the row Ink keeps free.
		await vmux.waitFor('size=120x38');
		vmux.resize(100, 30);
		// Type once vmux has laid out the new size (its tab bar ends at column 100): keys sent before it saw
		// the resize would reach the remote before the window-change, as on any terminal.
		await vmux.waitFor(/^ vmux .{80,95}Ctrl-b \? help$/m);
		vmux.write('clear; echo "size=$(tput cols)x$(tput lines)"\r');
		await vmux.waitFor('size=100x28');
	});

	it('never lets the remote reach the user terminal: OSC 52, titles and DCS are consumed', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		const before = vmux.raw.length;
		// The payloads are assembled by the remote shell, so they appear in vmux's output only if it leaks them.
		vmux.write(`printf '\\033]52;c;%s\\007\\033]0;evil-%s\\007\\033P+q544e\\033\\\\\\033]8;;http://x.invalid\\033\\\\link\\033]8;;\\033\\\\ done-%s\\n' "aGVs$(echo bG8=)" "ti$(echo tle)" $((40+2))\r`);
		await vmux.waitFor(/^link done-42$/m);
		const output = vmux.raw.slice(before);
		expect(output).not.toContain('\x1b]52');
		expect(output).not.toContain('aGVsbG8=');
		expect(output).not.toContain('\x1b]0;');
		expect(output).not.toContain('evil-title');
		expect(output).not.toContain('\x1bP');
		expect(output).not.toContain('\x1b]8;');
	});

	it('shows the scrollback in copy mode with the prefix and [ and leaves it with q', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		vmux.write('seq 1 300\r');
		// The live screen settles on the tail of the output; the first lines are only in the scrollback.
		await vmux.waitFor(/^264$[\s\S]*^300$/m);
		expect(vmux.screen()).not.toMatch(/^1$/m);
		vmux.write(`${PREFIX}[`);
		await vmux.waitFor('copy mode');
		vmux.write('g');
		await vmux.waitFor(/^1$/m);
		vmux.write('q');
		await vmux.waitFor(/^300$/m);
		vmux.write('echo typed-after-$((1+1))\r');
		await vmux.waitFor('typed-after-2');
	});

	it('offers to start a stopped VM, and explains why a Basic-SKU VM cannot connect', async () => {
		vmux = new VmuxPty(['--demo']);
		await vmux.waitFor('jump-01');
		vmux.write('/web-02\r');
		// A stopped VM: vmux can start it (issue 13 §5; tests/e2e/vm-power.test.ts goes on to start and connect).
		const stopped = await vmux.waitFor('web-02 is not running');
		expect(stopped).toMatch(/web-02 \(resource group rg-web\) is not running\. Start it now, and connect once it runs\?/);
		// Esc declines; the filter stays until a second Esc clears it.
		vmux.write('\x1b');
		await vmux.waitFor(/^\/web-02\s+1 of 8/m);
		vmux.write('\x1b');
		await vmux.waitFor(/^\s*8 VMs/m);
		vmux.write('/legacy\r');
		const basic = await vmux.waitFor('Cannot connect to legacy-01');
		expect(basic).toMatch(/Basic SKU/);
		// With the portal's link to the VM's Bastion page (wrapped in the dialog's box).
		expect(basic.replace(/[│\s]+/g, '')).toContain('/legacy-01/bastionHost');
	});

	it('asks before quitting while sessions are live', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		vmux.write(`${PREFIX}d`);
		await vmux.waitFor('1 live session');
		vmux.write('q');
		await vmux.waitFor('Quit vmux?');
		vmux.write('n');
		await vmux.waitFor('1 live session');
		vmux.write('q');
		await vmux.waitFor('Quit vmux?');
		vmux.write('y');
		expect((await vmux.waitForExit()).exitCode).toBe(0);
	});
});

describe('a password profile through the jump host (real PTY)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('asks both host keys, then the password (masked), and opens the shell on web-01', async () => {
		const {mkdtempSync, writeFileSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const {join} = await import('node:path');
		const {execFileSync} = await import('node:child_process');
		const {CLI} = await import('./pty-driver.js');
		const configDir = mkdtempSync(join(tmpdir(), 'vmux-e2e-jump-'));
		const profile = {
			name: 'web-01',
			target: {kind: 'azure-vm', vmId: '/subscriptions/3f2a6c1e-7d4b-4e8a-9c5f-1b2d3e4f5a6b/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01', vmName: 'web-01', resourceGroup: 'rg-web', subscriptionId: '3f2a6c1e-7d4b-4e8a-9c5f-1b2d3e4f5a6b'},
			transport: {kind: 'jump', via: 'jump-01'},
			port: 22,
			username: 'azureuser',
			auth: {type: 'password'},
		};
		// The key path older vmux shipped (gone now): the demo points such a profile at this run's key.
		const jump = {name: 'jump-01', target: {kind: 'azure-vm', vmId: '/subscriptions/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b/resourceGroups/rg-legacy/providers/Microsoft.Compute/virtualMachines/jump-01', vmName: 'jump-01', resourceGroup: 'rg-legacy', subscriptionId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b'}, transport: {kind: 'direct'}, port: 22, username: 'azureuser', auth: {type: 'key-file', path: join(process.cwd(), 'source/lab/assets/users/demo_ed25519')}};
		writeFileSync(join(configDir, 'import.json'), JSON.stringify({version: 1, profiles: [jump, profile]}));
		execFileSync(process.execPath, [CLI, 'profiles', 'import', join(configDir, 'import.json'), '--config-dir', configDir]);
		vmux = new VmuxPty(['--demo'], {configDir});
		await vmux.waitFor('web-01');
		vmux.write('/web-01\r');
		await vmux.waitFor(/Unknown host key for 203\.0\.113\.10/);
		vmux.write('s');
		await vmux.waitFor(/Unknown host key for 10\.1\.1\.4/);
		vmux.write('s');
		// The demo's password is this run's own; the prompt says it (nothing shipped opens the lab).
		const prompt = await vmux.waitFor(/Password for azureuser@web-01[\s\S]*this demo run's: (\S+)\):/);
		const password = /this demo run's: (\S+)\):/.exec(prompt)![1]!;
		// Pasted with its Enter, as password managers do: every key must count.
		vmux.write(`${password}\r`);
		await vmux.waitFor(/azureuser@web-01:~[#$] *$/m);
		vmux.write('echo "on-web=$((2*21))"\r');
		await vmux.waitFor('on-web=42');
		const {rmSync} = await import('node:fs');
		vmux.dispose();
		vmux = undefined;
		rmSync(configDir, {recursive: true, force: true});
	});
});

describe('keys reach the remote byte for byte (real PTY)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('passes function keys, Alt combos and Ctrl-c through, and a large bracketed paste intact', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		// od shows exactly the bytes the remote received.
		// The marker is printed once raw mode is on (quoted so the typed command line does not show it).
		vmux.write("stty raw -echo; echo 'raw''-on'; head -c 10 | od -An -c; stty sane\r");
		await vmux.waitFor(/^raw-on/m);
		vmux.write('\x1bOP\x1bx\x03\t'); // F1, Alt-x, Ctrl-c, Tab: 3 + 2 + 1 + 1 bytes
		vmux.write('\x1b[A'); // Up in normal cursor mode: 3 more bytes, 10 in all
		const screen = await vmux.waitFor(/033\s+O\s+P\s+033\s+x\s+003\s+\\t\s+033\s+\[\s+A/);
		expect(screen).toBeTruthy();

		// 200 lines of 100 characters pasted at once: bash enables bracketed paste at its prompt, cat does not,
		// so vmux strips the markers for cat and every byte arrives.
		// The marker is printed after bash has left its prompt (and turned bracketed paste off): cat is next.
		vmux.write("echo 'cat''-next'; cat > paste.txt\r");
		await vmux.waitFor(/^cat-next$/m);
		const line = 'x'.repeat(99);
		vmux.write(`\x1b[200~${`${line}\r`.repeat(200)}\x1b[201~`);
		vmux.write('\x04');
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m);
		vmux.write('wc -c < paste.txt; grep -c "^x\\{99\\}$" paste.txt; rm paste.txt\r');
		await vmux.waitFor(/^20000\n200$/m);
	});
});
