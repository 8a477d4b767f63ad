import {useSyncExternalStore} from 'react';
import {Box} from 'ink';
import {Text} from '../../components/SafeText.js';
import {formatBytes, formatEta, formatMode, formatMtime, formatRate} from '../../../core/files/file-format.js';
import type {TransferSnapshot} from '../../../core/files/transfer-queue.js';
import {displayText} from '../../../core/text/display-text.js';
import type {FilesModel} from './files-model.js';
import {useFilesInput} from './use-files-input.js';

export interface FilesViewProps {
	model: FilesModel;
	width: number;
	height: number;
	/** False while a dialog (the delete question) has the keyboard. */
	isActive: boolean;
}

const HELP = ' ⏎ open/download  ⌫ up  u upload  s download  m mkdir  r rename  d delete  x cancel  Tab transfers  Esc back';

/** A progress bar `[#####-----]` of `width` cells. */
export function progressBar(done: number, total: number | undefined, width: number): string {
	const inner = Math.max(1, width - 2);
	const fraction = total ? Math.min(1, done / total) : 0;
	const full = Math.round(fraction * inner);
	return `[${'#'.repeat(full)}${'-'.repeat(inner - full)}]`;
}

/** One transfer's line: direction, name, bar, bytes, rate, ETA, or how it ended. */
export function transferLine(t: TransferSnapshot, width: number): string {
	const arrow = t.direction === 'upload' ? '↑' : '↓';
	const name = t.label.slice(0, 24).padEnd(25);
	const bytes = `${formatBytes(t.bytesDone)}/${t.bytesTotal === undefined ? '?' : formatBytes(t.bytesTotal)}`;
	if (t.state === 'running' || t.state === 'queued') {
		const tail = t.state === 'queued' ? ' queued' : ` ${bytes} ${formatRate(t.rate)} ETA ${formatEta(t.etaSeconds)}`;
		const barWidth = Math.max(6, Math.min(30, width - name.length - tail.length - 4));
		return ` ${arrow} ${name}${progressBar(t.bytesDone, t.bytesTotal, barWidth)}${tail}`;
	}
	if (t.state === 'done') return ` ${arrow} ${name}done ${bytes}${t.verified === 'sha256' ? ', sha256 ✓' : ', size ✓'}${t.resumedBytes > 0 ? `, resumed at ${formatBytes(t.resumedBytes)}` : ''}`;
	if (t.state === 'cancelled') return ` ${arrow} ${name}cancelled at ${bytes}`;
	return ` ${arrow} ${name}failed: ${t.error ?? ''}`;
}

/** The remote directory (name, size, mode, mtime), the picker or prompt in use, and the transfers. */
export function FilesView({model, width, height, isActive}: FilesViewProps) {
	const s = useSyncExternalStore(model.subscribe, model.getSnapshot);
	useFilesInput(model, s, isActive);
	const transfers = s.transfers.slice(-5);
	const below = transfers.length + 3;
	const rows = Math.max(1, height - 2 - below);
	const mode = s.mode;
	const message = s.message;
	const nameWidth = Math.max(10, width - 44);
	const listing = () => {
		if (s.entries.length === 0) return [<Text key="empty" dimColor>{s.loading ? ' Loading…' : ' (empty directory)'}</Text>];
		const first = Math.max(0, Math.min(s.selected - Math.floor(rows / 2), s.entries.length - rows));
		return s.entries.slice(first, first + rows).map((entry, i) => {
			const at = first + i;
			const selected = at === s.selected && s.focus === 'entries';
			const name = entry.label + (entry.kind === 'dir' ? '/' : entry.kind === 'link' ? '@' : '');
			return (
				<Text key={entry.name} inverse={selected} color={entry.kind === 'dir' ? 'blue' : undefined} wrap="truncate">
					{selected ? ' ▸ ' : '   '}
					{name.slice(0, nameWidth - 1).padEnd(nameWidth)}
					{(entry.kind === 'dir' ? '' : formatBytes(entry.size)).padStart(9)}
					{'  '}
					{formatMode(entry.mode)}
					{'  '}
					{formatMtime(entry.mtime)}
				</Text>
			);
		});
	};
	const picker = () => {
		if (mode.kind !== 'picker') return [];
		const shown = mode.results.slice(0, Math.max(1, rows - 1));
		return [
			<Text key="q" wrap="truncate">
				{' Upload: '}
				<Text color="cyan">{mode.query}</Text>
				{'▏'}
				<Text dimColor>{`  ${mode.results.length} match${mode.results.length === 1 ? '' : 'es'}${mode.truncated ? ' (listing capped)' : ''} · ⏎ upload · Esc cancel`}</Text>
			</Text>,
			...shown.map((c, i) => (
				<Text key={c.path} inverse={i === mode.selected} wrap="truncate">
					{i === mode.selected ? ' ▸ ' : '   '}
					{c.label}
				</Text>
			)),
		];
	};
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold wrap="truncate">
				{` Files · ${s.title} · ${s.cwd ? displayText(s.cwd) : '…'}`}
			</Text>
			<Text dimColor wrap="truncate">
				{'   ' + 'NAME'.padEnd(nameWidth) + 'SIZE'.padStart(9) + '  ' + 'MODE'.padEnd(10) + '  MODIFIED'}
			</Text>
			<Box flexDirection="column" height={rows} overflow="hidden">
				{mode.kind === 'picker' ? picker() : listing()}
			</Box>
			<Text dimColor wrap="truncate">
				{transfers.length > 0 ? ` Transfers${s.focus === 'transfers' ? ' (x cancels the selected one)' : ''}:` : ' '}
			</Text>
			{transfers.map(t => {
				const selected = s.focus === 'transfers' && s.transfers[s.transferSelected]?.id === t.id;
				return (
					<Text key={t.id} inverse={selected} color={t.state === 'failed' ? 'red' : t.state === 'done' ? 'green' : undefined} wrap="truncate">
						{transferLine(t, width)}
					</Text>
				);
			})}
			{mode.kind === 'prompt' ? (
				<Text wrap="truncate">
					{` ${mode.label}: `}
					<Text color="cyan">{mode.value}</Text>
					{'▏'}
					<Text dimColor>{'  ⏎ ok · Esc cancel'}</Text>
				</Text>
			) : (
				<Text wrap="truncate" color={message ? (message.tone === 'error' ? 'red' : 'yellow') : undefined} dimColor={!message}>
					{message ? ` ${message.text}` : HELP}
				</Text>
			)}
		</Box>
	);
}
