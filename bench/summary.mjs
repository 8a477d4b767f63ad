// One table of every figure `npm run bench` measured against a target, from the files the scripts wrote:
// results.json (and results-partial.json, for phases run on their own) from run.mjs, and results-<name>.json
// from the others (bench/lib/results-file.mjs). Newer rows win where two files measured the same figure.
// Prints met / missed for each and how many of each; figures for information are left out (see each file).
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {loadAllResults} from './lib/results-file.mjs';

const dir = process.env.BENCH_RESULTS_DIR ?? dirname(fileURLToPath(import.meta.url));
const sources = [];
for (const file of ['results.json', 'results-partial.json']) {
	const path = join(dir, file);
	if (!existsSync(path)) continue;
	const data = JSON.parse(readFileSync(path, 'utf8'));
	sources.push({name: `run.mjs (${file})`, date: data.date, rows: data.table ?? []});
}
for (const data of loadAllResults()) sources.push({name: `${data.name}.mjs`, date: data.date, rows: data.rows ?? []});
sources.sort((a, b) => String(a.date).localeCompare(String(b.date)));

const byFigure = new Map();
for (const source of sources) for (const row of source.rows) if (row.target && row.target !== '-' && row.met !== undefined) byFigure.set(row.figure, {...row, source: source.name, date: source.date});
const rows = [...byFigure.values()];

const header = ['figure', 'vmux', 'peer', 'ratio', 'target', 'met', 'from'];
const body = rows.map((r) => [r.figure, r.vmux, r.peer, Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : 'n/a', r.target, r.met ? 'yes' : 'NO', `${r.source}, ${String(r.date).slice(0, 16).replace('T', ' ')}`]);
const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => String(cells[i]).length)));
const line = (cells) => cells.map((cell, i) => (i >= 1 && i <= 3 ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i]))).join('  ').trimEnd();
console.log('\nvmux against its peers: every target of npm run bench (ratio = vmux / peer; lower is better)\n');
console.log(line(header));
for (const cells of body) console.log(line(cells));
const met = rows.filter((r) => r.met).length;
console.log(`\n${met} of ${rows.length} targets met, ${rows.length - met} missed. Raw figures and the figures for information: bench/results*.json.`);
