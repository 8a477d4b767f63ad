import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';
import {connectJump, PREFIX} from './demo-steps.js';


describe('copy mode in vmux --demo (real PTY, real ssh2 lab server)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('searches the scrollback, counts the matches, selects, copies (OSC 52) and pastes with the prefix and ]', async () => {
		// No desktop clipboard program: OSC 52 and the paste buffer are what this test sees.
		vmux = new VmuxPty(['--demo'], {env: {DISPLAY: '', WAYLAND_DISPLAY: ''}});
		await connectJump(vmux);
		vmux.write('seq 1 300\r');
		await vmux.waitFor(/^264$[\s\S]*^300$/m);
		// 99 and 199 scrolled off the screen: only the scrollback has them.
		expect(vmux.screen()).not.toMatch(/^199$/m);

		vmux.write(`${PREFIX}[`);
		await vmux.waitFor(/copy mode · line \d+ of \d+/);
		vmux.write('/');
		await vmux.waitFor(/^ \/▏/m);
		vmux.write('99');
		await vmux.waitFor(/^ \/99▏/m);
		vmux.write('\r');
		// Forward from the prompt wraps to the first match: 99, 199, 299.
		await vmux.waitFor(/match 1 of 3 for "99"/);
		expect(vmux.screen()).toMatch(/^99$/m);
		vmux.write('n');
		await vmux.waitFor(/match 2 of 3 for "99"/);
		expect(vmux.screen()).toMatch(/^199$/m);
		// N goes back, n forward again.
		vmux.write('N');
		await vmux.waitFor(/match 1 of 3/);
		vmux.write('n');
		await vmux.waitFor(/match 2 of 3/);

		// The match is the "99" in 199: 0 goes to the line's start, v selects from there, $ to its end.
		const before = vmux.raw.length;
		vmux.write('0v');
		await vmux.waitFor(/selecting/);
		vmux.write('$');
		vmux.write('y');
		// Copied and left: the live screen is back, and the terminal got the text through OSC 52.
		await vmux.waitFor(screen => !screen.includes('copy mode') && /azureuser@jump-01:~[#$] *$/m.test(screen));
		const copied = vmux.raw.slice(before);
		expect(copied).toContain(`\x1b]52;c;${Buffer.from('199').toString('base64')}\x07`);

		vmux.write('echo pasted-');
		vmux.write(`${PREFIX}]`);
		vmux.write('\r');
		await vmux.waitFor(/^pasted-199$/m);
	});

	it('finds, shows and copies a line thousands of lines back, from the compact history outside the emulator', async () => {
		vmux = new VmuxPty(['--demo'], {env: {DISPLAY: '', WAYLAND_DISPLAY: ''}});
		await connectJump(vmux);
		vmux.write('seq 1 3000 | sed "s/^/n=/"\r');
		await vmux.waitFor(/^n=3000$/m);
		vmux.write(`${PREFIX}[`);
		await vmux.waitFor(/copy mode · line \d+ of \d+/);
		vmux.write('?');
		await vmux.waitFor(/^ \?▏/m);
		// n=123 went past the emulator's 200-line tail long ago: only the compact history holds it.
		vmux.write('/^n=123$/\r');
		// The status line and the pane are drawn apart: wait for both.
		await vmux.waitFor(screen => /match 1 of 1 for \/\^n=123\$\//.test(screen) && /^n=123\nn=124$/m.test(screen), 30_000, 'the match on screen');
		const before = vmux.raw.length;
		vmux.write('0v$y');
		await vmux.waitFor(screen => !screen.includes('copy mode') && /azureuser@jump-01:~[#$] *$/m.test(screen));
		expect(vmux.raw.slice(before)).toContain(`\x1b]52;c;${Buffer.from('n=123').toString('base64')}\x07`);
	});

	it('regex search, the word and line motions, a line selection, and q leaving without a copy', async () => {
		vmux = new VmuxPty(['--demo'], {env: {DISPLAY: '', WAYLAND_DISPLAY: ''}});
		await connectJump(vmux);
		vmux.write('echo alpha beta-gamma delta; echo second line\r');
		await vmux.waitFor(/^second line$/m);
		vmux.write(`${PREFIX}[`);
		await vmux.waitFor(/copy mode/);
		// Back from the prompt: the output line's match (the command line above it is the other one).
		vmux.write('?/al.ha b/\r');
		await vmux.waitFor(/match 2 of 2 for \/al\.ha b\//);
		// w: beta, then -, then gamma; select to the end of the word with l and copy.
		vmux.write('ww');
		const before = vmux.raw.length;
		vmux.write('w');
		vmux.write('v');
		vmux.write('llll');
		vmux.write('\r');
		await vmux.waitFor(screen => !screen.includes('copy mode'));
		expect(vmux.raw.slice(before)).toContain(`\x1b]52;c;${Buffer.from('gamma').toString('base64')}\x07`);

		// A line selection of two lines, pasted back as two lines.
		vmux.write(`${PREFIX}[`);
		await vmux.waitFor(/copy mode/);
		vmux.write('?/^alpha/\r');
		await vmux.waitFor(/match 1 of 1/);
		vmux.write('Vjy');
		await vmux.waitFor(screen => !screen.includes('copy mode'));
		expect(vmux.raw).toContain(`\x1b]52;c;${Buffer.from('alpha beta-gamma delta\nsecond line').toString('base64')}\x07`);

		// q leaves and copies nothing.
		vmux.write(`${PREFIX}[`);
		await vmux.waitFor(/copy mode/);
		const quiet = vmux.raw.length;
		vmux.write('vkq');
		await vmux.waitFor(screen => !screen.includes('copy mode'));
		expect(vmux.raw.slice(quiet)).not.toContain('\x1b]52');
		vmux.write('echo still-typing\r');
		await vmux.waitFor(/^still-typing$/m);
	});
});
