import {useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import type {ShellSession} from '../../core/session/shell-session.js';

export interface PaneProps {
	session: ShellSession;
	width: number;
	height: number;
	maxFps: number;
	/** Lines scrolled back into history (scrollback mode); 0 = live screen. */
	scrollOffset: number;
}

/**
 * Renders one session's screen. Only the focused session has a pane, and it re-renders only when its
 * emulator reports a change, at most `maxFps` times a second (DESIGN §7: a full Ink frame is expensive).
 */
export function Pane({session, width, height, maxFps, scrollOffset}: PaneProps) {
	const take = () => session.terminal.snapshot({scrollOffset, drawCursor: scrollOffset === 0});
	const [snapshot, setSnapshot] = useState(take);
	useEffect(() => {
		setSnapshot(take());
		const interval = 1000 / Math.max(1, maxFps);
		let last = 0;
		let timer: NodeJS.Timeout | undefined;
		const update = () => {
			if (timer) return;
			const wait = Math.max(0, last + interval - Date.now());
			timer = setTimeout(() => {
				timer = undefined;
				last = Date.now();
				setSnapshot(take());
			}, wait);
		};
		session.on('change', update);
		return () => {
			session.off('change', update);
			clearTimeout(timer);
		};
	}, [session, scrollOffset, maxFps, width, height]);
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{snapshot.lines.slice(0, height).map((line, index) => (
				<Text key={index} wrap="truncate">
					{line}
				</Text>
			))}
		</Box>
	);
}
