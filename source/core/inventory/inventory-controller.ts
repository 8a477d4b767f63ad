import {EventEmitter} from 'node:events';
import type {AzureProblem} from '../azure/errors.js';
import {formatAge} from '../text/format-age.js';
import {DEFAULT_STALE_AFTER_MS, type CachedInventory} from './cache.js';
import {describeRowCount} from './host-rows.js';
import type {Inventory, PowerState, VmRecord} from './model.js';

/** How the header names a subscription state other than Enabled. */
const SUBSCRIPTION_STATE_WORDS = {Warned: 'Warned: billing needs attention', PastDue: 'PastDue: payment overdue', Disabled: 'Disabled: read-only'} as const;

export type FetchResult = {ok: true; inventory: Inventory; problems: AzureProblem[]} | {ok: false; error: AzureProblem; problems: AzureProblem[]};

/** Where the inventory comes from: Azure (Resource Graph / ARM via the real SDKs) or the lab's ARM. */
export interface InventorySource {
	/** "Azure" or "demo lab", for the status line. */
	label: string;
	fetch(onProgress: (text: string) => void, signal: AbortSignal): Promise<FetchResult>;
}

/** What the browser shows: the rows, the status line, and why the list is empty or old. */
export interface InventoryView {
	vms: VmRecord[];
	status: string;
	/** Why the list is empty or old, in full (the status line truncates). */
	problem?: string;
	/** A refresh is under way (the CLI verbs wait for it when the cached list cannot answer). */
	refreshing?: boolean;
}

export interface InventoryCache {
	load(): CachedInventory | undefined;
	save(inventory: Inventory): void;
}

/**
 * The inventory the browser shows. The first frame comes from the disk cache; a refresh then runs in the
 * background with its progress on the status line. A failed refresh keeps the list it had and says so:
 * the list never empties because the network did.
 */
export class InventoryController extends EventEmitter<{change: []}> {
	private inventory: Inventory | undefined;
	private cachedAt: number | undefined;
	private progress: string | undefined;
	private failure: AzureProblem | undefined;
	private problems: AzureProblem[] = [];
	private abort: AbortController | undefined;

	constructor(
		private source: InventorySource,
		private readonly cache: InventoryCache | undefined,
		private readonly staleAfterMs = DEFAULT_STALE_AFTER_MS,
	) {
		super();
	}

	/** Shows the cached inventory at once (synchronously) and starts the refresh. */
	start(): void {
		const cached = this.cache?.load();
		if (cached) {
			this.inventory = cached.inventory;
			this.cachedAt = cached.fetchedAt;
		}
		this.refresh();
	}

	/** Swaps the source (e.g. after a device-code sign-in) and refreshes from it. */
	setSource(source: InventorySource): void {
		this.source = source;
		this.refresh();
	}

	/** The refresh failed because nobody is signed in (or the sign-in expired). */
	get needsSignIn(): boolean {
		return this.failure?.kind === 'sign-in' || this.failure?.kind === 'unauthenticated';
	}

	get lastFailure(): AzureProblem | undefined {
		return this.failure;
	}

	/** The subscriptions of the list shown (with their tenants), cached or fresh. */
	subscriptions(): Inventory['subscriptions'] {
		return this.inventory?.subscriptions ?? [];
	}

	/** `extraRows` (saved plain hosts) follow the VMs and are counted with them on the status line. */
	current(extraRows: readonly VmRecord[] = []): InventoryView {
		const problem = this.failure ? `${this.failure.message}${this.needsSignIn ? ' Press L to sign in with a device code.' : ' Press r to retry.'}` : undefined;
		const vms = extraRows.length === 0 ? (this.inventory?.vms ?? []) : [...(this.inventory?.vms ?? []), ...extraRows];
		return {vms, status: this.status(vms), ...(problem ? {problem} : {}), ...(this.progress === undefined ? {} : {refreshing: true})};
	}

	/**
	 * One VM's power state changed (a start or stop vmux ran): the list shows it at once, and the cache keeps it.
	 * A refresh under way is left alone; its answer replaces the list as usual.
	 */
	setPowerState(vmId: string, state: PowerState): void {
		const inventory = this.inventory;
		if (!inventory) return;
		const key = vmId.toLowerCase();
		if (!inventory.vms.some(vm => vm.id.toLowerCase() === key)) return;
		this.inventory = {...inventory, vms: inventory.vms.map(vm => (vm.id.toLowerCase() === key ? {...vm, powerState: state} : vm))};
		this.emit('change');
	}

	refresh(): void {
		this.abort?.abort();
		const abort = new AbortController();
		this.abort = abort;
		this.progress = 'refreshing…';
		this.emit('change');
		this.source
			.fetch(text => {
				if (abort.signal.aborted) return;
				this.progress = text;
				this.emit('change');
			}, abort.signal)
			.then(result => {
				if (abort.signal.aborted) return;
				this.problems = result.problems;
				if (result.ok) {
					this.inventory = result.inventory;
					this.cachedAt = undefined;
					this.failure = undefined;
					try {
						this.cache?.save(result.inventory);
					} catch {
						// A cache that cannot be written costs the next start its instant first frame, nothing more.
					}
				} else {
					this.failure = result.error;
				}
			})
			.catch((error: Error) => {
				if (!abort.signal.aborted) this.failure = {kind: 'service', message: error.message};
			})
			.finally(() => {
				if (abort.signal.aborted) return;
				this.progress = undefined;
				this.emit('change');
			});
	}

	dispose(): void {
		this.abort?.abort();
	}

	private status(rows: readonly VmRecord[]): string {
		const parts = [this.source.label];
		const inventory = this.inventory;
		if (inventory) {
			// A subscription that is not simply Enabled says so where its name is shown.
			if (inventory.subscriptions.length > 0) parts.push(inventory.subscriptions.map(s => (s.state && s.state !== 'Enabled' ? `${s.name} (${SUBSCRIPTION_STATE_WORDS[s.state]})` : s.name)).join(', '));
			parts.push(describeRowCount(rows));
			if (this.cachedAt !== undefined) {
				const age = Date.now() - this.cachedAt;
				parts.push(`cached ${formatAge(age)} ago${age > this.staleAfterMs ? ' (stale)' : ''}`);
			} else {
				parts.push(`updated ${new Date(inventory.fetchedAt).toLocaleTimeString()}`);
			}
		}
		if (this.progress) parts.push(this.progress);
		else if (this.failure) parts.push(`${inventory ? 'refresh failed, showing the last list' : 'no inventory'}: ${this.failure.message}${this.needsSignIn ? ' (L signs in with a device code)' : ' (r retries)'}`);
		else if (this.problems.length > 0) parts.push(`${this.problems.length} problem${this.problems.length === 1 ? '' : 's'}: ${this.problems[0]!.message}`);
		return parts.join(' · ');
	}
}
