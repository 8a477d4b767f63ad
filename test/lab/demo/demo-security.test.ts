import {execFile, spawnSync} from 'node:child_process';
import {chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, relative, resolve} from 'node:path';
import ssh2 from 'ssh2';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ProfileStore} from '../../../source/core/profiles/store.js';
import {startDemo, type Demo} from '../../../source/lab/demo.js';
import {loadDemoTopology, parseTopology} from '../../../source/lab/topology/index.js';
import {LAB_PASSWORD, readLabUserKey} from '../../helpers/lab-credentials.js';
import {tryLogin} from './ssh-login.js';

const uid = process.getuid?.() ?? 0;
/** The shared path older versions used for the demo VMs' homes. */
const OLD_HOME_ROOT = join(tmpdir(), `vmux-lab-${uid}`);

describe('a running demo lab accepts only its own per-run credentials', () => {
	let demo: Demo;
	let configDir: string;
	beforeAll(async () => {
		configDir = mkdtempSync(join(tmpdir(), 'vmux-demo-security-'));
		demo = await startDemo({topology: loadDemoTopology(), configDir, store: new ProfileStore({configDir}), ssh: true});
	}, 60_000);
	afterAll(async () => {
		await demo?.stop();
		rmSync(configDir, {recursive: true, force: true});
	});
	const port = (vm = 'jump-01') => demo.lab!.ssh.get(vm)!.port;

	it("logs in with the run's key and password (the control: the servers do accept something)", async () => {
		expect(await tryLogin({port: port(), privateKey: demo.credentials.privateKey})).toMatchObject({result: 'ok'});
		expect(await tryLogin({port: port('web-01'), password: demo.credentials.password})).toMatchObject({result: 'ok'});
		// The run's key file (jump-01's demo profile uses it) is the same key.
		expect(await tryLogin({port: port(), privateKey: readFileSync(demo.runDir.keyPath)})).toMatchObject({result: 'ok'});
	});

	it('refuses the key vmux used to ship (dist/lab/assets/users/demo_ed25519) and the old fixed password', async () => {
		for (const name of ['demo_ed25519', 'demo_rsa']) {
			expect(await tryLogin({port: port(), privateKey: readLabUserKey(name)}), name).toMatchObject({result: 'refused'});
		}
		expect(await tryLogin({port: port(), password: LAB_PASSWORD})).toMatchObject({result: 'refused'});
		expect(demo.credentials.password).not.toBe(LAB_PASSWORD);
	});

	it('ships no user key in dist/lab/assets, and no private key found there logs in', async () => {
		const assets = resolve('dist/lab/assets');
		expect(existsSync(assets), 'run npm run build first').toBe(true);
		expect(existsSync(join(assets, 'users'))).toBe(false);
		const files = (readdirSync(assets, {recursive: true}) as string[]).map(name => join(assets, name)).filter(path => statSync(path).isFile());
		let tried = 0;
		for (const path of files) {
			const text = readFileSync(path, 'utf8');
			if (!text.includes('PRIVATE KEY')) continue;
			const key = ssh2.utils.parseKey(text);
			if (key instanceof Error) continue;
			tried++;
			expect(await tryLogin({port: port(), privateKey: text}), relative(assets, path)).toMatchObject({result: 'refused'});
		}
		// The host keys are private keys too: they identify the lab's servers and must not open them.
		expect(tried).toBeGreaterThan(0);
	});

	it("keeps the run's key in a fresh 0700 directory of its own, the key file 0600", () => {
		const root = lstatSync(demo.runDir.root);
		expect(root.isDirectory() && !root.isSymbolicLink()).toBe(true);
		expect(root.mode & 0o777).toBe(0o700);
		expect(root.uid).toBe(uid);
		expect(dirname(demo.runDir.keyPath)).toBe(demo.runDir.root);
		expect(statSync(demo.runDir.keyPath).mode & 0o777).toBe(0o600);
		// Key Vault hands the demo profiles this run's key and password, nothing shipped.
		const store = new ProfileStore({configDir});
		expect(store.get('jump-01')?.auth).toEqual({type: 'key-file', path: demo.runDir.keyPath});
	});

	it('gives each VM shell a fresh private home inside the run directory, not the old shared path', async () => {
		// A planted .vimrc and a .bash_history symlink in the path older versions used have no effect. That path
		// may be in use by an older vmux on this machine: only what this test adds is removed afterwards.
		const oldHome = join(OLD_HOME_ROOT, 'jump-01');
		const made = mkdirSync(oldHome, {recursive: true});
		const planted: string[] = [];
		const vimrc = join(oldHome, '.vimrc');
		if (!existsSync(vimrc)) {
			writeFileSync(vimrc, '" planted\n');
			planted.push(vimrc);
		}
		const target = join(mkdtempSync(join(tmpdir(), 'vmux-planted-')), 'victim');
		writeFileSync(target, 'untouched\n');
		const history = join(oldHome, '.bash_history');
		if (!existsSync(history)) {
			symlinkSync(target, history);
			planted.push(history);
		}
		try {
			const {output} = await tryLogin({
				port: port(),
				privateKey: demo.credentials.privateKey,
				command: 'printf "HOME=%s\\nHIST=%s\\n" "$HOME" "$HISTFILE"; echo written >> "$HISTFILE"; ls -A "$HOME"; stat -c "MODE=%a UID=%u" "$HOME"',
			});
			const home = /^HOME=(.*)$/m.exec(output)?.[1] ?? '';
			expect(home.startsWith(`${demo.runDir.root}/`), output).toBe(true);
			expect(/^HIST=(.*)$/m.exec(output)?.[1]).toBe(join(home, '.bash_history'));
			expect(output).toContain('MODE=700');
			expect(output).toContain(`UID=${uid}`);
			expect(output).not.toContain('.vimrc');
			expect(readFileSync(target, 'utf8')).toBe('untouched\n');
			expect(demo.lab!.ssh.get('jump-01')!.home).toBe(home);
		} finally {
			for (const path of planted) rmSync(path, {force: true});
			if (made) rmSync(made, {recursive: true, force: true});
			rmSync(dirname(target), {recursive: true, force: true});
		}
	});

	const otherUser = uid === 0 && spawnSync('setpriv', ['--version']).status === 0;
	it.skipIf(!otherUser)('lets no other local user in: another uid cannot read the run directory, and nothing it has logs in', async () => {
		// The "other user" is a real process running as nobody (setpriv), trying what it can reach.
		const scratch = mkdtempSync(join(tmpdir(), 'vmux-other-user-'));
		chmodSync(scratch, 0o755);
		const script = join(scratch, 'intruder.mjs');
		const shippedKey = join(scratch, 'shipped_key');
		writeFileSync(shippedKey, readLabUserKey('demo_ed25519'), {mode: 0o644});
		// The intruder cannot read the project (a clone under /root is 0700): it gets its own copy of ssh2.
		for (const name of ['ssh2', 'asn1', 'safer-buffer', 'bcrypt-pbkdf', 'tweetnacl']) {
			cpSync(join(process.cwd(), 'node_modules', name), join(scratch, 'node_modules', name), {recursive: true});
		}
		writeFileSync(join(scratch, 'package.json'), '{"type": "module"}\n', {mode: 0o644});
		makeReadableByAll(scratch);
		writeFileSync(
			script,
			`import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
const require = createRequire(${JSON.stringify(join(scratch, 'package.json'))});
const ssh2 = require('ssh2');
const [port, runDir, keyPath, shippedKey, oldPassword] = process.argv.slice(2);
const out = {uid: process.getuid()};
for (const [what, path] of [['runDir', runDir], ['key', keyPath]]) {
	try { readFileSync(path); out[what] = 'read'; } catch (error) { out[what] = error.code; }
}
const login = options => new Promise(resolve => {
	const client = new ssh2.Client();
	client.on('ready', () => { client.end(); resolve('ok'); });
	client.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map(() => oldPassword)));
	client.on('error', error => resolve(error.level === 'client-authentication' ? 'refused' : error.message));
	client.connect({host: '127.0.0.1', port: Number(port), username: 'azureuser', hostVerifier: () => true, readyTimeout: 10000, ...options});
});
out.shippedKey = await login({privateKey: readFileSync(shippedKey)});
out.oldPassword = await login({password: oldPassword, tryKeyboard: true});
console.log(JSON.stringify(out));
`,
			{mode: 0o644},
		);
		try {
			// Asynchronously: the lab's servers run in this process and must keep answering.
			const child = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, script, String(port()), join(demo.runDir.root, 'homes'), demo.runDir.keyPath, shippedKey, LAB_PASSWORD]);
			expect(child.status, child.stderr).toBe(0);
			expect(JSON.parse(child.stdout)).toEqual({uid: 65534, runDir: 'EACCES', key: 'EACCES', shippedKey: 'refused', oldPassword: 'refused'});
		} finally {
			rmSync(scratch, {recursive: true, force: true});
		}
	});
});

function run(command: string, args: string[]): Promise<{status: number | null; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		execFile(command, args, {encoding: 'utf8', timeout: 30_000}, (error, stdout, stderr) => {
			resolve({status: error ? ((error as {code?: number}).code ?? 1) : 0, stdout, stderr});
		});
	});
}

describe('demo run directories', () => {
	it('are removed when the demo stops, with every home in them', async () => {
		const configDir = mkdtempSync(join(tmpdir(), 'vmux-demo-stop-'));
		try {
			const demo = await startDemo({topology: loadDemoTopology(), configDir, store: new ProfileStore({configDir}), ssh: true});
			const homes = [...demo.lab!.ssh.values()].map(server => server.home);
			expect(homes.length).toBeGreaterThan(0);
			for (const home of homes) {
				expect(home.startsWith(`${demo.runDir.root}/`)).toBe(true);
				expect(statSync(home).mode & 0o777).toBe(0o700);
			}
			expect(new Set(homes).size).toBe(homes.length);
			await demo.stop();
			expect(existsSync(demo.runDir.root)).toBe(false);
		} finally {
			rmSync(configDir, {recursive: true, force: true});
		}
	}, 60_000);

	it('two demos at once share nothing: different directories, and one\'s key does not open the other', async () => {
		const configDir = mkdtempSync(join(tmpdir(), 'vmux-demo-two-'));
		const topology = loadDemoTopology();
		const [a, b] = [
			await startDemo({topology, configDir, store: new ProfileStore({configDir}), ssh: true}),
			await startDemo({topology, configDir, store: new ProfileStore({configDir}), ssh: true}),
		];
		try {
			expect(a.runDir.root).not.toBe(b.runDir.root);
			expect(a.lab!.ssh.get('jump-01')!.home).not.toBe(b.lab!.ssh.get('jump-01')!.home);
			expect(await tryLogin({port: b.lab!.ssh.get('jump-01')!.port, privateKey: a.credentials.privateKey})).toMatchObject({result: 'refused'});
		} finally {
			await a.stop();
			await b.stop();
			rmSync(configDir, {recursive: true, force: true});
		}
	}, 60_000);

	it('a topology VM named ../../tmp/x is refused by name, and even past the check creates nothing outside the run directory', async () => {
		const escapeName = `x-${process.pid}-${Date.now()}`;
		const json = JSON.parse(readFileSync(loadDemoTopology().label, 'utf8')) as {resources: Array<{id: string; name?: string; type?: string}>};
		const jump = json.resources.find(resource => resource.id.toLowerCase().endsWith('/virtualmachines/jump-01'))!;
		jump.name = `../../tmp/${escapeName}`;
		// The topology check refuses path-like names, naming the file and the VM.
		expect(() => parseTopology(json, 'hostile-topology.json')).toThrow(/hostile-topology\.json[\s\S]*\.\.\/\.\.\/tmp/);
		// Defence in depth: names that got past the check (set after it) still stay inside the run directory.
		const topology = loadDemoTopology();
		for (const [vm, name] of [['jump-01', `../../tmp/${escapeName}`], ['web-01', '..']] as const) {
			const resource = topology.resources.find(r => r.id.toLowerCase().endsWith(`/virtualmachines/${vm}`))!;
			resource.name = name;
			(resource.raw as {name?: string}).name = name;
		}
		const configDir = mkdtempSync(join(tmpdir(), 'vmux-demo-names-'));
		// Where the old code would have put the first VM's home.
		const outside = resolve(OLD_HOME_ROOT, `../../tmp/${escapeName}`);
		try {
			const demo = await startDemo({topology, configDir, store: new ProfileStore({configDir}), ssh: true});
			try {
				for (const name of [`../../tmp/${escapeName}`, '..']) {
					const home = demo.lab!.ssh.get(name)?.home;
					expect(home, name).toBeDefined();
					expect(dirname(home!)).toBe(join(demo.runDir.root, 'homes'));
				}
				expect(existsSync(outside)).toBe(false);
			} finally {
				await demo.stop();
			}
			expect(existsSync(outside)).toBe(false);
		} finally {
			rmSync(configDir, {recursive: true, force: true});
			rmSync(outside, {recursive: true, force: true});
		}
	}, 60_000);
});

/** Directories 0755 and files 0644 under `dir`, so another uid can load the copied modules. */
function makeReadableByAll(dir: string): void {
	chmodSync(dir, 0o755);
	for (const entry of readdirSync(dir, {withFileTypes: true})) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) makeReadableByAll(path);
		else if (entry.isFile()) chmodSync(path, 0o644);
	}
}
