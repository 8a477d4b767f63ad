// Each benchmark script saves its figures as rows of one shape, so `bench/summary.mjs` can print every
// target of `npm run bench` in one table (issue 12: "prints the table above with every target's ratio and
// met / missed"). A row: {figure, vmux, peer, ratio, target, met}; `met` is undefined for figures given for
// information only.
import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {loadavg} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where a script's rows go: bench/results-<name>.json (BENCH_RESULTS_DIR to put them elsewhere). */
export function resultsPath(name) {
	return join(process.env.BENCH_RESULTS_DIR ?? BENCH_DIR, `results-${name}.json`);
}

export function saveRows(name, rows, details = {}) {
	const data = {name, date: new Date().toISOString(), loadAverage: loadavg(), rows, details};
	writeFileSync(resultsPath(name), `${JSON.stringify(data, null, 2)}\n`);
	return data;
}

/** Every saved result file (results-<name>.json), newest data per name. */
export function loadAllResults() {
	const dir = process.env.BENCH_RESULTS_DIR ?? BENCH_DIR;
	const out = [];
	for (const file of readdirSync(dir)) {
		if (!/^results-[a-z0-9-]+\.json$/.test(file) || file === 'results-partial.json') continue;
		try {
			out.push(JSON.parse(readFileSync(join(dir, file), 'utf8')));
		} catch {
			// A file being written or from an older format: left out of the summary.
		}
	}
	return out;
}

export const ratioOf = (ours, peer) => (peer > 0 ? ours / peer : ours > 0 ? Infinity : 1);
