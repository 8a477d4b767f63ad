import type {Inventory} from '../../core/inventory/model.js';
import {formatAge} from '../format-age.js';
import {fit, layoutColumns} from '../views/browser/columns.js';

/**
 * The browser's rows drawn straight from the inventory cache while Ink and the rest of the app load
 * (~0.3 s of module loading and WebAssembly compilation): the list is on screen at once, and the App
 * replaces it with the same rows a moment later. Plain text and SGR only.
 */
export function paintSplash(out: NodeJS.WriteStream, inventory: Inventory, label: string): void {
	const width = out.columns || 80;
	const height = Math.max(1, (out.rows || 24) - 1);
	const columns = layoutColumns(width);
	const lines = [
		`\x1b[1;36m vmux \x1b[0m ${label} · ${inventory.vms.length} VMs · cached ${formatAge(Date.now() - inventory.fetchedAt)} ago · loading…`.slice(0, width + 12),
		`\x1b[1;2m  ${columns.map(c => fit(c.title, c.size)).join(' ')}\x1b[0m`,
		...[...inventory.vms]
			.sort((a, b) => a.name.localeCompare(b.name))
			.slice(0, Math.max(0, height - 5))
			.map((vm, i) => `${i === 0 ? '▸ ' : '  '}${columns.map(c => fit(c.value(vm, false), c.size)).join(' ')}`),
	];
	out.write('\x1b[H' + lines.map(line => `${line}\x1b[K`).join('\r\n'));
}
