import {Box} from 'ink';
import {memo, useMemo} from 'react';
import {StyledText, Text, type StyledSegment} from '../../components/SafeText.js';
import type {PowerState, VmRecord} from '../../../core/inventory/model.js';
import {HintBar, type Hint} from '../../components/HintBar.js';
import {describeRowCount} from '../../../core/inventory/host-rows.js';
import {fit, layoutColumns} from './columns.js';
import type {VmFilter, VmMatch} from './filter.js';
import {useFilterInput} from './use-filter-input.js';
import {useBrowserState, type BrowserModel} from './use-browser-state.js';

export interface BrowserViewProps {
	/** Selection and filter; kept by the caller so they survive leaving the browser and coming back. */
	model: BrowserModel;
	vms: VmRecord[];
	/** Shown instead of "No VMs yet." when the list is empty for a reason (sign-in, network). */
	emptyMessage?: string;
	filter: VmFilter;
	hasProfile(vm: VmRecord): boolean;
	/** A power action under way on the VM (`starting… 12s`), shown in its state column. */
	activityOf?(vm: VmRecord): string | undefined;
	/** Enter in the filter box (the list's own keys are commands: app/commands). */
	onConnect(vm: VmRecord): void;
	/** The hint bar's keys, as bound now (app/commands/key-hints). */
	hints: Hint[];
	/** The sort command's key, for "sorted by name (o changes)"; undefined when unbound. */
	sortKey: string | undefined;
	width: number;
	height: number;
	/** One line about where the list came from (source, age, refresh progress). */
	status: string;
	/** A message to show above the hints (errors, confirmations). */
	notice?: {text: string; tone: 'info' | 'error'};
	isActive: boolean;
}

const STATE_COLOURS: Record<PowerState, StyledSegment['color']> = {
	running: 'green',
	starting: 'yellow',
	stopping: 'yellow',
	deallocating: 'yellow',
	stopped: 'red',
	deallocated: 'gray',
	unknown: 'gray',
};

export function BrowserView(props: BrowserViewProps) {
	const {width, height} = props;
	// Chrome: title, header, filter line, notice (up to three lines), hint bar.
	const noticeLines = props.notice ? Math.min(3, Math.max(1, Math.ceil(props.notice.text.length / Math.max(1, width)))) : 1;
	const listHeight = Math.max(1, height - 4 - noticeLines);
	const state = useBrowserState(props.model, props.vms, props.filter, listHeight);
	useFilterInput(state, props.onConnect, props.isActive);
	const columns = useMemo(() => layoutColumns(width), [width]);
	const start = Math.max(0, Math.min(state.selectedIndex - Math.floor(listHeight / 2), state.matches.length - listHeight));
	const visible = state.matches.slice(start, start + listHeight);

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Box>
				<Text bold color="cyan">
					{' vmux '}
				</Text>
				<Text wrap="truncate"> {props.status}</Text>
			</Box>
			<Text bold dimColor wrap="truncate">
				{'  ' + columns.map(c => fit(c.title, c.size)).join(' ')}
			</Text>
			<Box flexDirection="column" height={listHeight}>
				{visible.length === 0 ? (
					<Box paddingLeft={2}>
						<Text dimColor={!props.emptyMessage} color={props.emptyMessage ? 'yellow' : undefined} wrap="wrap">
							{props.vms.length === 0 ? (props.emptyMessage ?? 'No VMs yet.') : `No VM matches "${state.query}". Esc clears the filter.`}
						</Text>
					</Box>
				) : (
					visible.map((match, i) => (
						<VmRow
							// Keyed by screen row, not by VM: a new query or a scroll updates the rows in place instead of
							// unmounting them all and mounting new ones (with their Yoga nodes), which cost more than the filter.
							key={i}
							match={match}
							columns={columns}
							selected={start + i === state.selectedIndex}
							hasProfile={props.hasProfile(match.vm)}
							activity={props.activityOf?.(match.vm)}
						/>
					))
				)}
			</Box>
			<Text wrap="truncate">
				{state.filtering || state.query ? (
					<>
						<Text color="yellow">/</Text>
						<Text>{state.query}</Text>
						{state.filtering ? <Text inverse> </Text> : null}
						<Text dimColor>
							{'  '}
							{state.matches.length} of {props.vms.length}
						</Text>
					</>
				) : (
					<Text dimColor>
						{describeRowCount(props.vms)} · sorted by {state.sortKey}
						{props.sortKey ? ` (${props.sortKey} changes)` : ''}
					</Text>
				)}
			</Text>
			<Box height={noticeLines} overflow="hidden">
				<Text wrap="wrap" color={props.notice?.tone === 'error' ? 'red' : undefined}>
					{props.notice?.text ?? ''}
				</Text>
			</Box>
			<HintBar
				width={width}
				hints={
					state.filtering
						? [
								{keys: '⏎', label: 'connect'},
								{keys: '↑↓', label: 'move'},
								{keys: 'Esc', label: 'clear filter'},
							]
						: props.hints
				}
			/>
		</Box>
	);
}

/**
 * One row: the name (matches highlighted), the state (coloured), and the plain columns, drawn as one styled text.
 * Memoised: a keystroke in the filter redraws only the rows whose VM, highlight or selection changed.
 */
const VmRow = memo(
	function VmRow(props: {match: VmMatch; columns: ReturnType<typeof layoutColumns>; selected: boolean; hasProfile: boolean; activity?: string | undefined}) {
		const {vm} = props.match;
		const last = props.columns.length - 1;
		const segments: StyledSegment[] = [{text: props.selected ? '▸ ' : '  '}];
		props.columns.forEach((column, i) => {
			const text = fit(column.key === 'state' && props.activity ? props.activity : column.value(vm, props.hasProfile), column.size);
			const sep = i < last ? ' ' : '';
			if (column.key === 'name') {
				for (const run of highlightRuns(text, props.match.namePositions)) segments.push(run.marked ? {text: run.text, bold: true, color: 'yellow', underline: true} : {text: run.text, bold: true});
				segments.push({text: sep, bold: true});
			} else if (column.key === 'state') segments.push({text: text + sep, color: props.activity ? 'yellow' : STATE_COLOURS[vm.powerState]});
			else segments.push({text: text + sep});
		});
		return <StyledText wrap="truncate" inverse={props.selected} segments={segments} />;
	},
	(before, after) =>
		before.match.vm === after.match.vm &&
		before.columns === after.columns &&
		before.selected === after.selected &&
		before.hasProfile === after.hasProfile &&
		before.activity === after.activity &&
		samePositions(before.match.namePositions, after.match.namePositions),
);

function samePositions(a: readonly number[], b: readonly number[]): boolean {
	return a.length === b.length && a.every((position, i) => position === b[i]);
}

/**
 * The name cut into runs of matched and unmatched characters: one element per run, not per character (a
 * highlighted row was ~30 elements, and rendering the list cost more than filtering it).
 */
function highlightRuns(text: string, positions: readonly number[]): Array<{text: string; marked: boolean}> {
	if (positions.length === 0) return [{text, marked: false}];
	const marked = new Set(positions);
	const runs: Array<{text: string; marked: boolean}> = [];
	let index = 0;
	for (const char of text) {
		const isMarked = marked.has(index);
		const previous = runs.at(-1);
		if (previous && previous.marked === isMarked) previous.text += char;
		else runs.push({text: char, marked: isMarked});
		index++;
	}
	return runs;
}
