import {Box} from 'ink';
import {Text} from './SafeText.js';

export const MIN_COLUMNS = 40;
export const MIN_ROWS = 8;

export function isTooSmall(columns: number, rows: number): boolean {
	return columns < MIN_COLUMNS || rows < MIN_ROWS;
}

/** Shown instead of a layout that cannot fit; sessions keep running underneath. */
export function TooSmall({columns, rows}: {columns: number; rows: number}) {
	if (columns < 12 || rows < 3) return <Text wrap="truncate">{columns >= 15 ? 'vmux: too small' : 'too small'}</Text>;
	return (
		<Box flexDirection="column">
			<Text bold>Terminal too small</Text>
			<Text wrap="truncate">
				{columns}x{rows}; vmux needs {MIN_COLUMNS}x{MIN_ROWS}.
			</Text>
			<Text wrap="truncate" dimColor>
				Enlarge the window. Sessions keep running.
			</Text>
		</Box>
	);
}
