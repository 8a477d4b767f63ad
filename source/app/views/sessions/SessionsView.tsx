import {useEffect, useState} from 'react';
import {Box, useInput} from 'ink';
import {disconnectStatus} from '../../../core/session/disconnect-text.js';
import {Text} from '../../components/SafeText.js';
import type {SessionManager} from '../../../core/session/session-manager.js';
import type {ShellSession} from '../../../core/session/shell-session.js';
import type {PanePainter} from '../../screen/pane-painter.js';

export interface SessionsViewProps {
	manager: SessionManager;
	painter: PanePainter;
	/** Screen row (0-based) where this view starts. */
	top: number;
	width: number;
	height: number;
	scrollback: boolean;
	onLeaveScrollback(): void;
}

/** The focused session's pane, with a status line while it is not live, and scrollback mode. */
export function SessionsView({manager, painter, top, width, height, scrollback, onLeaveScrollback}: SessionsViewProps) {
	const session = manager.focused;
	const [offset, setOffset] = useState(0);
	useEffect(() => setOffset(0), [scrollback, session]);
	// While a retry is scheduled, redraw each second so the countdown moves.
	const [, tick] = useState(0);
	const retryAt = session?.connection.state.kind === 'disconnected' ? session.connection.state.retryAt : undefined;
	useEffect(() => {
		if (retryAt === undefined) return;
		const timer = setInterval(() => tick(n => n + 1), 1000);
		return () => clearInterval(timer);
	}, [retryAt]);
	useInput(
		(input, key) => {
			if (!session) return;
			const max = session.terminal.snapshot({scrollOffset: Number.MAX_SAFE_INTEGER}).scrollbackLength;
			const page = Math.max(1, height - 2);
			if (key.escape || input === 'q') return onLeaveScrollback();
			if (key.pageUp || (key.ctrl && input === 'b')) return setOffset(o => Math.min(max, o + page));
			if (key.pageDown || (key.ctrl && input === 'f')) return setOffset(o => Math.max(0, o - page));
			if (key.upArrow || input === 'k') return setOffset(o => Math.min(max, o + 1));
			if (key.downArrow || input === 'j') return setOffset(o => Math.max(0, o - 1));
			if (input === 'g') return setOffset(max);
			if (input === 'G') return setOffset(0);
		},
		{isActive: scrollback},
	);
	if (!session) {
		return (
			<Box width={width} height={height} flexDirection="column">
				<Text dimColor> No sessions. Ctrl-b d returns to the browser.</Text>
			</Box>
		);
	}
	const status = statusLine(session, scrollback, offset);
	const paneHeight = status ? height - 1 : height;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<PaneArea painter={painter} top={top} width={width} height={paneHeight} scrollOffset={offset} />
			{status ? (
				<Text wrap="truncate" inverse color={status.colour}>
					{` ${status.text}`.padEnd(width)}
				</Text>
			) : null}
		</Box>
	);
}

/** The pane's place in Ink's layout: Ink leaves it blank, the painter draws the session into it. */
function PaneArea({painter, top, width, height, scrollOffset}: {painter: PanePainter; top: number; width: number; height: number; scrollOffset: number}) {
	// Geometry only (which session is painted, and whether, comes from focus/derive-focus). During render,
	// not in an effect: the region must be right before Ink writes this frame, or a paint with the old
	// region could land on the status line Ink is about to draw.
	painter.setRegion({top, cols: width, rows: height}, scrollOffset);
	return <Box width={width} height={height} />;
}

export function statusLine(session: ShellSession, scrollback: boolean, offset: number): {text: string; colour: string} | undefined {
	if (scrollback) return {text: `scrollback: ${offset} lines up · PgUp/PgDn ↑/↓ g/G · q or Esc leaves`, colour: 'cyan'};
	if (session.state.kind === 'exited') {
		const how = session.state.signal ? `killed by ${session.state.signal}` : `exited with status ${session.state.code}`;
		return {text: `The shell ${how}. Ctrl-b x closes this pane, Ctrl-b c opens another shell.`, colour: 'gray'};
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
