// Preload for vmux under the benchmark (BENCH_VMUX_IMPORT=bench/lib/stall-watch.mjs): appends every garbage
// collection longer than 3 ms and every event-loop stall longer than 6 ms to /tmp/vmux-stalls-<pid>.log
// (milliseconds since start, what, how long), to tell GC pauses from long parses when a p99 is high.
import {appendFileSync} from 'node:fs';
import {PerformanceObserver} from 'node:perf_hooks';

const file = process.env.VMUX_STALL_LOG ?? `/tmp/vmux-stalls-${process.pid}.log`;
const GC_KINDS = {1: 'scavenge', 2: 'minor-mark-compact', 4: 'mark-compact', 8: 'incremental-marking', 16: 'weak-callbacks'};
new PerformanceObserver(list => {
	for (const entry of list.getEntries()) {
		if (entry.duration > 3) appendFileSync(file, `${Math.round(entry.startTime)} gc ${GC_KINDS[entry.detail?.kind] ?? entry.detail?.kind} ${entry.duration.toFixed(1)}\n`);
	}
}).observe({entryTypes: ['gc']});
let last = performance.now();
setInterval(() => {
	const now = performance.now();
	if (now - last > 6) appendFileSync(file, `${Math.round(last)} stall ${(now - last).toFixed(1)}\n`);
	last = now;
}, 1).unref();
