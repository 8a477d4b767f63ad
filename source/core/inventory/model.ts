/**
 * The inventory as vmux sees it: VMs with the facts the browser shows and the connect flow needs.
 * Sources (Azure Resource Graph, ARM listing, the demo's local topology, the disk cache) all produce this.
 */

/** `QuickConnect` behaves as Developer for vmux: a shared Bastion that hands out a data pod (contracts §3). */
export type BastionSku = 'Developer' | 'QuickConnect' | 'Basic' | 'Standard' | 'Premium';

/** The Bastion feature flags vmux cares about. A flag missing from ARM means false (DESIGN §4). */
export interface BastionFlags {
	enableTunneling: boolean;
	enableIpConnect: boolean;
	enableFileCopy: boolean;
	enableShareableLink: boolean;
	enableKerberos: boolean;
	disableCopyPaste: boolean;
	enableSessionRecording: boolean;
	enablePrivateOnlyBastion: boolean;
}

export interface BastionRef {
	id: string;
	name: string;
	resourceGroup: string;
	subscriptionId: string;
	sku: BastionSku;
	flags: BastionFlags;
	/** Host for the Bastion's /api/* and WebSocket endpoints. */
	dnsName?: string;
	/** How this Bastion reaches the VM: same VNet, or a peered one (Basic and above only). */
	via: 'same-vnet' | 'peered-vnet';
}

/**
 * A subscription's state as ARM lists it. `Warned` and `PastDue` still work (billing needs attention); `Disabled` is
 * read-only: its VMs are deallocated and none can be started until the subscription is enabled again.
 */
export type SubscriptionState = 'Enabled' | 'Warned' | 'PastDue' | 'Disabled';

export type PowerState = 'running' | 'stopped' | 'deallocated' | 'starting' | 'stopping' | 'deallocating' | 'unknown';

export interface VmRecord {
	/** ARM resource id, the VM's identity everywhere in vmux. */
	id: string;
	name: string;
	subscriptionId: string;
	subscriptionName: string;
	/** Set when the subscription is not simply Enabled (see SubscriptionState). */
	subscriptionState?: Exclude<SubscriptionState, 'Enabled'>;
	resourceGroup: string;
	location: string;
	size?: string;
	osType?: 'Linux' | 'Windows';
	powerState: PowerState;
	privateIp?: string;
	publicIp?: string;
	vnetId?: string;
	tags: Record<string, string>;
	/** The Bastion vmux connects through by default: the first of `bastionChoices`. */
	bastion?: BastionRef;
	/**
	 * Every Bastion that serves the VM's primary NIC, best first (native client support, then SKU, then its own VNet
	 * over a peered one), when there is more than one: the profile editor lets the user pick another.
	 */
	bastionChoices?: BastionRef[];
	/**
	 * No Bastion serves the primary NIC, but one serves a secondary NIC's VNet: it could reach the VM only by that
	 * NIC's address (an IP-based connection, where the Bastion allows it). The doctor offers it.
	 */
	secondaryNicBastion?: {bastion: BastionRef; privateIp?: string};
	/**
	 * True when the source read the peerings of the VM's (primary NIC's) VNet, so the Bastions above are all that can
	 * serve it: a saved Bastion missing from them no longer serves the VM. Without it, a peered Bastion may be unseen.
	 */
	bastionsComplete?: boolean;
	/**
	 * The primary NIC was read and has no private address yet (Azure has not allocated one): nothing can reach the VM
	 * until it has, so connecting refuses with that reason instead of failing inside the tunnel.
	 */
	privateIpPending?: boolean;
	/** VM extension types installed (e.g. AADSSHLoginForLinux), when known. */
	extensions?: string[];
}

/** Every Bastion that serves the VM's primary NIC, best first (the one Bastion when it is the only choice). */
export function servingBastions(vm: Pick<VmRecord, 'bastion' | 'bastionChoices'>): BastionRef[] {
	return vm.bastionChoices ?? (vm.bastion ? [vm.bastion] : []);
}

export interface Inventory {
	/** When this inventory was read from its source (ms since epoch). */
	fetchedAt: number;
	source: 'azure-resource-graph' | 'azure-arm' | 'local' | 'cache';
	/** `tenantId`: the Microsoft Entra tenant the subscription belongs to, whose tokens Azure takes for it. */
	subscriptions: Array<{id: string; name: string; tenantId?: string; state?: SubscriptionState}>;
	vms: VmRecord[];
}

export const NO_BASTION_FLAGS: BastionFlags = {
	enableTunneling: false,
	enableIpConnect: false,
	enableFileCopy: false,
	enableShareableLink: false,
	enableKerberos: false,
	disableCopyPaste: false,
	enableSessionRecording: false,
	enablePrivateOnlyBastion: false,
};
