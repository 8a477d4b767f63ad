import {afterEach, describe, expect, it} from 'vitest';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {VmuxPty} from './pty-driver.js';
import {PREFIX, connectJump} from './demo-steps.js';

describe('the file view in vmux --demo (real PTY, SFTP over the session connection)', () => {
	let vmux: VmuxPty | undefined;
	let dir: string | undefined;
	afterEach(() => {
		vmux?.dispose();
		vmux = undefined;
		if (dir) rmSync(dir, {recursive: true, force: true});
		dir = undefined;
	});

	it('prefix f shows the home directory; a file uploaded and downloaded back has the same bytes', async () => {
		dir = mkdtempSync(join(tmpdir(), 'vmux-e2e-files-'));
		const data = randomBytes(700_000);
		writeFileSync(join(dir, 'payload.bin'), data);
		vmux = new VmuxPty(['--demo'], {cwd: dir});
		await connectJump(vmux);
		vmux.write(`${PREFIX}f`);
		// The login directory of jump-01, listed with mode and mtime.
		await vmux.waitFor(s => /Files · jump-01 · \/\S+/.test(s) && /\.vmux-lab-bin\/ +drwx------ {2}\d{4}-\d\d-\d\d/.test(s), 15_000, 'the home directory');
		vmux.write('u');
		await vmux.waitFor('Upload:');
		vmux.write('payld');
		await vmux.waitFor(s => s.includes('▸ payload.bin') && s.includes('1 match'), 15_000, 'the picker matching payload.bin');
		vmux.write('\r');
		await vmux.waitFor(s => /↑ payload\.bin +done 684 KB\/684 KB, sha256 ✓/.test(s) && /payload\.bin +684 KB {2}-rw-r--r--/.test(s), 30_000, 'the upload done and listed');
		for (let i = 0; i < 10 && !/▸ payload\.bin/.test(vmux.screen()); i++) {
			const before = vmux.screen();
			vmux.write('j');
			await vmux.waitFor(s => s !== before, 5000, 'the selection to move');
		}
		vmux.write('s');
		await vmux.waitFor(`Download payload.bin into: ${dir}`);
		vmux.write('/back\r');
		await vmux.waitFor(s => /↓ payload\.bin +done 684 KB\/684 KB, sha256 ✓/.test(s), 30_000, 'the download done');
		expect(readFileSync(join(dir, 'back', 'payload.bin')).equals(data)).toBe(true);
		// Back to the session: the shell is still there.
		vmux.write('\x1b');
		await vmux.waitFor(/azureuser@jump-01:~[#$] *$/m);
	});
});
