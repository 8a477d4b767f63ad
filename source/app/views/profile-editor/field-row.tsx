/**
 * One line of the editor: label, then the value as a text input (with cursor), a choice (‹ option ›) or a
 * locked line; the field's problem underneath.
 */
import {Box} from 'ink';
import {Text} from '../../components/SafeText.js';
import type {FieldSpec} from './editor-model.js';

export const LABEL_WIDTH = 19;

export interface FieldRowProps {
	field: FieldSpec;
	/** The text, or the chosen option's value, for this field. */
	value: string;
	focused: boolean;
	cursor: number;
	error?: string;
	note?: string;
}

export function FieldRow({field, value, focused, cursor, error, note}: FieldRowProps) {
	return (
		<Box flexDirection="column">
			<Box>
				<Text color={focused ? 'cyan' : undefined} bold={focused}>
					{focused ? '› ' : '  '}
					{field.label.padEnd(LABEL_WIDTH - 2)}
				</Text>
				<FieldValue field={field} value={value} focused={focused} cursor={cursor} />
			</Box>
			{note ? (
				<Box marginLeft={LABEL_WIDTH}>
					<Text dimColor>{note}</Text>
				</Box>
			) : null}
			{error ? (
				<Box marginLeft={LABEL_WIDTH}>
					<Text color="red">✗ {error}</Text>
				</Box>
			) : null}
		</Box>
	);
}

function FieldValue({field, value, focused, cursor}: Omit<FieldRowProps, 'error' | 'note'>) {
	if (field.kind === 'locked') return <Text dimColor>{field.text}</Text>;
	if (field.kind === 'choice') {
		const index = field.options.indexOf(value);
		const label = index === -1 ? (value === '' ? 'none chosen' : `${field.labelOf?.(value) ?? value} (not available here)`) : field.optionLabels[index];
		if (field.options.length === 0) return <Text dimColor>none available</Text>;
		return focused ? (
			<Text color="cyan">
				‹ {label} ›<Text dimColor>{`  ${index + 1 || '-'}/${field.options.length}`}</Text>
			</Text>
		) : (
			<Text>{label}</Text>
		);
	}
	const prefix = field.id === 'port' ? 'SSH · port ' : '';
	if (!focused) {
		return value === '' && field.placeholder ? (
			<Text dimColor>{field.placeholder}</Text>
		) : (
			<Text>
				{prefix}
				{value}
			</Text>
		);
	}
	if (value === '') {
		return (
			<Text>
				{prefix}
				<Text inverse> </Text>
				{field.placeholder ? <Text dimColor>{field.placeholder}</Text> : null}
			</Text>
		);
	}
	return (
		<Text wrap="truncate-start">
			{prefix}
			{value.slice(0, cursor)}
			<Text inverse>{value.charAt(cursor) || ' '}</Text>
			{value.slice(cursor + 1)}
		</Text>
	);
}
