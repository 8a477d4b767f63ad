import {X509Certificate} from 'node:crypto';
import {readFileSync, statSync} from 'node:fs';
import {expandHome} from '../credentials/home-path.js';
import type {CloudSettings as CloudSettingsFields} from '../profiles/schema.js';

/**
 * Where Azure lives. One settings shape serves the public cloud, the sovereign clouds and custom endpoints (Azure
 * Stack and the like; the lab is one of these): the app only ever reads endpoints from here.
 */

export type KnownCloudName = 'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment';

export interface CloudSettings {
	/** `AzureCloud`, `AzureChinaCloud`, `AzureUSGovernment` or `custom`. */
	name: KnownCloudName | 'custom';
	/** Resource Manager (and Resource Graph) endpoint, no trailing slash. */
	armEndpoint: string;
	/** The audience ARM tokens are requested for; the token scope is `${armAudience}/.default`. */
	armAudience: string;
	/** Entra ID authority host, no trailing slash. */
	authorityHost: string;
	/** DNS suffix of Key Vault data-plane hosts (`{vault}.{keyVaultSuffix}`). */
	keyVaultSuffix: string;
	/** Key Vault token audience. */
	keyVaultAudience: string;
	/** Scope for Entra SSH certificates (contracts §4). */
	sshCertificateScope: string;
	/** Portal base URL, for "open in browser" hints. */
	portalUrl: string;
	/**
	 * Port of the cloud's data-plane hosts (Key Vault vaults, Bastion hosts) when not 443: a custom cloud served
	 * from one HTTPS port, such as the lab's. Saved vault URLs carry no port; it is added when a vault is read.
	 */
	dataPlanePort?: number;
	/**
	 * Extra CA (PEM) to trust for this cloud's endpoints only (an Azure Stack Hub's private CA, the lab's test
	 * CA). Never applied globally.
	 */
	tlsCa?: string;
}

export const AZURE_CLOUDS: Readonly<Record<KnownCloudName, CloudSettings>> = {
	AzureCloud: {
		name: 'AzureCloud',
		armEndpoint: 'https://management.azure.com',
		armAudience: 'https://management.azure.com',
		authorityHost: 'https://login.microsoftonline.com',
		keyVaultSuffix: 'vault.azure.net',
		keyVaultAudience: 'https://vault.azure.net',
		sshCertificateScope: 'https://pas.windows.net/CheckMyAccess/Linux/.default',
		portalUrl: 'https://portal.azure.com',
	},
	AzureChinaCloud: {
		name: 'AzureChinaCloud',
		armEndpoint: 'https://management.chinacloudapi.cn',
		armAudience: 'https://management.chinacloudapi.cn',
		authorityHost: 'https://login.chinacloudapi.cn',
		keyVaultSuffix: 'vault.azure.cn',
		keyVaultAudience: 'https://vault.azure.cn',
		sshCertificateScope: 'https://pas.chinacloudapi.cn/CheckMyAccess/Linux/.default',
		portalUrl: 'https://portal.azure.cn',
	},
	AzureUSGovernment: {
		name: 'AzureUSGovernment',
		armEndpoint: 'https://management.usgovcloudapi.net',
		armAudience: 'https://management.usgovcloudapi.net',
		authorityHost: 'https://login.microsoftonline.us',
		keyVaultSuffix: 'vault.usgovcloudapi.net',
		keyVaultAudience: 'https://vault.usgovcloudapi.net',
		sshCertificateScope: 'https://pasff.usgovcloudapi.net/CheckMyAccess/Linux/.default',
		portalUrl: 'https://portal.azure.us',
	},
};

export interface CustomCloudInput {
	armEndpoint: string;
	authorityHost: string;
	keyVaultSuffix: string;
	armAudience?: string;
	keyVaultAudience?: string;
	sshCertificateScope?: string;
	portalUrl?: string;
	dataPlanePort?: number;
	tlsCa?: string;
}

export class CloudSettingsError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CloudSettingsError';
	}
}

/** Validates custom endpoints; every error names the setting and what it needs. */
export function customCloud(input: CustomCloudInput): CloudSettings {
	const armEndpoint = httpsUrl('armEndpoint', input.armEndpoint);
	const authorityHost = httpsUrl('authorityHost', input.authorityHost);
	const suffix = input.keyVaultSuffix.trim().replace(/^\.+|\.+$/g, '');
	if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(suffix)) {
		throw new CloudSettingsError(`keyVaultSuffix '${input.keyVaultSuffix}' must be a DNS suffix such as vault.azure.net.`);
	}
	if (input.dataPlanePort !== undefined && !(Number.isInteger(input.dataPlanePort) && input.dataPlanePort > 0 && input.dataPlanePort < 65536)) {
		throw new CloudSettingsError(`dataPlanePort '${input.dataPlanePort}' must be a TCP port number (1-65535), or left out for 443.`);
	}
	return {
		name: 'custom',
		armEndpoint,
		armAudience: input.armAudience ? stripSlash(input.armAudience) : armEndpoint,
		authorityHost,
		keyVaultSuffix: suffix,
		keyVaultAudience: input.keyVaultAudience ? stripSlash(input.keyVaultAudience) : `https://${suffix}`,
		sshCertificateScope: input.sshCertificateScope ?? AZURE_CLOUDS.AzureCloud.sshCertificateScope,
		portalUrl: input.portalUrl ? stripSlash(input.portalUrl) : AZURE_CLOUDS.AzureCloud.portalUrl,
		...(input.dataPlanePort && input.dataPlanePort !== 443 ? {dataPlanePort: input.dataPlanePort} : {}),
		...(input.tlsCa ? {tlsCa: input.tlsCa} : {}),
	};
}

/** A known cloud by name (case-insensitive, as `az cloud` names them), or a readable error. */
export function cloudByName(name: string): CloudSettings {
	const found = (Object.keys(AZURE_CLOUDS) as KnownCloudName[]).find(known => known.toLowerCase() === name.trim().toLowerCase());
	if (!found) {
		throw new CloudSettingsError(`Unknown cloud '${name}'. Use one of ${Object.keys(AZURE_CLOUDS).join(', ')}, or custom endpoints (armEndpoint, authorityHost, keyVaultSuffix).`);
	}
	return AZURE_CLOUDS[found];
}

/** The ARM token scope for this cloud. */
export function armScope(cloud: CloudSettings): string {
	return `${cloud.armAudience}/.default`;
}

/** `https://{vault}.{suffix}[:port]` — a vault's data-plane URL in this cloud. */
export function keyVaultUrl(cloud: CloudSettings, vaultName: string): string {
	return `https://${vaultName.toLowerCase()}.${cloud.keyVaultSuffix}${cloud.dataPlanePort ? `:${cloud.dataPlanePort}` : ''}`;
}

/**
 * Where a saved vault URL is read in this cloud. Profiles keep a vault's URL as Azure lists it (`vaultUri`, no
 * port); in a cloud whose data plane is on another port (dataPlanePort), a vault under the cloud's own Key Vault
 * suffix is reached on that port. Any other URL is read as it is.
 */
export function vaultUrlInCloud(cloud: CloudSettings, vaultUrl: string): string {
	if (!cloud.dataPlanePort) return vaultUrl;
	let url: URL;
	try {
		url = new URL(vaultUrl);
	} catch {
		return vaultUrl;
	}
	const host = url.hostname.toLowerCase();
	if (url.port || !host.endsWith(`.${cloud.keyVaultSuffix.toLowerCase()}`)) return vaultUrl;
	url.port = String(cloud.dataPlanePort);
	return stripSlash(url.toString());
}

function stripSlash(url: string): string {
	return url.trim().replace(/\/+$/, '');
}

function httpsUrl(setting: string, value: string): string {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw new CloudSettingsError(`${setting} '${value}' is not a URL; give the full https:// address.`);
	}
	if (url.protocol !== 'https:') {
		// Bearer tokens are only ever sent over HTTPS (the SDKs refuse otherwise).
		throw new CloudSettingsError(`${setting} '${value}' must use https://.`);
	}
	return stripSlash(url.origin + url.pathname);
}

/** A CA bundle bigger than this is not a CA bundle (the public web's whole root store is ~200 KB). */
const MAX_CA_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The cloud settings.json's `cloud` names, checked the same way for the app and `vmux doctor`: a Custom cloud
 * needs its endpoints, and `caFile` must be a readable PEM file of certificates. Every problem is a
 * CloudSettingsError naming `settingsFile`, the field and the fix.
 */
export function cloudFromSettings(settings: CloudSettingsFields, settingsFile = 'settings.json'): CloudSettings {
	if (settings.name !== 'Custom') return cloudByName(settings.name);
	if (!settings.resourceManagerEndpoint || !settings.authorityHost || !settings.keyVaultDnsSuffix) {
		const missing = (['resourceManagerEndpoint', 'authorityHost', 'keyVaultDnsSuffix'] as const).filter(field => !settings[field]);
		throw new CloudSettingsError(
			`${settingsFile}: a Custom cloud needs cloud.resourceManagerEndpoint, cloud.authorityHost and cloud.keyVaultDnsSuffix; add ${missing.map(field => `cloud.${field}`).join(', ')}.`,
		);
	}
	try {
		return customCloud({
			armEndpoint: settings.resourceManagerEndpoint,
			authorityHost: settings.authorityHost,
			keyVaultSuffix: settings.keyVaultDnsSuffix,
			...(settings.resourceManagerAudience ? {armAudience: settings.resourceManagerAudience} : {}),
			...(settings.keyVaultAudience ? {keyVaultAudience: settings.keyVaultAudience} : {}),
			...(settings.dataPlanePort ? {dataPlanePort: settings.dataPlanePort} : {}),
			...(settings.caFile ? {tlsCa: readCaFile(settings.caFile, settingsFile)} : {}),
		});
	} catch (error) {
		if (error instanceof CloudSettingsError && !error.message.startsWith(settingsFile)) throw new CloudSettingsError(`${settingsFile}: cloud.${error.message}`);
		throw error;
	}
}

/** The PEM text of `caFile`, or a CloudSettingsError saying what is wrong with it and what it must hold. */
function readCaFile(path: string, settingsFile: string): string {
	const problem = (why: string) => new CloudSettingsError(`${settingsFile}: cloud.caFile ${path} ${why}; point it at a PEM file of CA certificates.`);
	let pem: string;
	try {
		const file = expandHome(path);
		if (statSync(file).size > MAX_CA_FILE_BYTES) throw problem(`is larger than ${MAX_CA_FILE_BYTES / 1024 / 1024} MB`);
		pem = readFileSync(file, 'utf8');
	} catch (error) {
		if (error instanceof CloudSettingsError) throw error;
		throw problem(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
	}
	const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
	if (blocks.length === 0) throw problem('holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
	blocks.forEach((block, index) => {
		try {
			new X509Certificate(block);
		} catch {
			throw problem(`has a damaged certificate (number ${index + 1})`);
		}
	});
	return pem;
}
