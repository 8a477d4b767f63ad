/**
 * What `vmux doctor` reports: one check per prerequisite of a Bastion connection, in the order a connection
 * needs them. Plain data (no Error objects, no SDK models) so the CLI prints it, `--json` serialises it and the
 * app's `!` view renders it without knowing how it was gathered.
 */

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export type CheckId = 'sign-in' | 'vm' | 'nic' | 'bastion' | 'vnet' | 'sku' | 'power' | 'auth';

export interface DoctorCheck {
	id: CheckId;
	title: string;
	status: CheckStatus;
	/** One or more sentences: what was found (or, for skip, why the check could not run). */
	detail: string;
	/** What to do about a fail or warn, as a sentence (often with the command to run). */
	fix?: string;
	/** For a refused read (403): the role that grants it and the scope to grant it over. */
	access?: {role: string; scope?: string; action?: string};
}

export interface DoctorVm {
	id: string;
	name: string;
	resourceGroup: string;
	subscriptionId: string;
	subscriptionName?: string;
}

export interface DoctorBastion {
	id: string;
	name: string;
	sku: string;
	/** How it reaches the VM, when that could be established. */
	via?: 'same-vnet' | 'peered-vnet';
}

export interface DoctorReport {
	/** What the user asked about: a VM name or resource id. */
	target: string;
	/** The VM, once found. */
	vm?: DoctorVm;
	/** The profile checked against, if any. */
	profileName?: string;
	/** The Bastion that serves the VM, once found. */
	bastion?: DoctorBastion;
	/** Always the eight checks, in CHECK_ORDER. */
	checks: DoctorCheck[];
	/** No check failed (warnings and skips do not count). */
	ok: boolean;
}

export const CHECK_ORDER: readonly CheckId[] = ['sign-in', 'vm', 'nic', 'bastion', 'vnet', 'sku', 'power', 'auth'];

export const CHECK_TITLES: Readonly<Record<CheckId, string>> = {
	'sign-in': 'Sign-in to Azure',
	vm: 'Read access to the VM',
	nic: "Read access to the VM's network interface",
	bastion: 'Read access to the Bastion',
	vnet: 'Virtual network and peering',
	sku: 'Bastion SKU and native client support',
	power: 'Power state',
	auth: 'Authentication prerequisites',
};

/** How each status reads in a terminal: the CLI report and the app's doctor view use the same marks. */
export const STATUS_SYMBOLS: Readonly<Record<CheckStatus, string>> = {pass: '✓', fail: '✗', warn: '!', skip: '–'};

export function check(id: CheckId, status: CheckStatus, detail: string, extra: Pick<DoctorCheck, 'fix' | 'access'> = {}): DoctorCheck {
	return {id, title: CHECK_TITLES[id], status, detail, ...(extra.fix ? {fix: extra.fix} : {}), ...(extra.access ? {access: extra.access} : {})};
}

/** A check that could not run; `because` says which earlier result it needed. */
export function skipped(id: CheckId, because: string): DoctorCheck {
	return check(id, 'skip', because);
}
