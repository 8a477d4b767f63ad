import {Box, useInput} from 'ink';
import {Text} from '../../components/SafeText.js';

const BROWSER_KEYS: Array<[string, string]> = [
	['j/k ↑/↓', 'move'],
	['/', 'filter (fuzzy: name, group, subscription, IP, tags)'],
	['o', 'sort by name, state, resource group, subscription or IP'],
	['!', 'doctor: check everything a connection to the VM needs'],
	['Enter', 'connect (opens the profile editor the first time)'],
	['e', 'edit the VM\'s profile'],
	['n', 'new profile'],
	['D', 'delete the VM\'s profile (asks first)'],
	['r', 'refresh the inventory'],
	['s', 'choose subscriptions'],
	['L', 'sign in to Azure with a device code'],
	['Esc', 'clear the filter / go back (never quits)'],
	['q', 'quit (asks while sessions are live)'],
];

export function sessionKeys(prefix: string): Array<[string, string]> {
	return [
		[`${prefix} c`, 'new shell on the same connection'],
		[`${prefix} n / p`, 'next / previous session'],
		[`${prefix} 0-9`, 'jump to session'],
		[`${prefix} w`, 'session picker'],
		[`${prefix} d`, 'back to the browser (sessions keep running)'],
		[`${prefix} x`, 'close session (asks first)'],
		[`${prefix} r`, 'reconnect now'],
		[`${prefix} [`, 'scrollback (PgUp/PgDn/↑/↓, q or Esc leaves)'],
		[`${prefix} ?`, 'this help'],
		[`${prefix} ${prefix}`, `send a literal ${prefix}`],
	];
}

export function HelpView({prefix, width, height, onClose}: {prefix: string; width: number; height: number; onClose(): void}) {
	useInput((input, key) => {
		if (key.escape || key.return || input === 'q' || input === '?') onClose();
	});
	const row = ([keys, what]: [string, string]) => (
		<Text key={keys} wrap="truncate">
			{'  '}
			<Text bold color="cyan">
				{keys.padEnd(14)}
			</Text>
			{what}
		</Text>
	);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold> vmux keys</Text>
			<Text> </Text>
			<Text bold> Browser</Text>
			{BROWSER_KEYS.map(row)}
			<Text> </Text>
			<Text bold> Sessions (also from the browser: {prefix} n/p/0-9/w)</Text>
			{sessionKeys(prefix).map(row)}
			<Text> </Text>
			<Text dimColor> Esc, Enter or q closes this help.</Text>
		</Box>
	);
}
