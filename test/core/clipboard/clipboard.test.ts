import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {copyWithProgram, findClipboardProgram} from '../../../source/core/clipboard/local-clipboard.js';
import {OSC52_MAX_BYTES, osc52Sequence} from '../../../source/core/clipboard/osc52.js';

describe('OSC 52', () => {
	it('puts the UTF-8 text, base64-encoded, in ESC ] 52 ; c ; … BEL', () => {
		expect(osc52Sequence('hello')).toBe('\x1b]52;c;aGVsbG8=\x07');
		const sequence = osc52Sequence('日本語\nline two')!;
		const payload = /^\x1b\]52;c;([A-Za-z0-9+/=]+)\x07$/.exec(sequence)![1]!;
		expect(Buffer.from(payload, 'base64').toString('utf8')).toBe('日本語\nline two');
	});

	it('refuses text too long for terminals to take (bounded by bytes, not characters)', () => {
		expect(osc52Sequence('x'.repeat(OSC52_MAX_BYTES))).toBeDefined();
		expect(osc52Sequence('x'.repeat(OSC52_MAX_BYTES + 1))).toBeUndefined();
		// Three bytes a character: a third as many characters fit.
		expect(osc52Sequence('語'.repeat(Math.floor(OSC52_MAX_BYTES / 3) + 1))).toBeUndefined();
	});
});

describe('the desktop clipboard program', () => {
	const dirs: string[] = [];
	afterEach(() => {
		for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
	});

	/** A directory on a fake PATH holding an executable `name` that runs `script`. */
	function program(name: string, script: string): string {
		const dir = mkdtempSync(join(tmpdir(), 'vmux-clip-'));
		dirs.push(dir);
		writeFileSync(join(dir, name), `#!/bin/sh\n${script}\n`);
		chmodSync(join(dir, name), 0o755);
		return dir;
	}

	it('is wl-copy under Wayland, xclip under X11, pbcopy on macOS, only when on PATH', () => {
		const dir = program('wl-copy', 'cat > /dev/null');
		program('xclip', 'cat > /dev/null');
		expect(findClipboardProgram({WAYLAND_DISPLAY: 'wayland-0', PATH: dir}, 'linux')?.command).toBe(join(dir, 'wl-copy'));
		expect(findClipboardProgram({DISPLAY: ':0', PATH: dir}, 'linux')).toBeUndefined();
		const xDir = dirs[1]!;
		expect(findClipboardProgram({DISPLAY: ':0', PATH: `${dir}:${xDir}`}, 'linux')).toEqual({command: join(xDir, 'xclip'), args: ['-selection', 'clipboard']});
		expect(findClipboardProgram({PATH: `${dir}:${xDir}`}, 'linux')).toBeUndefined();
		expect(findClipboardProgram({PATH: '/nonexistent'}, 'darwin')).toBeUndefined();
	});

	it('hands the text to the program on stdin without waiting for it to be read', async () => {
		const out = join(mkdtempSync(join(tmpdir(), 'vmux-clip-out-')), 'copied');
		dirs.push(join(out, '..'));
		const dir = program('wl-copy', `cat > '${out}'`);
		const found = findClipboardProgram({WAYLAND_DISPLAY: 'w', PATH: dir}, 'linux')!;
		const pending = copyWithProgram(found, 'copied 日本語\n');
		expect(pending).toBeInstanceOf(Promise);
		expect(await pending).toEqual({ok: true});
		expect(readFileSync(out, 'utf8')).toBe('copied 日本語\n');
	});

	it('reports a program that fails or hangs, and never throws', async () => {
		const failing = program('wl-copy', 'exit 3');
		expect(await copyWithProgram({command: join(failing, 'wl-copy'), args: []}, 'x')).toEqual({ok: false, reason: `${join(failing, 'wl-copy')} exited with status 3`});
		const missing = await copyWithProgram({command: '/nonexistent/wl-copy', args: []}, 'x');
		expect(missing.ok).toBe(false);
		const hanging = program('xclip', 'exec sleep 30');
		const started = Date.now();
		const result = await copyWithProgram({command: join(hanging, 'xclip'), args: []}, 'x');
		expect(result).toEqual({ok: false, reason: expect.stringMatching(/did not finish within 3 s/)});
		expect(Date.now() - started).toBeLessThan(6000);
	}, 10_000);
});
