import {spawnSync} from 'node:child_process';
import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import {afterEach, describe, expect, it} from 'vitest';
import {VmuxPty} from './pty-driver.js';
import {PREFIX} from './demo-steps.js';

const COLS = 100;
const ROWS = 30;
/** The pane: the window minus the tab bar and the row Ink keeps free. */
const PANE_ROWS = ROWS - 2;

const hasAsciinema = spawnSync('asciinema', ['--version']).status === 0;

/**
 * Plays a cast with the real asciinema (`asciinema cat`: every output event, no delays) into a headless terminal.
 * asciinema opens /dev/tty, so it runs in a pseudo-terminal of the cast's size.
 */
async function playWithAsciinema(file: string, cols: number, rows: number): Promise<string[]> {
	const term = new xterm.Terminal({cols, rows, allowProposedApi: true});
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
	const player = pty.spawn('asciinema', ['cat', file], {name: 'xterm-256color', cols, rows, env: {...env, LANG: 'C.UTF-8'}});
	let output = '';
	player.onData(data => {
		output += data;
	});
	const {exitCode} = await new Promise<{exitCode: number}>(resolve => player.onExit(resolve));
	expect(exitCode, output).toBe(0);
	await new Promise<void>(resolve => term.write(output, resolve));
	const buffer = term.buffer.active;
	const lines: string[] = [];
	for (let y = 0; y < rows; y++) lines.push((buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '').trimEnd());
	term.dispose();
	return lines;
}

describe.skipIf(!hasAsciinema)('recording in vmux --demo (real PTY, real asciinema)', () => {
	let vmux: VmuxPty | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
	});

	it('records jump-01 with prefix R, and asciinema plays it back to the screen vmux showed', async () => {
		vmux = new VmuxPty(['--demo'], {cols: COLS, rows: ROWS});
		await vmux.waitFor('jump-01');
		vmux.write('/jump\r');
		await vmux.waitFor('Unknown host key');
		vmux.write('s');
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m);
		// Something on screen before the recording starts: the file begins with the screen as it was.
		vmux.write('echo "before=$((20+1))"\r');
		await vmux.waitFor(/^before=21$/m);

		vmux.write(`${PREFIX}R`);
		const started = await vmux.waitFor(screen => /● REC/.test(screen.split('\n')[0] ?? ''), 15_000, '● REC in the tab bar');
		expect(started.split('\n')[0]).toMatch(/0:jump-01\s+● REC/);
		vmux.write('echo "during=$((6*7))"\r');
		await vmux.waitFor(/^during=42$/m);
		// Colour, UTF-8 and a byte that is not UTF-8: the file holds U+FFFD for it (asciinema's rule), where the
		// pane's emulator (xterm.js) drops the byte.
		vmux.write(`printf '\\033[1;31mred\\033[0m caf\\303\\251 \\377 end-%s\\n' $((1+2))\r`);
		await vmux.waitFor(/^red café {2}end-3$/m);
		vmux.write('seq 101 105\r');
		await vmux.waitFor(/^105\nazureuser@jump-01:~[#$] *$/m);

		vmux.write(`${PREFIX}R`);
		const stopped = await vmux.waitFor(screen => !(screen.split('\n')[0] ?? '').includes('● REC'), 15_000, '● REC to leave the tab bar');
		const pane = stopped.split('\n').slice(1, 1 + PANE_ROWS);

		const dir = join(vmux.configDir, 'recordings');
		expect(statSync(dir).mode & 0o777).toBe(0o700);
		const files = readdirSync(dir);
		expect(files).toHaveLength(1);
		expect(files[0]).toMatch(/^jump-01-\d{8}-\d{6}\.cast$/);
		const file = join(dir, files[0]!);
		expect(statSync(file).mode & 0o777).toBe(0o600);

		const played = await playWithAsciinema(file, COLS, PANE_ROWS);
		expect(played.map(line => line.replace('\uFFFD', ''))).toEqual(pane);
		expect(played.join('\n')).toContain('before=21');
		expect(played.join('\n')).toContain('red café \uFFFD end-3');

		// The recordings view, from the browser: VM, start, duration, size; D deletes after asking.
		vmux.write(`${PREFIX}d`);
		// The header may cut the words off on 120 columns (three subscriptions are named before them).
		await vmux.waitFor(/1 live sess/);
		vmux.write(`${PREFIX}A`);
		const list = await vmux.waitFor(/Recordings · /);
		expect(list).toMatch(/▸ jump-01\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d+s\s+[\d.]+ (B|KiB)/);
		expect(list).toContain(`asciinema play ${file}`);
		vmux.write('D');
		await vmux.waitFor(`Delete the recording ${files[0]}?`);
		vmux.write('y');
		await vmux.waitFor(`Deleted ${files[0]}.`);
		expect(readdirSync(dir)).toEqual([]);
		await vmux.waitFor('No recordings yet');
		vmux.write('\x1b');
		// The header may cut the words off on 120 columns (three subscriptions are named before them).
		await vmux.waitFor(/1 live sess/);
	}, 90_000);
});
