import {z} from 'zod';

/**
 * The shape of the lab's world: ARM resources exactly as ARM returns them (nested `properties`), so Microsoft's
 * published examples drop in unedited. Only the fields vmux and the lab read are checked; everything else passes
 * through and is served back as given.
 */

export const RESOURCE_TYPES = {
	virtualMachine: 'Microsoft.Compute/virtualMachines',
	extension: 'Microsoft.Compute/virtualMachines/extensions',
	networkInterface: 'Microsoft.Network/networkInterfaces',
	publicIpAddress: 'Microsoft.Network/publicIPAddresses',
	virtualNetwork: 'Microsoft.Network/virtualNetworks',
	peering: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
	bastionHost: 'Microsoft.Network/bastionHosts',
} as const;

export type ResourceType = (typeof RESOURCE_TYPES)[keyof typeof RESOURCE_TYPES];

const idRef = z.looseObject({id: z.string().min(1)});
const status = z.looseObject({code: z.string().min(1)});

export const subscriptionSchema = z.looseObject({
	id: z.string().optional(),
	subscriptionId: z.string().min(1),
	displayName: z.string().min(1),
	state: z.enum(['Enabled', 'Warned', 'PastDue', 'Disabled', 'Deleted']).optional(),
	tenantId: z.string().min(1).optional(),
});

/** A directory the lab's user belongs to, as `GET /tenants` lists it (subscriptions name their tenant by id). */
export const tenantSchema = z.looseObject({
	tenantId: z.string().min(1),
	displayName: z.string().min(1).optional(),
	defaultDomain: z.string().min(1).optional(),
	domains: z.array(z.string().min(1)).optional(),
});

export const topologyFileSchema = z.looseObject({
	/** The home tenant: where the lab's user signs in (`organizations`), and the default of each subscription. */
	tenantId: z.string().min(1).optional(),
	tenants: z.array(tenantSchema).optional(),
	subscriptions: z.array(z.unknown()),
	resources: z.array(z.unknown()),
	/**
	 * The lab's own behaviour, not ARM's: how long each VM power operation stays InProgress (ms), so a demo or a test
	 * can act while a VM is starting or deallocating. An hour at most.
	 */
	lab: z
		.strictObject({
			powerDurationMs: z
				.strictObject({
					start: z.number().int().min(0).max(3_600_000).optional(),
					deallocate: z.number().int().min(0).max(3_600_000).optional(),
					powerOff: z.number().int().min(0).max(3_600_000).optional(),
					restart: z.number().int().min(0).max(3_600_000).optional(),
				})
				.optional(),
		})
		.optional(),
});

/** Fields every resource has; `type` and `name` may be left out and are then taken from the id. */
/**
 * A resource's own name: the lab files host keys and builds URLs and addresses from it, so a name that reads as
 * a path (`..`, `a/b`) or carries control characters is refused, as ARM refuses it.
 */
export function isResourceName(name: string): boolean {
	return name.length > 0 && name.length <= 260 && !/[/\\\u0000-\u001f\u007f]/.test(name) && !/^\.+$/.test(name);
}

export const RESOURCE_NAME_RULE = "not a resource name: no '/', '\\' or control characters, not '.' or '..', at most 260 characters";

const resourceName = z.string().refine(isResourceName, {message: RESOURCE_NAME_RULE});

export const commonResourceSchema = z.looseObject({
	id: z.string().min(1),
	name: resourceName.optional(),
	type: z.string().optional(),
	location: z.string().optional(),
	tags: z.record(z.string(), z.string()).optional(),
});

const virtualMachine = z.looseObject({
	properties: z.looseObject({
		hardwareProfile: z.looseObject({vmSize: z.string().optional()}).optional(),
		storageProfile: z
			.looseObject({osDisk: z.looseObject({osType: z.enum(['Linux', 'Windows']).optional()}).optional()})
			.optional(),
		networkProfile: z
			.looseObject({
				networkInterfaces: z
					.array(z.looseObject({id: z.string().min(1), properties: z.looseObject({primary: z.boolean().optional()}).optional()}))
					.optional(),
			})
			.optional(),
		// Served only for `$expand=instanceView`, `/instanceView` and `statusOnly=true`, as ARM does.
		instanceView: z.looseObject({statuses: z.array(status).optional()}).optional(),
	}),
});

const networkInterface = z.looseObject({
	properties: z.looseObject({
		ipConfigurations: z.array(
			z.looseObject({
				properties: z.looseObject({
					privateIPAddress: z.string().optional(),
					subnet: idRef.optional(),
					publicIPAddress: idRef.optional(),
					primary: z.boolean().optional(),
				}),
			}),
		),
	}),
});

const publicIpAddress = z.looseObject({
	properties: z.looseObject({ipAddress: z.string().optional()}).optional(),
});

const peering = z.looseObject({
	properties: z.looseObject({
		remoteVirtualNetwork: idRef,
		peeringState: z.enum(['Initiated', 'Connected', 'Disconnected']),
	}),
});

const virtualNetwork = z.looseObject({
	properties: z
		.looseObject({
			subnets: z.array(z.looseObject({name: z.string().optional(), id: z.string().optional()})).optional(),
			virtualNetworkPeerings: z.array(peering.extend({id: z.string().min(1)})).optional(),
		})
		.optional(),
});

const flag = z.boolean().optional();
const bastionHost = z
	.looseObject({
		sku: z.looseObject({name: z.enum(['Developer', 'QuickConnect', 'Basic', 'Standard', 'Premium'])}),
		properties: z.looseObject({
			dnsName: z.string().optional(),
			scaleUnits: z.number().int().optional(),
			enableTunneling: flag,
			enableIpConnect: flag,
			enableFileCopy: flag,
			enableShareableLink: flag,
			enableKerberos: flag,
			disableCopyPaste: flag,
			enableSessionRecording: flag,
			enablePrivateOnlyBastion: flag,
			ipConfigurations: z
				.array(z.looseObject({properties: z.looseObject({subnet: idRef, publicIPAddress: idRef.optional()})}))
				.optional(),
			virtualNetwork: idRef.optional(),
		}),
	})
	.superRefine((bastion, ctx) => {
		const props = bastion.properties;
		if (bastion.sku.name === 'Developer' || bastion.sku.name === 'QuickConnect') {
			if (!props.virtualNetwork) {
				ctx.addIssue({
					code: 'custom',
					path: ['properties', 'virtualNetwork', 'id'],
					message: `a ${bastion.sku.name} Bastion names the VNet it serves in properties.virtualNetwork.id`,
				});
			}
		} else if (!props.ipConfigurations || props.ipConfigurations.length === 0) {
			ctx.addIssue({
				code: 'custom',
				path: ['properties', 'ipConfigurations'],
				message: `a ${bastion.sku.name} Bastion needs an ip configuration whose subnet is the VNet's AzureBastionSubnet`,
			});
		}
	});

const extension = z.looseObject({
	properties: z.looseObject({type: z.string().min(1), publisher: z.string().optional()}),
});

export const resourceSchemas: Record<ResourceType, z.ZodType> = {
	[RESOURCE_TYPES.virtualMachine]: virtualMachine,
	[RESOURCE_TYPES.extension]: extension,
	[RESOURCE_TYPES.networkInterface]: networkInterface,
	[RESOURCE_TYPES.publicIpAddress]: publicIpAddress,
	[RESOURCE_TYPES.virtualNetwork]: virtualNetwork,
	[RESOURCE_TYPES.peering]: peering,
	[RESOURCE_TYPES.bastionHost]: bastionHost,
};
