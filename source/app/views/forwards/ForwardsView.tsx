import {useEffect, useReducer} from 'react';
import {Box, useInput} from 'ink';
import {Text} from '../../components/SafeText.js';
import type {ForwardSet, ForwardState} from '../../../core/forwards/forward-set.js';
import {describeForward} from '../../../core/forwards/spec.js';
import {displayText} from '../../../core/text/display-text.js';
import {useLiveState} from '../../hooks/use-live-state.js';
import {formatSize} from '../recordings/RecordingsView.js';

export interface ForwardsViewProps {
	/** The focused session's connection's forwards (core/forwards). */
	forwards: ForwardSet;
	/** The VM (or host) the connection goes to. */
	vm: string;
	width: number;
	height: number;
	/** False while a dialog (add, delete) has the keyboard. */
	isActive: boolean;
	onToggle(index: number): void;
	onAdd(): void;
	onDelete(index: number): void;
	/** The last outcome (saved, or why not). */
	notice?: {text: string; tone: 'info' | 'error'};
	onClose(): void;
}

const STATE_TEXT: Record<ForwardState, {text: string; color?: string}> = {
	listening: {text: 'listening', color: 'green'},
	failed: {text: 'failed', color: 'red'},
	off: {text: 'off'},
	waiting: {text: 'waiting', color: 'yellow'},
	starting: {text: 'starting', color: 'yellow'},
};

/**
 * `prefix F`: the port forwards of the focused session's connection, each with its state (listening / failed, with
 * the reason / off / waiting for the connection), bytes both ways and connections open; space turns one on or off,
 * a adds one (typed as ssh writes it), d deletes one (asks). Changes are saved to the profile.
 */
export function ForwardsView({forwards, vm, width, height, isActive, onToggle, onAdd, onDelete, notice, onClose}: ForwardsViewProps) {
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	useEffect(() => {
		// Bytes move without a state change: redraw on changes, and twice a second for the counters.
		forwards.on('change', redraw);
		const timer = setInterval(redraw, 500);
		return () => {
			forwards.off('change', redraw);
			clearInterval(timer);
		};
	}, [forwards]);
	const statuses = forwards.statuses();
	const [getIndex, setIndex] = useLiveState(0);
	const last = () => Math.max(0, forwards.statuses().length - 1);
	useInput(
		(input, key) => {
			if (key.escape || input === 'q') return onClose();
			if (key.upArrow || input === 'k') return setIndex(i => Math.max(0, i - 1));
			if (key.downArrow || input === 'j') return setIndex(i => Math.min(last(), i + 1));
			if (input === ' ' && forwards.statuses().length > 0) return onToggle(Math.min(getIndex(), last()));
			if (input === 'a') return onAdd();
			if ((input === 'd' || input === 'D' || key.delete) && forwards.statuses().length > 0) return onDelete(Math.min(getIndex(), last()));
		},
		{isActive},
	);
	const index = Math.min(getIndex(), Math.max(0, statuses.length - 1));
	const selected = statuses[index];
	const rows = Math.max(1, height - 7);
	const first = Math.max(0, Math.min(index - Math.floor(rows / 2), statuses.length - rows));
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold wrap="truncate">
				{` Port forwards · ${displayText(vm)}`}
			</Text>
			<Text dimColor wrap="truncate">
				{'   ' + 'FORWARD'.padEnd(56) + 'STATE'.padEnd(11) + 'OUT'.padEnd(11) + 'IN'.padEnd(11) + 'CONNS'}
			</Text>
			{statuses.length === 0 ? <Text dimColor> No forwards yet: a adds one (L 8080:localhost:80, R 9000:localhost:3000, D 1080).</Text> : null}
			{statuses.slice(first, first + rows).map((status, i) => {
				const at = first + i;
				const state = STATE_TEXT[status.state];
				const flag = status.forward.kind === 'local' ? '-L' : status.forward.kind === 'remote' ? '-R' : '-D';
				return (
					<Text key={at} inverse={at === index} wrap="truncate">
						{at === index ? ' ▸ ' : '   '}
						{displayText(`${flag} ${describeForward(status.forward, vm)}`).slice(0, 55).padEnd(56)}
						<Text color={state.color}>{state.text.padEnd(11)}</Text>
						{formatSize(status.bytesOut).padEnd(11)}
						{formatSize(status.bytesIn).padEnd(11)}
						{`${status.open} open, ${status.total} in all`}
					</Text>
				);
			})}
			<Text> </Text>
			<Text wrap="wrap" color={selected?.reason ? (selected.state === 'failed' ? 'red' : 'yellow') : undefined} dimColor={!selected?.reason}>
				{selected?.reason ? ` ${displayText(selected.reason)}` : ' '}
			</Text>
			<Text wrap="truncate" color={notice ? (notice.tone === 'error' ? 'red' : 'yellow') : undefined} dimColor={!notice}>
				{notice ? ` ${notice.text}` : ' ↑/↓ move, space turns on/off, a adds, d deletes (asks), Esc closes. Saved to the profile.'}
			</Text>
		</Box>
	);
}
