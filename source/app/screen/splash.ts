import type {Inventory} from '../../core/inventory/model.js';
import {formatAge} from '../../core/text/format-age.js';
import {fit, layoutColumns} from '../views/browser/columns.js';

/**
 * The browser's rows drawn straight from the inventory cache while Ink and the rest of the app load
 * (~0.3 s of module loading and WebAssembly compilation): the list is on screen at once, and the App
 * replaces it with the same rows a moment later. Plain text and SGR only. `freshness` says where the rows are
 * from (default: the cache's age; the demo's first fetch says it was just listed).
 */
export function paintSplash(out: NodeJS.WriteStream, inventory: Pick<Inventory, 'vms' | 'fetchedAt'>, label: string, freshness = `cached ${formatAge(Date.now() - inventory.fetchedAt)} ago`): void {
	const width = out.columns || 80;
	const height = Math.max(1, (out.rows || 24) - 1);
	const columns = layoutColumns(width);
	const lines = [
		`\x1b[1;36m vmux \x1b[0m ${label} · ${inventory.vms.length} VMs · ${freshness} · loading…`.slice(0, width + 12),
		`\x1b[1;2m  ${columns.map(c => fit(c.title, c.size)).join(' ')}\x1b[0m`,
		...[...inventory.vms]
			.sort((a, b) => a.name.localeCompare(b.name))
			.slice(0, Math.max(0, height - 5))
			.map((vm, i) => `${i === 0 ? '▸ ' : '  '}${columns.map(c => fit(c.value(vm, false), c.size)).join(' ')}`),
	];
	// Cleared below: the demo draws its list over the starting splash, which may have had more rows.
	out.write('\x1b[H' + lines.map(line => `${line}\x1b[K`).join('\r\n') + '\x1b[J');
}

/** What `vmux --demo` says while its lab starts. */
export const DEMO_STARTING = 'Starting the demo lab: Azure stand-ins (Resource Manager, Resource Graph, Key Vault, Entra ID); its SSH servers start on the first connect…';

export interface StartingSplash {
	/** The step now running (the previous one is marked done). */
	step(text: string): void;
	/** Stops the clock; the App's first frame replaces the splash. */
	stop(): void;
}

/**
 * A first frame for a start with nothing cached to show (the demo starts its lab: seconds on a busy machine):
 * what is starting, each step as it begins, and how long the current one has taken, redrawn until `stop`.
 * Plain text and SGR only, drawn before Ink loads.
 */
export function paintStarting(out: NodeJS.WriteStream, headline: string, now: () => number = Date.now): StartingSplash {
	const done: string[] = [];
	let current = 'loading vmux';
	let since = now();
	let stopped = false;
	const paint = () => {
		const width = out.columns || 80;
		const seconds = ((now() - since) / 1000).toFixed(1);
		const lines = [
			'\x1b[1;36m vmux \x1b[0m',
			'',
			`  ${headline}`,
			'',
			...done.map(step => `  \x1b[32m✓\x1b[0m ${step}`),
			`  \x1b[33m◌\x1b[0m ${current}… \x1b[2m${seconds} s\x1b[0m`,
		].map(line => line.slice(0, width + 16));
		out.write('\x1b[H' + lines.map(line => `${line}\x1b[K`).join('\r\n') + '\x1b[J');
	};
	paint();
	// A clock the user can see move: the start is slow, not stuck. unref: it never keeps vmux alive.
	const timer = setInterval(paint, 200);
	timer.unref();
	return {
		step(text) {
			if (stopped) return;
			done.push(current);
			current = text;
			since = now();
			paint();
		},
		stop() {
			stopped = true;
			clearInterval(timer);
		},
	};
}
