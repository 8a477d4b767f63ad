/**
 * The profile editor, like the settings on the portal's Bastion page: fields follow the target, transport,
 * Bastion SKU and authentication type; problems show inline; Ctrl-s saves, Esc cancels.
 */
import {Box} from 'ink';
import {Text} from '../../components/SafeText.js';
import type {ReactNode} from 'react';
import type {Problem} from '../../../core/profiles/sku.js';
import {AUTH_NOTES, chosenBastion, FORWARD_AGENT_WARNING, fieldValue} from './editor-model.js';
import {KEY_VAULT_FIELDS, type KeyVaultChoice} from './editor-reducer.js';
import {FieldRow} from './field-row.js';
import {useProfileEditorInput} from './use-profile-editor-input.js';
import {useProfileEditorState, type UseProfileEditorStateProps} from './use-profile-editor-state.js';

export type {KeyVaultChoice} from './editor-reducer.js';
export type {SaveMeta} from './use-profile-editor-state.js';

/**
 * The seam for the Azure pickers (subscription -> vault -> secret). The editor renders the picker in its
 * place when the user presses Enter on a Key Vault field; without one, those fields are typed by hand.
 */
export interface SecretPickerProps {
	/** What the secret holds, so the picker can say so. */
	kind: 'password' | 'key';
	value: Partial<KeyVaultChoice>;
	onPick(choice: KeyVaultChoice): void;
	onCancel(): void;
	width: number;
	height: number;
}

export interface ProfileEditorProps extends UseProfileEditorStateProps {
	width: number;
	height: number;
	secretPicker?: (props: SecretPickerProps) => ReactNode;
	/** False while something else (a dialog over the editor) owns the keyboard. */
	isActive?: boolean;
}

/** The parts that have a value, joined: an unknown resource group or subscription leaves no "·  ·" gap. */
function joinPresent(...parts: Array<string | undefined>): string {
	return parts.filter(part => part !== undefined && part.trim() !== '').join(' · ');
}

const PROBLEM_STYLE: Record<Problem['severity'], {mark: string; color: string}> = {
	error: {mark: '✗', color: 'red'},
	warning: {mark: '!', color: 'yellow'},
	info: {mark: 'i', color: 'blue'},
};

export function ProfileEditor(props: ProfileEditorProps) {
	const {width, height, secretPicker, initial, draftFrom, isActive = true} = props;
	const state = useProfileEditorState(props);
	useProfileEditorInput(state, {isActive: isActive && state.mode !== 'picking', hasPicker: secretPicker !== undefined});
	const {values, context} = state;

	if (state.mode === 'picking' && secretPicker) {
		return (
			<Box width={width} height={height} flexDirection="column">
				{secretPicker({
					kind: values.authType === 'keyvault-password' ? 'password' : 'key',
					value: {
						subscriptionId: values.vaultSubscriptionId || undefined,
						vaultUrl: values.vaultUrl || undefined,
						secretName: values.secretName || undefined,
					},
					onPick: state.picked,
					onCancel: state.closePicker,
					width,
					height,
				})}
			</Box>
		);
	}

	const bastion = values.transportKind === 'bastion' || !initial ? chosenBastion(values, context) : undefined;
	const title = initial ? `Edit profile · ${initial.name}` : draftFrom ? `New profile · ${draftFrom.name}` : 'New profile';
	const about = [
		context.vm ? joinPresent(`VM ${context.vm.vmName}`, context.vm.resourceGroup, draftFrom?.subscriptionName) : undefined,
		bastion
			? `Bastion ${bastion.transport.bastionName} · ${bastion.transport.sku} SKU${
					bastion.transport.sku === 'Standard' || bastion.transport.sku === 'Premium'
						? ` · native client ${bastion.transport.flags.enableTunneling ? 'on' : 'off'}`
						: ''
				}${context.bastions.length > 1 ? ` · ${context.bastions.length} Bastions serve this VM` : ''}`
			: undefined,
	].filter(Boolean);
	const pickerHint = secretPicker && KEY_VAULT_FIELDS.includes(state.focus) ? ' · Enter pick from Azure' : '';

	return (
		<Box width={width} height={height} flexDirection="column">
			<Text bold>{title}</Text>
			{about.length > 0 ? <Text dimColor>{about.join('   ')}</Text> : null}
			<Box flexDirection="column" flexGrow={1} flexShrink={1} overflow="hidden" marginTop={1}>
				{state.fields.map(field => (
					<FieldRow
						key={field.id}
						field={field}
						value={fieldValue(values, field.id)}
						focused={field.id === state.focus}
						cursor={state.cursor}
						error={state.visibleErrors[field.id]}
						note={field.id === 'authType' ? AUTH_NOTES[values.authType] : field.id === 'forwardAgent' && values.forwardAgent === 'yes' ? FORWARD_AGENT_WARNING : undefined}
					/>
				))}
				{state.problems.length > 0 ? (
					<Box flexDirection="column" marginTop={1}>
						{state.problems.map(problem => (
							<Box key={problem.code}>
								<Text color={PROBLEM_STYLE[problem.severity].color}>{PROBLEM_STYLE[problem.severity].mark} </Text>
								<Box flexShrink={1}>
									<Text color={PROBLEM_STYLE[problem.severity].color}>{problem.message}</Text>
								</Box>
							</Box>
						))}
					</Box>
				) : null}
				{state.status ? (
					<Box flexDirection="column" marginTop={1}>
						{state.status.lines.map((line, index) => (
							<Text key={index} color={state.status?.tone === 'error' ? 'red' : 'green'}>
								{line}
							</Text>
						))}
					</Box>
				) : null}
			</Box>
			{state.mode === 'confirm-cancel' ? (
				<Text color="yellow" bold>
					Discard your changes? y discard · n keep editing
				</Text>
			) : (
				<Text dimColor>
					Tab/↑↓ move · ←→/space change · Ctrl-s save · Esc cancel{pickerHint}
				</Text>
			)}
		</Box>
	);
}
