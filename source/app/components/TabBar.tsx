import type {ReactElement} from 'react';
import {Box} from 'ink';
import {Text} from './SafeText.js';
import {displayText} from '../../core/text/display-text.js';
import {loginText} from '../../core/session/login-text.js';
import type {BroadcastTargets} from '../../core/session/broadcast.js';
import type {SessionManager} from '../../core/session/session-manager.js';
import type {ShellSession} from '../../core/session/shell-session.js';
import type {SessionRecorder} from '../../core/recording/session-recorder.js';
import type {TransferSummary} from '../../core/files/file-sessions.js';
import type {Notice} from '../focus/ui-state.js';

/** The loud mark on a tab being recorded. */
export const REC_MARK = ' ● REC ';

/** A session's state in one glyph and colour, shared by the tab bar and the picker. */
export function sessionBadge(session: ShellSession): {glyph: string; colour: string; word: string} {
	const connection = session.connection.state;
	if (session.state.kind === 'exited')
		return {glyph: '■', colour: 'gray', word: session.state.signal ? `killed (${session.state.signal})` : `exited ${session.state.code ?? ''}`.trim()};
	switch (connection.kind) {
		case 'open':
			return session.state.kind === 'running' ? {glyph: '●', colour: 'green', word: 'open'} : {glyph: '◌', colour: 'yellow', word: 'starting'};
		case 'connecting':
			return {glyph: '◌', colour: 'yellow', word: connection.attempt > 1 ? `reconnecting (${connection.attempt})` : 'connecting'};
		case 'verifying-host-key':
			return {glyph: '◌', colour: 'yellow', word: 'verifying host key'};
		case 'authenticating':
			return {glyph: '◌', colour: 'yellow', word: 'authenticating'};
		case 'disconnected':
			return {glyph: '○', colour: 'red', word: 'disconnected'};
		case 'closed':
			return {glyph: '■', colour: 'gray', word: 'closed'};
	}
}

/** Text of the markers for tabs scrolled off either side of the bar; the short ones on narrow terminals. */
const MARKERS = {
	long: {left: (count: number) => `‹ ${count} more `, right: (count: number) => ` ${count} more ›`},
	short: {left: (count: number) => `‹${count} `, right: (count: number) => ` ${count}›`},
};

export interface TabWindow {
	start: number;
	end: number;
	markers: keyof typeof MARKERS;
}

/**
 * Which tabs fit in `room` columns with the focused one always among them: grows a window around the focus,
 * one tab to the right then one to the left, counting the "‹ n more" / "n more ›" markers the cut-off sides
 * need (or "‹n" / "n›" when even the focused tab alone leaves no room for the long ones).
 */
export function tabWindow(costs: readonly number[], focused: number, room: number): TabWindow {
	if (costs.length === 0) return {start: 0, end: 0, markers: 'long'};
	const focus = Math.min(Math.max(0, focused), costs.length - 1);
	const grow = (markers: keyof typeof MARKERS): TabWindow & {fits: boolean} => {
		const cost = (start: number, end: number) => {
			let total = start > 0 ? MARKERS[markers].left(start).length : 0;
			if (end < costs.length) total += MARKERS[markers].right(costs.length - end).length;
			for (let i = start; i < end; i++) total += costs[i]!;
			return total;
		};
		let start = focus;
		let end = focus + 1;
		for (let grew = true; grew; ) {
			grew = false;
			if (end < costs.length && cost(start, end + 1) <= room) {
				end++;
				grew = true;
			}
			if (start > 0 && cost(start - 1, end) <= room) {
				start--;
				grew = true;
			}
		}
		return {start, end, markers, fits: cost(start, end) <= room};
	};
	const long = grow('long');
	const {start, end, markers} = long.fits ? long : grow('short');
	return {start, end, markers};
}

/** Columns [from, to) of the tab bar where the tab at `index` is drawn. */
export interface TabPosition {
	index: number;
	from: number;
	to: number;
}

/**
 * Where each tab of `window` is drawn, when the bar's first `lead` columns hold other things (the name, the
 * broadcast banner): the mouse's hit test (app/mouse/tab-hits) reads these, so clicks and drawing agree.
 */
export function tabPositions(costs: readonly number[], window: TabWindow, lead: number): TabPosition[] {
	let at = lead + (window.start > 0 ? MARKERS[window.markers].left(window.start).length : 0);
	const positions: TabPosition[] = [];
	for (let index = window.start; index < window.end; index++) {
		const cost = costs[index] ?? 0;
		positions.push({index, from: at, to: at + cost});
		at += cost;
	}
	return positions;
}

/** The marked-for-broadcast glyph (`prefix m`), in the tab bar and the session picker. */
export const MARK_GLYPH = '◆';
/** A tab whose session receives broadcast input. */
export const RECEIVING_GLYPH = '»';

/** The loud banner while broadcasting: how many sessions receive, and whether they are the marked ones or the tab's panes. */
export function broadcastBanner(targets: BroadcastTargets): string {
	const count = targets.receivers.length;
	const who = targets.scope === 'marked' ? `${count} marked` : `${count} pane${count === 1 ? '' : 's'} of this tab`;
	const skipped = targets.skipped.length > 0 ? ` · ${targets.skipped.length} skipped` : '';
	return ` BROADCAST → ${who}${skipped} `;
}

export interface TabBarProps {
	manager: SessionManager;
	width: number;
	prefixPending: boolean;
	prefixLabel: string;
	/** Marks the tabs being recorded. */
	recorder?: SessionRecorder;
	/** A short message (recording started, stopped) shown on the right for a while. */
	flash?: Notice;
	/** Told where the tabs are drawn, at every render (the mouse's hit test). */
	onLayout?: (tabs: readonly TabPosition[]) => void;
	/** File transfers running in the background (the file view): a short indicator while any runs. */
	transfers?: TransferSummary;
}

/** `⇅ 2 41%`: how many transfers run and how far they are, in a few cells. */
export function transferIndicator(summary: TransferSummary | undefined): string {
	if (!summary || summary.active === 0) return '';
	const percent = summary.bytesTotal > 0 ? ` ${Math.floor((summary.bytesDone / summary.bytesTotal) * 100)}%` : '';
	return ` ⇅ ${summary.active}${percent} ·`;
}

export function TabBar({manager, width, prefixPending, prefixLabel, recorder, flash, onLayout, transfers}: TabBarProps) {
	const help = prefixPending ? ` ${prefixLabel} … ` : ` ${prefixLabel} ? help `;
	const broadcast = manager.broadcastTargets();
	// On a narrow bar the banner says only how many receive, so the focused tab still fits beside it.
	const fullBanner = broadcast ? broadcastBanner(broadcast) : '';
	const banner = broadcast && width - 6 - help.length - fullBanner.length < 24 ? ` BROADCAST → ${broadcast.receivers.length} ` : fullBanner;
	// Who the focused session is logged in as, when that is worth saying (an Entra ID certificate and its expiry),
	// and whether its Bastion records it too; a flash message takes their place for a while. Dropped first when
	// the bar is narrow.
	const connection = manager.focused?.connection.state;
	const login = connection?.kind === 'open' && connection.login ? ` ${displayText(loginText(connection.login))} ·` : '';
	const bastion = manager.focused?.connection.spec.bastionRecords ? ' Bastion records ·' : '';
	const moving = transferIndicator(transfers);
	const status = flash ? ` ${displayText(flash.text).slice(0, Math.max(0, width - help.length - 30 - moving.length))} ·${moving}` : `${moving}${bastion}${login}`;
	const right = status && width - status.length - help.length >= 40 ? `${status}${help}` : help;
	// One tab per window: its name (or its active pane's VM), how many panes it holds, and the states of all of them.
	const entries = manager.windows.map((window, index) => {
		const session = window.active;
		const panes = window.panes;
		const badge = sessionBadge(session);
		const marked = panes.some(pane => manager.broadcast.isMarked(pane));
		const receiving = panes.some(pane => broadcast?.receivers.includes(pane) ?? false);
		const skipped = panes.some(pane => broadcast?.skipped.includes(pane) ?? false);
		const flags = `${receiving ? RECEIVING_GLYPH : ''}${marked ? MARK_GLYPH : ''}`;
		const count = panes.length > 1 ? ` [${panes.length}${window.zoomed ? ' Z' : ''}]` : '';
		const label = `${index}:${displayText(window.name ?? session.label)}${count}${badge.word === 'open' ? '' : ` ${badge.word}`}${skipped ? ' skipped' : ''}`;
		const recording = panes.some(pane => recorder?.recordingOf(pane) !== undefined);
		return {key: window.id, index, badge, label, flags, receiving, skipped, recording, cost: label.length + flags.length + 4 + (recording ? REC_MARK.length : 0)};
	});
	// The focused tab is always on the bar (with 9+ sessions they do not all fit): scroll the others around it.
	const {start, end, markers} = tabWindow(
		entries.map(entry => entry.cost),
		manager.activeWindowIndex,
		width - 6 - right.length - banner.length,
	);
	// The mouse's hit test: where these tabs land, after ' vmux ' (6 columns) and the banner.
	onLayout?.(tabPositions(entries.map(entry => entry.cost), {start, end, markers}, 6 + banner.length));
	const tabs: ReactElement[] = entries.slice(start, end).map(({key, index, badge, label, flags, receiving, skipped, recording}) => {
		const focused = index === manager.activeWindowIndex;
		return (
			<Text key={key}>
				<Text inverse={focused} bold={focused || receiving}>
					{' '}
					<Text color={badge.colour}>{badge.glyph}</Text>{' '}
					{flags ? <Text color={receiving ? 'red' : 'magenta'}>{flags}</Text> : null}
					<Text color={receiving ? 'red' : skipped ? 'yellow' : undefined}>{label}</Text>{' '}
				</Text>
				{recording ? (
					<Text backgroundColor="red" color="white" bold>
						{REC_MARK}
					</Text>
				) : null}
			</Text>
		);
	});
	if (start > 0) tabs.unshift(<Text key="hidden-left" dimColor>{MARKERS[markers].left(start)}</Text>);
	if (end < entries.length) tabs.push(<Text key="hidden-right" dimColor>{MARKERS[markers].right(entries.length - end)}</Text>);
	return (
		<Box width={width} justifyContent="space-between">
			<Box>
				<Text bold color="cyan">
					{' vmux '}
				</Text>
				{banner ? (
					<Text bold inverse color="red">
						{banner}
					</Text>
				) : null}
				{tabs}
			</Box>
			<Text>
				{right !== help ? <Text color={flash?.tone === 'error' ? 'red' : flash ? 'yellow' : 'green'}>{right.slice(0, right.length - help.length)}</Text> : null}
				<Text inverse={prefixPending} dimColor={!prefixPending}>
					{help}
				</Text>
			</Text>
		</Box>
	);
}
