import type {CommandDefinition} from './command-table.js';
import {displayBinding, displayKey, type KeyBinding} from './key-spec.js';
import type {Keymap} from './keymap.js';

/**
 * Help generated from the command table and the keymap in force: the `?` view, `vmux --help`'s key
 * section and the README's key tables all come from `helpSections`, so none of them can miss a command.
 */

export interface HelpRow {
	/** The command's name (a family's, e.g. `select-window-0 … 9`): what settings.json's "keys" rebinds. */
	name: string;
	/** The keys as help shows them; empty when the command is unbound. */
	keys: string[];
	help: string;
}

export interface HelpSection {
	id: 'browser' | 'session' | 'copy-mode';
	title: string;
	rows: HelpRow[];
	/** A line under the rows (which session keys also work from the browser). */
	note?: string;
}

/** How one binding is written: with the prefix (`Ctrl-b c`) or only the key after it (`c`, for a table headed "after Ctrl-b"). */
export type BindingStyle = 'full' | 'after-prefix';

export function helpSections(keymap: Keymap, style: BindingStyle = 'full'): HelpSection[] {
	const prefix = displayKey(keymap.prefixKey);
	const show = (binding: KeyBinding) => (style === 'after-prefix' && binding.table === 'prefix' ? displayKey(binding.key) : displayBinding(binding, keymap.prefixKey));
	const browser = rowsFor(
		keymap,
		keymap.commands.filter(command => command.scope === 'browser' || command.scope === 'both'),
		// The browser's own commands with every key; a command of both with its plain keys (its prefix keys are in Sessions).
		(command, binding) => command.scope === 'browser' || binding.table === 'root',
		command => command.scope === 'browser',
		binding => displayBinding(binding, keymap.prefixKey),
	);
	const sessionCommands = keymap.commands.filter(command => command.scope === 'session' || command.scope === 'both');
	const session = rowsFor(
		keymap,
		sessionCommands,
		(_command, binding) => binding.table === 'prefix',
		command => command.scope === 'session' || keymap.bindingsOf(command.name).length === 0,
		show,
	);
	const fromBrowser = sessionCommands
		.filter(command => command.scope === 'both')
		.flatMap(command => keymap.bindingsOf(command.name).filter(binding => binding.table === 'prefix'))
		.map(binding => displayKey(binding.key));
	const copyMode = rowsFor(
		keymap,
		keymap.commands.filter(command => command.scope === 'copy-mode'),
		() => true,
		() => true,
		show,
	);
	const enterCopyMode = keymap.bindingsOf('copy-mode')[0];
	return [
		{id: 'browser', title: 'Browser', rows: browser},
		{
			id: 'session',
			title: `Sessions, after the prefix ${prefix}`,
			rows: session,
			...(fromBrowser.length > 0 ? {note: `From the browser too: ${prefix} ${compactKeys(fromBrowser).join(' ')}`} : {}),
		},
		{
			id: 'copy-mode',
			title: `Copy mode${enterCopyMode ? ` (${displayBinding(enterCopyMode, keymap.prefixKey)})` : ''}`,
			rows: copyMode,
			note: 'A search is plain text (case-insensitive unless it has a capital); write /like this/ (or /…/i) for a regular expression.',
		},
	];
}

/**
 * One row per command (or per family) that has keys in this section, or that belongs here unbound (so the
 * user sees what can be bound).
 */
function rowsFor(
	keymap: Keymap,
	commands: readonly CommandDefinition[],
	shows: (command: CommandDefinition, binding: KeyBinding) => boolean,
	listedUnbound: (command: CommandDefinition) => boolean,
	show: (binding: KeyBinding) => string,
): HelpRow[] {
	const rows: HelpRow[] = [];
	const families = new Map<string, {row: HelpRow; members: KeyBinding[][]}>();
	for (const command of commands) {
		const bindings = keymap.bindingsOf(command.name).filter(binding => shows(command, binding));
		if (bindings.length === 0 && !listedUnbound(command)) continue;
		if (command.family) {
			let family = families.get(command.family.name);
			if (!family) {
				family = {row: {name: command.family.name, keys: [], help: command.family.help}, members: []};
				families.set(command.family.name, family);
				rows.push(family.row);
			}
			family.members.push(bindings);
			family.row.keys = familyKeys(family.members, show);
			continue;
		}
		rows.push({name: command.name, keys: bindings.map(show), help: command.help});
	}
	return rows;
}

/** A family's keys: `Ctrl-b 0-9` when each member has one key and they run in order, else every key. */
function familyKeys(members: KeyBinding[][], show: (binding: KeyBinding) => string): string[] {
	const single = members.every(bindings => bindings.length === 1) ? members.map(bindings => bindings[0]!) : undefined;
	if (single && single.length > 2 && single.every(b => b.table === single[0]!.table && b.key.length === 1 && b.key.charCodeAt(0) === single[0]!.key.charCodeAt(0) + single.indexOf(b))) {
		return [`${show(single[0]!)}-${single[single.length - 1]!.key}`];
	}
	// `Ctrl-b ←`, `Ctrl-b →`, … -> `Ctrl-b ←→↑↓`: the shared prefix once, then each member's key.
	if (single && single.length > 1) {
		const shown = single.map(show);
		const prefix = sharedPrefix(shown);
		const cut = Math.max(prefix.lastIndexOf(' '), prefix.lastIndexOf('-')) + 1;
		const rests = shown.map(text => text.slice(cut));
		if (cut > 0 && rests.every(rest => [...rest].length === 1)) return [`${shown[0]!.slice(0, cut)}${rests.join('')}`];
	}
	return members.flat().map(show);
}

function sharedPrefix(texts: string[]): string {
	let prefix = texts[0] ?? '';
	for (const text of texts) while (!text.startsWith(prefix)) prefix = prefix.slice(0, -1);
	return prefix;
}

/** `n p 0 1 … 9 w` -> `n p 0-9 w`. */
function compactKeys(keys: string[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < keys.length; i++) {
		let j = i;
		while (j + 1 < keys.length && keys[j + 1]!.length === 1 && keys[j]!.length === 1 && keys[j + 1]!.charCodeAt(0) === keys[j]!.charCodeAt(0) + 1) j++;
		out.push(j - i >= 2 ? `${keys[i]}-${keys[j]}` : keys[i]!);
		if (j - i >= 2) i = j;
	}
	return out;
}

/** A row's keys on one line: `j / ↓`, or `—` for an unbound command. */
export function keysText(row: HelpRow): string {
	return row.keys.length === 0 ? '—' : row.keys.join(' / ');
}

/** The first key of a command as hints show it (`o`, `Ctrl-b n`), or undefined when it is unbound. */
export function firstKeyText(keymap: Keymap, name: string): string | undefined {
	const binding = keymap.bindingsOf(name)[0];
	return binding ? displayBinding(binding, keymap.prefixKey) : undefined;
}

/** `vmux --help`'s key section: both tables, three columns (keys, command, help). */
export function keysForCommandLine(keymap: Keymap): string {
	const lines: string[] = [];
	for (const section of helpSections(keymap)) {
		lines.push(`  Keys: ${section.title}`);
		const keyWidth = Math.max(...section.rows.map(row => keysText(row).length));
		const nameWidth = Math.max(...section.rows.map(row => row.name.length));
		for (const row of section.rows) lines.push(`    ${keysText(row).padEnd(keyWidth)}  ${row.name.padEnd(nameWidth)}  ${row.help}`);
		if (section.note) lines.push(`    ${section.note}`);
		lines.push('');
	}
	lines.push(`  Rebind keys in settings.json: "keys": {"new-window": "prefix C", "doctor": "!", "sort": "none"}`);
	return lines.join('\n');
}

/** The README's table for one section: keys, command name, what it does. */
export function markdownKeyTable(section: HelpSection): string {
	const cell = (text: string) => text.replace(/\|/g, '\\|');
	const keys = (row: HelpRow) => (row.keys.length === 0 ? '—' : row.keys.map(key => (key.includes('`') ? `\`\` ${key} \`\`` : `\`${cell(key)}\``)).join(' / '));
	return ['| key | command | does |', '|---|---|---|', ...section.rows.map(row => `| ${keys(row)} | \`${row.name}\` | ${cell(row.help)} |`)].join('\n');
}

/** The README's marker lines around a generated table. */
export function readmeMarkers(id: HelpSection['id']): {start: string; end: string} {
	return {start: `<!-- keys:${id} (generated from the command table by npm run readme:keys) -->`, end: `<!-- /keys:${id} -->`};
}

/**
 * The README with its key tables regenerated between their markers (the session table lists the keys
 * typed after the prefix, as its heading says). Throws when a marker is missing: the README must keep them.
 */
export function readmeWithKeyTables(readme: string, keymap: Keymap): string {
	let text = readme;
	for (const section of helpSections(keymap, 'after-prefix')) {
		const {start, end} = readmeMarkers(section.id);
		const from = text.indexOf(start);
		const to = text.indexOf(end);
		if (from === -1 || to < from) throw new Error(`README.md lacks the markers ${start} … ${end} around the ${section.id} key table.`);
		text = `${text.slice(0, from + start.length)}\n${markdownKeyTable(section)}\n${text.slice(to)}`;
	}
	return text;
}
