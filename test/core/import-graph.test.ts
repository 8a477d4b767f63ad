import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve, sep} from 'node:path';
import {describe, expect, it} from 'vitest';

/**
 * Who may import whom (issue 11 §1): `vmux doctor`, `vmux profiles` and core share one wiring and never load the
 * TUI. Nothing under source/core or source/commands imports source/app; core imports no React or Ink; and the CLI
 * (source/cli.ts, source/main.tsx) reaches source/app through one door only, the lazy `import('./app/run-app.js')`
 * taken when the full-screen browser opens. Read from the sources: every static import, re-export and dynamic
 * import with a literal specifier.
 */
const SOURCE = resolve(import.meta.dirname, '../../source');

interface ImportEdge {
	/** The importing file, relative to source/ ('/'-separated). */
	from: string;
	specifier: string;
	/** The imported source file relative to source/, for relative specifiers. */
	to?: string;
	dynamic: boolean;
}

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(path);
		return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
	});
}

/** Code without comments, so a comment quoting an import is not one. */
function code(text: string): string {
	return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const posix = (path: string) => path.split(sep).join('/');

/** `./x.js` as written in ESM sources names `./x.ts` or `./x.tsx`. */
function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
	if (!specifier.startsWith('.')) return undefined;
	const target = resolve(dirname(fromFile), specifier);
	const stem = target.replace(/\.js$/, '');
	for (const candidate of [`${stem}.ts`, `${stem}.tsx`, target]) if (existsSync(candidate)) return posix(relative(SOURCE, candidate));
	return `unresolved:${posix(relative(SOURCE, target))}`;
}

function importsOf(path: string): ImportEdge[] {
	const text = code(readFileSync(path, 'utf8'));
	const from = posix(relative(SOURCE, path));
	const edges: ImportEdge[] = [];
	const add = (specifier: string, dynamic: boolean) => {
		const to = resolveSpecifier(path, specifier);
		edges.push({from, specifier, dynamic, ...(to ? {to} : {})});
	};
	// import x from '…', import type {x} from '…', export {x} from '…', export * from '…' (across lines).
	for (const match of text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm)) add(match[1]!, false);
	// import '…' (side effects only).
	for (const match of text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) add(match[1]!, false);
	for (const match of text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) add(match[1]!, true);
	return edges;
}

const files = sourceFiles(SOURCE);
const edges = files.flatMap(importsOf);
const under = (dir: string) => (path: string | undefined) => path?.startsWith(`${dir}/`) === true;
const inApp = under('app');
const describeEdge = (edge: ImportEdge) => `${edge.from} -> ${edge.specifier}${edge.dynamic ? ' (dynamic)' : ''}`;

/** The only edge from outside the TUI into it. */
const APP_DOOR = {from: 'main.tsx', specifier: './app/run-app.js', dynamic: true};
const isAppDoor = (edge: ImportEdge) => edge.from === APP_DOOR.from && edge.specifier === APP_DOOR.specifier && edge.dynamic === APP_DOOR.dynamic;

/** Every file reachable from `start` along all edges, static and dynamic, except the app door. */
function reachableWithoutTheDoor(start: string): Map<string, string[]> {
	const paths = new Map<string, string[]>([[start, [start]]]);
	const queue = [start];
	while (queue.length > 0) {
		const file = queue.shift()!;
		for (const edge of edges) {
			if (edge.from !== file || !edge.to || isAppDoor(edge) || paths.has(edge.to)) continue;
			paths.set(edge.to, [...paths.get(file)!, edge.to]);
			queue.push(edge.to);
		}
	}
	return paths;
}

describe('the import graph', () => {
	it('reads the sources and their imports (a guard against a wrong path or pattern making every check pass)', () => {
		expect(files.length).toBeGreaterThan(200);
		expect(edges.filter(edge => edge.to?.startsWith('unresolved:')).map(describeEdge)).toEqual([]);
		// Known edges of each kind are found: static, type-only, multi-line, dynamic.
		expect(edges.some(edge => edge.from === 'commands/doctor.ts' && edge.to === 'core/azure/azure-access.ts' && !edge.dynamic)).toBe(true);
		expect(edges.some(edge => edge.from === 'app/services/build-services.ts' && edge.to === 'core/wiring/core-services.ts')).toBe(true);
		expect(edges.some(edge => edge.from === 'main.tsx' && edge.to === 'commands/doctor.ts' && edge.dynamic)).toBe(true);
		expect(edges.some(edge => edge.from === 'cli.ts' && edge.to === 'main.tsx' && edge.dynamic)).toBe(true);
		expect(edges.filter(isAppDoor)).toHaveLength(1);
	});

	it('nothing under source/core or source/commands imports source/app', () => {
		const offenders = edges.filter(edge => (under('core')(edge.from) || under('commands')(edge.from)) && inApp(edge.to)).map(describeEdge);
		expect(offenders).toEqual([]);
	});

	it('source/core imports no React or Ink', () => {
		const offenders = edges.filter(edge => under('core')(edge.from) && /^(react|ink|@inkjs\/)/.test(edge.specifier)).map(describeEdge);
		expect(offenders).toEqual([]);
	});

	it("the CLI reaches source/app only through main.tsx's lazy import('./app/run-app.js')", () => {
		const reached = reachableWithoutTheDoor('cli.ts');
		// The doctor and the profiles commands, with core and the demo lab behind them, are reached…
		expect(reached.has('commands/doctor.ts')).toBe(true);
		expect(reached.has('commands/profiles.ts')).toBe(true);
		expect(reached.has('core/azure/azure-access.ts')).toBe(true);
		// …and no file of the TUI, whichever way.
		const intoApp = [...reached].filter(([file]) => inApp(file)).map(([, path]) => path.join(' -> '));
		expect(intoApp).toEqual([]);
		// Through the door, the TUI is there (the door is the real one, not a name that matches nothing).
		const door = edges.find(isAppDoor)!;
		expect(door.to).toBe('app/run-app.tsx');
	});

	it('the CLI loads nothing of React or Ink before the door either', () => {
		const reached = reachableWithoutTheDoor('cli.ts');
		const offenders = edges.filter(edge => reached.has(edge.from) && /^(react|ink|@inkjs\/)/.test(edge.specifier)).map(describeEdge);
		expect(offenders).toEqual([]);
	});
});
