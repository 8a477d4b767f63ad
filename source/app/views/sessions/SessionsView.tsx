import {useEffect, useReducer, useState} from 'react';
import {Box, useInput} from 'ink';
import {disconnectStatus} from '../../../core/session/disconnect-text.js';
import {Text} from '../../components/SafeText.js';
import type {SessionManager} from '../../../core/session/session-manager.js';
import type {ShellSession} from '../../../core/session/shell-session.js';
import type {PanePainter} from '../../screen/pane-painter.js';
import {copyModeStatus, type CopyModeFlow} from '../../copy-mode/copy-mode-flow.js';
import {hintKeys} from '../../../core/commands/hint-keys.js';

export interface SessionsViewProps {
	manager: SessionManager;
	painter: PanePainter;
	/** Screen row (0-based) where this view starts. */
	top: number;
	width: number;
	height: number;
	/** Copy mode, while it has the pane (its keys are the command table's; only the search prompt's text is typed here). */
	copyMode: CopyModeFlow | undefined;
}

/** The focused session's pane, with a status line while it is not live or in copy mode. */
export function SessionsView({manager, painter, top, width, height, copyMode}: SessionsViewProps) {
	const session = manager.focused;
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	useEffect(() => {
		if (!copyMode) return;
		copyMode.on('change', redraw);
		return () => void copyMode.off('change', redraw);
	}, [copyMode]);
	// While a retry is scheduled, redraw each second so the countdown moves.
	const [, tick] = useState(0);
	const retryAt = session?.connection.state.kind === 'disconnected' ? session.connection.state.retryAt : undefined;
	useEffect(() => {
		if (retryAt === undefined) return;
		const timer = setInterval(() => tick(n => n + 1), 1000);
		return () => clearInterval(timer);
	}, [retryAt]);
	// The search prompt is text: the focus gives its keys to the views while it is open.
	useInput(
		(input, key) => {
			const prompt = copyMode?.prompt;
			if (!copyMode || !prompt) return;
			if (key.escape) return copyMode.cancelSearch();
			if (key.return) return copyMode.submitSearch();
			if (key.backspace || key.delete) return copyMode.editSearch([...prompt.text].slice(0, -1).join(''));
			if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab) return;
			if (input) copyMode.editSearch(prompt.text + input);
		},
		{isActive: copyMode?.prompt !== undefined},
	);
	if (!session) {
		return (
			<Box width={width} height={height} flexDirection="column">
				<Text dimColor> No sessions. {hintKeys().detach} returns to the browser.</Text>
			</Box>
		);
	}
	const status = copyMode?.active ? {text: copyModeStatus(copyMode), colour: 'cyan'} : statusLine(session);
	const paneHeight = status ? height - 1 : height;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<PaneArea painter={painter} top={top} width={width} height={paneHeight} layoutHeight={height} />
			{status ? (
				<Text wrap="truncate" inverse color={status.colour}>
					{` ${status.text}`.padEnd(width)}
				</Text>
			) : null}
		</Box>
	);
}

/**
 * The panes' place in Ink's layout: Ink leaves it blank, the painter draws the active tab's panes into it.
 * The panes are laid out over `layoutHeight` rows (the PTYs' sizes) and drawn in the first `height` (a
 * status line may take the last row for a while, without resizing any PTY).
 */
function PaneArea({painter, top, width, height, layoutHeight}: {painter: PanePainter; top: number; width: number; height: number; layoutHeight: number}) {
	// Geometry only (which session is painted, and whether, comes from focus/derive-focus). During render,
	// not in an effect: the region must be right before Ink writes this frame, or a paint with the old
	// region could land on the status line Ink is about to draw.
	painter.setRegion({top, cols: width, rows: height, layoutRows: layoutHeight});
	return <Box width={width} height={height} />;
}

export function statusLine(session: ShellSession): {text: string; colour: string} | undefined {
	if (session.state.kind === 'exited') {
		const how = session.state.signal ? `killed by ${session.state.signal}` : `exited with status ${session.state.code}`;
		const keys = hintKeys();
		return {text: `The shell ${how}. ${keys.close} closes this pane, ${keys.newWindow} opens another shell.`, colour: 'gray'};
	}
	const state = session.connection.state;
	switch (state.kind) {
		case 'disconnected':
			// Short: the whole message is in the pane, above (ShellSession.detach).
			return {text: disconnectStatus(state), colour: 'red'};
		case 'connecting':
			return {text: state.attempt > 1 ? `Reconnecting (attempt ${state.attempt}) via ${session.connection.spec.transport.description}…` : `Connecting via ${session.connection.spec.transport.description}…`, colour: 'yellow'};
		case 'verifying-host-key':
			return {text: 'Verifying the host key…', colour: 'yellow'};
		case 'authenticating':
			if (state.method) return {text: `Authenticating with ${state.method}…`, colour: 'yellow'};
			return {text: `${state.activity ?? 'Authenticating'}…`, colour: 'yellow'};
		default:
			return undefined;
	}
}
