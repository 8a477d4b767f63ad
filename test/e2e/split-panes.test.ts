import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';
import {connectJump, PREFIX, JUMP_PROMPT as PROMPT} from './demo-steps.js';

const ARROW = {left: '\x1b[D', right: '\x1b[C', up: '\x1b[A', down: '\x1b[B'} as const;
const CTRL_ARROW = {left: '\x1b[1;5D', right: '\x1b[1;5C', up: '\x1b[1;5A', down: '\x1b[1;5B'} as const;

const titles = (screen: string) => screen.match(/─ \d+ [a-z0-9-]+ [●◌○■]/g) ?? [];
/** A line of output standing alone in a pane: at the start of a row or after a border, up to a border or the end. */
const paneLines = (screen: string, text: string) => screen.match(new RegExp(`(?:^|│)${text} *(?=│|$)`, 'gm'))?.length ?? 0;
/** The pane number in the bold (active) title, or undefined while the tab has one pane. */
const activeTitle = (vmux: VmuxPty) => {
	for (const bold of vmux.boldText()) {
		const match = /─ (\d+) /.exec(bold);
		if (match) return Number(match[1]);
	}
	return undefined;
};

describe('split panes in vmux --demo (real PTY, real ssh2 lab server)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('splits right and down on one login, types where the focus is, and sizes each PTY to its pane', async () => {
		vmux = new VmuxPty(['--demo'], {cols: 121, rows: 40});
		await connectJump(vmux);
		vmux.write(`${PREFIX}%`);
		// The painter draws the panes and Ink the tab bar: each in its own time.
		await vmux.waitFor(screen => titles(screen).length === 2 && /0:jump-01 \[2\]/.test(screen.split('\n')[0] ?? ''), 15_000, 'two pane titles and the tab');
		// The new pane, on the right, has the focus. The area below the tab bar is 121x38 (Ink keeps the last row):
		// 120 columns besides the border, and each pane has a title row.
		await vmux.waitFor(screen => (screen.match(/azureuser@jump-01:~[#$]/g) ?? []).length === 2, 15_000, 'both prompts');
		vmux.write('set -- $(stty size); echo "size=$2x$1"\r');
		await vmux.waitFor(screen => paneLines(screen, 'size=60x37') === 1, 15_000, 'the right pane size');
		expect(vmux.screen()).toMatch(/│size=60x37/);
		expect(activeTitle(vmux)).toBe(1);

		vmux.write(`${PREFIX}"`);
		await vmux.waitFor(screen => titles(screen).length === 3, 15_000, 'three pane titles');
		await vmux.waitFor(() => activeTitle(vmux!) === 2, 15_000, 'the new pane focused');
		vmux.write('set -- $(stty size); echo "size=$2x$1"\r');
		await vmux.waitFor(screen => paneLines(screen, 'size=60x18') === 1, 15_000, 'the bottom-right pane size');

		// Focus moves with prefix + arrows; typed text goes to the pane with the bold title.
		vmux.write(`${PREFIX}${ARROW.left}`);
		await vmux.waitFor(() => activeTitle(vmux!) === 0, 15_000, 'the left pane focused');
		vmux.write('echo left-$((20+1))\r');
		await vmux.waitFor(/^left-21 *│/m);

		// Zoom: the pane fills the tab and its PTY grows to the whole area; unzoom gives the layout back.
		vmux.write(`${PREFIX}z`);
		await vmux.waitFor(screen => /0:jump-01 \[3 Z\]/.test(screen) && titles(screen).length === 0, 15_000, 'zoomed');
		vmux.write('set -- $(stty size); echo "size=$2x$1"\r');
		await vmux.waitFor(/^size=121x38 *$/m);
		vmux.write(`${PREFIX}z`);
		await vmux.waitFor(screen => titles(screen).length === 3, 15_000, 'unzoomed');

		// Resize: the border moves right by 3, and the PTYs beside it follow.
		vmux.write(`${PREFIX}${CTRL_ARROW.right}${PREFIX}${CTRL_ARROW.right}${PREFIX}${CTRL_ARROW.right}`);
		vmux.write('clear; set -- $(stty size); echo "size=$2x$1"\r');
		await vmux.waitFor(screen => paneLines(screen, 'size=63x37') === 1, 15_000, 'the left pane wider');

		// One login for all three: no new host-key question, no password.
		expect(vmux.raw.match(/Unknown host key/g)?.length ?? 0).toBeLessThanOrEqual(2);
	}, 90_000);

	it('cycles the layouts, renames the tab, breaks a pane out and closes one, with the titles and tabs to match', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		vmux.write(`${PREFIX}%`);
		await vmux.waitFor(screen => titles(screen).length === 2, 15_000, 'two panes');
		vmux.write(`${PREFIX}"`);
		await vmux.waitFor(screen => titles(screen).length === 3, 15_000, 'three panes');
		// even-horizontal: three titles on one row.
		vmux.write(`${PREFIX} `);
		await vmux.waitFor(screen => screen.split('\n').some(line => titles(line).length === 3), 15_000, 'three side by side');
		await vmux.waitFor('Layout: even-horizontal.');
		// even-vertical: one title per row, down column 0.
		vmux.write(`${PREFIX} `);
		await vmux.waitFor(screen => screen.split('\n').filter(line => /^─ \d /.test(line)).length === 3 && !screen.includes('│'), 15_000, 'three stacked');

		vmux.write(`${PREFIX},`);
		await vmux.waitFor('Rename this tab');
		vmux.write('db\x1b[1;2Dprod\r');
		await vmux.waitFor(/0:dbprod \[3\]/);

		vmux.write(`${PREFIX}!`);
		await vmux.waitFor(screen => /0:dbprod \[2\] .*1:jump-01/.test(screen.split('\n')[0] ?? '') && titles(screen).length === 0, 15_000, 'the pane in a tab of its own');

		vmux.write(`${PREFIX}0`);
		await vmux.waitFor(screen => titles(screen).length === 2, 15_000, 'back in the split tab');
		vmux.write(`${PREFIX}x`);
		await vmux.waitFor('Close pane');
		vmux.write('y');
		await vmux.waitFor(screen => titles(screen).length === 0 && /0:dbprod +/.test(screen.split('\n')[0] ?? ''), 15_000, 'one pane left, untitled');
		vmux.write('set -- $(stty size); echo "size=$2x$1"\r');
		await vmux.waitFor(/^size=120x38 *$/m);
	}, 90_000);

	it('opens a VM picked in the browser beside the pane with prefix S', async () => {
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		// Changing one's mind: prefix n goes back to the sessions, and the pick is forgotten.
		vmux.write(`${PREFIX}S`);
		await vmux.waitFor('Pick a VM or profile to open beside jump-01: Enter connects, Ctrl-b n goes back.');
		vmux.write(`${PREFIX}n`);
		await vmux.waitFor(screen => PROMPT.test(screen) && !screen.includes('Pick a VM'), 15_000, 'back in the session');
		vmux.write(`${PREFIX}S`);
		await vmux.waitFor('Pick a VM or profile to open beside jump-01');
		vmux.write('/db-01\r');
		await vmux.waitFor('Unknown host key');
		vmux.write('s');
		await vmux.waitFor(screen => /─ 0 jump-01 ● open/.test(screen) && /─ 1 db-01 ● open/.test(screen), 20_000, 'jump-01 and db-01 side by side');
		await vmux.waitFor(/│azureuser@db-01:~[#$]/);
		const bar = (await vmux.waitFor(screen => /0:db-01 \[2\]/.test(screen.split('\n')[0] ?? ''), 15_000, 'one tab of two panes')).split('\n')[0];
		expect(bar).not.toContain('1:');
	}, 90_000);

	it('never loses or doubles a keystroke across 30 random pane commands typed with random gaps (seeded)', async () => {
		let seed = Number(process.env.VMUX_STRESS_SEED ?? 0x51175);
		const random = () => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return seed / 0x80000000;
		};
		const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
		vmux = new VmuxPty(['--demo']);
		await connectJump(vmux);
		let panes = 1;
		for (let step = 0; step < 30; step++) {
			const commands: string[] = [];
			if (panes < 4) commands.push('%', '"');
			if (panes > 1) commands.push(ARROW.left, ARROW.right, ARROW.up, ARROW.down, 'o', 'z', ' ', CTRL_ARROW.left, CTRL_ARROW.down);
			const command = pick(commands);
			if (command === '%' || command === '"') panes++;
			// The command and the text typed after it arrive in one read, or with a gap: focus must be decided per byte.
			const text = `clear; echo mark-$((${step}*1000+7))\r`;
			const gap = pick([0, 0, 5, 30, 120]);
			if (gap === 0) vmux.write(`${PREFIX}${command}${text}`);
			else {
				vmux.write(`${PREFIX}${command}`);
				await new Promise(done => setTimeout(done, gap));
				vmux.write(text);
			}
			const mark = `mark-${step * 1000 + 7}`;
			// Exactly one pane ran it, and it is the pane with the bold title (or the only one drawn, zoomed).
			const screen = await vmux.waitFor(s => paneLines(s, mark) === 1, 20_000, `${mark} in exactly one pane (step ${step}, command ${JSON.stringify(command)}, gap ${gap})`);
			expect(paneLines(screen, mark), screen).toBe(1);
			const row = screen.split('\n').findIndex(line => new RegExp(`(?:^|│)${mark} *(?=│|$)`).test(line));
			const column = screen.split('\n')[row]!.search(new RegExp(`(?:^|(?<=│))${mark}`));
			const zoomed = /\[\d Z\]/.test(screen.split('\n')[0] ?? '');
			if (panes > 1 && !zoomed) {
				// The bold title (drawn in its own paint) is the one above the mark, in the same columns.
				const lines = screen.split('\n');
				const above = lines.slice(1, row).reverse().find(line => /─ \d+ /.test(line.slice(column, column + 4)));
				const typedInto = Number(above?.slice(column).match(/^─ (\d+) /)?.[1]);
				await vmux.waitFor(() => activeTitle(vmux!) === typedInto, 15_000, `pane ${typedInto}, which ran ${mark}, to have the bold title (step ${step})`);
			}
		}
		// Nothing typed went astray: no mark was run twice anywhere (all panes are on screen unzoomed).
		expect(panes).toBeGreaterThan(1);
	}, 240_000);
});
