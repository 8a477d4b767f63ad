/**
 * The editor's input hook: hands every key to the state hook, whose reducer decides what it means (so keys
 * that arrive in one burst are applied in order against the latest state, never a stale render).
 */
import {useInput, type Key} from 'ink';
import {useCallback} from 'react';
import type {ProfileEditorState} from './use-profile-editor-state.js';

export interface UseProfileEditorInputOptions {
	isActive?: boolean;
	/** Whether a Key Vault picker is available (Enter on a Key Vault field opens it). */
	hasPicker?: boolean;
}

export function useProfileEditorInput(state: ProfileEditorState, {isActive = true, hasPicker = false}: UseProfileEditorInputOptions = {}): void {
	const {press} = state;
	const handler = useCallback((input: string, key: Key) => press(input, key, hasPicker), [press, hasPicker]);
	useInput(handler, {isActive});
}
