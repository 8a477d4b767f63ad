import {Box} from 'ink';
import {Text} from './SafeText.js';

export interface Hint {
	keys: string;
	label: string;
}

/** One line of key hints; drops hints from the end rather than wrapping. */
export function HintBar({hints, width}: {hints: Hint[]; width: number}) {
	const shown: Hint[] = [];
	let used = 0;
	for (const hint of hints) {
		const cost = hint.keys.length + hint.label.length + 3;
		if (used + cost > width) break;
		shown.push(hint);
		used += cost;
	}
	return (
		<Box>
			{shown.map(hint => (
				<Text key={hint.keys + hint.label}>
					<Text bold color="cyan">
						{hint.keys}
					</Text>
					<Text dimColor> {hint.label}  </Text>
				</Text>
			))}
		</Box>
	);
}
