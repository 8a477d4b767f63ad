import type {CloudSettings} from './cloud.js';

/**
 * The Azure portal's page for connecting to a VM through its Bastion (the VM's "Bastion" blade), for Bastions that
 * offer browser sessions only (Basic) or when a native-client tunnel is not wanted. The portal addresses a resource
 * as `{portal}/#@{tenant}/resource{resourceId}/{blade}`; the VM's Bastion connect blade is `bastionHost`
 * (e.g. `https://portal.azure.com/#@/resource${vm_id}/bastionHost`, as deployment scripts print it). The tenant
 * part makes the portal open in the VM's directory when the user belongs to several; empty, it uses the last one.
 * The portal host follows the cloud: portal.azure.com, portal.azure.us (US Gov), portal.azure.cn (China), or a
 * custom cloud's `portalUrl`.
 */
export function bastionPortalLink(cloud: Pick<CloudSettings, 'portalUrl'>, vmId: string, tenantId?: string): string {
	const portal = cloud.portalUrl.replace(/\/+$/, '');
	const id = vmId.startsWith('/') ? vmId : `/${vmId}`;
	return `${portal}/#@${tenantId ?? ''}/resource${id}/bastionHost`;
}
