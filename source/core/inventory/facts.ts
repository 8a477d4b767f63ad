import type {BastionFlags, BastionSku, PowerState} from './model.js';

/**
 * The facts vmux reads from each Azure resource type, independent of where they came from (ARM JSON from the
 * lab topology or Resource Graph rows, or the SDKs' flattened models). `assemble.ts` joins them into VmRecords.
 */

export interface VmFacts {
	id: string;
	name: string;
	location: string;
	size?: string;
	osType?: 'Linux' | 'Windows';
	tags: Record<string, string>;
	nics: Array<{id: string; primary?: boolean}>;
	/** The `PowerState/*` status code, when the source included the instance view. */
	powerCode?: string;
	/** Extension types (e.g. `AADSSHLoginForLinux`) when the source included them. */
	extensionTypes?: string[];
}

export interface NicFacts {
	id: string;
	ipConfigurations: Array<{privateIp?: string; subnetId?: string; publicIpId?: string; primary?: boolean}>;
}

export interface PublicIpFacts {
	id: string;
	ipAddress?: string;
}

export interface VnetFacts {
	id: string;
	/** Undefined when the source did not say (then peering cannot be judged from this side). */
	peerings?: Array<{remoteVnetId: string; state?: string}>;
}

export interface BastionFacts {
	id: string;
	name: string;
	sku: BastionSku;
	flags: BastionFlags;
	dnsName?: string;
	/** VNets the Bastion sits in: from its AzureBastionSubnet ip configurations, or `virtualNetwork` (Developer). */
	vnetIds: string[];
}

export const SKUS: readonly BastionSku[] = ['Developer', 'QuickConnect', 'Basic', 'Standard', 'Premium'];

export function toSku(name: unknown): BastionSku | undefined {
	if (typeof name !== 'string') return undefined;
	return SKUS.find(sku => sku.toLowerCase() === name.toLowerCase());
}

/** `PowerState/running` -> `running`; anything unrecognised -> `unknown`. */
export function powerStateFromCode(code: string | undefined): PowerState {
	if (!code) return 'unknown';
	const state = code.replace(/^PowerState\//i, '').toLowerCase();
	switch (state) {
		case 'running':
		case 'stopped':
		case 'deallocated':
		case 'starting':
		case 'stopping':
		case 'deallocating':
			return state;
		default:
			return 'unknown';
	}
}

/** Picks the `PowerState/*` code out of instance-view statuses. */
export function powerCodeFromStatuses(statuses: ReadonlyArray<{code?: string}> | undefined): string | undefined {
	return statuses?.find(status => typeof status.code === 'string' && /^PowerState\//i.test(status.code))?.code;
}

/** Bastion flags with the DESIGN §4 rule: a flag missing from ARM means false. */
export function bastionFlags(source: Partial<Record<keyof BastionFlags, unknown>>): BastionFlags {
	return {
		enableTunneling: source.enableTunneling === true,
		enableIpConnect: source.enableIpConnect === true,
		enableFileCopy: source.enableFileCopy === true,
		enableShareableLink: source.enableShareableLink === true,
		enableKerberos: source.enableKerberos === true,
		disableCopyPaste: source.disableCopyPaste === true,
		enableSessionRecording: source.enableSessionRecording === true,
		enablePrivateOnlyBastion: source.enablePrivateOnlyBastion === true,
	};
}

export function stringTags(tags: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (tags && typeof tags === 'object') {
		for (const [key, value] of Object.entries(tags as Record<string, unknown>)) {
			if (value !== undefined && value !== null) out[key] = String(value);
		}
	}
	return out;
}
