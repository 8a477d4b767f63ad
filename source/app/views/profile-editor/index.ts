export {ProfileEditor, type ProfileEditorProps, type SecretPickerProps, type KeyVaultChoice, type SaveMeta} from './ProfileEditor.js';
export {useProfileEditorState, type ProfileEditorState, type UseProfileEditorStateProps} from './use-profile-editor-state.js';
export {useProfileEditorInput} from './use-profile-editor-input.js';
