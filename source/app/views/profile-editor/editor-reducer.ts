/**
 * The editor's state transitions, pure: focus moves over the fields that are visible now, choices cycle
 * through the options that apply now, text fields edit at a cursor. The context (VM, Bastion, other
 * profiles) is passed in because it decides which fields and options exist.
 */
import {focusableFields, visibleFields, type FieldId, type FormContext, type FormValues} from './editor-model.js';

export type EditorMode = 'editing' | 'confirm-cancel' | 'saving' | 'picking';

export interface EditorState {
	values: FormValues;
	/** The values the editor opened with, to tell whether anything changed. */
	initialValues: FormValues;
	focus: FieldId;
	/** Cursor offset within the focused text field. */
	cursor: number;
	/** Fields the user edited: their problems show at once; others wait for a save attempt. */
	touched: Partial<Record<FieldId, true>>;
	submitted: boolean;
	mode: EditorMode;
	status?: {tone: 'error' | 'info'; lines: string[]};
	/**
	 * Save or cancel asked for by a key. The hook acts on it in an effect, after React committed every key
	 * before it: keys arriving in one burst (a paste, then Ctrl-s) are never saved half-applied.
	 */
	request?: {kind: 'save' | 'cancel'; id: number};
}

/** The parts of Ink's `Key` the editor reads (structural, so this module needs no Ink). */
export interface KeyPress {
	tab?: boolean;
	shift?: boolean;
	ctrl?: boolean;
	meta?: boolean;
	escape?: boolean;
	return?: boolean;
	upArrow?: boolean;
	downArrow?: boolean;
	leftArrow?: boolean;
	rightArrow?: boolean;
	home?: boolean;
	end?: boolean;
	backspace?: boolean;
	delete?: boolean;
}

export interface KeyVaultChoice {
	subscriptionId?: string;
	vaultUrl: string;
	secretName: string;
}

export type EditorAction =
	| {type: 'key'; input: string; key: KeyPress; hasPicker: boolean}
	| {type: 'focus-next'}
	| {type: 'focus-prev'}
	| {type: 'cycle'; step: 1 | -1}
	| {type: 'insert'; text: string}
	| {type: 'backspace'}
	| {type: 'cursor'; to: 'left' | 'right' | 'home' | 'end'}
	| {type: 'clear-to-start'}
	| {type: 'submit-failed'; problems: string[]}
	| {type: 'saving'}
	| {type: 'save-failed'; problems: string[]}
	| {type: 'saved'}
	| {type: 'ask-cancel'}
	| {type: 'dismiss-cancel'}
	| {type: 'open-picker'}
	| {type: 'picked'; choice: KeyVaultChoice}
	| {type: 'close-picker'};

const TEXT_KEYS: Partial<Record<FieldId, keyof FormValues>> = {
	name: 'name',
	host: 'host',
	port: 'port',
	username: 'username',
	keyPath: 'keyPath',
	vaultSubscriptionId: 'vaultSubscriptionId',
	vaultUrl: 'vaultUrl',
	secretName: 'secretName',
	forwards: 'forwards',
};

const CHOICE_KEYS: Partial<Record<FieldId, keyof FormValues>> = {
	target: 'targetKind',
	transport: 'transportKind',
	bastion: 'bastionId',
	via: 'via',
	authType: 'authType',
	record: 'record',
	recordInput: 'recordInput',
	forwardAgent: 'forwardAgent',
};

export const KEY_VAULT_FIELDS: readonly FieldId[] = ['vaultSubscriptionId', 'vaultUrl', 'secretName'];

export function createEditorState(values: FormValues, context: FormContext): EditorState {
	const focus = focusableFields(values, context)[0] ?? 'name';
	return {values, initialValues: values, focus, cursor: textOf(values, focus).length, touched: {}, submitted: false, mode: 'editing'};
}

export function isDirty(state: EditorState): boolean {
	return (Object.keys(state.values) as Array<keyof FormValues>).some(key => state.values[key] !== state.initialValues[key]);
}

function textOf(values: FormValues, field: FieldId): string {
	const key = TEXT_KEYS[field];
	return key ? String(values[key]) : '';
}

function moveFocus(state: EditorState, context: FormContext, step: 1 | -1): EditorState {
	const fields = focusableFields(state.values, context);
	const index = fields.indexOf(state.focus);
	const next = fields[(index + step + fields.length) % fields.length] ?? state.focus;
	return {...state, focus: next, cursor: textOf(state.values, next).length};
}

/** Keeps the focus on a field that still exists after the field set changed. */
function settleFocus(state: EditorState, context: FormContext): EditorState {
	const fields = focusableFields(state.values, context);
	if (fields.includes(state.focus)) return state;
	return {...state, focus: fields[0] ?? 'name', cursor: 0};
}

function setText(state: EditorState, text: string, cursor: number): EditorState {
	const key = TEXT_KEYS[state.focus];
	if (!key) return state;
	return {
		...state,
		values: {...state.values, [key]: text},
		cursor,
		touched: {...state.touched, [state.focus]: true},
		status: undefined,
	};
}

function request(state: EditorState, kind: 'save' | 'cancel'): EditorState {
	return {...state, request: {kind, id: (state.request?.id ?? 0) + 1}};
}

/**
 * One key press. Tab/Shift-Tab and ↑/↓ move, ←/→ or space change a choice, text fields edit in place,
 * Enter moves on (or opens the Key Vault picker), Ctrl-s saves, Esc cancels (asking first when changed).
 */
function reduceKey(state: EditorState, input: string, key: KeyPress, hasPicker: boolean, context: FormContext): EditorState {
	const run = (action: EditorAction) => reduceEditor(state, action, context);
	if (state.mode === 'saving' || state.mode === 'picking') return state;
	if (state.mode === 'confirm-cancel') {
		if (input === 'y' || input === 'Y') return request(state, 'cancel');
		if (input === 'n' || input === 'N' || key.escape) return run({type: 'dismiss-cancel'});
		return state;
	}
	if (key.ctrl && input === 's') return request(state, 'save');
	if (key.escape) return isDirty(state) ? run({type: 'ask-cancel'}) : request(state, 'cancel');
	if ((key.tab && key.shift) || key.upArrow) return run({type: 'focus-prev'});
	if (key.tab || key.downArrow) return run({type: 'focus-next'});
	if (key.return) return run({type: hasPicker && KEY_VAULT_FIELDS.includes(state.focus) ? 'open-picker' : 'focus-next'});

	if (CHOICE_KEYS[state.focus]) {
		if (key.leftArrow) return run({type: 'cycle', step: -1});
		if (key.rightArrow || input === ' ') return run({type: 'cycle', step: 1});
		return state;
	}
	if (key.leftArrow) return run({type: 'cursor', to: 'left'});
	if (key.rightArrow) return run({type: 'cursor', to: 'right'});
	if (key.home || (key.ctrl && input === 'a')) return run({type: 'cursor', to: 'home'});
	if (key.end || (key.ctrl && input === 'e')) return run({type: 'cursor', to: 'end'});
	if (key.ctrl && input === 'u') return run({type: 'clear-to-start'});
	// Ink reports the Backspace key (0x7f) as `delete`; both erase the character before the cursor.
	if (key.backspace || key.delete) return run({type: 'backspace'});
	if (!key.ctrl && !key.meta && input !== '') return run({type: 'insert', text: input});
	return state;
}

export function reduceEditor(state: EditorState, action: EditorAction, context: FormContext): EditorState {
	switch (action.type) {
		case 'key':
			return reduceKey(state, action.input, action.key, action.hasPicker, context);
		case 'focus-next':
			return moveFocus(state, context, 1);
		case 'focus-prev':
			return moveFocus(state, context, -1);
		case 'cycle': {
			const key = CHOICE_KEYS[state.focus];
			const field = visibleFields(state.values, context).find(candidate => candidate.id === state.focus);
			if (!key || field?.kind !== 'choice' || field.options.length === 0) return state;
			const index = field.options.indexOf(String(state.values[key]));
			const next =
				index === -1
					? field.options[action.step === 1 ? 0 : field.options.length - 1]
					: field.options[(index + action.step + field.options.length) % field.options.length];
			const values = {...state.values, [key]: next};
			// Choosing "jump" starts on the first saved profile rather than on nothing.
			if (values.transportKind === 'jump' && !context.jumpHosts.includes(values.via) && context.jumpHosts.length > 0) {
				values.via = context.jumpHosts[0];
			}
			const changed = {...state, values, touched: {...state.touched, [state.focus]: true}, status: undefined};
			return settleFocus(changed, context);
		}
		case 'insert': {
			// Pasted text arrives in one piece; control characters (newlines, tabs) never belong in these fields.
			const clean = action.text.replace(/\p{Cc}/gu, '');
			if (!TEXT_KEYS[state.focus] || clean === '') return state;
			const text = textOf(state.values, state.focus);
			return setText(state, text.slice(0, state.cursor) + clean + text.slice(state.cursor), state.cursor + clean.length);
		}
		case 'backspace': {
			if (state.cursor === 0) return state;
			const text = textOf(state.values, state.focus);
			return setText(state, text.slice(0, state.cursor - 1) + text.slice(state.cursor), state.cursor - 1);
		}
		case 'clear-to-start': {
			const text = textOf(state.values, state.focus);
			return setText(state, text.slice(state.cursor), 0);
		}
		case 'cursor': {
			const length = textOf(state.values, state.focus).length;
			const cursor =
				action.to === 'home' ? 0 : action.to === 'end' ? length : Math.max(0, Math.min(length, state.cursor + (action.to === 'left' ? -1 : 1)));
			return {...state, cursor};
		}
		case 'submit-failed':
			return {...state, submitted: true, status: {tone: 'error', lines: action.problems}};
		case 'saving':
			return {...state, mode: 'saving', status: {tone: 'info', lines: ['Saving…']}};
		case 'save-failed':
			return {...state, mode: 'editing', status: {tone: 'error', lines: action.problems}};
		case 'saved':
			// The caller usually closes the editor; if not, what is saved is the new baseline.
			return {...state, mode: 'editing', initialValues: state.values, status: {tone: 'info', lines: ['Saved.']}};
		case 'ask-cancel':
			return {...state, mode: 'confirm-cancel'};
		case 'dismiss-cancel':
			return {...state, mode: 'editing'};
		case 'open-picker':
			return {...state, mode: 'picking'};
		case 'picked': {
			const values = {
				...state.values,
				vaultSubscriptionId: action.choice.subscriptionId ?? state.values.vaultSubscriptionId,
				vaultUrl: action.choice.vaultUrl,
				secretName: action.choice.secretName,
			};
			const touched = {...state.touched, vaultSubscriptionId: true, vaultUrl: true, secretName: true} as const;
			return {...state, values, touched, mode: 'editing', cursor: textOf(values, state.focus).length};
		}
		case 'close-picker':
			return {...state, mode: 'editing'};
	}
}
