// Time to read the cached inventory for the first frame (issue 5: first frame under 200 ms), with 10,000 VMs.
//
// Saves a 10,000-VM inventory with the real cache module, then times loadInventoryCache (read, parse, validate,
// stale check). The peer, measured in the same run on the same file, is the floor: readFileSync + JSON.parse alone.
//
// Run after `npm run build`: node bench/inventory-cache.mjs   (VMUX_DIST=<dir> to point at another build)
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {performance} from 'node:perf_hooks';
import {pathToFileURL} from 'node:url';
import {saveRows} from './lib/results-file.mjs';

const dist = resolve(process.env.VMUX_DIST ?? new URL('../dist', import.meta.url).pathname);
const {saveInventoryCache, loadInventoryCache, inventoryCachePath} = await import(pathToFileURL(`${dist}/core/inventory/cache.js`).href);

const VM_COUNT = Number(process.env.VMS ?? 10_000);
const RUNS = 20;
const BUDGET_MS = 200;

function inventory(count) {
	const vms = [];
	for (let i = 0; i < count; i++) {
		const sub = `sub-${i % 20}`;
		vms.push({
			id: `/subscriptions/${sub}/resourceGroups/rg-${i % 150}/providers/Microsoft.Compute/virtualMachines/vm-${i}`,
			name: `vm-${i}`,
			subscriptionId: sub,
			subscriptionName: `Contoso ${i % 20}`,
			resourceGroup: `rg-${i % 150}`,
			location: 'eastus',
			size: 'Standard_D2s_v5',
			osType: 'Linux',
			powerState: i % 5 ? 'running' : 'deallocated',
			privateIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
			vnetId: `/subscriptions/${sub}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-${i % 40}`,
			tags: {env: i % 2 ? 'prod' : 'dev', team: `team-${i % 12}`},
			bastion: {
				id: `/subscriptions/${sub}/resourceGroups/rg-net/providers/Microsoft.Network/bastionHosts/bas-${i % 40}`,
				name: `bas-${i % 40}`,
				resourceGroup: 'rg-net',
				subscriptionId: sub,
				sku: 'Standard',
				flags: {enableTunneling: true, enableIpConnect: false, enableFileCopy: false, enableShareableLink: false, enableKerberos: false, disableCopyPaste: false, enableSessionRecording: false, enablePrivateOnlyBastion: false},
				dnsName: `bst-${i % 40}.bastion.azure.com`,
				via: 'same-vnet',
			},
			extensions: i % 10 ? [] : ['AADSSHLoginForLinux'],
		});
	}
	return {fetchedAt: Date.now(), source: 'azure-resource-graph', subscriptions: Array.from({length: 20}, (_, i) => ({id: `sub-${i}`, name: `Contoso ${i}`})), vms};
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

const dir = mkdtempSync(join(tmpdir(), 'vmux-bench-cache-'));
try {
	saveInventoryCache(dir, 'tenant', inventory(VM_COUNT));
	const path = inventoryCachePath(dir, 'tenant');
	const ours = [];
	const peer = [];
	for (let run = 0; run < RUNS; run++) {
		let start = performance.now();
		const loaded = loadInventoryCache(dir, 'tenant');
		ours.push(performance.now() - start);
		if (loaded.inventory.vms.length !== VM_COUNT) throw new Error('cache did not round-trip');
		start = performance.now();
		JSON.parse(readFileSync(path, 'utf8'));
		peer.push(performance.now() - start);
	}
	const a = median(ours);
	const b = median(peer);
	console.log(`inventory cache: ${VM_COUNT} VMs, ${(statSync(path).size / 1024 / 1024).toFixed(1)} MB, ${RUNS} loads`);
	console.log(`  loadInventoryCache      median ${a.toFixed(1)} ms`);
	console.log(`  read + JSON.parse (peer) median ${b.toFixed(1)} ms`);
	console.log(`  ratio vmux/peer: ${(a / b).toFixed(2)}x; share of the ${BUDGET_MS} ms first-frame budget: ${(a / BUDGET_MS).toFixed(2)} -> ${a < BUDGET_MS ? 'PASS' : 'FAIL'}`);
	saveRows('inventory-cache', [
		{figure: `loading an inventory cache of ${VM_COUNT} VMs (median)`, vmux: `${a.toFixed(1)} ms`, peer: `${b.toFixed(1)} ms (read + JSON.parse)`, ratio: a / b, target: `< ${BUDGET_MS} ms`, met: a < BUDGET_MS},
	]);
	// A missed target is reported (here and in bench/summary.mjs), not an error: npm run bench goes on to the rest.
} finally {
	rmSync(dir, {recursive: true, force: true});
}
