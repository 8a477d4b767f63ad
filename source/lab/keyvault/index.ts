import {LAB_KEY_VAULT_AUDIENCE, LAB_VAULT_SUFFIX} from '../cloud.js';
import type {LabHttpsServer} from '../https-server.js';
import type {LabArmFaults} from '../arm/faults.js';
import {generateLabCredentials, type LabCredentials} from '../credentials.js';
import type {LabTokenIssuer} from '../arm/tokens.js';
import {createKeyVaultDataHandler, type LabKeyVaultFirewallRule, type LabKeyVaultForbidRule, type LabKeyVaultState} from './data-plane.js';
import {demoVaultSeeds, vaultFromSeed, type LabVault, type LabVaultSeed} from './data.js';
import {createVaultListHandler, VAULT_LIST_PATH} from './management.js';

export {DEMO_FABRIKAM_SUBSCRIPTION, DEMO_FABRIKAM_VAULT_NAME, DEMO_VAULT_NAME, DEMO_VAULT_SUBSCRIPTION, demoVaultSeeds, vaultFromSeed, vaultResourceId, type LabVault, type LabVaultSeed, type LabSecretVersion} from './data.js';
export type {LabKeyVaultFirewallRule, LabKeyVaultForbidRule, LabSecretOperation} from './data-plane.js';
export type {LabDeletedSecret} from './data.js';

export {LAB_VAULT_SUFFIX} from '../cloud.js';

export interface LabKeyVaultOptions {
	/** The issuer the lab's ARM uses, so one lab sign-in serves both planes. */
	tokens: LabTokenIssuer;
	/** Vaults to serve; defaults to the demo vault. */
	vaults?: LabVaultSeed[];
	/** The demo vault's key and password secrets (the demo run's); fresh random ones when not given. */
	credentials?: LabCredentials;
	/** ARM's faults, so deny rules on `Microsoft.KeyVault/vaults` apply to the vault list. */
	armFaults?: LabArmFaults;
	/** Secrets per list page (the SDK may ask for fewer with `maxresults`); default 25, Key Vault's maximum. */
	pageSize?: number;
	/** The authority named in the 401 challenge (the tenant is appended). */
	authority?: string;
	/**
	 * The tenant of a subscription in the lab's world (the topology's `tenantOf`): a vault belongs to its
	 * subscription's tenant. Subscriptions it does not know, and all of them without it, are the issuer's home tenant.
	 */
	tenantOf?(subscriptionId: string): string | undefined;
}

export interface LabKeyVault {
	/** By lower-case vault name; mutable, tests add vaults and secrets. */
	vaults: Map<string, LabVault>;
	/** Mutable: tests shrink the page size to exercise `nextLink`. */
	config: {pageSize: number; authority: string; resource: string};
	requests: LabKeyVaultState['requests'];
	/** `https://{name}.vault.localhost:{port}` — the vault's data-plane URL in the lab cloud. */
	vaultUrl(name: string): string;
	addVault(seed: LabVaultSeed): LabVault;
	/** Refuses secret list and/or get with Key Vault's 403; returns a function that lifts it. */
	forbid(rule?: LabKeyVaultForbidRule): () => void;
	/** Turns on a vault's firewall with no rule for the caller: 403 ForbiddenByFirewall; returns a function that lifts it. */
	firewall(rule?: LabKeyVaultFirewallRule): () => void;
	/** Soft-deletes a secret (recoverable for 90 days, as a vault with soft delete keeps it); false if there is none. */
	deleteSecret(vault: string, name: string): boolean;
	clearFaults(): void;
	close(): void;
}

/** Mounts Key Vault (data plane on `*.vault.localhost`, vault list next to ARM) on the lab server. */
export function mountLabKeyVault(server: LabHttpsServer, options: LabKeyVaultOptions): LabKeyVault {
	const vaults = new Map<string, LabVault>();
	const tenantOf = (subscriptionId: string) => options.tenantOf?.(subscriptionId) ?? options.tokens.tenantId;
	const addVault = (seed: LabVaultSeed) => {
		const vault = vaultFromSeed(seed, tenantOf(seed.subscriptionId));
		vaults.set(vault.name, vault);
		return vault;
	};
	for (const seed of options.vaults ?? demoVaultSeeds(options.credentials ?? generateLabCredentials())) addVault(seed);
	const vaultUrl = (name: string) => `https://${name.toLowerCase()}.${LAB_VAULT_SUFFIX}:${server.port}`;
	const state: LabKeyVaultState = {
		vaults,
		tokens: options.tokens,
		forbidden: [],
		firewalls: [],
		config: {pageSize: options.pageSize ?? 25, authority: options.authority ?? 'https://login.microsoftonline.com', resource: LAB_KEY_VAULT_AUDIENCE},
		requests: [],
	};
	const unmount = [
		server.mount({host: `*.${LAB_VAULT_SUFFIX}`}, createKeyVaultDataHandler(state)),
		// Host-bound mounts are tried before ARM's path-only `/subscriptions` mount, so this one claims the vault
		// list on any host and leaves every other ARM path to ARM.
		server.mount(
			{host: /./, pathPrefix: '/subscriptions', match: (_req, url) => VAULT_LIST_PATH.test(url.pathname)},
			createVaultListHandler({
				vaults,
				tokens: options.tokens,
				armFaults: options.armFaults,
				// As Azure lists it: the vault's host, no port. The lab cloud's dataPlanePort says where it listens.
				vaultUri: name => `https://${name.toLowerCase()}.${LAB_VAULT_SUFFIX}`,
				tenantOf,
				config: {pageSize: 1000, authority: 'https://login.windows.net/'},
			}),
		),
	];
	return {
		vaults,
		config: state.config,
		requests: state.requests,
		vaultUrl,
		addVault,
		forbid(rule = {}) {
			const entry = {...rule};
			state.forbidden.push(entry);
			return () => {
				state.forbidden = state.forbidden.filter(candidate => candidate !== entry);
			};
		},
		firewall(rule = {}) {
			const entry = {...rule};
			state.firewalls.push(entry);
			return () => {
				state.firewalls = state.firewalls.filter(candidate => candidate !== entry);
			};
		},
		deleteSecret(vaultName, name) {
			const vault = vaults.get(vaultName.toLowerCase());
			const versions = vault?.secrets.get(name.toLowerCase());
			if (!vault || !versions) return false;
			vault.secrets.delete(name.toLowerCase());
			const now = Math.floor(Date.now() / 1000);
			vault.deleted.set(name.toLowerCase(), {versions, deletedDate: now, scheduledPurgeDate: now + 90 * 24 * 3600});
			return true;
		},
		clearFaults() {
			state.forbidden = [];
			state.firewalls = [];
		},
		close() {
			for (const off of unmount) off();
		},
	};
}
