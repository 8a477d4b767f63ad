/**
 * Issue 8: three vmux processes saving profiles at once lose none of them (the store locks the file for each
 * read-modify-write and re-reads it under the lock). Real processes, the real built store; needs `npm run build`.
 */
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {tempDir} from './helpers.js';

const STORE = pathToFileURL(resolve('dist/core/profiles/store.js')).href;
const PROCESSES = 3;
const SAVES = 150;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({dir, cleanup} = tempDir()));
afterEach(() => cleanup());

// Each process opens its own store once (as a running vmux does) and saves its profiles one by one.
const WORKER = `
const {ProfileStore} = await import(process.argv[1]);
const [configDir, who, count] = process.argv.slice(2);
const store = new ProfileStore({configDir});
for (let i = 0; i < Number(count); i++) {
	store.save({name: who + '-' + i, target: {kind: 'host', host: '10.0.0.' + (i % 250 + 1)}, transport: {kind: 'direct'}, port: 22, username: 'azureuser', auth: {type: 'password'}});
}
`;

function runWorker(configDir: string, who: string): Promise<{code: number | null; stderr: string}> {
	return new Promise(done => {
		const child = spawn(process.execPath, ['--input-type=module', '-e', WORKER, STORE, configDir, who, String(SAVES)], {stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		child.stderr.on('data', chunk => (stderr += chunk));
		child.on('close', code => done({code, stderr}));
	});
}

it(`${PROCESSES} processes saving ${SAVES} profiles each keep all ${PROCESSES * SAVES}`, async () => {
	const configDir = join(dir, 'vmux');
	const results = await Promise.all(Array.from({length: PROCESSES}, (_, n) => runWorker(configDir, `p${n}`)));
	for (const result of results) expect(result, result.stderr).toMatchObject({code: 0});
	const saved = JSON.parse(readFileSync(join(configDir, 'profiles.json'), 'utf8')) as {profiles: Array<{name: string}>};
	const names = new Set(saved.profiles.map(p => p.name));
	expect(saved.profiles).toHaveLength(PROCESSES * SAVES);
	for (let n = 0; n < PROCESSES; n++) for (let i = 0; i < SAVES; i++) expect(names.has(`p${n}-${i}`)).toBe(true);
}, 120_000);
