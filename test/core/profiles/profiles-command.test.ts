/** `vmux profiles …` end to end: real store in a temp dir, real files, stdout/stderr captured. */
import {Capture} from '../../helpers/capture.js';
import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runProfilesCommand} from '../../../source/commands/profiles.js';
import {ProfileStore} from '../../../source/core/profiles/store.js';
import {profile, tempDir} from './helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../../profiles.example.json', import.meta.url));
const BAD_IMPORT = fileURLToPath(new URL('../../fixtures/profiles/bad-import.json', import.meta.url));


let dir: string;
let cleanup: () => void;
let configDir: string;
beforeEach(() => {
	({dir, cleanup} = tempDir('vmux-cli-'));
	configDir = join(dir, 'config');
});
afterEach(() => cleanup());

async function run(...argv: string[]) {
	const stdout = new Capture();
	const stderr = new Capture();
	const code = await runProfilesCommand(argv, {configDir, stdout, stderr, cwd: dir});
	return {code, stdout: stdout.text, stderr: stderr.text};
}

describe('vmux profiles list', () => {
	it('says so when there are none', async () => {
		expect(await run('list')).toEqual({code: 0, stdout: `No saved profiles yet (${join(configDir, 'profiles.json')}).\n`, stderr: ''});
	});

	it('prints an aligned table, and JSON with --json', async () => {
		await run('import', EXAMPLE);
		const {code, stdout} = await run('list');
		expect(code).toBe(0);
		const lines = stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^NAME +TARGET +TRANSPORT +PORT +USER +AUTH$/);
		expect(lines).toHaveLength(8);
		// Columns line up: every row has its transport column where the header has it.
		const transportColumn = lines[0].indexOf('TRANSPORT');
		for (const line of lines.slice(1)) expect(line[transportColumn - 1]).toBe(' ');
		expect(lines.find(line => line.startsWith('web-01 '))).toMatch(/web-01 \(rg-web\) +Bastion bas-std \(Standard\) +2222 +azureuser +Key Vault key$/);
		expect(lines.find(line => line.startsWith('app-01 '))).toMatch(/ +22 +- +Entra ID$/);
		expect(lines.find(line => line.startsWith('legacy-01-via-jump'))).toMatch(/jump via jump-01/);

		const json = await run('list', '--json');
		expect(json.code).toBe(0);
		expect(JSON.parse(json.stdout).map((p: {name: string}) => p.name)).toEqual([
			'web-01',
			'web-01-by-ip',
			'app-01',
			'dev-01',
			'jump-01',
			'legacy-01-via-jump',
			'build-box',
		]);
	});

	it('still lists readable profiles of a broken file, and explains on stderr with exit 1', async () => {
		mkdirSync(configDir, {recursive: true});
		const bytes = readFileSync(new URL('../../fixtures/profiles/hand-edited-broken.json', import.meta.url));
		writeFileSync(join(configDir, 'profiles.json'), bytes);
		const {code, stdout, stderr} = await run('list');
		expect(code).toBe(1);
		expect(stdout).toMatch(/^jump-01 /m);
		expect(stderr).toContain(`Profile "db-01" (profiles[1]): port is 70000; expected a whole number from 1 to 65535.`);
		expect(readFileSync(join(configDir, 'profiles.json')).equals(bytes)).toBe(true);
	});
});

describe('vmux profiles import', () => {
	it('imports a valid file, keeps existing names unless --replace', async () => {
		new ProfileStore({configDir}).save(profile({name: 'jump-01', port: 2200, transport: {kind: 'direct'}}));
		const first = await run('import', EXAMPLE);
		expect(first.code).toBe(0);
		expect(first.stdout).toContain('Imported 6 of 7 profiles');
		expect(first.stdout).toContain('kept the saved "jump-01" (same name; use --replace to overwrite)');
		expect(new ProfileStore({configDir}).get('jump-01')?.port).toBe(2200);

		const replaced = await run('import', EXAMPLE, '--replace');
		expect(replaced.code).toBe(0);
		expect(replaced.stdout).toMatch(/replaced: "web-01", "web-01-by-ip", "app-01", "dev-01", "jump-01", "legacy-01-via-jump"/);
		expect(new ProfileStore({configDir}).get('jump-01')?.transport).toEqual({kind: 'direct'});
		expect(new ProfileStore({configDir}).get('jump-01')?.port).toBe(22);
	});

	it('reports every bad field of every profile and imports nothing', async () => {
		const {code, stdout, stderr} = await run('import', BAD_IMPORT);
		expect(code).toBe(1);
		expect(stdout).toBe('');
		const lines = stderr.trimEnd().split('\n');
		expect(lines[0]).toBe(`vmux: ${BAD_IMPORT} has 8 problems; nothing was imported:`);
		const expected = [
			`Profile "web-01" (profiles[1]): port is 70000; expected a whole number from 1 to 65535.`,
			`Profile "web-01" (profiles[1]): username is "-admin"; expected a Linux username`,
			`The profile at profiles[2]: name is missing; expected a profile name`,
			`The profile at profiles[2]: auth.type is "certificate"; expected one of "entra", "password", "keyvault-password", "key-file", "keyvault-key", "agent".`,
			`Profile "dev-01" (profiles[3]): auth.secretName is missing; expected a Key Vault secret name`,
			`Profile "leaky" (profiles[4]): auth.passphrase looks like a secret, and profiles never store secrets`,
			`Profile "ok-01" (profiles[5]): name is "ok-01"; expected a name no other profile uses (profiles[0] is also "ok-01").`,
			`Profile "ok-01" (profiles[5]): transport.via is "nowhere", but no profile has that name`,
		];
		for (const sentence of expected) {
			expect(lines.some(line => line.startsWith(`  - ${BAD_IMPORT}: ${sentence}`)), sentence).toBe(true);
		}
		expect(lines).toHaveLength(1 + expected.length);
		// A secret found in the file is named, never echoed.
		expect(stderr).not.toContain('do-not-store-me');
		// Nothing was written, not even the valid "ok-01".
		expect(readdirSync(configDir)).toEqual([]);
	});

	it('reports SKU rule breaks as per-profile errors too', async () => {
		const text = readFileSync(EXAMPLE, 'utf8').replace('"port": 22,\n\t\t\t"username": "azureuser",\n\t\t\t"auth": {\n\t\t\t\t"type": "keyvault-password"', '"port": 2222,\n\t\t\t"username": "azureuser",\n\t\t\t"auth": {\n\t\t\t\t"type": "keyvault-password"');
		expect(text).not.toBe(readFileSync(EXAMPLE, 'utf8'));
		writeFileSync(join(dir, 'dev.json'), text);
		const {code, stderr} = await run('import', 'dev.json');
		expect(code).toBe(1);
		expect(stderr).toContain(`Profile "dev-01" (profiles[3]): The Developer SKU fixes the connection to SSH on port 22, so port 2222 cannot be used through bas-dev`);
	});

	it('explains a file that cannot be read or is not JSON', async () => {
		expect(await run('import', 'missing.json')).toEqual({
			code: 1,
			stdout: '',
			stderr: `vmux: cannot read ${join(dir, 'missing.json')} (ENOENT); nothing was imported.\n`,
		});
		const notJson = await run('import', fileURLToPath(new URL('../../fixtures/profiles/not-json.json', import.meta.url)));
		expect(notJson.code).toBe(1);
		expect(notJson.stderr).toMatch(/is not valid JSON \(.* at line 4, column 35\)/);
	});
});

describe('vmux profiles export', () => {
	it('writes the profiles document to stdout, or to a 0600 file that imports back', async () => {
		await run('import', EXAMPLE);
		const out = await run('export');
		expect(out.code).toBe(0);
		const document = JSON.parse(out.stdout);
		expect(document.version).toBe(1);
		expect(document.profiles).toHaveLength(7);

		const file = await run('export', 'backup.json');
		expect(file).toMatchObject({code: 0, stdout: '', stderr: `Exported 7 profiles to ${join(dir, 'backup.json')}.\n`});
		expect(statSync(join(dir, 'backup.json')).mode & 0o777).toBe(0o600);
		expect(readFileSync(join(dir, 'backup.json'), 'utf8')).toBe(out.stdout);

		writeFileSync(join(configDir, 'profiles.json'), '{"version": 1, "profiles": []}');
		const back = await run('import', 'backup.json');
		expect(back.code).toBe(0);
		expect((await run('export')).stdout).toBe(out.stdout);
	});
});

describe('usage', () => {
	it.each([[[]], [['frobnicate']], [['list', 'extra']], [['import']], [['list', '--replace']], [['list', '--bogus']]])('%j is a usage error (exit 2)', async argv => {
		const {code, stderr} = await run(...argv);
		expect(code).toBe(2);
		expect(stderr).toContain('Usage');
	});

	it('--help prints usage on stdout', async () => {
		const {code, stdout} = await run('--help');
		expect(code).toBe(0);
		expect(stdout).toMatch(/vmux profiles list \[--json\]/);
	});
});
