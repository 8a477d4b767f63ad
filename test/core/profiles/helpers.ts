/** Builders for profiles in tests: realistic ids, overridable parts. */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {BastionFlags, BastionSku} from '../../../source/core/inventory/model.js';
import type {ProfileInput} from '../../../source/core/profiles/schema.js';

export const SUB = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

export function vmTarget(name = 'web-01', rg = 'rg-web') {
	return {
		kind: 'azure-vm' as const,
		vmId: `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`,
		vmName: name,
		resourceGroup: rg,
		subscriptionId: SUB,
	};
}

export function bastion(sku: BastionSku, flags: Partial<BastionFlags> = {}, name = `bas-${sku.toLowerCase()}`) {
	return {
		kind: 'bastion' as const,
		bastionId: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/bastionHosts/${name}`,
		bastionName: name,
		sku,
		flags,
	};
}

export function profile(overrides: Partial<ProfileInput> = {}): ProfileInput {
	return {
		name: 'web-01',
		target: vmTarget(),
		transport: bastion('Standard', {enableTunneling: true}),
		port: 22,
		username: 'azureuser',
		auth: {type: 'password'},
		...overrides,
	};
}

/** A fresh temp directory per test, removed afterwards by the returned cleanup. */
export function tempDir(prefix = 'vmux-profiles-'): {dir: string; cleanup: () => void} {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}
