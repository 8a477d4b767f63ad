// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package.
import {readFileSync} from 'node:fs';

function packageOf(url) {
	if (!url) return '(native/V8)';
	const modules = url.lastIndexOf('node_modules/');
	if (modules >= 0) {
		const rest = url.slice(modules + 'node_modules/'.length).split('/');
		return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
	}
	if (url.startsWith('node:')) return 'node (internals)';
	const dist = url.indexOf('/dist/');
	if (dist >= 0) return `vmux ${url.slice(dist + 6).split('/').slice(0, 2).join('/')}`;
	return url;
}

function shortUrl(url) {
	if (!url) return '';
	const modules = url.lastIndexOf('node_modules/');
	if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
	const dist = url.indexOf('/dist/');
	if (dist >= 0) return url.slice(dist + 1);
	return url.replace(/^file:\/\//, '');
}

/** {totalMs, idleMs, gcMs, functions: [{name, where, selfMs, percent}], packages: [{name, selfMs, percent}]} */
/**
 * `window` ({fromUs, toUs}, CLOCK_MONOTONIC microseconds, the clock of `process.hrtime` in any process)
 * keeps only the samples taken inside it, e.g. the measured part of a run without start-up.
 */
export function summariseProfile(file, {top = 15, window} = {}) {
	const profile = JSON.parse(readFileSync(file, 'utf8'));
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const self = new Map();
	let at = profile.startTime;
	for (let i = 0; i < profile.samples.length; i++) {
		const delta = profile.timeDeltas[i] ?? 0;
		at += delta;
		if (window && (at < window.fromUs || at > window.toUs)) continue;
		const id = profile.samples[i];
		self.set(id, (self.get(id) ?? 0) + delta);
	}
	const byFunction = new Map();
	const byPackage = new Map();
	let totalUs = 0;
	let idleUs = 0;
	let gcUs = 0;
	for (const [id, us] of self) {
		const {functionName, url, lineNumber} = nodes.get(id).callFrame;
		totalUs += us;
		if (functionName === '(idle)') {
			idleUs += us;
			continue;
		}
		if (functionName === '(garbage collector)') gcUs += us;
		const key = `${functionName || '(anonymous)'}|${shortUrl(url)}:${lineNumber + 1}`;
		byFunction.set(key, (byFunction.get(key) ?? 0) + us);
		const pkg = functionName.startsWith('(') ? functionName : packageOf(url);
		byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
	}
	const busyUs = totalUs - idleUs;
	const rows = (map) =>
		[...map]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([key, us]) => ({key, selfMs: us / 1000, percentOfBusy: busyUs ? (100 * us) / busyUs : 0}));
	return {
		file,
		totalMs: totalUs / 1000,
		busyMs: busyUs / 1000,
		idleMs: idleUs / 1000,
		gcMs: gcUs / 1000,
		functions: rows(byFunction).map(({key, ...rest}) => {
			const [name, where] = key.split('|');
			return {name, where, ...rest};
		}),
		packages: rows(byPackage).map(({key, ...rest}) => ({name: key, ...rest})),
	};
}

export function formatProfile(summary, title) {
	const lines = [`${title}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms sampled (GC ${summary.gcMs.toFixed(0)} ms)`];
	lines.push('  by package (self time):');
	for (const p of summary.packages.slice(0, 8)) lines.push(`    ${p.percentOfBusy.toFixed(1).padStart(5)}%  ${p.selfMs.toFixed(0).padStart(6)} ms  ${p.name}`);
	lines.push('  top functions (self time):');
	for (const f of summary.functions) lines.push(`    ${f.percentOfBusy.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`);
	return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const file of process.argv.slice(2)) console.log(formatProfile(summariseProfile(file), file));
}
