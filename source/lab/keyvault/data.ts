import type {LabCredentials} from '../credentials.js';

/**
 * The lab's vaults as data: which subscription and resource group each sits in (for the management-plane list)
 * and the secrets it holds (for the data plane). Plain maps so tests can add, remove and deny at will.
 */

export interface LabSecretVersion {
	version: string;
	value: string;
	contentType?: string;
	enabled: boolean;
	/** Seconds since epoch, as Key Vault's `attributes` carry them. */
	created: number;
	updated: number;
}

export interface LabVault {
	/** Vault name, lower-case (the DNS label of its data-plane host). */
	name: string;
	subscriptionId: string;
	resourceGroup: string;
	location: string;
	/** The tenant of the vault's subscription: its 401 challenge names it, and it takes tokens of that tenant only. */
	tenantId: string;
	/** How access is decided; picks the wording of the 403 (contract §5). */
	permissionModel: 'rbac' | 'access-policy';
	/** Secret name (case-insensitive, stored lower-case) -> versions, newest last. */
	secrets: Map<string, LabSecretVersion[]>;
	/** Soft-deleted secrets (recoverable until their purge date), by lower-case name. */
	deleted: Map<string, LabDeletedSecret>;
}

export interface LabDeletedSecret {
	versions: LabSecretVersion[];
	/** Seconds since epoch, as Key Vault's deleted-secret bundle carries them. */
	deletedDate: number;
	scheduledPurgeDate: number;
}

export interface LabVaultSeed {
	name: string;
	subscriptionId: string;
	resourceGroup: string;
	location?: string;
	/** Default: the tenant of `subscriptionId` in the lab's world, else the lab's home tenant. */
	tenantId?: string;
	permissionModel?: 'rbac' | 'access-policy';
	secrets?: Record<string, string | {value: string; contentType?: string}>;
}

/** The demo vault's name: the host label of `DEMO_VAULT_URL` in demo-profiles.ts. */
export const DEMO_VAULT_NAME = 'kv-contoso-demo';
/** Contoso Dev in the demo topology: the vault sits next to the VMs whose profiles use it. */
export const DEMO_VAULT_SUBSCRIPTION = '3f2a6c1e-7d4b-4e8a-9c5f-1b2d3e4f5a6b';

/** The second tenant's vault (Fabrikam Ops in the demo topology), next to ops-01 whose password it holds. */
export const DEMO_FABRIKAM_VAULT_NAME = 'kv-fabrikam-demo';
export const DEMO_FABRIKAM_SUBSCRIPTION = 'c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f';

/**
 * The demo vaults: the keys of web-01 and db-01 and dev-01's password are the demo run's own credentials, in
 * Contoso's vault; ops-01's password is in Fabrikam's, a tenant where the demo user is a guest.
 */
export function demoVaultSeeds(credentials: LabCredentials): LabVaultSeed[] {
	const key = credentials.privateKey;
	return [
		{
			name: DEMO_VAULT_NAME,
			subscriptionId: DEMO_VAULT_SUBSCRIPTION,
			resourceGroup: 'rg-security',
			location: 'westeurope',
			permissionModel: 'rbac',
			secrets: {
				'web-01-key': {value: key, contentType: 'application/x-openssh-private-key'},
				'db-01-key': {value: key, contentType: 'application/x-openssh-private-key'},
				'dev-01-password': credentials.password,
			},
		},
		{
			name: DEMO_FABRIKAM_VAULT_NAME,
			subscriptionId: DEMO_FABRIKAM_SUBSCRIPTION,
			resourceGroup: 'rg-ops',
			location: 'westeurope',
			permissionModel: 'rbac',
			secrets: {'ops-01-password': credentials.password},
		},
	];
}

export function vaultFromSeed(seed: LabVaultSeed, tenantId: string, now = Math.floor(Date.now() / 1000)): LabVault {
	const secrets = new Map<string, LabSecretVersion[]>();
	let counter = 0;
	for (const [name, entry] of Object.entries(seed.secrets ?? {})) {
		const {value, contentType} = typeof entry === 'string' ? {value: entry, contentType: undefined} : entry;
		// Key Vault versions are 32 hex digits; deterministic here so tests can name them.
		const version = (++counter).toString(16).padStart(32, '0');
		secrets.set(name.toLowerCase(), [{version, value, ...(contentType ? {contentType} : {}), enabled: true, created: now, updated: now}]);
	}
	return {
		name: seed.name.toLowerCase(),
		subscriptionId: seed.subscriptionId,
		resourceGroup: seed.resourceGroup,
		location: seed.location ?? 'westeurope',
		tenantId: seed.tenantId ?? tenantId,
		permissionModel: seed.permissionModel ?? 'rbac',
		secrets,
		deleted: new Map(),
	};
}

export function vaultResourceId(vault: LabVault): string {
	return `/subscriptions/${vault.subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault.name}`;
}
