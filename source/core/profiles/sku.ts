/**
 * The Bastion SKU rules of DESIGN §4 as one data table, and what they mean for a profile.
 *
 * The table is data so a test can check every cell and so the editor, the store, the CLI and the session
 * manager all read the same answer. Each "no" reaches the user as a sentence saying what the SKU allows and
 * what to do instead.
 */
import type {BastionFlags, BastionSku} from '../inventory/model.js';
import {isIpAddress, type Profile} from './schema.js';

type FlagName = keyof BastionFlags;

/** `true`: always; `false`: never; a flag name: only when that Bastion flag is on. */
export type Gate = boolean | FlagName;

export interface SkuRule {
	/** An SSH session from vmux through the Bastion tunnel (Developer uses the data-pod flow, contracts §3). */
	vmuxSession: Gate;
	/** A shared Bastion: `/api/connection` hands out the data pod that carries the tunnel (contracts §3). */
	dataPod: boolean;
	/** Port and protocol editable ("Connection Settings"); otherwise SSH on `fixedPort`. */
	portEditable: boolean;
	fixedPort: number | undefined;
	/** Concurrent sessions through one Bastion; Infinity for "many". */
	maxConcurrentSessions: number;
	/** Reaches VMs in VNets peered with the Bastion's. */
	peeredVnets: boolean;
	/** Connect by IP address (`enableIpConnect`). */
	ipConnect: Gate;
	/** Ports allowed for IP-based connections (the Azure CLI also allows 3389, which is RDP). */
	ipConnectPorts: readonly number[];
	/** Microsoft Entra ID login over an IP-based connection. */
	entraOverIp: boolean;
	/** Password or key from Key Vault (vmux fetches it into memory; no Bastion feature needed). */
	keyVault: boolean;
	fileCopy: Gate;
	/** Server-side session recording, shown to the user when on. */
	sessionRecording: Gate;
}

const DEVELOPER_RULE: Readonly<SkuRule> = {
	vmuxSession: true,
	dataPod: true,
	portEditable: false,
	fixedPort: 22,
	maxConcurrentSessions: 1,
	peeredVnets: false,
	ipConnect: false,
	ipConnectPorts: [],
	entraOverIp: false,
	keyVault: true,
	fileCopy: false,
	sessionRecording: false,
};

export const SKU_RULES: Readonly<Record<BastionSku, Readonly<SkuRule>>> = {
	Developer: DEVELOPER_RULE,
	// Handled like Developer, as the Azure CLI does (contracts §3).
	QuickConnect: DEVELOPER_RULE,
	Basic: {
		vmuxSession: false,
		dataPod: false,
		portEditable: false,
		fixedPort: 22,
		maxConcurrentSessions: Number.POSITIVE_INFINITY,
		peeredVnets: true,
		ipConnect: false,
		ipConnectPorts: [],
		entraOverIp: false,
		keyVault: true,
		fileCopy: false,
		sessionRecording: false,
	},
	Standard: {
		vmuxSession: 'enableTunneling',
		dataPod: false,
		portEditable: true,
		fixedPort: undefined,
		maxConcurrentSessions: Number.POSITIVE_INFINITY,
		peeredVnets: true,
		ipConnect: 'enableIpConnect',
		ipConnectPorts: [22],
		entraOverIp: false,
		keyVault: true,
		fileCopy: 'enableFileCopy',
		sessionRecording: false,
	},
	Premium: {
		vmuxSession: 'enableTunneling',
		dataPod: false,
		portEditable: true,
		fixedPort: undefined,
		maxConcurrentSessions: Number.POSITIVE_INFINITY,
		peeredVnets: true,
		ipConnect: 'enableIpConnect',
		ipConnectPorts: [22],
		entraOverIp: false,
		keyVault: true,
		fileCopy: 'enableFileCopy',
		sessionRecording: 'enableSessionRecording',
	},
};

/** The table resolved for one Bastion: flags applied, every gate a plain yes or no. */
export interface BastionCapabilities {
	sku: BastionSku;
	vmuxSession: boolean;
	dataPod: boolean;
	portEditable: boolean;
	fixedPort: number | undefined;
	maxConcurrentSessions: number;
	peeredVnets: boolean;
	ipConnect: boolean;
	ipConnectPorts: readonly number[];
	entraOverIp: boolean;
	keyVault: boolean;
	fileCopy: boolean;
	sessionRecording: boolean;
}

function open(gate: Gate, flags: Partial<BastionFlags>): boolean {
	return typeof gate === 'boolean' ? gate : flags[gate] === true;
}

/** A missing flag means false (DESIGN §4), so partial flags from ARM are fine. */
export function capabilities(sku: BastionSku, flags: Partial<BastionFlags> = {}): BastionCapabilities {
	const rule = SKU_RULES[sku];
	return {
		sku,
		vmuxSession: open(rule.vmuxSession, flags),
		dataPod: rule.dataPod,
		portEditable: rule.portEditable,
		fixedPort: rule.fixedPort,
		maxConcurrentSessions: rule.maxConcurrentSessions,
		peeredVnets: rule.peeredVnets,
		ipConnect: open(rule.ipConnect, flags),
		ipConnectPorts: rule.ipConnectPorts,
		entraOverIp: rule.entraOverIp,
		keyVault: rule.keyVault,
		fileCopy: open(rule.fileCopy, flags),
		sessionRecording: open(rule.sessionRecording, flags),
	};
}

/** Developer and QuickConnect: the tunnel goes through a data pod that `/api/connection` names. */
export function usesDataPod(sku: BastionSku): boolean {
	return SKU_RULES[sku].dataPod;
}

export function portEditable(sku: BastionSku): boolean {
	return SKU_RULES[sku].portEditable;
}

/** For the session manager: how many sessions may run through one Bastion of this SKU at once. */
export function maxConcurrentSessions(sku: BastionSku): number {
	return SKU_RULES[sku].maxConcurrentSessions;
}

/** The editor's locked Connection Settings line on Developer, QuickConnect and Basic. */
export function lockedPortLabel(sku: BastionSku): string | undefined {
	const {fixedPort} = SKU_RULES[sku];
	return fixedPort === undefined ? undefined : `SSH · port ${fixedPort} — fixed by the ${sku} SKU`;
}

export const IP_CONNECT_LOCKED_LABEL = 'SSH · port 22 — fixed for IP-based Bastion connections';

export type ProblemCode =
	| 'port-fixed'
	| 'portal-only'
	| 'native-client-disabled'
	| 'ip-connect-unsupported'
	| 'ip-connect-disabled'
	| 'ip-connect-needs-ip'
	| 'ip-connect-port'
	| 'entra-over-ip'
	| 'peered-vnet'
	/** The Bastion serves only a secondary NIC's VNet: it reaches the VM by that address alone (IP-based connection). */
	| 'secondary-nic-only'
	| 'single-session'
	| 'session-recording';

/**
 * `error`: the SKU never allows this setting; the store refuses to save it.
 * `warning`: allowed by the SKU but off on this Bastion (a flag), so connecting fails until someone turns it on.
 * `info`: nothing to fix, but the user should know (one session only, sessions recorded).
 */
export type ProblemSeverity = 'error' | 'warning' | 'info';

export interface Problem {
	code: ProblemCode;
	severity: ProblemSeverity;
	/** The profile field the problem is about, for the editor to show it beside. */
	field: 'port' | 'transport' | 'target' | 'auth';
	message: string;
}

export interface SkuCheckContext {
	/** How the Bastion reaches the VM (inventory's BastionRef.via), when known. */
	via?: 'same-vnet' | 'peered-vnet';
}

const ELSEWHERE = "use a direct or jump transport, or open the VM's Bastion page in the Azure portal";

/** Everything the Bastion SKU says about this profile; empty for direct and jump transports. */
export function checkProfileAgainstSku(
	profile: Pick<Profile, 'target' | 'transport' | 'port' | 'auth'>,
	context: SkuCheckContext = {},
): Problem[] {
	const {transport, target} = profile;
	if (transport.kind !== 'bastion') return [];
	const {sku, bastionName} = transport;
	const caps = capabilities(sku, transport.flags);
	const problems: Problem[] = [];
	const add = (code: ProblemCode, severity: ProblemSeverity, field: Problem['field'], message: string) =>
		problems.push({code, severity, field, message});

	if (!caps.vmuxSession) {
		if (SKU_RULES[sku].vmuxSession === false) {
			add(
				'portal-only',
				'error',
				'transport',
				`The ${sku} SKU of ${bastionName} only serves connections from the Azure portal, not from native clients like vmux: upgrade ${bastionName} to Standard or Premium and enable native client support, or ${ELSEWHERE}.`,
			);
		} else {
			add(
				'native-client-disabled',
				'warning',
				'transport',
				`Bastion Host SKU must be Standard or Premium and Native Client must be enabled. ${bastionName} is ${sku} with native client support off: enable native client support (enableTunneling) on it, or ${ELSEWHERE}.`,
			);
		}
	}

	if (caps.fixedPort !== undefined && profile.port !== caps.fixedPort) {
		add(
			'port-fixed',
			'error',
			'port',
			`The ${sku} SKU fixes the connection to SSH on port ${caps.fixedPort}, so port ${profile.port} cannot be used through ${bastionName}: set the port to ${caps.fixedPort}, upgrade ${bastionName} to Standard or Premium for custom ports, or use a direct or jump transport.`,
		);
	}

	if (target.kind === 'host') {
		if (SKU_RULES[sku].ipConnect === false) {
			add(
				'ip-connect-unsupported',
				'error',
				'target',
				`The ${sku} SKU cannot connect by IP address: target the VM itself${insteadOf(target.host)}, upgrade ${bastionName} to Standard or Premium and enable IP-based connection, or use a direct or jump transport.`,
			);
		} else {
			if (!caps.ipConnect) {
				add(
					'ip-connect-disabled',
					'warning',
					'target',
					`${bastionName} does not have IP-based connection enabled: enable it (enableIpConnect) on the Bastion, target the VM itself${insteadOf(target.host)}, or use a direct or jump transport.`,
				);
			}
			// An empty host is the Host field's own problem ("Host is needed"), not a name.
			if (target.host.trim() !== '' && !isIpAddress(target.host)) {
				add(
					'ip-connect-needs-ip',
					'error',
					'target',
					`A Bastion connects to other hosts by private IP address only, and ${target.host} is a name: enter the host's private IP address, target the VM itself, or use a direct or jump transport.`,
				);
			}
			if (!caps.ipConnectPorts.includes(profile.port)) {
				add(
					'ip-connect-port',
					'error',
					'port',
					`Custom ports are not allowed for IP-based connections: ${bastionName} reaches ${target.host.trim() || 'a host by IP address'} on port 22 only. Set the port to 22, target the VM itself to use port ${profile.port}, or use a direct or jump transport.`,
				);
			}
		}
		if (profile.auth.type === 'entra' && !caps.entraOverIp) {
			add(
				'entra-over-ip',
				'error',
				'auth',
				`Microsoft Entra ID login is not available over IP-based Bastion connections: target the VM itself${insteadOf(target.host)}, reach the host through a direct or jump transport, or choose another authentication type.`,
			);
		}
	}

	if (context.via === 'peered-vnet' && !caps.peeredVnets) {
		add(
			'peered-vnet',
			'error',
			'transport',
			`The ${sku} SKU only reaches VMs in its own virtual network, and this VM is in a peered one: upgrade ${bastionName} to Standard or Premium, deploy a Bastion in the VM's virtual network, or use a direct or jump transport.`,
		);
	}

	if (caps.maxConcurrentSessions === 1) {
		add(
			'single-session',
			'info',
			'transport',
			`The ${sku} SKU allows one session at a time through ${bastionName}: close the open one before starting another, or upgrade to Standard or Premium for many.`,
		);
	}

	if (caps.sessionRecording) {
		add('session-recording', 'info', 'transport', `Sessions through ${bastionName} are recorded: session recording is on for this ${sku} Bastion.`);
	}

	return problems;
}

/** " instead of 10.0.0.4", or nothing while the host is still empty (a sentence must read well either way). */
function insteadOf(host: string): string {
	return host.trim() === '' ? ' instead of an IP address' : ` instead of ${host.trim()}`;
}

export function blockingProblems(problems: readonly Problem[]): Problem[] {
	return problems.filter(problem => problem.severity === 'error');
}
