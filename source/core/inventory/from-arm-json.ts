import {vnetIdFromSubnetId} from '../azure/resource-id.js';
import {bastionFlags, powerCodeFromStatuses, stringTags, toSku, type BastionFacts, type NicFacts, type PublicIpFacts, type VmFacts, type VnetFacts} from './facts.js';

/**
 * Facts from ARM's wire JSON (nested `properties`), as served by ARM, stored in the lab topology, and returned
 * as Resource Graph rows. Every field is optional on the wire, so each read is defensive.
 */

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function arr(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function bool(value: unknown): boolean | undefined {
	return typeof value === 'boolean' ? value : undefined;
}

function nameFromId(id: string): string {
	return id.split('/').filter(Boolean).at(-1) ?? id;
}

export function vmFactsFromJson(resource: Json): VmFacts | undefined {
	const id = str(resource.id);
	if (!id) return undefined;
	const props = obj(resource.properties);
	const osType = str(obj(obj(props.storageProfile).osDisk).osType);
	// Resource Graph puts the power state under properties.extended; ARM puts statuses under properties.instanceView.
	const graphCode = str(obj(obj(obj(props.extended).instanceView).powerState).code);
	const statuses = arr(obj(props.instanceView).statuses).map(status => ({code: str(obj(status).code)}));
	const extensions = Array.isArray(resource.resources)
		? arr(resource.resources)
				.map(ext => str(obj(obj(ext).properties).type))
				.filter((type): type is string => Boolean(type))
		: undefined;
	return {
		id,
		name: str(resource.name) ?? nameFromId(id),
		location: str(resource.location) ?? '',
		size: str(obj(props.hardwareProfile).vmSize),
		osType: osType === 'Linux' || osType === 'Windows' ? osType : undefined,
		tags: stringTags(resource.tags),
		nics: arr(obj(props.networkProfile).networkInterfaces)
			.map(ref => ({id: str(obj(ref).id), primary: bool(obj(obj(ref).properties).primary)}))
			.filter((ref): ref is {id: string; primary: boolean | undefined} => Boolean(ref.id)),
		powerCode: graphCode ?? powerCodeFromStatuses(statuses),
		extensionTypes: extensions,
	};
}

export function nicFactsFromJson(resource: Json): NicFacts | undefined {
	const id = str(resource.id);
	if (!id) return undefined;
	return {
		id,
		ipConfigurations: arr(obj(resource.properties).ipConfigurations).map(config => {
			const props = obj(obj(config).properties);
			return {
				privateIp: str(props.privateIPAddress),
				subnetId: str(obj(props.subnet).id),
				publicIpId: str(obj(props.publicIPAddress).id),
				primary: bool(props.primary),
			};
		}),
	};
}

export function publicIpFactsFromJson(resource: Json): PublicIpFacts | undefined {
	const id = str(resource.id);
	if (!id) return undefined;
	return {id, ipAddress: str(obj(resource.properties).ipAddress)};
}

export function vnetFactsFromJson(resource: Json): VnetFacts | undefined {
	const id = str(resource.id);
	if (!id) return undefined;
	const peerings = obj(resource.properties).virtualNetworkPeerings;
	return {
		id,
		peerings: Array.isArray(peerings) ? peerings.map(peeringFromJson).filter(p => p !== undefined) : undefined,
	};
}

export function peeringFromJson(peering: unknown): {remoteVnetId: string; state?: string} | undefined {
	const props = obj(obj(peering).properties);
	const remoteVnetId = str(obj(props.remoteVirtualNetwork).id);
	return remoteVnetId ? {remoteVnetId, state: str(props.peeringState)} : undefined;
}

export function bastionFactsFromJson(resource: Json): BastionFacts | undefined {
	const id = str(resource.id);
	const sku = toSku(obj(resource.sku).name);
	if (!id || !sku) return undefined;
	const props = obj(resource.properties);
	const vnetIds = new Set<string>();
	for (const config of arr(props.ipConfigurations)) {
		const subnetId = str(obj(obj(obj(config).properties).subnet).id);
		const vnetId = subnetId ? vnetIdFromSubnetId(subnetId) : undefined;
		if (vnetId) vnetIds.add(vnetId);
	}
	const developerVnet = str(obj(props.virtualNetwork).id);
	if (developerVnet) vnetIds.add(developerVnet);
	return {
		id,
		name: str(resource.name) ?? nameFromId(id),
		sku,
		flags: bastionFlags(props),
		dnsName: str(props.dnsName),
		vnetIds: [...vnetIds],
	};
}

/** Extension type (e.g. `AADSSHLoginForLinux`) of a `virtualMachines/extensions` resource. */
export function extensionTypeFromJson(resource: Json): string | undefined {
	return str(obj(resource.properties).type);
}
