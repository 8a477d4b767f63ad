// First frame from the inventory cache (issue 5 item 3: target under 200 ms).
//
// Writes a cached inventory of BENCH_FF_VMS VMs (default 1000) into a fresh config dir, then starts the
// built vmux (not the demo: the refresh against Azure fails here without a sign-in, which is the point:
// the list must appear from the cache anyway) in a 120x40 pseudo-terminal and times spawn -> the first
// VM row on the screen. The peer, in the same run: a bare `node -e` that prints one line, the floor any
// Node CLI pays before drawing anything. Median of BENCH_FF_RUNS (default 7) each.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import pty from 'node-pty';
import {saveRows} from './lib/results-file.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CLI = join(ROOT, 'dist/cli.js');
const VMS = Number(process.env.BENCH_FF_VMS ?? 1000);
const RUNS = Number(process.env.BENCH_FF_RUNS ?? 7);

const {saveInventoryCache} = await import(join(ROOT, 'dist/core/inventory/cache.js'));

function inventory(count) {
	const vms = [];
	for (let i = 0; i < count; i++) {
		const name = `vm-${String(i).padStart(5, '0')}`;
		vms.push({
			id: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-${i % 40}/providers/Microsoft.Compute/virtualMachines/${name}`,
			name,
			subscriptionId: '00000000-0000-0000-0000-000000000001',
			subscriptionName: 'Bench',
			resourceGroup: `rg-${i % 40}`,
			location: 'eastus',
			powerState: i % 7 === 0 ? 'deallocated' : 'running',
			privateIp: `10.${(i >> 8) & 255}.${i & 255}.4`,
			tags: {env: i % 2 ? 'prod' : 'dev'},
		});
	}
	return {fetchedAt: Date.now(), source: 'azure-resource-graph', subscriptions: [{id: '00000000-0000-0000-0000-000000000001', name: 'Bench'}], vms};
}

/** Spawns a command in a PTY and resolves with ms until its output contains `marker`. */
function timeUntil(file, args, marker, env = {}) {
	return new Promise((resolvePromise, reject) => {
		const environment = {...process.env, ...env, TERM: 'xterm-256color'};
		delete environment.CI;
		const start = performance.now();
		const child = pty.spawn(file, args, {cols: 120, rows: 40, env: environment});
		let output = '';
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`no "${marker}" within 10 s`));
		}, 10_000);
		child.onData(data => {
			output += data;
			if (output.includes(marker)) {
				const ms = performance.now() - start;
				clearTimeout(timer);
				child.kill('SIGTERM');
				resolvePromise(ms);
			}
		});
	});
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'vmux-bench-ff-'));
try {
	saveInventoryCache(dir, 'default', inventory(VMS));
	const vmux = [];
	const peer = [];
	for (let run = 0; run < RUNS; run++) {
		peer.push(await timeUntil(process.execPath, ['-e', 'console.log("vm-00000")'], 'vm-00000'));
		vmux.push(await timeUntil(process.execPath, [CLI, '--config-dir', dir], 'vm-00000', {HOME: dir}));
	}
	const result = {vms: VMS, runs: RUNS, vmuxMs: median(vmux), bareNodeMs: median(peer), ratio: median(vmux) / median(peer), targetMs: 200, vmuxRunsMs: vmux, bareNodeRunsMs: peer};
	console.log(`first frame from a cache of ${VMS} VMs: vmux ${result.vmuxMs.toFixed(0)} ms (median of ${RUNS}), bare node ${result.bareNodeMs.toFixed(0)} ms, ratio ${result.ratio.toFixed(2)}; target < 200 ms: ${result.vmuxMs < 200 ? 'met' : 'missed'}`);
	console.log(JSON.stringify(result));
	saveRows('first-frame', [
		{figure: `first frame from an inventory cache of ${VMS} VMs (median of ${RUNS})`, vmux: `${result.vmuxMs.toFixed(0)} ms`, peer: `${result.bareNodeMs.toFixed(0)} ms (bare node)`, ratio: result.ratio, target: '< 200 ms', met: result.vmuxMs < 200},
	], result);
} finally {
	rmSync(dir, {recursive: true, force: true});
}
