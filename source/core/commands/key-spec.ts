/**
 * Key names, as settings.json writes them and as stdin delivers them (tmux's names: `c`, `C-b`, `M-x`,
 * `Enter`, `Escape`, `Up`, `PageUp`, `C-Up`…).
 *
 * A binding is a key in a table, as tmux has them: the root table (plain keys, which only the browser
 * list takes: in a session plain keys belong to the remote shell) and the prefix table (the key typed
 * after the prefix key, anywhere the prefix is watched). A mode with keys of its own (copy mode) adds a
 * table here and names it in the focus (app/focus/derive-focus) while it has the keyboard.
 */

export type KeyTable = 'root' | 'prefix' | 'copy-mode';

export interface KeyBinding {
	table: KeyTable;
	/** The canonical key name (see `canonicalKey`). */
	key: string;
}

export class KeySpecError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'KeySpecError';
	}
}

/** Named keys and the escape sequences a terminal sends for them (normal and application cursor mode). */
const NAMED_SEQUENCES: Record<string, readonly string[]> = {
	Up: ['\x1b[A', '\x1bOA'],
	Down: ['\x1b[B', '\x1bOB'],
	Right: ['\x1b[C', '\x1bOC'],
	Left: ['\x1b[D', '\x1bOD'],
	Home: ['\x1b[H', '\x1bOH', '\x1b[1~', '\x1b[7~'],
	End: ['\x1b[F', '\x1bOF', '\x1b[4~', '\x1b[8~'],
	Insert: ['\x1b[2~'],
	Delete: ['\x1b[3~'],
	PageUp: ['\x1b[5~'],
	PageDown: ['\x1b[6~'],
	BTab: ['\x1b[Z'],
	F1: ['\x1bOP', '\x1b[11~'],
	F2: ['\x1bOQ', '\x1b[12~'],
	F3: ['\x1bOR', '\x1b[13~'],
	F4: ['\x1bOS', '\x1b[14~'],
	F5: ['\x1b[15~'],
	F6: ['\x1b[17~'],
	F7: ['\x1b[18~'],
	F8: ['\x1b[19~'],
	F9: ['\x1b[20~'],
	F10: ['\x1b[21~'],
	F11: ['\x1b[23~'],
	F12: ['\x1b[24~'],
};

/** Keys that are one control byte. */
const BYTE_NAMES: Record<string, string> = {'\r': 'Enter', '\n': 'Enter', '\t': 'Tab', '\x1b': 'Escape', '\x7f': 'BSpace', ' ': 'Space'};

const SEQUENCE_NAMES = new Map<string, string>(Object.entries(NAMED_SEQUENCES).flatMap(([name, sequences]) => sequences.map(sequence => [sequence, name] as const)));

/** Every named key, with the spellings accepted for it in settings (compared in lower case). */
const NAMED_KEYS: Record<string, string> = Object.fromEntries([
	...['Enter', 'Escape', 'Tab', 'BTab', 'BSpace', 'Space', ...Object.keys(NAMED_SEQUENCES)].map(name => [name.toLowerCase(), name]),
	...Object.entries({return: 'Enter', esc: 'Escape', backspace: 'BSpace', pgup: 'PageUp', ppage: 'PageUp', pgdn: 'PageDown', npage: 'PageDown', dc: 'Delete', del: 'Delete', ic: 'Insert', ins: 'Insert', 'shift-tab': 'BTab'}),
]);

/** Keys whose Ctrl form is a byte a terminal can send (Ctrl-a … Ctrl-z, Ctrl-@ [ \ ] ^ _). */
const CONTROL_BASES = /^[a-z@[\\\]^_]$/;
/** Ctrl forms that are another key (tmux names them so too). */
const CONTROL_ALIASES: Record<string, string> = {'C-m': 'Enter', 'C-i': 'Tab', 'C-[': 'Escape'};
/** xterm's modifier parameter (`ESC [ 1 ; m A`): m - 1 is a bit set of Shift 1, Alt 2, Ctrl 4. */
const MODIFIED_KEYS = /^\x1b\[1;([2-8])([ABCDHF])$/;
const FINAL_TO_NAME: Record<string, string> = {A: 'Up', B: 'Down', C: 'Right', D: 'Left', H: 'Home', F: 'End'};

/**
 * The name of one key as it arrived on stdin (one key: an escape sequence, a UTF-8 character or a byte,
 * as latin1 text). Keys vmux has no name for come back as `undefined`.
 */
export function keyNameOfInput(raw: string): string | undefined {
	if (raw.length === 0) return undefined;
	const named = BYTE_NAMES[raw] ?? SEQUENCE_NAMES.get(raw);
	if (named) return named;
	if (raw.length === 1) {
		const code = raw.charCodeAt(0);
		if (code < 0x20) return controlName(String.fromCharCode(code + 0x40));
		if (code < 0x7f) return raw;
	}
	if (raw[0] === '\x1b') {
		const modified = MODIFIED_KEYS.exec(raw);
		if (modified) {
			const bits = Number(modified[1]) - 1;
			return `${bits & 4 ? 'C-' : ''}${bits & 2 ? 'M-' : ''}${bits & 1 ? 'S-' : ''}${FINAL_TO_NAME[modified[2]!]}`;
		}
		// Alt: ESC before the key.
		const rest = keyNameOfInput(raw.slice(1));
		return rest && !rest.includes('M-') ? `M-${rest}` : undefined;
	}
	// A UTF-8 character (latin1 text, one char per byte).
	const text = Buffer.from(raw, 'latin1').toString('utf8');
	return [...text].length === 1 && !text.includes('\uFFFD') ? text : undefined;
}

function controlName(base: string): string {
	const name = `C-${base.toLowerCase()}`;
	return CONTROL_ALIASES[name] ?? name;
}

/**
 * The canonical name of a key as written in settings: `c`, `%`, `Space`, `C-a` (also `Ctrl-a`, `^a`),
 * `M-x` (also `Alt-x`), `Enter`, `Escape`, `Up`, `PageDown`, `F5`, `C-Up`. Throws KeySpecError.
 */
export function canonicalKey(text: string): string {
	return canonical(text, text.trim());
}

/** `whole`: the setting as written, which every error names (not the part being read when it failed). */
function canonical(text: string, whole: string): string {
	if (text === ' ') return 'Space';
	const spec = text.trim();
	if (spec === '') throw new KeySpecError('an empty key');
	if ([...spec].length === 1) {
		if (spec.charCodeAt(0) < 0x20 || spec === '\x7f') throw new KeySpecError(`a control character (write it as C-x)`);
		return spec;
	}
	const named = NAMED_KEYS[spec.toLowerCase()];
	if (named) return named;
	const modifier = /^(c|ctrl|control|\^|m|alt|meta|s|shift)(?:-|\+)(.+)$/i.exec(spec) ?? /^(\^)(.)$/.exec(spec);
	if (!modifier) throw new KeySpecError(`"${whole}" is not a key vmux knows`);
	const [, mod, restText] = modifier;
	const kind = /^(c|ctrl|control|\^)$/i.test(mod!) ? 'C' : /^(m|alt|meta)$/i.test(mod!) ? 'M' : 'S';
	const rest = canonical(restText!, whole);
	if (kind === 'M') {
		if (rest.startsWith('M-')) throw new KeySpecError(`"${whole}" repeats Alt`);
		return orderModifiers(`M-${rest}`);
	}
	if (kind === 'S') {
		const arrow = stripModifiers(rest);
		if (!Object.values(FINAL_TO_NAME).includes(arrow)) throw new KeySpecError(`"${whole}": Shift combines only with arrows, Home and End (write "C" rather than "S-c")`);
		return orderModifiers(`S-${rest}`);
	}
	if (/^M-.$/.test(rest)) {
		if (!CONTROL_BASES.test(rest.slice(2).toLowerCase())) throw new KeySpecError(`"${whole}": terminals send no Ctrl form of "${rest.slice(2)}"`);
		return `M-${controlName(rest.slice(2))}`;
	}
	if (rest.length === 1) {
		if (!CONTROL_BASES.test(rest.toLowerCase())) throw new KeySpecError(`"${whole}": terminals send no Ctrl form of "${rest}"`);
		return controlName(rest);
	}
	if (Object.values(FINAL_TO_NAME).includes(stripModifiers(rest))) return orderModifiers(`C-${rest}`);
	throw new KeySpecError(`"${whole}": terminals send no Ctrl form of ${rest}`);
}

function stripModifiers(name: string): string {
	return name.replace(/^(?:[CMS]-)+/, '');
}

/** `C-M-S-Up` in that order, whichever order the setting wrote them in, so both spellings are one key. */
function orderModifiers(name: string): string {
	const base = stripModifiers(name);
	if (base.length === 1) return name;
	const mods = name.slice(0, name.length - base.length);
	return `${mods.includes('C-') ? 'C-' : ''}${mods.includes('M-') ? 'M-' : ''}${mods.includes('S-') ? 'S-' : ''}${base}`;
}

/** Tables a setting names before the key (`prefix c`); a lone key is in the root table. */
const NAMED_TABLES: readonly KeyTable[] = ['prefix'];

/**
 * One binding as settings.json writes it: `"!"` (a plain key: the root table, which the browser list
 * takes, or `plainTable` for a copy-mode command) or `"prefix c"` (the key after the prefix). `prefix prefix` is the prefix key typed twice
 * (`prefixKey` names it). Throws KeySpecError.
 */
export function parseKeySpec(spec: string, prefixKey: string, plainTable: KeyTable = 'root'): KeyBinding {
	const words = spec.trim().split(/\s+/);
	const table = NAMED_TABLES.find(name => name === words[0]!.toLowerCase());
	if (words.length === 2 && table) {
		const key = words[1]!.toLowerCase() === 'prefix' ? prefixKey : canonicalKey(words[1]!);
		return {table, key};
	}
	if (words.length > 1) throw new KeySpecError(`"${spec.trim()}" is more than one key (only "prefix <key>" takes two words)`);
	if (spec === ' ') return {table: plainTable, key: 'Space'};
	return {table: plainTable, key: canonicalKey(spec)};
}

/** How help and hints show a key: `Enter`, `Esc`, `↑`, `PgUp`, `Ctrl-b`. */
export function displayKey(key: string): string {
	switch (key) {
		case 'Escape':
			return 'Esc';
		case 'Up':
			return '↑';
		case 'Down':
			return '↓';
		case 'Left':
			return '←';
		case 'Right':
			return '→';
		case 'PageUp':
			return 'PgUp';
		case 'PageDown':
			return 'PgDn';
		case 'BSpace':
			return 'Backspace';
		case 'BTab':
			return 'Shift-Tab';
	}
	if (key.length > 2 && /^(?:[CMS]-)+./.test(key)) {
		const base = stripModifiers(key);
		const mods = key.slice(0, key.length - base.length);
		return `${mods.replace(/C-/, 'Ctrl-').replace(/M-/, 'Alt-').replace(/S-/, 'Shift-')}${displayKey(base)}`;
	}
	return key;
}

/** A binding as help shows it: `o`, or `Ctrl-b c` for a prefix key. */
export function displayBinding(binding: KeyBinding, prefixKey: string): string {
	return binding.table === 'prefix' ? `${displayKey(prefixKey)} ${displayKey(binding.key)}` : displayKey(binding.key);
}

/** A binding as settings.json writes it (what `parseKeySpec` reads back). */
export function bindingSpec(binding: KeyBinding): string {
	return binding.table === 'prefix' ? `prefix ${binding.key}` : binding.key;
}

/** The key name of the prefix key, from the byte it sends (`C-b` for 0x02). */
export function prefixKeyName(byte: number): string {
	return keyNameOfInput(String.fromCharCode(byte)) ?? `C-${String.fromCharCode(byte + 0x40).toLowerCase()}`;
}
