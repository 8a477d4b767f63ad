#!/usr/bin/env node
// Writes a large lab world for `vmux --demo --lab-topology <file>` (issue 14's 1,000- and 10,000-VM tests use the
// same generator): node scripts/lab-world.mjs <vms> [file]   (run `npm run build` first; stdout without a file)
import {writeFileSync} from 'node:fs';
const {generateLabWorld} = await import(new URL('../dist/lab/topology/generate.js', import.meta.url).href);
const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 1 || count > 50_000) {
	process.stderr.write('usage: node scripts/lab-world.mjs <vms, 1-50000> [file]\n');
	process.exit(2);
}
const text = JSON.stringify(generateLabWorld({vms: count}));
if (process.argv[3]) writeFileSync(process.argv[3], text);
else process.stdout.write(text);
