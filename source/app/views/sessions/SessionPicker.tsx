import {Box, useInput} from 'ink';
import {Text} from '../../components/SafeText.js';
import {loginText} from '../../../core/session/login-text.js';
import {displayText} from '../../../core/text/display-text.js';
import type {SessionManager} from '../../../core/session/session-manager.js';
import {MARK_GLYPH, sessionBadge} from '../../components/TabBar.js';
import {useLiveState} from '../../hooks/use-live-state.js';

function age(ms: number): string {
	const s = Math.floor(ms / 1000);
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m`;
	return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

/** `Ctrl-b w`: every session (every pane of every tab) with its VM, state and age; Enter focuses it. */
export function SessionPicker({manager, width, height, onPick, onClose}: {manager: SessionManager; width: number; height: number; onPick(index: number): void; onClose(): void}) {
	const [getIndex, setIndex] = useLiveState(manager.focusedIndex);
	useInput((input, key) => {
		if (key.escape || input === 'q') return onClose();
		if (key.upArrow || input === 'k') return setIndex(i => Math.max(0, i - 1));
		if (key.downArrow || input === 'j') return setIndex(i => Math.min(manager.sessions.length - 1, i + 1));
		if (key.return) return onPick(getIndex());
		// A digit is a tab's number, as on the tab bar: its active pane.
		const tab = /^[0-9]$/.test(input) ? manager.windows[Number(input)] : undefined;
		if (tab) return onPick(manager.sessions.indexOf(tab.active));
	});
	const now = Date.now();
	const index = getIndex();
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text bold> Sessions</Text>
			<Text dimColor wrap="truncate">
				{'   #     ' + 'VM'.padEnd(20) + 'STATE'.padEnd(26) + 'AGE'.padEnd(8) + 'LOGGED IN AS'}
			</Text>
			{manager.sessions.map((session, i) => {
				const badge = sessionBadge(session);
				// "tab.pane" for a pane of a split tab (the numbers on the tab bar and the pane's title), else the tab's.
				const window = manager.windowOf(session);
				const tab = window ? manager.windows.indexOf(window) : i;
				const place = window && window.panes.length > 1 ? `${tab}.${window.panes.indexOf(session)}` : String(tab);
				const connection = session.connection.state;
				const login = connection.kind === 'open' && connection.login ? displayText(loginText(connection.login, now)) : '';
				return (
					<Text key={session.id} inverse={i === index} wrap="truncate">
						{i === index ? ' ▸ ' : '   '}
						{place.padEnd(5)}
						<Text color="magenta">{manager.broadcast.isMarked(session) ? MARK_GLYPH : ' '}</Text>
						{displayText(session.label).padEnd(20)}
						<Text color={badge.colour}>{`${badge.glyph} ${badge.word}`.padEnd(26)}</Text>
						{age(now - session.createdAt).padEnd(8)}
						{login}
					</Text>
				);
			})}
			<Text> </Text>
			<Text dimColor>{` Enter focuses, 0-9 jumps to a tab, Esc closes. ${MARK_GLYPH}: marked for broadcast.`}</Text>
		</Box>
	);
}
