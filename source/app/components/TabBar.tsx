import type {ReactElement} from 'react';
import {Box} from 'ink';
import {Text} from './SafeText.js';
import {displayText} from '../../core/text/display-text.js';
import type {SessionManager} from '../../core/session/session-manager.js';
import type {ShellSession} from '../../core/session/shell-session.js';

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

export function TabBar({manager, width, prefixPending, prefixLabel}: {manager: SessionManager; width: number; prefixPending: boolean; prefixLabel: string}) {
	const right = prefixPending ? ` ${prefixLabel} … ` : ` ${prefixLabel} ? help `;
	let used = 6 + right.length;
	const tabs: ReactElement[] = [];
	manager.sessions.forEach((session, index) => {
		const badge = sessionBadge(session);
		const label = `${index}:${displayText(session.label)}${badge.word === 'open' ? '' : ` ${badge.word}`}`;
		const cost = label.length + 4;
		if (used + cost > width) return;
		used += cost;
		const focused = index === manager.focusedIndex;
		tabs.push(
			<Text key={session.id} inverse={focused} bold={focused}>
				{' '}
				<Text color={badge.colour}>{badge.glyph}</Text> {label}{' '}
			</Text>,
		);
	});
	return (
		<Box width={width} justifyContent="space-between">
			<Box>
				<Text bold color="cyan">
					{' vmux '}
				</Text>
				{tabs}
			</Box>
			<Text inverse={prefixPending} dimColor={!prefixPending}>
				{right}
			</Text>
		</Box>
	);
}
