// Issue 8: 10,000 saved profiles must start in under 1 s and filter like the VM list.
//
// Host profiles are rows of the browser beside the inventory's VMs. This starts vmux in a real PTY on a config
// dir holding N host profiles (and no inventory), and, as the peer measured in the same run, on one holding an
// inventory cache of N VMs of the same names (and no profiles): the VM list the issue compares with. For both
// it reports spawn -> first row on screen, and per keystroke of a filter query the time until the screen has
// settled (last output after the key). Ratios are profiles / VM list (<= ~1 means profiles scale like VMs).
//
// Run after `npm run build`: node bench/profiles-scale.mjs   (BENCH_PS_COUNT=10000, BENCH_PS_RUNS=3)
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import pty from 'node-pty';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CLI = join(ROOT, 'dist/cli.js');
const COUNT = Number(process.env.BENCH_PS_COUNT ?? 10_000);
const RUNS = Number(process.env.BENCH_PS_RUNS ?? 3);
const QUERY = 'vm-0999';
const {saveInventoryCache} = await import(pathToFileURL(join(ROOT, 'dist/core/inventory/cache.js')).href);

const name = i => `vm-${String(i).padStart(5, '0')}`;
const ip = i => `10.${(i >> 8) & 255}.${i & 255}.4`;

function profilesDir(root) {
	const dir = join(root, 'profiles');
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const profiles = Array.from({length: COUNT}, (_, i) => ({name: name(i), target: {kind: 'host', host: ip(i)}, transport: {kind: 'direct'}, port: 22, username: 'azureuser', auth: {type: 'password'}}));
	writeFileSync(join(dir, 'profiles.json'), JSON.stringify({version: 1, profiles}), {mode: 0o600});
	return dir;
}

function vmListDir(root) {
	const dir = join(root, 'vms');
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const sub = '00000000-0000-0000-0000-000000000001';
	const vms = Array.from({length: COUNT}, (_, i) => ({
		id: `/subscriptions/${sub}/resourceGroups/rg-${i % 40}/providers/Microsoft.Compute/virtualMachines/${name(i)}`,
		name: name(i),
		subscriptionId: sub,
		subscriptionName: 'Bench',
		resourceGroup: `rg-${i % 40}`,
		location: 'eastus',
		powerState: 'running',
		privateIp: ip(i),
		tags: {},
	}));
	saveInventoryCache(dir, 'default', {fetchedAt: Date.now(), source: 'azure-resource-graph', subscriptions: [{id: sub, name: 'Bench'}], vms});
	return dir;
}

/** Starts vmux; resolves with the time to the first row and the per-key settle times of QUERY. */
function measure(configDir, emptyAzure) {
	return new Promise((done, fail) => {
		const env = {...process.env, TERM: 'xterm-256color', AZURE_CONFIG_DIR: emptyAzure, HOME: configDir};
		delete env.CI;
		const start = performance.now();
		const child = pty.spawn(process.execPath, [CLI, '--config-dir', configDir], {cols: 120, rows: 40, env});
		let output = '';
		let lastData = performance.now();
		let firstRowMs;
		const keys = [];
		const timer = setTimeout(() => (child.kill('SIGKILL'), fail(new Error(`no first row within 120 s in ${configDir}`))), 120_000);
		child.onData(data => {
			output += data;
			lastData = performance.now();
			if (firstRowMs === undefined && output.includes(name(0)) && output.includes('NAME')) {
				firstRowMs = performance.now() - start;
				void typeQuery();
			}
		});
		const settle = async () => {
			// Settled: no output for 150 ms.
			while (performance.now() - lastData < 150) await new Promise(r => setTimeout(r, 10));
		};
		async function typeQuery() {
			// Let start-up work (inventory refresh, sign-in attempt) finish before timing keys.
			await new Promise(r => setTimeout(r, 1500));
			await settle();
			for (const key of ['/', ...QUERY]) {
				const sent = performance.now();
				child.write(key);
				// The key's frame: wait for output after the key (bounded), then for the screen to settle.
				while (lastData < sent && performance.now() - sent < 10_000) await new Promise(r => setTimeout(r, 5));
				await settle();
				keys.push(Math.max(0, lastData - sent));
			}
			clearTimeout(timer);
			child.kill('SIGTERM');
			done({firstRowMs, keyMs: keys});
		}
	});
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const root = mkdtempSync(join(tmpdir(), 'vmux-bench-ps-'));
try {
	const emptyAzure = join(root, 'no-azure-cli');
	mkdirSync(emptyAzure);
	const dirs = {profiles: profilesDir(root), vms: vmListDir(root)};
	const results = {profiles: [], vms: []};
	for (let run = 0; run < RUNS; run++) {
		for (const side of ['vms', 'profiles']) results[side].push(await measure(dirs[side], emptyAzure));
	}
	const summary = side => ({
		firstRowMs: median(results[side].map(r => r.firstRowMs)),
		keyMedianMs: median(results[side].flatMap(r => r.keyMs)),
		keyMaxMs: Math.max(...results[side].flatMap(r => r.keyMs)),
	});
	const p = summary('profiles');
	const v = summary('vms');
	console.log(`${COUNT} host profiles vs a VM list of ${COUNT} (median of ${RUNS} runs, load average ${loadavg()[0].toFixed(1)}):`);
	console.log(`  first row:          profiles ${p.firstRowMs.toFixed(0)} ms, VM list ${v.firstRowMs.toFixed(0)} ms, ratio ${(p.firstRowMs / v.firstRowMs).toFixed(2)}`);
	console.log(`  filter key (median): profiles ${p.keyMedianMs.toFixed(0)} ms, VM list ${v.keyMedianMs.toFixed(0)} ms, ratio ${(p.keyMedianMs / v.keyMedianMs).toFixed(2)}`);
	console.log(`  filter key (max):    profiles ${p.keyMaxMs.toFixed(0)} ms, VM list ${v.keyMaxMs.toFixed(0)} ms`);
	console.log(JSON.stringify({count: COUNT, runs: RUNS, profiles: p, vmList: v, raw: results}));
} finally {
	rmSync(root, {recursive: true, force: true});
}
