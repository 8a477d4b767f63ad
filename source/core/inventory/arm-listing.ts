import type {VirtualMachine} from '@azure/arm-compute';
import type {ArmClients} from '../azure/clients.js';
import {describeAzureError, type AzureProblem} from '../azure/errors.js';
import {idKey, parseResourceId} from '../azure/resource-id.js';
import type {InventoryFacts} from './assemble.js';
import type {BastionFacts, NicFacts, PublicIpFacts, VmFacts, VnetFacts} from './facts.js';
import {bastionFactsFromSdk, nicFactsFromSdk, publicIpFactsFromSdk, vmFactsFromSdk, vnetFactsFromSdk} from './from-sdk.js';
import {runLimited} from './limit.js';

/**
 * The fallback path: ARM list calls per subscription (VMs, their power states via `statusOnly=true`, NICs,
 * public IPs, VNets with peerings, Bastion hosts), `nextLink` paging by the SDKs, bounded concurrency across
 * all calls. A 403 on one list is a problem to report (the rest still loads, as RBAC would show it); any other
 * failure aborts the read so a partial list never passes for the whole one.
 */

export interface ArmReadOptions {
	/** Calls in flight at once across all subscriptions (default 6). */
	concurrency?: number;
	signal?: AbortSignal;
	onSubscriptionDone?: (done: {subscriptionId: string; name: string; completed: number; total: number}) => void;
}

/** Thrown to stop the whole read; carries the described problem. */
export class InventoryReadError extends Error {
	readonly problem: AzureProblem;

	constructor(problem: AzureProblem) {
		super(problem.message);
		this.name = 'InventoryReadError';
		this.problem = problem;
	}
}

export async function readFactsFromArm(
	clients: ArmClients,
	subscriptions: Array<{id: string; name: string}>,
	options: ArmReadOptions = {},
): Promise<{facts: InventoryFacts; problems: AzureProblem[]}> {
	const problems: AzureProblem[] = [];
	const subscriptionNames = new Map(subscriptions.map(sub => [sub.id.toLowerCase(), sub.name]));
	const abortSignal = options.signal;
	const vmsWithModel: VirtualMachine[] = [];
	const vmsWithStatus: VirtualMachine[] = [];
	const nics: NicFacts[] = [];
	const publicIps: PublicIpFacts[] = [];
	const vnets: VnetFacts[] = [];
	const bastions: BastionFacts[] = [];

	/** Collects one paged list; a 403 becomes a reported problem and an empty list. */
	const collect =
		<T>(doing: string, list: (options: ListOptions) => Promise<AsyncIterable<T>>, into: (item: T) => void) =>
		async (): Promise<void> => {
			// The compute SDK's pager replaces the service's error message with "Pagination failed …"; keep the
			// body of a failed page so the sentence can still name the action and scope ARM refused.
			let failedBody: string | undefined;
			const onResponse = (response: {status: number; bodyAsText?: string | null}) => {
				if (response.status >= 400 && response.bodyAsText) failedBody = response.bodyAsText;
			};
			try {
				for await (const item of await list({abortSignal, onResponse})) into(item);
			} catch (error) {
				const problem = describeAzureError(withServiceMessage(error, failedBody), {doing, subscriptionNames, endpoint: clients.cloud.armEndpoint});
				if (problem.kind === 'forbidden') problems.push(problem);
				else throw new InventoryReadError(problem);
			}
		};

	const remaining = new Map(subscriptions.map(sub => [sub.id, 0]));
	let completed = 0;
	const tasks: Array<() => Promise<void>> = [];
	for (const sub of subscriptions) {
		// Asked for inside each task: a client whose package fails to load is that task's error, reported like the rest.
		const compute = () => clients.compute(sub.id);
		const network = () => clients.network(sub.id);
		const where = `in ${sub.name}`;
		const subTasks = [
			collect(`listing virtual machines ${where}`, async options => (await compute()).virtualMachines.listAll(options), vm => vmsWithModel.push(vm)),
			// statusOnly=true returns the instance views (power state) of all VMs in one paged call.
			collect(`reading VM power states ${where}`, async options => (await compute()).virtualMachines.listAll({...options, statusOnly: 'true'}), vm => vmsWithStatus.push(vm)),
			collect(`listing network interfaces ${where}`, async options => (await network()).networkInterfaces.listAll(options), nic => pushDefined(nics, nicFactsFromSdk(nic))),
			collect(`listing public IP addresses ${where}`, async options => (await network()).publicIPAddresses.listAll(options), ip => pushDefined(publicIps, publicIpFactsFromSdk(ip))),
			collect(`listing virtual networks ${where}`, async options => (await network()).virtualNetworks.listAll(options), vnet => pushDefined(vnets, vnetFactsFromSdk(vnet))),
			collect(`listing Bastion hosts ${where}`, async options => (await network()).bastionHosts.list(options), bastion => pushDefined(bastions, bastionFactsFromSdk(bastion))),
		];
		remaining.set(sub.id, subTasks.length);
		for (const task of subTasks) {
			tasks.push(async () => {
				await task();
				const left = (remaining.get(sub.id) ?? 1) - 1;
				remaining.set(sub.id, left);
				if (left === 0) options.onSubscriptionDone?.({subscriptionId: sub.id, name: sub.name, completed: ++completed, total: subscriptions.length});
			});
		}
	}
	await runLimited(tasks, options.concurrency ?? 6);

	// A VNet listed without its peerings (older API versions) gets them from the peerings endpoint.
	await runLimited(
		vnets
			.filter(vnet => vnet.peerings === undefined)
			.map(vnet => async () => {
				const parsed = parseResourceId(vnet.id);
				if (!parsed?.resourceGroup || !parsed.name) return;
				const peerings: NonNullable<VnetFacts['peerings']> = [];
				await collect(
					`listing peerings of ${parsed.name}`,
					async options => (await clients.network(parsed.subscriptionId)).virtualNetworkPeerings.list(parsed.resourceGroup!, parsed.name!, options),
					peering => {
						if (peering.remoteVirtualNetwork?.id) peerings.push({remoteVnetId: peering.remoteVirtualNetwork.id, state: peering.peeringState});
					},
				)();
				vnet.peerings = peerings;
			}),
		options.concurrency ?? 6,
	);

	const statusById = new Map(vmsWithStatus.map(vm => [idKey(vm.id ?? ''), vm]));
	const vms: VmFacts[] = [];
	for (const vm of vmsWithModel) {
		const facts = vmFactsFromSdk(vm);
		if (!facts) continue;
		const status = statusById.get(idKey(facts.id));
		const statusFacts = status ? vmFactsFromSdk(status) : undefined;
		vms.push({...facts, powerCode: facts.powerCode ?? statusFacts?.powerCode, extensionTypes: facts.extensionTypes ?? statusFacts?.extensionTypes});
	}
	return {facts: {subscriptions, vms, nics, publicIps, vnets, bastions}, problems};
}

interface ListOptions {
	abortSignal?: AbortSignal;
	onResponse: (response: {status: number; bodyAsText?: string | null}) => void;
}

/** The error with ARM's own code and message put back from the failed page's body, when the SDK dropped them. */
function withServiceMessage(error: unknown, body: string | undefined): unknown {
	if (!body || !error || typeof error !== 'object') return error;
	try {
		const parsed = JSON.parse(body) as {error?: {code?: unknown; message?: unknown}};
		if (typeof parsed.error?.message !== 'string') return error;
		const original = error as {name?: string; statusCode?: number};
		return {name: original.name, statusCode: original.statusCode, code: parsed.error.code, message: parsed.error.message};
	} catch {
		return error;
	}
}

function pushDefined<T>(list: T[], value: T | undefined): void {
	if (value !== undefined) list.push(value);
}
