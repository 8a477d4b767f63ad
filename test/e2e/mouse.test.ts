import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';
import {connectJump, PREFIX} from './demo-steps.js';

const MOUSE_ON = '\x1b[?1000h\x1b[?1002h\x1b[?1006h';
const MOUSE_OFF = '\x1b[?1000l\x1b[?1002l\x1b[?1006l';

/** What the user's terminal sends for the mouse once vmux asked for SGR reports (1-based cell of the screen). */
const sgr = (code: number, col: number, row: number, release = false) => `\x1b[<${code};${col};${row}${release ? 'm' : 'M'}`;
const WHEEL_UP = 64;
const WHEEL_DOWN = 65;
const DRAG = 32;

async function quit(vmux: VmuxPty): Promise<void> {
	vmux.write(`${PREFIX}d`);
	await vmux.waitFor(/live session/);
	vmux.write('q');
	await vmux.waitFor('Quit vmux?');
	vmux.write('y');
	expect((await vmux.waitForExit()).exitCode).toBe(0);
}

describe('the mouse in vmux --demo (real PTY, real ssh2 lab server)', () => {
	let vmux: VmuxPty | undefined;
	const cleanups: Array<() => void> = [];
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
		for (const cleanup of cleanups.splice(0)) cleanup();
	});

	it('asks the terminal for the mouse, sends a click to a remote that asked for it at the pane cell, and turns it off at exit', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		expect(vmux.raw).toContain(MOUSE_ON);
		expect(vmux.raw).not.toContain(MOUSE_OFF);

		// A remote program that asks for presses and releases (1000) in SGR form (1006), then shows what it reads.
		vmux.write("printf '\\e[?1000h\\e[?1006h'; echo MOUSE-ON; cat -v\r");
		await vmux.waitFor(/^MOUSE-ON$/m);
		// Screen column 10, row 5 (1-based): below the tab bar, so the pane's (and the remote's) row 4.
		vmux.write(sgr(0, 10, 5) + sgr(0, 10, 5, true));
		await vmux.waitFor('^[[<0;10;4M^[[<0;10;4m');
		expect(vmux.screen()).not.toContain('[<0;10;5');
		vmux.write('\r\x03');
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m);

		await quit(vmux);
		expect(vmux.raw.slice(vmux.raw.lastIndexOf(MOUSE_ON))).toContain(MOUSE_OFF);
	});

	it('the wheel enters copy mode and leaves it at the bottom when the remote did not ask; a drag selects and copies; a click picks a tab', async () => {
		vmux = new VmuxPty(['--demo'], {env: {DISPLAY: '', WAYLAND_DISPLAY: ''}});
		await connectJump(vmux);
		vmux.write('seq 1 200\r');
		await vmux.waitFor(/^200$\n.*azureuser@jump-01:~[#$] *$/m);

		// Three notches up: copy mode, nine lines back (the prompt and the last numbers are out of view).
		for (let notch = 1; notch <= 3; notch++) {
			vmux.write(sgr(WHEEL_UP, 20, 10));
			await vmux.waitFor(/copy mode · line \d+ of \d+/);
		}
		await vmux.waitFor(screen => !/^200$/m.test(screen) && /^19[0-9]$/m.test(screen), 15_000, 'the view to scroll back');
		// Three notches down: at the bottom again, out of copy mode (tmux's copy-mode -e).
		for (let notch = 1; notch <= 3; notch++) vmux.write(sgr(WHEEL_DOWN, 20, 10));
		await vmux.waitFor(screen => !screen.includes('copy mode') && /^200$/m.test(screen));

		// A drag over "select-me" on its output row (the line, not the echoed command) copies it through OSC 52.
		vmux.write('clear; echo please select-me now\r');
		const screen = await vmux.waitFor(/^please select-me now$/m);
		const row = screen.split('\n').indexOf('please select-me now');
		const before = vmux.raw.length;
		vmux.write(sgr(0, 8, row + 1));
		vmux.write(sgr(DRAG, 12, row + 1));
		await vmux.waitFor(/copy mode .*selecting/);
		vmux.write(sgr(DRAG, 16, row + 1));
		vmux.write(sgr(0, 16, row + 1, true));
		await vmux.waitFor(current => !current.includes('copy mode'));
		expect(vmux.raw.slice(before)).toContain(`\x1b]52;c;${Buffer.from('select-me').toString('base64')}\x07`);
		// Nothing of the mouse was typed into the shell.
		vmux.write('echo typed-clean\r');
		await vmux.waitFor(/^typed-clean$/m);
		expect(vmux.screen()).not.toMatch(/\[<\d/);

		// A second shell; a click on the first tab focuses it again.
		vmux.write(`${PREFIX}c`);
		await vmux.waitFor(() => vmux!.inverseText(0).includes('1:jump-01'));
		const tab = vmux.screen().split('\n')[0]!.indexOf('0:jump-01');
		expect(tab).toBeGreaterThan(0);
		vmux.write(sgr(0, tab + 1, 1) + sgr(0, tab + 1, 1, true));
		await vmux.waitFor(() => vmux!.inverseText(0).includes('0:jump-01'), 15_000, 'the first tab to be focused');
		await vmux.waitFor(/^typed-clean$/m);
	});

	it('vim: the wheel sends cursor keys while it has not asked for the mouse; with mouse=a a click moves its cursor to that cell', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		vmux.write("seq 1 50 | vim -u NONE -N -c 'set ruler' -\r");
		await vmux.waitFor(/^10$[\s\S]*\b1,1\s+Top/m);
		// No mouse asked, on the alternate screen: a notch down is three cursor keys (line 4), not copy mode.
		vmux.write(sgr(WHEEL_DOWN, 5, 5));
		await vmux.waitFor(/\b4,1\s+Top/);
		expect(vmux.screen()).not.toContain('copy mode');
		// vim writes the mouse mode it wants before the message: once the message shows, vmux's emulator has the mode.
		vmux.write(':set mouse=a | echo "mouse-on"\r');
		await vmux.waitFor(/^mouse-on +4,1/m);
		// Line 10 is on the pane's row 9, the screen's row 11 (1-based); its second column is the 0 of "10".
		vmux.write(sgr(0, 2, 11) + sgr(0, 2, 11, true));
		await vmux.waitFor(/\b10,2\s+Top/);
		vmux.write(':q!\r');
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m);
	});

	it('"mouse": false in settings.json leaves the terminal\'s mouse alone', async () => {
		const configDir = mkdtempSync(join(tmpdir(), 'vmux-mouse-'));
		cleanups.push(() => rmSync(configDir, {recursive: true, force: true}));
		writeFileSync(join(configDir, 'settings.json'), JSON.stringify({mouse: false}), {mode: 0o600});
		vmux = new VmuxPty(['--demo'], {configDir});
		await connectJump(vmux);
		vmux.write('echo ready\r');
		await vmux.waitFor(/^ready$/m);
		expect(vmux.raw).not.toContain('\x1b[?1000h');
		expect(vmux.raw).not.toContain('\x1b[?1002h');
		expect(vmux.raw).not.toContain('\x1b[?1006h');
		await quit(vmux);
	});
});
