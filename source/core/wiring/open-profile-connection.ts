import type {Client} from 'ssh2';
import {createVmFilter} from '../inventory/fuzzy.js';
import {hostProfileName} from '../inventory/host-rows.js';
import type {VmRecord} from '../inventory/model.js';
import type {PowerWaitGoal} from '../inventory/power-wait.js';
import type {Profile} from '../profiles/schema.js';
import {HandshakeError, sshHandshake} from '../session/ssh-handshake.js';
import type {ConnectionSpec, DisconnectCause, HostKeyInfo, Prompter} from '../session/types.js';
import {displayText} from '../text/display-text.js';
import type {CoreServices} from './core-services.js';

/**
 * One headless connection through a saved profile, for the CLI verbs (`vmux ssh`, `vmux exec`, `vmux tunnel`,
 * `vmux cp`): the target is found as the browser would (profile name, VM name, or one fuzzy match), planned exactly as
 * the TUI plans it (core-services `planConnect`: SKU rules, Key Vault secrets, Entra certificates, jump hosts,
 * Bastion tunnels) and opened with the one SSH handshake (session/ssh-handshake: host key first, then credentials).
 * Nothing here knows a terminal: questions go to the `Prompter` given (commands/tty-prompter makes one).
 */

/** What a CLI target names: the profile, and the browser row it connects to. */
export interface ResolvedTarget {
	profile: Profile;
	vm: VmRecord;
}

/** A failure with the sentence to print; `exitCode` as OpenSSH has it (255: could not connect). */
export class ConnectFailure extends Error {
	constructor(
		message: string,
		readonly exitCode = 255,
		/** What kind of failure the handshake had, when it got that far (`network`: worth another try). */
		override readonly cause?: DisconnectCause,
	) {
		super(message);
		this.name = 'ConnectFailure';
	}
}

/** How long a CLI verb waits for the inventory's refresh when the cached list cannot answer. */
export const INVENTORY_WAIT_MS = 60_000;

/** Resolves once the inventory is not refreshing (or after `timeoutMs`). */
export function inventorySettled(services: Pick<CoreServices, 'inventory'>, timeoutMs = INVENTORY_WAIT_MS): Promise<void> {
	return new Promise(resolve => {
		const check = () => {
			if (services.inventory.current().refreshing) return;
			done();
		};
		const timer = setTimeout(() => done(), timeoutMs);
		timer.unref?.();
		const done = () => {
			clearTimeout(timer);
			services.inventory.off('change', check);
			resolve();
		};
		services.inventory.on('change', check);
		check();
	});
}

/**
 * The row and profile `name` stands for: a profile of that name, else a VM of that name (case-insensitive), else the
 * one row the browser's fuzzy filter ranks first when it is the only match. Undefined with `refreshing` set when the
 * list may still bring it (the caller waits and asks again).
 */
export function findTarget(services: Pick<CoreServices, 'inventory' | 'profiles'>, name: string): {ok: true; target: ResolvedTarget} | {ok: false; message: string; retryAfterRefresh: boolean} {
	const rows = services.inventory.current();
	const profiles = services.profiles.list();
	const byProfile = profiles.find(p => p.name === name) ?? profiles.find(p => p.name.toLowerCase() === name.toLowerCase());
	const shown = displayText(name);
	if (byProfile) {
		const vm = byProfile.target.kind === 'host' ? rows.vms.find(row => hostProfileName(row) === byProfile.name) : rows.vms.find(row => row.id.toLowerCase() === (byProfile.target as {vmId: string}).vmId.toLowerCase());
		if (vm) return {ok: true, target: {profile: byProfile, vm}};
		const vmName = byProfile.target.kind === 'azure-vm' ? byProfile.target.vmName : byProfile.name;
		return {
			ok: false,
			retryAfterRefresh: true,
			message: `The VM ${displayText(vmName)} of profile "${displayText(byProfile.name)}" is not in the VM list${rows.problem ? ` (${rows.problem})` : ''}. Check the subscriptions selected in vmux (s in the browser), or that the VM still exists.`,
		};
	}
	const exact = rows.vms.filter(vm => vm.name.toLowerCase() === name.toLowerCase());
	const candidates = exact.length > 0 ? exact : createVmFilter(rows.vms).filter(name).map(match => match.vm);
	if (candidates.length === 0) {
		return {ok: false, retryAfterRefresh: true, message: `No profile or VM matches "${shown}"${rows.problem ? ` (${rows.problem})` : ''}. vmux profiles list shows the profiles.`};
	}
	if (candidates.length > 1) {
		const names = candidates.slice(0, 6).map(vm => displayText(vm.name));
		return {ok: false, retryAfterRefresh: false, message: `"${shown}" matches ${candidates.length} VMs (${names.join(', ')}${candidates.length > names.length ? ', …' : ''}); name one of them.`};
	}
	const vm = candidates[0]!;
	const profile = services.profiles.profileFor(vm);
	if (!profile) return {ok: false, retryAfterRefresh: false, message: `${displayText(vm.name)} has no profile yet: open vmux, select it and press Enter (or e) to make one, then run this again.`};
	return {ok: true, target: {profile, vm}};
}

/** `findTarget`, waiting for the inventory's refresh when the cached list does not have the target. */
export async function resolveTarget(services: Pick<CoreServices, 'inventory' | 'profiles'>, name: string): Promise<ResolvedTarget> {
	let found = findTarget(services, name);
	if (!found.ok && found.retryAfterRefresh && services.inventory.current().refreshing) {
		await inventorySettled(services);
		found = findTarget(services, name);
	}
	if (!found.ok) throw new ConnectFailure(found.message);
	return found.target;
}

export interface OpenedConnection {
	client: Client;
	spec: ConnectionSpec;
	target: ResolvedTarget;
	/** Ends the SSH connection and releases the transport (Bastion token). Safe to call twice. */
	close(): void;
}

export interface OpenOptions {
	/** Answers host-key, password, passphrase and sign-in questions (commands/tty-prompter). */
	prompter: Prompter;
	/** False when nobody can answer (no terminal): an unknown host key is then explained, not just "rejected". */
	interactive: boolean;
	signal?: AbortSignal;
	/**
	 * `--wait`: a VM in transit is waited for instead of refused (starting: until it runs; stopping or deallocating:
	 * until it has stopped, then it is started), each step told through this line writer.
	 */
	wait?: (line: string) => void;
}

/**
 * Plans and opens one authenticated SSH connection to `target`. Rejects with a ConnectFailure sentence: the plan's
 * refusal (stopped VM, SKU rule), the transport's failure, a host key refused (an unknown one with no terminal to ask
 * is explained: connect once interactively), or the server's refusal of the credentials.
 */
export async function openConnection(services: Pick<CoreServices, 'planConnect' | 'connecting'> & Partial<Pick<CoreServices, 'power'>>, target: ResolvedTarget, options: OpenOptions): Promise<OpenedConnection> {
	let outcome = await services.planConnect(target.vm);
	if (outcome.kind === 'error' && outcome.waitable && options.wait && services.power) {
		await waitForVm(services.power, {...target.vm, ...(outcome.powerState ? {powerState: outcome.powerState} : {})}, outcome.waitable, options.wait, options.signal);
		outcome = await services.planConnect({...target.vm, powerState: 'running'});
	}
	if (outcome.kind === 'needs-profile') throw new ConnectFailure(`${displayText(target.vm.name)} has no profile yet: open vmux and connect to it once to make one.`);
	if (outcome.kind === 'error') throw new ConnectFailure(displayText(outcome.message));
	const spec = outcome.spec;
	let unknownKey: HostKeyInfo | undefined;
	const prompter: Prompter = {
		...options.prompter,
		confirmUnknownHostKey: async info => {
			const decision = await options.prompter.confirmUnknownHostKey(info);
			if (decision === 'reject') unknownKey = info;
			return decision;
		},
	};
	const abort = new AbortController();
	const onAbort = () => abort.abort();
	options.signal?.addEventListener('abort', onAbort, {once: true});
	try {
		const {client} = await sshHandshake({spec, hostKeys: services.connecting.hostKeys, prompter, signal: abort.signal, reconnect: false});
		let closed = false;
		return {
			client,
			spec,
			target,
			close() {
				if (closed) return;
				closed = true;
				client.end();
				// end() waits for the server; destroy after a moment so a silent peer cannot hold the process.
				setTimeout(() => client.destroy(), 1000).unref();
				void spec.transport.close?.();
			},
		};
	} catch (error) {
		void spec.transport.close?.();
		const message = error instanceof HandshakeError || error instanceof Error ? error.message : String(error);
		if (error instanceof HandshakeError && error.disconnectCause === 'host-key-rejected' && unknownKey && !options.interactive) {
			throw new ConnectFailure(unknownHostKeySentence(spec, unknownKey));
		}
		throw new ConnectFailure(displayText(message), 255, error instanceof HandshakeError ? error.disconnectCause : undefined);
	} finally {
		options.signal?.removeEventListener('abort', onAbort);
	}
}

/** `--wait`: waits for the VM (and starts it once it has stopped), or rejects with a ConnectFailure saying why not. */
async function waitForVm(power: NonNullable<CoreServices['power']>, vm: VmRecord, goal: PowerWaitGoal, say: (line: string) => void, signal?: AbortSignal): Promise<void> {
	const name = displayText(vm.name);
	say(`${name} is ${vm.powerState}: waiting until it ${goal === 'running' ? 'runs' : 'has stopped, to start it'} (at most 10 min; Ctrl-C stops)…`);
	const cancel = () => power.cancelWait(vm.id);
	signal?.addEventListener('abort', cancel, {once: true});
	let waited: Awaited<ReturnType<typeof power.wait>>;
	try {
		waited = await power.wait(vm, goal);
	} finally {
		signal?.removeEventListener('abort', cancel);
	}
	if (waited.kind === 'cancelled') throw new ConnectFailure(`Stopped waiting for ${name}.`);
	if (waited.kind !== 'arrived') throw new ConnectFailure(displayText(waited.message));
	if (goal === 'running') return say(`${name} is running.`);
	say(`${name} is ${waited.state}: starting it…`);
	const started = await power.run(vm, 'start');
	if (!started.ok) throw new ConnectFailure(displayText(started.message));
	say(`${name} is running (the start took ${Math.round(started.elapsedMs / 1000)} s).`);
}

function unknownHostKeySentence(spec: ConnectionSpec, info: HostKeyInfo): string {
	const where = info.port === 22 ? info.host : `[${info.host}]:${info.port}`;
	return (
		`The host key of ${displayText(spec.label)} (${where}, ${info.keyType} ${info.fingerprint}) is not in known_hosts, and there is no terminal to ask about it; nothing was sent. ` +
		`Connect once interactively (vmux ssh ${displayText(spec.profileName ?? spec.label)}) and accept it, or add it to vmux's known_hosts.`
	);
}
