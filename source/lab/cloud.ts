import {AZURE_CLOUDS, customCloud, type CloudSettings} from '../core/azure/cloud.js';

/** The DNS suffix of lab vault hosts (`{vault}.vault.localhost`), covered by the lab certificate's `*.vault.localhost`. */
export const LAB_VAULT_SUFFIX = 'vault.localhost';
/** The Key Vault token audience in the lab cloud: its challenge names it, and its vault hosts are under it. */
export const LAB_KEY_VAULT_AUDIENCE = `https://${LAB_VAULT_SUFFIX}`;
/** The DNS suffix of lab Bastion hosts (`{name}.bastion.localhost`), covered by the lab certificate's `*.bastion.localhost`. */
export const LAB_BASTION_SUFFIX = 'bastion.localhost';

/**
 * The lab's cloud settings: a Custom cloud like any other (an Azure Stack Hub's, say). Every endpoint is on the
 * lab's one HTTPS server, so its data plane (vaults, Bastions) is on that port (`dataPlanePort`); its hosts are
 * under `localhost`, which vmux resolves to loopback for every cloud; the lab CA is trusted for these endpoints
 * only (as a custom cloud's `caFile`). ARM tokens keep the public cloud's audience (the lab's ARM accepts it, as
 * Azure Stack's accepts its own); Key Vault's audience is the lab's vault domain, which its challenge names.
 */
export function labCloud(labUrl: string, ca: string): CloudSettings {
	const base = labUrl.trim().replace(/\/+$/, '');
	const port = Number(new URL(base).port) || undefined;
	return customCloud({
		armEndpoint: base,
		armAudience: AZURE_CLOUDS.AzureCloud.armAudience,
		authorityHost: base,
		keyVaultSuffix: LAB_VAULT_SUFFIX,
		keyVaultAudience: LAB_KEY_VAULT_AUDIENCE,
		sshCertificateScope: AZURE_CLOUDS.AzureCloud.sshCertificateScope,
		portalUrl: AZURE_CLOUDS.AzureCloud.portalUrl,
		...(port ? {dataPlanePort: port} : {}),
		tlsCa: ca,
	});
}
