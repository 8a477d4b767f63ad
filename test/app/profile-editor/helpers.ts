/** Driving an Ink view from a test: keys as the terminal sends them, and waiting for what the user would see. */
import {stripVTControlCharacters} from 'node:util';
import type {BastionSku, VmRecord} from '../../../source/core/inventory/model.js';
import {NO_BASTION_FLAGS} from '../../../source/core/inventory/model.js';

export const KEY = {
	tab: '\t',
	shiftTab: '\u001B[Z',
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	escape: '\u001B',
	enter: '\r',
	backspace: '\u007F',
	ctrlS: '\u0013',
	ctrlU: '\u0015',
} as const;

export const SUB = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

export function vm(name: string, sku?: BastionSku, flags: Partial<typeof NO_BASTION_FLAGS> = {}, extra: Partial<VmRecord> = {}): VmRecord {
	return {
		id: `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/${name}`,
		name,
		subscriptionId: SUB,
		subscriptionName: 'Contoso Dev',
		resourceGroup: 'rg-web',
		location: 'westeurope',
		osType: 'Linux',
		powerState: 'running',
		privateIp: '10.1.0.4',
		tags: {},
		...(sku
			? {
					bastion: {
						id: `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Network/bastionHosts/bas-${sku.toLowerCase()}`,
						name: `bas-${sku.toLowerCase()}`,
						resourceGroup: 'rg-web',
						subscriptionId: SUB,
						sku,
						flags: {...NO_BASTION_FLAGS, ...flags},
						dnsName: 'bst-0000.bastion.azure.com',
						via: 'same-vnet' as const,
					},
				}
			: {}),
		...extra,
	};
}

/** Lets Ink read the input, React commit, and Ink flush a lone Esc (it waits one macrotask for more bytes). */
export async function settle(): Promise<void> {
	for (let i = 0; i < 4; i++) await new Promise(resolve => setImmediate(resolve));
}

export async function press(stdin: {write(data: string): void}, ...keys: string[]): Promise<void> {
	for (const key of keys) {
		stdin.write(key);
		await settle();
	}
}

export function screen(lastFrame: () => string | undefined): string {
	return stripVTControlCharacters(lastFrame() ?? '');
}

/** The screen as one line with single spaces, for messages the view wraps at its width. */
export function flat(text: string): string {
	return text.replace(/\s+/g, ' ');
}

/** Waits until the screen shows what the test expects; fails naming it. Assertions never depend on timing. */
export async function waitForScreen(lastFrame: () => string | undefined, predicate: (text: string) => boolean, what: string): Promise<string> {
	for (let attempt = 0; attempt < 500; attempt++) {
		const text = screen(lastFrame);
		if (predicate(text)) return text;
		await new Promise(resolve => setTimeout(resolve, 4));
	}
	throw new Error(`the screen never showed ${what}; last frame:\n${screen(lastFrame)}`);
}

export async function waitUntil(predicate: () => boolean, what: string): Promise<void> {
	for (let attempt = 0; attempt < 500; attempt++) {
		if (predicate()) return;
		await new Promise(resolve => setTimeout(resolve, 4));
	}
	throw new Error(`never happened: ${what}`);
}

/** The label of the focused field (the line marked ›). */
export function focusedLabel(text: string): string | undefined {
	const line = text.split('\n').find(candidate => candidate.startsWith('› '));
	return line?.slice(2).trim().split(/\s{2,}/)[0];
}

/** Presses Tab until the field labelled `label` has the focus. */
export async function focus(stdin: {write(data: string): void}, lastFrame: () => string | undefined, label: string): Promise<void> {
	for (let step = 0; step < 20; step++) {
		if (focusedLabel(screen(lastFrame)) === label) return;
		await press(stdin, KEY.tab);
	}
	throw new Error(`could not focus "${label}"; screen:\n${screen(lastFrame)}`);
}
