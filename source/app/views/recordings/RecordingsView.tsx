import {useState} from 'react';
import {Box, useInput} from 'ink';
import {Text} from '../../components/SafeText.js';
import {displayText} from '../../../core/text/display-text.js';
import {listRecordings, type RecordingFile} from '../../../core/recording/recordings-dir.js';
import {useLiveState} from '../../hooks/use-live-state.js';
import {hintKeys} from '../../../core/commands/hint-keys.js';

export interface RecordingsViewProps {
	dir: string;
	/** Recordings being written now: marked, and not deletable. */
	activePaths: readonly string[];
	width: number;
	height: number;
	/** False while a dialog (the delete question) has the keyboard. */
	isActive: boolean;
	/** Asks, then deletes (the dialog replaces this view meanwhile, so the outcome comes back as `notice`). */
	onDelete(file: RecordingFile): void;
	/** The last outcome to show (deleted, or why not). */
	notice?: {text: string; tone: 'info' | 'error'};
	onClose(): void;
}

/** `1m05s`, `2h03m`, `12s`. */
export function formatDuration(seconds: number): string {
	const s = Math.floor(seconds);
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
	return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `512 B`, `14.2 KiB`, `3.1 MiB`. */
export function formatSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function formatStart(ms: number): string {
	const date = new Date(ms);
	const two = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** The recordings directory: VM, start, duration and size of each file; D deletes one (after asking). */
export function RecordingsView({dir, activePaths, width, height, isActive, onDelete, notice, onClose}: RecordingsViewProps) {
	const [files, setFiles] = useState(() => listRecordings(dir));
	const [getIndex, setIndex] = useLiveState(0);
	const [message, setMessage] = useState<string | undefined>();
	const reload = () => setFiles(listRecordings(dir));
	useInput((input, key) => {
		if (key.escape || input === 'q') return onClose();
		if (key.upArrow || input === 'k') return setIndex(i => Math.max(0, i - 1));
		if (key.downArrow || input === 'j') return setIndex(i => Math.min(Math.max(0, files.length - 1), i + 1));
		if (input === 'r') return reload();
		if (input === 'D' || input === 'd' || key.delete) {
			const file = files[getIndex()];
			if (!file) return;
			if (activePaths.includes(file.path)) return setMessage(`${file.name} is still being recorded: stop it first (${hintKeys().record} in its session).`);
			setMessage(undefined);
			onDelete(file);
		}
	}, {isActive});
	const index = Math.min(getIndex(), Math.max(0, files.length - 1));
	const selected = files[index];
	const rows = Math.max(1, height - 6);
	const first = Math.max(0, Math.min(index - Math.floor(rows / 2), files.length - rows));
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold wrap="truncate">
				{` Recordings · ${displayText(dir)}`}
			</Text>
			<Text dimColor wrap="truncate">
				{'   ' + 'VM'.padEnd(22) + 'STARTED'.padEnd(21) + 'DURATION'.padEnd(10) + 'SIZE'}
			</Text>
			{files.length === 0 ? <Text dimColor> No recordings yet: {hintKeys().record} in a session starts one.</Text> : null}
			{files.slice(first, first + rows).map((file, i) => {
				const at = first + i;
				const active = activePaths.includes(file.path);
				return (
					<Text key={file.path} inverse={at === index} wrap="truncate">
						{at === index ? ' ▸ ' : '   '}
						{displayText(file.vm).slice(0, 21).padEnd(22)}
						{formatStart(file.startedAt).padEnd(21)}
						{formatDuration(file.duration).padEnd(10)}
						{formatSize(file.size).padEnd(10)}
						{active ? <Text color="red" bold>● REC</Text> : null}
					</Text>
				);
			})}
			<Text> </Text>
			<Text dimColor wrap="truncate">
				{selected ? ` Play it: asciinema play ${displayText(selected.path)}` : ' '}
			</Text>
			<Text wrap="truncate" color={message ?? notice ? (notice?.tone === 'error' && !message ? 'red' : 'yellow') : undefined} dimColor={!(message ?? notice)}>
				{message ? ` ${message}` : notice ? ` ${notice.text}` : ' ↑/↓ move, D deletes (asks), r reloads, Esc closes.'}
			</Text>
		</Box>
	);
}
