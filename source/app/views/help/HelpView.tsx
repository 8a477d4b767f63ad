import {Box, useInput} from 'ink';
import {keysText, type HelpSection} from '../../../core/commands/help-rows.js';
import {Text} from '../../components/SafeText.js';
import {useLiveState} from '../../hooks/use-live-state.js';

export interface HelpViewProps {
	/** Generated from the command table and the keys in force (core/commands/help-rows). */
	sections: HelpSection[];
	/** The section shown first: the one for where help was asked from. */
	first: HelpSection['id'];
	width: number;
	height: number;
	onClose(): void;
}

type Line = {kind: 'title' | 'note' | 'blank'; text: string} | {kind: 'row'; keys: string; name: string; help: string};

/** Narrower than this, the command-name column is left out. */
const NAME_COLUMN_MIN_WIDTH = 72;

/** `?`: every command with its keys and its name (what settings.json's "keys" rebinds); scrolls when taller than the screen. */
export function HelpView({sections, first, width, height, onClose}: HelpViewProps) {
	const ordered = [...sections].sort((a, b) => Number(b.id === first) - Number(a.id === first));
	const lines: Line[] = ordered.flatMap((section, index) => [
		...(index > 0 ? [{kind: 'blank' as const, text: ''}] : []),
		{kind: 'title' as const, text: section.title},
		...section.rows.map(row => ({kind: 'row' as const, keys: keysText(row), name: row.name, help: row.help})),
		...(section.note ? [{kind: 'note' as const, text: section.note}] : []),
	]);
	const rows = lines.filter(line => line.kind === 'row');
	const keyWidth = Math.max(...rows.map(row => row.keys.length)) + 2;
	const nameWidth = width >= NAME_COLUMN_MIN_WIDTH ? Math.max(...rows.map(row => row.name.length)) + 2 : 0;
	// Title, a blank line, and the footer.
	const bodyHeight = Math.max(1, height - 3);
	const maxOffset = Math.max(0, lines.length - bodyHeight);
	const [getOffset, setOffset] = useLiveState(0);
	const scroll = (to: number) => setOffset(Math.max(0, Math.min(maxOffset, to)));
	useInput((input, key) => {
		if (key.escape || key.return || input === 'q' || input === '?') return onClose();
		if (key.downArrow || input === 'j') return scroll(getOffset() + 1);
		if (key.upArrow || input === 'k') return scroll(getOffset() - 1);
		if (key.pageDown || input === ' ') return scroll(getOffset() + bodyHeight);
		if (key.pageUp) return scroll(getOffset() - bodyHeight);
		if (input === 'g') return scroll(0);
		if (input === 'G') return scroll(maxOffset);
	});
	const offset = Math.min(getOffset(), maxOffset);
	const visible = lines.slice(offset, offset + bodyHeight);
	const more = maxOffset > 0 ? ` · ↑/↓ PgUp/PgDn scroll (${offset + visible.length} of ${lines.length} lines)` : '';
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold wrap="truncate">
				{' vmux keys'}
			</Text>
			<Text> </Text>
			<Box flexDirection="column" height={bodyHeight} overflow="hidden">
				{visible.map((line, i) => {
					if (line.kind === 'row')
						return (
							<Text key={`${offset + i}`} wrap="truncate">
								{'  '}
								<Text bold color="cyan">
									{line.keys.padEnd(keyWidth)}
								</Text>
								{nameWidth > 0 ? <Text dimColor>{line.name.padEnd(nameWidth)}</Text> : null}
								{line.help}
							</Text>
						);
					if (line.kind === 'title')
						return (
							<Text key={`${offset + i}`} bold wrap="truncate">
								{' '}
								{line.text}
							</Text>
						);
					return (
						<Text key={`${offset + i}`} dimColor wrap="truncate">
							{line.text ? `  ${line.text}` : ' '}
						</Text>
					);
				})}
			</Box>
			<Text dimColor wrap="truncate">
				{` Esc, Enter or q closes this help${more} · settings.json "keys" rebinds, e.g. {"sort": "S"}`}
			</Text>
		</Box>
	);
}
