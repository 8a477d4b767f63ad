import {COMMANDS, isAvailable, plainTableOf, scopesOverlap, type CommandDefinition, type CommandState} from './command-table.js';
import {bindingSpec, KeySpecError, parseKeySpec, type KeyBinding, type KeyTable} from './key-spec.js';

/** Where the user's bindings come from, as notices name it. */
const SETTING = 'settings.json "keys"';
const EXAMPLES = '"!", "C-x", "Enter" or "prefix c"';

/**
 * Which command each key starts: the table's defaults with settings.json's `"keys"` applied. Built once at
 * start; the input's command dispatcher asks it for every key.
 */
export class Keymap {
	private readonly byKey = new Map<string, CommandDefinition[]>();
	private readonly byName: Map<string, CommandDefinition>;

	constructor(
		readonly commands: readonly CommandDefinition[],
		private readonly bindings: ReadonlyMap<string, readonly KeyBinding[]>,
		/** The prefix key's name (`C-b`), for help and for `prefix prefix`. */
		readonly prefixKey: string,
	) {
		this.byName = new Map(commands.flatMap(command => [command.name, ...(command.aliases ?? [])].map(name => [name, command] as const)));
		for (const command of commands) {
			for (const binding of this.bindingsOf(command.name)) {
				const slot = slotOf(binding);
				this.byKey.set(slot, [...(this.byKey.get(slot) ?? []), command]);
			}
		}
	}

	command(name: string): CommandDefinition | undefined {
		return this.byName.get(name);
	}

	bindingsOf(name: string): readonly KeyBinding[] {
		return this.bindings.get(this.byName.get(name)?.name ?? name) ?? [];
	}

	/** The command this key starts in this state, if any (a key may serve a browser and a session command). */
	resolve(table: KeyTable, key: string, state: CommandState): CommandDefinition | undefined {
		return this.byKey.get(slotOf({table, key}))?.find(command => isAvailable(command, state));
	}
}

function slotOf(binding: KeyBinding): string {
	return `${binding.table} ${binding.key}`;
}

export interface BuiltKeymap {
	keymap: Keymap;
	/** One sentence per problem in the user's bindings, naming the setting and the fix; those bindings keep their defaults. */
	notices: string[];
}

/**
 * Applies settings.json's `"keys"` (command name -> a key spec, a list of them, or "none") to the table's
 * defaults. Nothing here throws: an unknown command, a key vmux cannot read, a session command on a plain
 * key, or two commands on one key is a notice, and the commands involved keep their default keys.
 */
export function buildKeymap(options: {overrides?: unknown; prefixKey: string; commands?: readonly CommandDefinition[]}): BuiltKeymap {
	const commands = options.commands ?? COMMANDS;
	const {prefixKey} = options;
	const notices: string[] = [];
	const defaults = new Map(commands.map(command => [command.name, command.keys.map(spec => parseKeySpec(spec, prefixKey, plainTableOf(command)))]));
	const chosen = new Map<string, KeyBinding[]>();
	const overrides = options.overrides;
	if (overrides !== undefined && overrides !== null) {
		if (typeof overrides !== 'object' || Array.isArray(overrides)) {
			notices.push(`${SETTING} should be an object such as {"new-window": "prefix c", "doctor": "!"}, not ${Array.isArray(overrides) ? 'a list' : typeof overrides}; using the default keys.`);
		} else {
			for (const [name, value] of Object.entries(overrides as Record<string, unknown>)) {
				// A former name (scrollback, now copy-mode) still rebinds its command.
				const command = commands.find(c => c.name === name) ?? commands.find(c => c.aliases?.includes(name));
				if (!command) {
					const near = closestName(name, commands.map(c => c.name));
					notices.push(`${SETTING} names "${name}", which is not a vmux command${near ? ` (did you mean "${near}"?)` : ''}; vmux --help lists the command names. The setting is ignored.`);
					continue;
				}
				const bindings = userBindings(command, value, prefixKey, defaults.get(command.name)!);
				if (typeof bindings === 'string') notices.push(bindings);
				else chosen.set(command.name, bindings);
			}
		}
	}
	// Two commands on one key where both apply: the user's bindings involved give way to the defaults (which
	// never clash), until nothing clashes.
	for (;;) {
		const current = (name: string) => chosen.get(name) ?? defaults.get(name)!;
		const reverted = new Map<string, string>();
		for (let i = 0; i < commands.length; i++) {
			for (let j = i + 1; j < commands.length; j++) {
				const a = commands[i]!;
				const b = commands[j]!;
				if (!scopesOverlap(a.scope, b.scope)) continue;
				const shared = current(a.name).find(binding => current(b.name).some(other => slotOf(other) === slotOf(binding)));
				if (!shared) continue;
				for (const [mine, theirs] of [
					[a, b],
					[b, a],
				] as const) {
					if (chosen.has(mine.name) && !reverted.has(mine.name)) {
						reverted.set(mine.name, `${SETTING}: "${mine.name}" is bound to "${bindingSpec(shared)}", which ${chosen.has(theirs.name) ? 'is also bound to' : 'is already the key of'} "${theirs.name}"; give one of them another key (or "none"). ${keepsDefault(mine.name, defaults.get(mine.name)!)}`);
					}
				}
			}
		}
		if (reverted.size === 0) break;
		for (const [name, notice] of reverted) {
			chosen.delete(name);
			notices.push(notice);
		}
	}
	const bindings = new Map(commands.map(command => [command.name, chosen.get(command.name) ?? defaults.get(command.name)!]));
	return {keymap: new Keymap(commands, bindings, prefixKey), notices};
}

/** The user's bindings for one command, or the notice saying why they cannot be used. */
function userBindings(command: CommandDefinition, value: unknown, prefixKey: string, defaults: readonly KeyBinding[]): KeyBinding[] | string {
	const where = `${SETTING}."${command.name}"`;
	const specs = typeof value === 'string' ? [value] : Array.isArray(value) && value.every(item => typeof item === 'string') ? (value as string[]) : undefined;
	if (!specs) return `${where} should be a key such as ${EXAMPLES}, a list of keys, or "none". ${keepsDefault(command.name, defaults)}`;
	if (specs.length === 0 || (specs.length === 1 && specs[0]!.trim().toLowerCase() === 'none')) return [];
	const bindings: KeyBinding[] = [];
	for (const spec of specs) {
		let binding: KeyBinding;
		try {
			if (spec.trim().toLowerCase() === 'none') throw new KeySpecError('"none" unbinds a command on its own, not in a list of keys');
			binding = parseKeySpec(spec, prefixKey, plainTableOf(command));
		} catch (error) {
			if (!(error instanceof KeySpecError)) throw error;
			return `${where}: ${error.message}; write a key such as ${EXAMPLES}. ${keepsDefault(command.name, defaults)}`;
		}
		if (binding.table === 'root' && command.scope === 'session') {
			return `${where}: "${spec.trim()}" is a plain key, which in a session goes to the remote shell; session commands follow the prefix ("prefix ${binding.key}"). ${keepsDefault(command.name, defaults)}`;
		}
		if (binding.table !== 'prefix' && binding.key === prefixKey) {
			return `${where}: "${spec.trim()}" is the prefix key itself (prefixKey); use "prefix prefix" for the prefix typed twice. ${keepsDefault(command.name, defaults)}`;
		}
		if (!bindings.some(other => slotOf(other) === slotOf(binding))) bindings.push(binding);
	}
	return bindings;
}

function keepsDefault(name: string, defaults: readonly KeyBinding[]): string {
	return defaults.length === 0 ? `"${name}" stays unbound.` : `"${name}" keeps its default (${defaults.map(binding => `"${bindingSpec(binding)}"`).join(', ')}).`;
}

/** The command name a typo most likely meant: the nearest by edit distance, if near enough. */
function closestName(typed: string, names: readonly string[]): string | undefined {
	let best: {name: string; distance: number} | undefined;
	for (const name of names) {
		const distance = editDistance(typed.toLowerCase(), name);
		if (!best || distance < best.distance) best = {name, distance};
	}
	return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const row = [i];
		for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
		previous = row;
	}
	return previous[b.length]!;
}

/** The table's own keys, for `vmux --help` and the README (no settings read). */
export function defaultKeymap(prefixKey = 'C-b'): Keymap {
	return buildKeymap({prefixKey}).keymap;
}
