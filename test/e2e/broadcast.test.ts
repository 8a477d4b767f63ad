import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';
import {connectJump, PREFIX, JUMP_PROMPT as PROMPT} from './demo-steps.js';


const tabBar = (screen: string) => screen.split('\n')[0] ?? '';
const count = (screen: string, pattern: RegExp) => screen.match(pattern)?.length ?? 0;

describe('broadcast and the real cursor in vmux --demo (real PTY, real ssh2 lab server)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('marks two shells, broadcasts a typed command and a paste to both, once each, and stops', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		vmux.write(`${PREFIX}c`);
		await vmux.waitFor(/1:jump-01/);
		await vmux.waitFor(PROMPT);

		// Mark both: the tab bar shows the marks.
		vmux.write(`${PREFIX}m${PREFIX}0${PREFIX}m`);
		await vmux.waitFor(screen => count(tabBar(screen), /◆/g) === 2, 15_000, 'two marked tabs');

		vmux.write(`${PREFIX}b`);
		const on = await vmux.waitFor('BROADCAST → 2 marked');
		expect(count(tabBar(on), /»/g)).toBe(2);

		vmux.write('echo hi-$((6*7))\r');
		await vmux.waitFor(/^hi-42$/m);
		// A paste reaches both too (bash holds a pasted line until Enter, also broadcast).
		vmux.write('\x1b[200~echo pasted-$((2*3))\x1b[201~');
		vmux.write('\r');
		const first = await vmux.waitFor(/^pasted-6$/m);
		expect(count(first, /^hi-42$/gm)).toBe(1);

		vmux.write(`${PREFIX}b`);
		await vmux.waitFor(screen => !screen.includes('BROADCAST'), 15_000, 'the banner to go');
		vmux.write('echo only-$((1+1))\r');
		await vmux.waitFor(/^only-2$/m);

		// Session 1's screen for sure: something typed there after the switch shows.
		vmux.write(`${PREFIX}1echo second-$((5*5))\r`);
		const second = await vmux.waitFor(/^second-25$/m);
		expect(vmux.inverseText(0)).toContain('1:jump-01');
		expect(count(second, /^hi-42$/gm)).toBe(1);
		expect(count(second, /^pasted-6$/gm)).toBe(1);
		expect(second).not.toContain('only-2');
	});

	it("with nothing marked types into the tab's panes only, and skips a pane that is not connected, saying so", async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		// Another tab, which must not receive: broadcast with nothing marked is the focused tab's panes.
		vmux.write(`${PREFIX}c`);
		await vmux.waitFor(/1:jump-01/);
		await vmux.waitFor(PROMPT);
		vmux.write(`${PREFIX}0${PREFIX}%`);
		await vmux.waitFor(screen => (screen.match(/─ \d jump-01 ● open/g) ?? []).length === 2, 15_000, 'two pane titles');
		await vmux.waitFor(screen => (screen.match(/azureuser@jump-01:~[#$]/g) ?? []).length >= 2, 15_000, 'a prompt in each pane');
		vmux.write(`${PREFIX}b`);
		await vmux.waitFor('BROADCAST → 2 panes of this tab');
		vmux.write('echo both-$((2*21))\r');
		await vmux.waitFor(screen => count(screen, /(?:^|│)both-42 *(?=│|$)/gm) === 2, 15_000, 'the output in both panes');
		vmux.write(`${PREFIX}b`);
		await vmux.waitFor(screen => !screen.includes('BROADCAST'), 15_000, 'the banner to go');
		// The right pane's shell exits: it is skipped, on its title and on the tab.
		vmux.write('exit\r');
		await vmux.waitFor(/─ 1 jump-01 ■ exited 0/);
		vmux.write(`${PREFIX}\x1b[D${PREFIX}b`);
		const on = await vmux.waitFor('BROADCAST → 1 pane of this tab · 1 skipped');
		expect(tabBar(on)).toMatch(/0:jump-01 \[2\] skipped/);
		await vmux.waitFor(/─ 1 jump-01 ■ exited 0 broadcast skipped/);
		vmux.write('echo still-$((3+4))\r');
		await vmux.waitFor(/^still-7 *│/m);
		// The other tab got nothing.
		vmux.write(`${PREFIX}b${PREFIX}1`);
		const other = await vmux.waitFor(screen => !screen.includes('BROADCAST') && !screen.includes('─ 0 jump-01') && PROMPT.test(screen), 15_000, 'the other tab');
		expect(other).not.toContain('both-42');
		expect(other).not.toContain('still-7');
	});

	it("places the user's cursor at the prompt, in the shape the remote asked for, and resets the shape on the way out", async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		const mark = vmux.raw.length;
		vmux.write("printf '\\e[5 q'; echo shaped\r");
		await vmux.waitFor(/^shaped$/m);
		await vmux.waitFor(screen => /^shaped\nazureuser@jump-01:~[#$]$/m.test(screen), 15_000, 'the prompt after the output');
		// The remote's DECSCUSR reaches the user's terminal, re-issued by vmux (never the remote's bytes).
		expect(vmux.raw.slice(mark)).toContain('\x1b[5 q');
		// The last cursor position vmux sent is the prompt's end, and that is where the cursor is.
		const lines = vmux.screen().split('\n');
		const row = lines.map(line => /^azureuser@jump-01:~[#$]$/.test(line)).lastIndexOf(true);
		const col = 'azureuser@jump-01:~$ '.length;
		const positions = [...vmux.raw.matchAll(/\x1b\[(\d+);(\d+)H/g)];
		const last = positions.at(-1)!;
		expect([Number(last[1]) - 1, Number(last[2]) - 1]).toEqual([row, col]);
		expect(vmux.cursor).toEqual({x: col, y: row});
		expect(vmux.raw.lastIndexOf('\x1b[?25h')).toBeGreaterThan(vmux.raw.lastIndexOf('\x1b[?25l'));
		// No painted block cursor: the prompt's end is a plain cell.
		expect(vmux.raw.slice(vmux.raw.lastIndexOf('shaped'))).not.toContain('\x1b[7m');

		// The remote hides its cursor: so does vmux.
		vmux.write("printf '\\e[?25l'\r");
		await vmux.waitFor(() => vmux!.raw.lastIndexOf('\x1b[?25l') > vmux!.raw.lastIndexOf('\x1b[?25h'), 15_000, 'the cursor to be hidden');

		vmux.write(`${PREFIX}d`);
		await vmux.waitFor(/1 live session/);
		vmux.write('q');
		await vmux.waitFor('Quit vmux?');
		vmux.write('y');
		await vmux.waitForExit();
		expect(vmux.raw).toContain('\x1b[0 q\x1b[?25h');
	});
});
