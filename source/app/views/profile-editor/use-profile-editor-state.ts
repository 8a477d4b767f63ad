/**
 * The editor's state hook (the @inkjs/ui pattern: state hook + input hook + view). Holds the form, derives
 * the visible fields, their problems and the SKU's notices, and runs save and cancel.
 */
import {useCallback, useEffect, useMemo, useReducer, useRef} from 'react';
import type {VmRecord} from '../../../core/inventory/model.js';
import {checkPrivateKeyFile} from '../../../core/profiles/key-file.js';
import type {Profile} from '../../../core/profiles/schema.js';
import type {Problem} from '../../../core/profiles/sku.js';
import {
	buildContext,
	buildProfile,
	initialValues,
	skuProblems,
	validateFields,
	visibleFields,
	type FieldErrors,
	type FieldSpec,
	type FormContext,
} from './editor-model.js';
import {createEditorState, isDirty, reduceEditor, type EditorAction, type EditorState, type KeyPress, type KeyVaultChoice} from './editor-reducer.js';

export interface SaveMeta {
	/** The profile's name when the editor opened; differs from `profile.name` when the user renamed it. */
	originalName?: string;
}

export interface UseProfileEditorStateProps {
	initial?: Profile;
	draftFrom?: VmRecord;
	existingNames: readonly string[];
	profilesByName: Readonly<Record<string, Profile>>;
	/** Throwing (or rejecting) keeps the editor open and shows the error; a ProfileStoreError's `problems` are listed. */
	onSave(profile: Profile, meta: SaveMeta): void | Promise<void>;
	onCancel(): void;
	/** Home directory for `~` in key paths; the user's by default. */
	homeDir?: string;
}

export interface ProfileEditorState extends EditorState {
	context: FormContext;
	fields: FieldSpec[];
	focusedField: FieldSpec | undefined;
	/** Problems of the fields, shown once a field was edited or a save was tried. */
	visibleErrors: FieldErrors;
	/** What the Bastion SKU says about the form, always shown. */
	problems: Problem[];
	dirty: boolean;
	/** One key press (see reduceKey for the bindings). */
	press(input: string, key: KeyPress, hasPicker: boolean): void;
	picked(choice: KeyVaultChoice): void;
	closePicker(): void;
}

export function useProfileEditorState(props: UseProfileEditorStateProps): ProfileEditorState {
	const {initial, draftFrom, existingNames, profilesByName, homeDir, onSave, onCancel} = props;
	const context = useMemo(
		() => buildContext({initial, draftFrom, existingNames, profilesByName, homeDir}),
		[initial, draftFrom, existingNames, profilesByName, homeDir],
	);
	const contextRef = useRef(context);
	contextRef.current = context;

	const [state, dispatch] = useReducer(
		(current: EditorState, action: EditorAction) => reduceEditor(current, action, contextRef.current),
		undefined,
		() => createEditorState(initialValues({initial, draftFrom, existingNames, profilesByName, homeDir}, context), context),
	);
	const stateRef = useRef(state);
	stateRef.current = state;

	const mounted = useRef(true);
	useEffect(() => {
		mounted.current = true;
		return () => {
			mounted.current = false;
		};
	}, []);

	// Reading the key file once per path, not once per keystroke in other fields.
	const {keyPath} = state.values;
	const checkKey = useMemo(() => {
		let cached: {path: string; home?: string; result: ReturnType<typeof checkPrivateKeyFile>} | undefined;
		return (path: string, home?: string) => {
			if (cached?.path !== path || cached.home !== home) cached = {path, home, result: checkPrivateKeyFile(path, home)};
			return cached.result;
		};
		// A new cache whenever the path changes, so retyping the same path re-reads a file the user just fixed.
	}, [keyPath]);

	const fields = useMemo(() => visibleFields(state.values, context), [state.values, context]);
	const errors = useMemo(() => validateFields(state.values, context, checkKey), [state.values, context, checkKey]);
	const problems = useMemo(() => skuProblems(state.values, context), [state.values, context]);
	const visibleErrors = useMemo(() => {
		const shown: FieldErrors = {};
		for (const [field, error] of Object.entries(errors) as Array<[keyof FieldErrors, string]>) {
			if (state.submitted || state.touched[field]) shown[field] = error;
		}
		return shown;
	}, [errors, state.submitted, state.touched]);

	// Save and cancel run here, after every key before them was committed (see EditorState.request).
	const handled = useRef(0);
	useEffect(() => {
		const {request} = state;
		if (!request || request.id === handled.current) return;
		handled.current = request.id;
		if (request.kind === 'cancel') {
			onCancel();
			return;
		}
		const built = buildProfile(state.values, context, checkKey);
		if (!built.ok) {
			const count = built.problems.length;
			dispatch({type: 'submit-failed', problems: [`Not saved: ${count} problem${count === 1 ? '' : 's'} to fix, marked above.`]});
			return;
		}
		dispatch({type: 'saving'});
		void (async () => {
			try {
				await onSave(built.profile, {originalName: context.originalName});
				if (mounted.current) dispatch({type: 'saved'});
			} catch (error) {
				const listed = (error as {problems?: unknown}).problems;
				const lines = Array.isArray(listed) && listed.length > 0 ? listed.map(String) : [String((error as Error).message ?? error)];
				if (mounted.current) dispatch({type: 'save-failed', problems: [`Not saved: ${lines[0]}`, ...lines.slice(1)]});
			}
		})();
	}, [state, context, checkKey, onSave, onCancel]);

	const press = useCallback(
		(input: string, key: KeyPress, hasPicker: boolean) => dispatch({type: 'key', input, key, hasPicker}),
		[],
	);

	return {
		...state,
		context,
		fields,
		focusedField: fields.find(field => field.id === state.focus),
		visibleErrors,
		problems,
		dirty: isDirty(state),
		press,
		picked: choice => dispatch({type: 'picked', choice}),
		closePicker: () => dispatch({type: 'close-picker'}),
	};
}
