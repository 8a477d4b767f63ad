import type {ArmJson} from './load.js';

/**
 * A large lab world, made up deterministically: `vms` Linux VMs across subscriptions, each subscription a hub VNet
 * (Premium Bastion with native client support) peered with spokes of about 50 VMs. Real fleets' variety is kept
 * in proportions: some spokes have a Basic Bastion of their own as well (the hub's still wins, issue 14), some a
 * Developer one and no peering, a few are isolated (no Bastion at all); some VMs are stopped or deallocated, some
 * have a public IP, some a second NIC. For the 1,000- and 10,000-VM tests and benches (issue 14). Same `seed`, same
 * world.
 */
export interface GeneratedWorldOptions {
	vms: number;
	/** VMs per subscription (default 2,500). */
	perSubscription?: number;
	/** VMs per spoke VNet (default 50). */
	perSpoke?: number;
	seed?: number;
}

const TENANT = '8f3c1a5e-4b2d-4c6e-9a7b-0d1e2f3a4b5c';
const ROLES = ['web', 'api', 'db', 'cache', 'kafka', 'worker', 'jump', 'build', 'ml', 'etl', 'auth', 'search'];
const ENVS = ['dev', 'test', 'staging', 'prod'];
const TEAMS = ['payments', 'identity', 'checkout', 'catalog', 'platform', 'data', 'growth', 'ops'];

export function generateLabWorld(options: GeneratedWorldOptions): {tenantId: string; subscriptions: ArmJson[]; resources: ArmJson[]} {
	const perSubscription = options.perSubscription ?? 2500;
	const perSpoke = options.perSpoke ?? 50;
	let seed = options.seed ?? 42;
	// A small LCG: the same numbers on every machine and Node version.
	const random = () => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return seed / 2147483648;
	};
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
	const subscriptions: ArmJson[] = [];
	const resources: ArmJson[] = [];
	const subscriptionCount = Math.max(1, Math.ceil(options.vms / perSubscription));
	let made = 0;
	for (let s = 0; s < subscriptionCount; s++) {
		const subscriptionId = `00000000-0000-4000-8000-${String(s + 1).padStart(12, '0')}`;
		subscriptions.push({id: `/subscriptions/${subscriptionId}`, subscriptionId, displayName: `Fleet ${s + 1}`, state: 'Enabled', tenantId: TENANT});
		const sub = `/subscriptions/${subscriptionId}`;
		const hubGroup = `rg-hub-${s + 1}`;
		const hub = vnet(sub, hubGroup, 'vnet-hub', `10.${s}.0.0/20`, true);
		resources.push(hub, bastion(sub, hubGroup, `bas-hub-${s + 1}`, 'Premium', hub.id as string, {enableTunneling: true, enableIpConnect: true}));
		const inThisSubscription = Math.min(perSubscription, options.vms - made);
		const spokes = Math.ceil(inThisSubscription / perSpoke);
		for (let p = 0; p < spokes; p++) {
			const group = `rg-spoke-${s + 1}-${p + 1}`;
			// Address space: 10.(64 + s).(p) … one /24 per spoke, enough for 250 addresses.
			const prefix = `10.${64 + s}.${p % 256}`;
			const spoke = vnet(sub, group, `vnet-spoke-${p + 1}`, `${prefix}.0/24`, false);
			resources.push(spoke);
			const kind = p % 20 === 19 ? 'isolated' : p % 10 === 3 ? 'developer' : p % 5 === 1 ? 'own-basic' : 'peered';
			if (kind === 'peered' || kind === 'own-basic') resources.push(peering(spoke, hub), peering(hub, spoke));
			if (kind === 'own-basic') resources.push(bastion(sub, group, `bas-spoke-${s + 1}-${p + 1}`, 'Basic', spoke.id as string, {}));
			if (kind === 'developer') resources.push(bastion(sub, group, `bas-dev-${s + 1}-${p + 1}`, 'Developer', spoke.id as string, {}));
			const count = Math.min(perSpoke, inThisSubscription - p * perSpoke);
			for (let v = 0; v < count; v++) {
				const role = pick(ROLES);
				const env = pick(ENVS);
				const team = pick(TEAMS);
				const name = `${role}-${env}-${String(made + 1).padStart(5, '0')}`;
				const power = random() < 0.85 ? 'running' : random() < 0.5 ? 'stopped' : 'deallocated';
				const nic = nicResource(sub, group, `${name}-nic`, `${spoke.id as string}/subnets/default`, `${prefix}.${4 + v}`);
				const nics = [nic];
				if (random() < 0.1) {
					const pip = {
						id: `${sub}/resourceGroups/${group}/providers/Microsoft.Network/publicIPAddresses/${name}-pip`,
						name: `${name}-pip`,
						type: 'Microsoft.Network/publicIPAddresses',
						location: 'eastus',
						properties: {ipAddress: `203.0.${113 + (made % 3)}.${(made % 250) + 1}`},
					};
					resources.push(pip);
					((nic.properties as ArmJson).ipConfigurations as ArmJson[])[0]!.properties = {
						...(((nic.properties as ArmJson).ipConfigurations as ArmJson[])[0]!.properties as ArmJson),
						publicIPAddress: {id: pip.id},
					};
				}
				if (random() < 0.05) nics.push(nicResource(sub, hubGroup, `${name}-nic-mgmt`, `${hub.id as string}/subnets/default`, `10.${s}.${1 + Math.floor(made / 250) % 14}.${(made % 250) + 4}`));
				resources.push(...nics, {
					id: `${sub}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}`,
					name,
					type: 'Microsoft.Compute/virtualMachines',
					location: 'eastus',
					tags: {env, team, role},
					properties: {
						hardwareProfile: {vmSize: pick(['Standard_B2s', 'Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_E4s_v5'])},
						storageProfile: {osDisk: {osType: 'Linux'}},
						networkProfile: {networkInterfaces: nics.map((n, i) => ({id: n.id, properties: {primary: i === 0}}))},
						instanceView: {statuses: [{code: 'ProvisioningState/succeeded'}, {code: `PowerState/${power}`}]},
					},
				});
				made++;
			}
		}
	}
	return {tenantId: TENANT, subscriptions, resources};
}

function vnet(sub: string, group: string, name: string, prefix: string, hub: boolean): ArmJson {
	const id = `${sub}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${name}`;
	const subnets = [{name: 'default', id: `${id}/subnets/default`, properties: {addressPrefix: prefix}}];
	if (hub) subnets.push({name: 'AzureBastionSubnet', id: `${id}/subnets/AzureBastionSubnet`, properties: {addressPrefix: prefix}});
	return {id, name, type: 'Microsoft.Network/virtualNetworks', location: 'eastus', properties: {addressSpace: {addressPrefixes: [prefix]}, subnets}};
}

function peering(from: ArmJson, to: ArmJson): ArmJson {
	const name = `${String(from.name)}-to-${String(to.name)}-${String(to.id).split('/')[4]}`;
	return {
		id: `${String(from.id)}/virtualNetworkPeerings/${name}`,
		name,
		type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
		properties: {peeringState: 'Connected', remoteVirtualNetwork: {id: to.id}, allowVirtualNetworkAccess: true},
	};
}

function bastion(sub: string, group: string, name: string, sku: string, vnetId: string, flags: Record<string, boolean>): ArmJson {
	const id = `${sub}/resourceGroups/${group}/providers/Microsoft.Network/bastionHosts/${name}`;
	const developer = sku === 'Developer';
	return {
		id,
		name,
		type: 'Microsoft.Network/bastionHosts',
		location: 'eastus',
		sku: {name: sku},
		properties: {
			// Developer Bastions of a region share one host (contracts §3); the others have their own.
			dnsName: developer ? 'omnibrain-eastus.bastion.localhost' : `bst-${name}.bastion.localhost`,
			...flags,
			...(developer
				? {ipConfigurations: [], virtualNetwork: {id: vnetId}}
				: {ipConfigurations: [{name: 'ipconf', properties: {subnet: {id: `${vnetId}/subnets/AzureBastionSubnet`}}}]}),
		},
	};
}

function nicResource(sub: string, group: string, name: string, subnetId: string, ip: string): ArmJson {
	return {
		id: `${sub}/resourceGroups/${group}/providers/Microsoft.Network/networkInterfaces/${name}`,
		name,
		type: 'Microsoft.Network/networkInterfaces',
		location: 'eastus',
		properties: {ipConfigurations: [{name: 'ipconfig1', properties: {privateIPAddress: ip, primary: true, subnet: {id: subnetId}}}]},
	};
}
